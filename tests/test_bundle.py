"""Evidence bundles: built from real WARC files, verified intact, and any tampering is caught."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shlex
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from tests.fixtures.evidence import copy_page, corrupted_warc, warc_finding, write_warc
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from copywatch.errors import ExportError
from copywatch.models import Finding
from copywatch.report.bundle import export_bundle, verify_bundle
from copywatch.report.evidence_csv import CSV_COLUMNS


@pytest.fixture
def crawl(tmp_path: Path) -> tuple[Path, list[Finding]]:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    pages = {f"https://copycat.ma/a/{n}": copy_page(n) for n in range(3)}
    pages["https://other.ma/b"] = copy_page(9)
    offsets = write_warc(warc_dir / "crawl-1.warc.gz", pages)
    findings = [
        warc_finding(u, b, offsets[u], site="other.ma" if "other" in u else "copycat.ma")
        for u, b in pages.items()
    ]
    # The same page copying a second exclusive: its capture goes into the bundle once.
    findings.append(
        warc_finding(
            "https://copycat.ma/a/0", pages["https://copycat.ma/a/0"], offsets["https://copycat.ma/a/0"]
        )
    )
    return warc_dir, findings


def test_bundle_is_complete_and_verifies(crawl: tuple[Path, list[Finding]], tmp_path: Path) -> None:
    warc_dir, findings = crawl
    out = export_bundle(findings, tmp_path / "bundle", warc_dir=warc_dir, site="copycat.ma")
    assert sorted(p.name for p in out.iterdir()) == [
        "README.txt",
        "SHA256SUMS",
        "captures.warc.gz",
        "evidence.csv",
        "manifest.json",
    ]
    assert verify_bundle(out) == []

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"].startswith("copywatch ")
    assert manifest["created_at"].endswith("Z")
    assert len(manifest["findings"]) == 4  # three pages of copycat.ma, one of them twice
    assert {e["site"] for e in manifest["findings"]} == {"copycat.ma"}
    for name, meta in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == meta["sha256"]

    # Three captures (response + request each), other.ma's left out.
    with (out / "captures.warc.gz").open("rb") as fh:
        kinds = [
            (r.rec_headers.get_header("WARC-Type"), r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(fh)
        ]
    assert [k for k, _ in kinds] == ["response", "request"] * 3
    assert "https://other.ma/b" not in {u for _, u in kinds}

    # The CSV points into the bundle, and each offset holds that page's body with the recorded hash.
    with (out / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in list(csv.reader(f))[1:]]
    assert len(rows) == 4
    for row in rows:
        assert row["warc_file"] == "captures.warc.gz"
        with (out / "captures.warc.gz").open("rb") as fh:
            fh.seek(int(row["warc_offset"]))
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == row["page_url"]
            assert hashlib.sha256(record.raw_stream.read()).hexdigest() == row["sha256"]


def test_records_are_copied_byte_for_byte(crawl: tuple[Path, list[Finding]], tmp_path: Path) -> None:
    warc_dir, findings = crawl
    out = export_bundle(findings[:1], tmp_path / "one", warc_dir=warc_dir)
    source = (warc_dir / "crawl-1.warc.gz").read_bytes()
    copied = (out / "captures.warc.gz").read_bytes()
    start = findings[0].warc_offset or 0
    assert source[start : start + len(copied)] == copied


@pytest.mark.parametrize("name", ["captures.warc.gz", "evidence.csv", "manifest.json", "README.txt"])
def test_a_flipped_byte_is_detected(crawl: tuple[Path, list[Finding]], tmp_path: Path, name: str) -> None:
    warc_dir, findings = crawl
    out = export_bundle(findings, tmp_path / "bundle", warc_dir=warc_dir)
    path = out / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    problems = verify_bundle(out)
    assert problems, f"a changed {name} went unnoticed"
    assert any(name in p for p in problems)


def test_a_file_added_to_the_bundle_is_detected(crawl: tuple[Path, list[Finding]], tmp_path: Path) -> None:
    warc_dir, findings = crawl
    out = export_bundle(findings, tmp_path / "bundle", warc_dir=warc_dir)
    assert verify_bundle(out) == []
    (out / "addendum.txt").write_text("the site credited us after all", encoding="utf-8")
    assert verify_bundle(out) == [
        "addendum.txt: not in manifest.json nor SHA256SUMS (added after the export)"
    ]


def test_a_record_rewritten_consistently_is_still_caught(
    crawl: tuple[Path, list[Finding]], tmp_path: Path
) -> None:
    """Someone swaps the page body and fixes up manifest + SHA256SUMS: the WARC digests still disagree."""
    warc_dir, findings = crawl
    out = export_bundle(findings[:1], tmp_path / "bundle", warc_dir=warc_dir)
    raw = gzip.decompress((out / "captures.warc.gz").read_bytes())
    forged = raw.replace("نص منقول".encode(), "نص مختلف".encode(), 1)
    assert forged != raw and len(forged) == len(raw)
    (out / "captures.warc.gz").write_bytes(gzip.compress(forged))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    new_hash = hashlib.sha256((out / "captures.warc.gz").read_bytes()).hexdigest()
    manifest["files"]["captures.warc.gz"] = {
        "sha256": new_hash,
        "size": (out / "captures.warc.gz").stat().st_size,
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    sums = "".join(
        f"{hashlib.sha256((out / n).read_bytes()).hexdigest()}  {n}\n"
        for n in ("evidence.csv", "captures.warc.gz", "README.txt", "manifest.json")
    )
    (out / "SHA256SUMS").write_text(sums, encoding="utf-8")
    problems = verify_bundle(out)
    assert any("digest" in p for p in problems), problems


def test_sha256sums_works_with_the_standard_tool(crawl: tuple[Path, list[Finding]], tmp_path: Path) -> None:
    warc_dir, findings = crawl
    out = export_bundle(findings, tmp_path / "bundle", warc_dir=warc_dir)
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", "captures.warc.gz"],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_missing_or_mismatched_capture_refuses_to_export(
    crawl: tuple[Path, list[Finding]], tmp_path: Path
) -> None:
    warc_dir, findings = crawl
    good = findings[0]
    lost = warc_finding("https://copycat.ma/lost", b"x", 0)
    lost = Finding(**{**lost.__dict__, "warc_file": "gone.warc.gz"})
    altered = Finding(**{**good.__dict__, "sha256": "00" * 32})
    with pytest.raises(ExportError) as err:
        export_bundle([good, lost, altered], tmp_path / "bundle", warc_dir=warc_dir)
    assert "gone.warc.gz" in str(err.value) and "00000000" in str(err.value)
    assert not (tmp_path / "bundle").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["warc"], "no half-built bundle left behind"


def test_refuses_to_overwrite_and_to_export_nothing(
    crawl: tuple[Path, list[Finding]], tmp_path: Path
) -> None:
    warc_dir, findings = crawl
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep")
    with pytest.raises(ExportError):
        export_bundle(findings, tmp_path / "full", warc_dir=warc_dir)
    with pytest.raises(ExportError):
        export_bundle(findings, tmp_path / "b", warc_dir=warc_dir, site="nobody.ma")
    (tmp_path / "empty").mkdir()
    assert verify_bundle(export_bundle(findings, tmp_path / "empty", warc_dir=warc_dir)) == []


def test_uncompressed_source_warc_is_bundled_with_digests_intact(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    body = copy_page(1)
    with (warc_dir / "crawl-1.warc.gz").open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        offset = out.tell()
        writer.write_record(
            writer.create_warc_record("https://c.ma/1", "response", payload=BytesIO(body), http_headers=http)
        )
    out_dir = export_bundle([warc_finding("https://c.ma/1", body, offset)], tmp_path / "b", warc_dir=warc_dir)
    assert verify_bundle(out_dir) == []


def test_verify_reports_a_missing_manifest(tmp_path: Path) -> None:
    assert verify_bundle(tmp_path) and "manifest.json" in verify_bundle(tmp_path)[0]


def test_readme_payload_check_gives_each_findings_sha256(
    crawl: tuple[Path, list[Finding]], tmp_path: Path
) -> None:
    """The one-liner the README gives third parties really prints the body's SHA-256."""
    warc_dir, findings = crawl
    out = export_bundle(findings, tmp_path / "bundle", warc_dir=warc_dir)
    readme = (out / "README.txt").read_text(encoding="utf-8")
    command = next(line.strip() for line in readme.splitlines() if line.strip().startswith("python3 -c"))
    assert command.endswith(" OFFSET")
    code = shlex.split(command)[2]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["findings"]:
        done = subprocess.run(
            [sys.executable, "-c", code, str(entry["warc_offset"])], cwd=out, capture_output=True, text=True
        )
        assert done.stdout.strip() == entry["sha256"], done.stderr


def test_export_refuses_a_record_whose_block_digest_fails(tmp_path: Path) -> None:
    """Issue 12 item 7: a record changed after capture is not copied into a fresh bundle (verify would
    reject it); export names the file and offset in one line and writes nothing."""
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    pages = {f"https://copycat.ma/a/{n}": copy_page(n) for n in range(3)}
    offsets = corrupted_warc(warc_dir / "crawl-1.warc.gz", pages, corrupt="https://copycat.ma/a/2")
    findings = [warc_finding(u, b, offsets[u]) for u, b in pages.items()]
    out = tmp_path / "bundle"
    with pytest.raises(ExportError) as err:
        export_bundle(findings, out, warc_dir=warc_dir)
    message = str(err.value)
    assert "\n" not in message and "digest" in message
    assert f"crawl-1.warc.gz@{offsets['https://copycat.ma/a/2']}" in message
    assert not out.exists()


def test_a_damaged_zipped_folder_bundle_is_one_problem_not_a_traceback(tmp_path: Path) -> None:
    import os
    import zipfile

    from copywatch.evidence.export import verify_evidence

    z = tmp_path / "case-1.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as w:
        w.writestr("case-1/manifest.json", os.urandom(3000).hex())
    data = bytearray(z.read_bytes())
    start = 30 + len("case-1/manifest.json")  # the entry's compressed bytes, after its local header
    for k in range(start + 10, start + 200):
        data[k] ^= 0x55
    z.write_bytes(bytes(data))
    problems, _ = verify_evidence(z)
    assert len(problems) == 1 and "case-1/manifest.json cannot be read from the ZIP" in problems[0]
