"""WACZ evidence bundles: py-wacz's validator accepts them, every record is checked before it is
copied, the original sits beside the copies, and one changed byte anywhere fails verification."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from tests.fixtures.evidence import copy_page, corrupted_warc, warc_finding, write_warc

from copywatch.errors import ExportError
from copywatch.evidence.wacz import DIGEST, WARC_PATH, export_wacz, verify_wacz
from copywatch.models import Finding, Span
from copywatch.store import ExclusiveCapture

EXCLUSIVE = "https://kawalis.ma/exclusive/1"
WACZ_CLI = shutil.which("wacz")


@pytest.fixture
def crawl(tmp_path: Path) -> tuple[Path, list[Finding], dict[str, ExclusiveCapture]]:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    pages = {f"https://copycat.ma/a/{n}": copy_page(n) for n in range(3)}
    pages[EXCLUSIVE] = copy_page(99)
    offsets = write_warc(warc_dir / "crawl-1.warc.gz", pages)
    text = "نص منقول " * 50
    findings = [
        warc_finding(
            u, pages[u], offsets[u], exclusive_url=EXCLUSIVE, page_title=f'<script>alert({n})</script> عنوان',
            page_text=text + "<img src=x onerror=alert(1)>", exclusive_text=text,
            spans=(Span(0, 40, 0, 40),),
        )
        for n, u in enumerate(list(pages)[:3])
    ]  # fmt: skip
    original = ExclusiveCapture(
        url=EXCLUSIVE, fetched_url=EXCLUSIVE, title="حصري", published_at="2026-11-01T08:00:00Z",
        fetched_at="2026-11-29T12:00:00Z", sha256=hashlib.sha256(pages[EXCLUSIVE]).hexdigest(),
        warc_file="crawl-1.warc.gz", warc_offset=offsets[EXCLUSIVE],
    )  # fmt: skip
    return warc_dir, findings, {EXCLUSIVE: original}


def export(
    tmp_path: Path, crawl: tuple[Path, list[Finding], dict[str, ExclusiveCapture]], **kw: object
) -> Path:
    warc_dir, findings, originals = crawl
    out = tmp_path / "out" / "bundle.wacz"
    export_wacz(findings, out, warc_dir=warc_dir, originals=originals, outlet_name="كواليس اليوم", **kw)  # type: ignore[arg-type]
    return out


def test_export_holds_copies_original_index_pages_and_verifies(tmp_path: Path, crawl) -> None:
    out = export(tmp_path, crawl)
    result = verify_wacz(out)
    assert result.problems == ()
    assert any("not timestamped" in n for n in result.notes)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        expected = {"datapackage.json", DIGEST, WARC_PATH, "indexes/index.cdx", "pages/pages.jsonl",
                    "evidence/evidence.csv", "evidence/summary-ar.html", "evidence/summary-fr.html"}  # fmt: skip  # noqa: E501
        assert expected <= set(names)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        package = json.loads(zf.read("datapackage.json"))
        digest = json.loads(zf.read(DIGEST))
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        assert digest["timestamp"] is None and "not timestamped" in digest["note"]
        listed = {r["path"]: r for r in package["resources"]}
        assert set(listed) == set(names) - {"datapackage.json", DIGEST}
        for name, r in listed.items():
            assert r["hash"] == "sha256:" + hashlib.sha256(zf.read(name)).hexdigest()
        cdx = zf.read("indexes/index.cdx").decode().splitlines()
        urls = {json.loads(line.split(" ", 2)[2])["url"] for line in cdx}
        assert EXCLUSIVE in urls and "https://copycat.ma/a/0" in urls  # the original beside the copies
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        assert {p["url"] for p in pages[1:]} == {EXCLUSIVE, *(f"https://copycat.ma/a/{n}" for n in range(3))}
        manifest = json.loads(zf.read("evidence/manifest.json"))
        assert manifest["timestamp"] == "not timestamped"
        assert manifest["originals"][0]["published_at"] == "2026-11-01T08:00:00Z"
        for lang in ("ar", "fr"):
            html = zf.read(f"evidence/summary-{lang}.html").decode()
            assert "<script>" not in html and "<img src=x" not in html  # scraped text escaped
            assert "&lt;script&gt;alert(0)&lt;/script&gt;" in html
            assert ("غير مختومة" if lang == "ar" else "pas horodaté") in html
            assert ("النسخة 1:" if lang == "ar" else "Copie 1:") in html and "built-in" not in html
            assert EXCLUSIVE in html


@pytest.mark.skipif(
    WACZ_CLI is None, reason="py-wacz is not installed (pip install wacz; it is in the dev extra)"
)
def test_py_wacz_validator_accepts_the_bundle(tmp_path: Path, crawl) -> None:
    out = export(tmp_path, crawl)
    done = subprocess.run([WACZ_CLI, "validate", "-f", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout


def _regions(path: Path) -> list[int]:
    """Byte positions in every part of the ZIP: each entry's local header, name and data, the central
    directory and its end record, plus a sample of the rest."""
    size = path.stat().st_size
    picks = {0, 4, 8, 14, 18, 26, 30, size - 1, size - 2, size - 10, size - 22}
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        cd_start = zf.start_dir
    for info in infos:
        start = info.header_offset
        data = start + 30 + len(info.filename)
        picks |= {start, start + 10, start + 14, start + 22, start + 31, data, data + info.file_size // 2,
                  data + max(info.file_size - 1, 0)}  # fmt: skip
    picks |= {cd_start, cd_start + 12, cd_start + 16, cd_start + 38, cd_start + 46}
    picks |= set(random.Random(16).sample(range(size), min(size, 150)))
    return sorted(p for p in picks if 0 <= p < size)


def test_one_flipped_byte_anywhere_fails_verify(tmp_path: Path, crawl) -> None:
    out = export(tmp_path, crawl)
    original = out.read_bytes()
    positions = _regions(out)
    assert len(positions) > 150
    passed = []
    for pos in positions:
        damaged = bytearray(original)
        damaged[pos] ^= 0x01
        out.write_bytes(bytes(damaged))
        if not verify_wacz(out).problems:
            passed.append(pos)
    out.write_bytes(original)
    assert passed == [], f"a flipped byte at {passed[:10]} went unnoticed"
    assert verify_wacz(out).problems == ()


def test_a_tampered_body_with_recomputed_hashes_still_fails(tmp_path: Path, crawl) -> None:
    """Rebuilding the datapackage after changing a WARC body is caught by the record's own digest."""
    out = export(tmp_path, crawl)
    with zipfile.ZipFile(out) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    members = gzip.decompress(entries[WARC_PATH])
    assert "نسخة 1".encode() in members
    entries[WARC_PATH] = gzip.compress(members.replace("نسخة 1".encode(), "نسخة 7".encode()))
    package = json.loads(entries["datapackage.json"])
    for r in package["resources"]:
        r["hash"] = "sha256:" + hashlib.sha256(entries[r["path"]]).hexdigest()
        r["bytes"] = len(entries[r["path"]])
    entries["datapackage.json"] = json.dumps(package, indent=2).encode()
    new_hash = "sha256:" + hashlib.sha256(entries["datapackage.json"]).hexdigest()
    entries[DIGEST] = json.dumps({"path": "datapackage.json", "hash": new_hash}).encode()
    forged = tmp_path / "forged.wacz"
    with zipfile.ZipFile(forged, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    problems = verify_wacz(forged).problems
    assert any("digest" in p.lower() for p in problems), problems


def test_export_refuses_a_record_whose_digest_fails_naming_file_and_offset(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    pages = {f"https://copycat.ma/a/{n}": copy_page(n) for n in range(3)}
    offsets = corrupted_warc(warc_dir / "crawl-1.warc.gz", pages, corrupt="https://copycat.ma/a/1")
    findings = [warc_finding(u, b, offsets[u]) for u, b in pages.items()]
    out = tmp_path / "out" / "b.wacz"
    with pytest.raises(ExportError) as err:
        export_wacz(findings, out, warc_dir=warc_dir)
    message = str(err.value)
    assert "\n" not in message
    assert f"crawl-1.warc.gz@{offsets['https://copycat.ma/a/1']}" in message
    assert "digest" in message
    assert not out.exists() and not (tmp_path / "out").exists()  # refused before anything was written


def test_export_refuses_a_changed_body_and_an_existing_file(tmp_path: Path, crawl) -> None:
    warc_dir, findings, originals = crawl
    wrong = [findings[0].__class__(**{**findings[0].__dict__, "sha256": "0" * 64})]
    with pytest.raises(ExportError, match="body SHA-256"):
        export_wacz(wrong, tmp_path / "x.wacz", warc_dir=warc_dir)
    out = export(tmp_path, crawl)
    with pytest.raises(ExportError, match="never overwritten"):
        export_wacz(findings, out, warc_dir=warc_dir)


def test_a_recompressed_wacz_is_refused_without_inflating_it(tmp_path: Path, crawl) -> None:
    out = export(tmp_path, crawl)
    deflated = tmp_path / "deflated.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    problems = verify_wacz(deflated).problems
    assert len(problems) == 1 and "compressed" in problems[0]
