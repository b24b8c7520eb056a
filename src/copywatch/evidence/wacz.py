"""One WACZ (Web Archive Collection Zipped, spec 1.1.1) per evidence export, and its verifier.

Layout (every file sits one folder deep, as py-wacz's validator expects):

    archive/data.warc.gz       a warcinfo record for the bundle, then, copied byte for byte from the
                               crawl's WARC files (digests intact): each copy's response and request,
                               the exclusive's own capture (the original), each screenshot's resource
                               record
    indexes/index.cdx          CDXJ index of those records (cdxj-indexer), for replay
    pages/pages.jsonl          one page per copy and per original, for ReplayWeb.page's page list
    evidence/evidence.csv      the copies' rows (warc_file/warc_offset point into the WACZ)
    evidence/summary-ar.html   each copy beside its original, in Arabic; summary-fr.html in French
    evidence/manifest.json     per copy: page, capture time, body SHA-256, record offsets of the copy,
                               of the original and of the screenshot; whether the bundle is timestamped
    evidence/README.txt        how to verify without copywatch
    evidence/tsa-cert.pem      the TSA's certificate from config, when the bundle is timestamped
    screenshots/*.png          the screenshots (their SHA-256 is in the manifest and their record)
    datapackage.json           every file above with its SHA-256 and size (Frictionless Data Package)
    datapackage-digest.json    the SHA-256 of datapackage.json, and the RFC 3161 timestamp token of
                               that digest when [evidence] tsa_url is set

Every entry is STORED (not deflated) with fixed metadata, so the ZIP is a pure function of its
entries: the verifier rebuilds it and compares byte for byte, and one changed byte anywhere (file
data, a header, the central directory) fails verification.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..errors import ExportError
from ..models import Finding
from ..report.evidence_csv import write_csv
from ..store import ExclusiveCapture, Screenshot
from .records import DamagedRecord, Record, capture_records, iter_checked, read_records
from .summary import SummaryCopy, passages, render_summary

WACZ_VERSION = "1.1.1"
WARC_PATH = "archive/data.warc.gz"
CDX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
CSV_PATH = "evidence/evidence.csv"
MANIFEST_PATH = "evidence/manifest.json"
README_PATH = "evidence/README.txt"
TSA_CERT_PATH = "evidence/tsa-cert.pem"
SUMMARY_PATHS = {"ar": "evidence/summary-ar.html", "fr": "evidence/summary-fr.html"}
DATAPACKAGE = "datapackage.json"
DIGEST = "datapackage-digest.json"
MANIFEST_FORMAT = "copywatch-wacz-evidence/1"

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the container is a function of its entries
_CHUNK = 1 << 20


class _Sha256WARCWriter(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


@dataclass(frozen=True)
class Timestamp:
    """What a TSA answered for a digest: the DER TimeStampResp and what it says."""

    tsa_url: str
    response_der: bytes
    gen_time: str  # RFC 3339 UTC
    tsa_name: str


Stamper = Callable[[bytes], Timestamp]  # datapackage.json's bytes -> a verified timestamp


def tsa_stamper(tsa_url: str, tsa_cert_pem: bytes, timeout: float = 30.0) -> Stamper:
    """A Stamper asking the RFC 3161 TSA at ``tsa_url``; its replies must chain to ``tsa_cert_pem``."""
    from .timestamp import request_timestamp

    def stamp(data: bytes) -> Timestamp:
        der, checked = request_timestamp(tsa_url, data, trusted_pem=tsa_cert_pem, timeout=timeout)
        return Timestamp(tsa_url, der, checked.gen_time, checked.tsa_name)

    return stamp


@dataclass(frozen=True)
class WaczSummary:
    path: Path
    copies: int
    originals: int
    screenshots: int
    timestamp: Timestamp | None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _refuse(problems: Sequence[str]) -> ExportError:
    more = f" (and {len(problems) - 1} more: {'; '.join(problems[1:4])})" if len(problems) > 1 else ""
    return ExportError(f"cannot export, nothing written: {problems[0]}{more}")


def _write_canonical_zip(out: Path, entries: Sequence[tuple[str, Path]]) -> None:
    """A ZIP of ``entries`` (name, file), each STORED with fixed metadata, in the given order."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, src in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.file_size = src.stat().st_size
            with src.open("rb") as fin, zf.open(info, "w", force_zip64=info.file_size > 0x7FFFFFFF) as fout:
                while block := fin.read(_CHUNK):
                    fout.write(block)


def _warcinfo(writer: WARCWriter, created_at: str, site: str | None, n: int) -> Any:
    info = {
        "software": f"copywatch {__version__}",
        "format": "WARC File Format 1.1",
        "description": f"copywatch evidence export: {n} copies, {'site ' + site if site else 'all sites'}",
        "isPartOf": "copywatch evidence",
        "created": created_at,
    }
    record = writer.create_warcinfo_record("data.warc.gz", info)
    record.rec_headers.replace_header("WARC-Date", created_at)
    return record


def export_wacz(
    findings: Sequence[Finding],
    out_path: Path,
    *,
    warc_dir: Path,
    site: str | None = None,
    originals: Mapping[str, ExclusiveCapture] | None = None,
    screenshots: Mapping[str, Screenshot] | None = None,
    stamper: Stamper | None = None,
    tsa_cert_pem: bytes | None = None,
    outlet_name: str = "",
    origins: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
) -> WaczSummary:
    """Write ``out_path`` (a new .wacz file) for ``site``'s copies (or every site's).

    Every record copied is checked first (block and payload digests; the copy's body against the
    finding's SHA-256); any problem refuses the export with one line naming the record, and nothing is
    written. With ``stamper``, the digest of datapackage.json is timestamped and the token kept in
    datapackage-digest.json.
    """
    out_path = Path(out_path)
    originals = originals or {}
    screenshots = screenshots or {}
    chosen = [f for f in findings if site is None or f.site == site]
    if not chosen:
        raise ExportError(f"no findings to export{f' for site {site!r}' if site else ''}")
    if out_path.exists():
        raise ExportError(f"{out_path}: already exists; evidence is never overwritten")

    problems: list[str] = []
    cache: dict[tuple[str, int], list[Record]] = {}

    def records_at(what: str, name: str, offset: int | None, *, single: bool = False) -> list[Record] | None:
        if not name or offset is None:
            problems.append(f"{what}: no WARC capture recorded")
            return None
        key = (name, offset)
        if key not in cache:
            source = Path(warc_dir) / name
            try:
                cache[key] = read_records(source, offset, 1) if single else capture_records(source, offset)
            except DamagedRecord as e:
                problems.append(f"{what}: {e}")
                return None
            except OSError as e:
                problems.append(f"{what}: cannot read {source}: {e.strerror or e}")
                return None
        return cache[key]

    copies: list[tuple[Finding, list[Record]]] = []
    for f in chosen:
        recs = records_at(f.page_url, f.warc_file, f.warc_offset)
        if recs is None:
            continue
        head = recs[0]
        if head.warc_type not in ("response", "revisit"):
            problems.append(f"{f.page_url}: {f.warc_file}@{f.warc_offset} is a {head.warc_type} record")
        elif f.sha256 and head.warc_type == "response" and head.payload_sha256 != f.sha256:
            problems.append(
                f"{f.page_url}: body SHA-256 in {f.warc_file}@{f.warc_offset} is {head.payload_sha256},"
                f" the finding says {f.sha256}"
            )
        else:
            copies.append((f, recs))
    origs: dict[str, tuple[ExclusiveCapture, list[Record]]] = {}
    for url in dict.fromkeys(f.exclusive_url for f in chosen):
        cap = originals.get(url)
        if cap is None:
            continue  # read from a local file: nothing was captured (the summary says so)
        recs = records_at(f"original {url}", cap.warc_file, cap.warc_offset)
        if recs is not None:
            if recs[0].warc_type == "response" and cap.sha256 and recs[0].payload_sha256 != cap.sha256:
                problems.append(f"original {url}: body SHA-256 in {cap.warc_file}@{cap.warc_offset} differs")
            else:
                origs[url] = (cap, recs)
    shots: dict[str, tuple[Screenshot, Record]] = {}
    for url in dict.fromkeys(f.page_url for f, _ in copies):
        shot = screenshots.get(url)
        if shot is None or shot.error or not shot.sha256:
            continue
        recs = records_at(f"screenshot of {url}", shot.warc_file, shot.warc_offset, single=True)
        if recs is not None:
            if recs[0].warc_type != "resource" or recs[0].payload_sha256 != shot.sha256:
                problems.append(
                    f"screenshot of {url}: {shot.warc_file}@{shot.warc_offset} is not its PNG"
                    " (SHA-256 differs)"
                )
            else:
                shots[url] = (shot, recs[0])
    if problems:
        raise _refuse(problems)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_path.name}.", dir=out_path.parent))
    try:
        summary = _build(
            work, out_path, copies, origs, shots, site, stamper, tsa_cert_pem, outlet_name, origins or {}
        )
    finally:
        for p in sorted(work.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        work.rmdir()
    return summary


def _build(
    work: Path,
    out_path: Path,
    copies: list[tuple[Finding, list[Record]]],
    origs: dict[str, tuple[ExclusiveCapture, list[Record]]],
    shots: dict[str, tuple[Screenshot, Record]],
    site: str | None,
    stamper: Stamper | None,
    tsa_cert_pem: bytes | None,
    outlet_name: str,
    origins: Mapping[tuple[str, int], Mapping[str, Any]],  # copies taken from web archives: where from
) -> WaczSummary:
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    files: dict[str, Path] = {}

    def path_of(name: str) -> Path:
        p = work / name
        p.parent.mkdir(parents=True, exist_ok=True)
        files[name] = p
        return p

    # archive/data.warc.gz: warcinfo, then the copied records, each once
    written: dict[tuple[int, str], int] = {}  # (id(record list), first record id) -> offset in the WACZ

    def put(warc: Any, recs: Sequence[Record]) -> int:
        key = (0, recs[0].record_id)
        if key not in written:
            written[key] = warc.tell()
            for r in recs:
                warc.write(r.raw)
        return written[key]

    with path_of(WARC_PATH).open("wb") as warc:
        writer = _Sha256WARCWriter(warc, gzip=True, warc_version="1.1")
        writer.write_record(_warcinfo(writer, created_at, site, len(copies)))
        copy_at = [put(warc, recs) for _, recs in copies]
        orig_at = {url: put(warc, recs) for url, (_, recs) in origs.items()}
        shot_at = {url: put(warc, [rec]) for url, (_, rec) in shots.items()}
        warc.flush()
        os.fsync(warc.fileno())

    from cdxj_indexer.main import write_cdx_index

    write_cdx_index(str(path_of(CDX_PATH)), [str(files[WARC_PATH])], {"sort": True})

    # pages/pages.jsonl: the copies and their originals, with the capture times replay looks up
    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "copywatch evidence"}]
    for (f, recs), _ in zip(copies, copy_at, strict=True):
        pages.append({"id": f"copy-{len(pages)}", "url": recs[0].target_uri, "ts": recs[0].date,
                      "title": f"[copy] {f.page_title}"})  # fmt: skip
    for cap, recs in origs.values():
        pages.append({"id": f"original-{len(pages)}", "url": recs[0].target_uri, "ts": recs[0].date,
                      "title": f"[original] {cap.title}"})  # fmt: skip
    path_of(PAGES_PATH).write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8"
    )

    shot_names: dict[str, str] = {}
    for url, (shot, _) in shots.items():
        name = f"screenshots/{shot.sha256[:16]}.png"
        data = _resource_payload(files[WARC_PATH], shot_at[url])
        if _sha256(data) != shot.sha256:  # pragma: no cover - checked when read, re-checked here
            raise ExportError(f"screenshot of {url}: its record changed while exporting")
        path_of(name).write_bytes(data)
        shot_names[url] = name

    rows = [
        dataclasses.replace(f, warc_file=WARC_PATH, warc_offset=at)
        for (f, _), at in zip(copies, copy_at, strict=True)
    ]
    write_csv(rows, path_of(CSV_PATH))

    summary_copies = [
        SummaryCopy(
            finding=f,
            record=f"{WARC_PATH}@{at}",
            original_record=f"{WARC_PATH}@{orig_at[f.exclusive_url]}" if f.exclusive_url in orig_at else "",
            original_captured_at=origs[f.exclusive_url][1][0].date if f.exclusive_url in origs else "",
            screenshot=shot_names.get(f.page_url, ""),
            passages=passages(f),
        )
        for (f, _), at in zip(copies, copy_at, strict=True)
    ]
    for lang, name in SUMMARY_PATHS.items():
        html = render_summary(
            lang,
            summary_copies,
            created_at=created_at,
            timestamped=stamper is not None,
            outlet_name=outlet_name,
        )
        path_of(name).write_text(html, encoding="utf-8")
    if stamper is not None and tsa_cert_pem:
        path_of(TSA_CERT_PATH).write_bytes(tsa_cert_pem)

    manifest = {
        "format": MANIFEST_FORMAT,
        "generator": f"copywatch {__version__}",
        "created_at": created_at,
        "site": site,
        "timestamp": "rfc3161 token in datapackage-digest.json" if stamper else "not timestamped",
        "copies": [
            {
                "site": f.site,
                "page_url": f.page_url,
                "exclusive_url": f.exclusive_url,
                "attribution": f.attribution,
                "captured_at": f.captured_at,
                "sha256": recs[0].payload_sha256,
                "warc_file": WARC_PATH,
                "warc_offset": at,
                "warc_record_id": recs[0].record_id,
                "warc_target_uri": recs[0].target_uri,
                "source_warc_file": f.warc_file,
                "source_warc_offset": f.warc_offset,
                # a copy found by archive-scan: the web archive's file, offset and length of this record
                "archive_record": dict(origins.get((f.warc_file, f.warc_offset or 0)) or {}) or None,
                "original_warc_offset": orig_at.get(f.exclusive_url),
                "screenshot": shot_names.get(f.page_url),
                "screenshot_sha256": shots[f.page_url][0].sha256 if f.page_url in shots else None,
                "screenshot_warc_offset": shot_at.get(f.page_url),
            }
            for (f, recs), at in zip(copies, copy_at, strict=True)
        ],
        "originals": [
            {
                "exclusive_url": url,
                "fetched_url": cap.fetched_url,
                "published_at": cap.published_at,
                "captured_at": recs[0].date,
                "sha256": recs[0].payload_sha256,
                "warc_offset": orig_at[url],
                "warc_target_uri": recs[0].target_uri,
            }
            for url, (cap, recs) in origs.items()
        ],
    }
    path_of(MANIFEST_PATH).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    path_of(README_PATH).write_text(_readme(created_at, len(copies), stamper is not None), encoding="utf-8")

    names = sorted(files)
    resources = [
        {
            "name": name.replace("/", "-").lower(),
            "path": name,
            "hash": "sha256:" + _sha256_file(files[name]),
            "bytes": files[name].stat().st_size,
        }
        for name in names
    ]
    package: dict[str, Any] = {
        "profile": "data-package",
        "resources": resources,
        "title": f"copywatch evidence: {site or 'all sites'}",
        "description": f"{len(copies)} copies of exclusives of {outlet_name}, with the originals",
        "created": created_at,
        "wacz_version": WACZ_VERSION,
        "software": f"copywatch {__version__}",
    }
    if copies:
        package["mainPageURL"] = copies[0][1][0].target_uri
        package["mainPageDate"] = copies[0][1][0].date
    dp_bytes = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (work / DATAPACKAGE).write_bytes(dp_bytes)
    stamp = stamper(dp_bytes) if stamper is not None else None
    (work / DIGEST).write_bytes(digest_document(dp_bytes, stamp))

    entries = [(DATAPACKAGE, work / DATAPACKAGE), (DIGEST, work / DIGEST)] + [(n, files[n]) for n in names]
    tmp_zip = work / "bundle.wacz"
    _write_canonical_zip(tmp_zip, entries)
    os.replace(tmp_zip, out_path)  # same folder: atomic; never over an existing file (checked above)
    return WaczSummary(out_path, len(copies), len(origs), len(shots), stamp)


def digest_document(dp_bytes: bytes, stamp: Timestamp | None) -> bytes:
    """datapackage-digest.json, byte for byte (the verifier rebuilds it and compares)."""
    doc: dict[str, Any] = {"path": DATAPACKAGE, "hash": "sha256:" + _sha256(dp_bytes)}
    if stamp is None:
        doc["timestamp"] = None
        doc["note"] = "not timestamped: no [evidence] tsa_url was configured"
    else:
        import base64

        doc["timestamp"] = {
            "type": "rfc3161",
            "tsa_url": stamp.tsa_url,
            "gen_time": stamp.gen_time,
            "tsa": stamp.tsa_name,
            "imprint": "sha256 of datapackage.json (the hash above)",
            "response": base64.b64encode(stamp.response_der).decode("ascii"),
        }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _resource_payload(warc: Path, offset: int) -> bytes:
    from warcio.archiveiterator import ArchiveIterator

    with warc.open("rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return bytes(record.content_stream().read())
    raise ExportError(f"{warc}@{offset}: no record")  # pragma: no cover


def _readme(created_at: str, n: int, stamped: bool) -> str:
    stamp = (
        "datapackage-digest.json holds an RFC 3161 timestamp token (field timestamp.response, base64)\n"
        "over the SHA-256 of datapackage.json. To check it with OpenSSL:\n\n"
        "    unzip -o BUNDLE.wacz datapackage.json datapackage-digest.json evidence/tsa-cert.pem\n"
        "    python3 -c \"import json,base64;open('token.tsr','wb').write(base64.b64decode("
        "json.load(open('datapackage-digest.json'))['timestamp']['response']))\"\n"
        "    openssl ts -verify -data datapackage.json -in token.tsr -CAfile TSA-CA.pem\n\n"
        "with TSA-CA.pem the certificate your TSA publishes (evidence/tsa-cert.pem is the one copywatch\n"
        'was configured with: compare it). OpenSSL prints "Verification: OK".\n'
        if stamped
        else "This bundle is NOT timestamped by a trusted authority: its times come from copywatch's clock\n"
        "and the capture records (no [evidence] tsa_url was configured).\n"
    )
    return f"""copywatch evidence (WACZ {WACZ_VERSION}) / حزمة أدلة
=============================================

Created {created_at} by copywatch {__version__}: {n} cop{"y" if n == 1 else "ies"}.
Open this .wacz file in ReplayWeb.page (https://replayweb.page, works offline) to see each copy and
its original as they were served; evidence/summary-ar.html and summary-fr.html show each copy
beside its original.

How to verify (no copywatch needed)
-----------------------------------
1. Every file is the one listed, with its SHA-256, in datapackage.json; datapackage.json is the one
   whose SHA-256 datapackage-digest.json gives:  pip install wacz && wacz validate -f BUNDLE.wacz
2. Every WARC record still matches the digests written when it was captured:
       unzip -o BUNDLE.wacz archive/data.warc.gz && warcio check -v archive/data.warc.gz
3. Timestamp:
{stamp}
With copywatch, all of it at once: copywatch verify BUNDLE.wacz
"""


# --- verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    problems: tuple[str, ...]
    notes: tuple[str, ...]  # what was checked, e.g. when it was timestamped


def verify_wacz(path: Path, *, tsa_cert: Path | None = None) -> Verification:
    """Check a WACZ: container, every file hash, every WARC record's digests, the copies' records,
    the screenshots, the CDXJ index and the timestamp token. Returns problems (empty = intact)."""
    path = Path(path)
    problems: list[str] = []
    notes: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        return Verification((f"{path.name}: not a readable ZIP/WACZ ({e})",), ())
    with zf, tempfile.TemporaryDirectory(prefix="copywatch-verify-") as tmp:
        names = [i.filename for i in zf.infolist()]
        if len(set(names)) != len(names):
            problems.append("the ZIP holds two entries of one name")
        packed = [i.filename for i in zf.infolist() if i.compress_type != zipfile.ZIP_STORED]
        if packed:  # copywatch stores every entry; a compressed one is not its bundle (nor read: no bombs)
            return Verification(
                (f"{path.name}: entries are compressed ({', '.join(packed[:3])}), not as exported",), ()
            )
        extracted: dict[str, Path] = {}
        for i, info in enumerate(zf.infolist()):
            target = Path(tmp) / f"{i:06d}"
            try:
                with zf.open(info) as src, target.open("wb") as dst:
                    while block := src.read(_CHUNK):
                        dst.write(block)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
                problems.append(f"{info.filename}: cannot be read from the ZIP ({e})")
                continue
            extracted[info.filename] = target
        if problems:
            return Verification(tuple(problems), ())
        rebuilt = Path(tmp) / "rebuilt.wacz"
        _write_canonical_zip(rebuilt, [(n, extracted[n]) for n in names])
        if not _same_file(rebuilt, path):
            problems.append(
                f"{path.name}: the ZIP container was altered (it differs from its canonical form)"
            )
        _verify_contents(extracted, problems, notes, tsa_cert)
    return Verification(tuple(problems), tuple(notes))


def _same_file(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(_CHUNK), fb.read(_CHUNK)
            if x != y:
                return False
            if not x:
                return True


def _verify_contents(
    files: dict[str, Path], problems: list[str], notes: list[str], tsa_cert: Path | None
) -> None:
    for required in (DATAPACKAGE, DIGEST):
        if required not in files:
            problems.append(f"{required}: missing")
            return
    dp_bytes = files[DATAPACKAGE].read_bytes()
    digest_bytes = files[DIGEST].read_bytes()
    try:
        package = json.loads(dp_bytes)
        digest = json.loads(digest_bytes)
        resources = {r["path"]: r for r in package["resources"]}
    except (ValueError, KeyError, TypeError) as e:
        problems.append(f"{DATAPACKAGE} or {DIGEST}: unreadable ({e})")
        return
    if package.get("wacz_version") != WACZ_VERSION:
        problems.append(f"{DATAPACKAGE}: wacz_version is {package.get('wacz_version')!r}, not {WACZ_VERSION}")
    if digest.get("hash") != "sha256:" + _sha256(dp_bytes):
        problems.append(f"{DATAPACKAGE}: SHA-256 differs from {DIGEST} (datapackage.json was changed)")
    stamp = _check_timestamp(digest, dp_bytes, files, problems, notes, tsa_cert)
    if digest_document(dp_bytes, stamp) != digest_bytes and not any(DIGEST in p for p in problems):
        problems.append(f"{DIGEST}: altered (it is not the document copywatch writes for this package)")
    for name in files:
        if name not in (DATAPACKAGE, DIGEST) and name not in resources:
            problems.append(f"{name}: in the ZIP but not listed in {DATAPACKAGE}")
    for name, res in resources.items():
        p = files.get(name)
        if p is None:
            problems.append(f"{name}: listed in {DATAPACKAGE} but missing")
            continue
        if p.stat().st_size != res.get("bytes"):
            problems.append(f"{name}: {p.stat().st_size} bytes, {DATAPACKAGE} says {res.get('bytes')}")
        if "sha256:" + _sha256_file(p) != res.get("hash"):
            problems.append(f"{name}: SHA-256 differs from {DATAPACKAGE} (the file was changed)")
    if problems:
        return  # the manifest, index and records are read only from files known to be intact

    by_warc: dict[str, dict[int, Record]] = {}
    for name in sorted(n for n in files if n.startswith("archive/")):
        warc_problems, records = iter_checked(files[name])
        problems += [f"archive/{p}" for p in warc_problems]
        by_warc[name] = {r.offset: r for r in records}
    notes.append(f"WARC records checked: {sum(len(v) for v in by_warc.values())}")
    if problems:
        return
    _check_index(files, by_warc, problems)
    _check_manifest(files, by_warc, problems, notes)


def _check_index(files: dict[str, Path], by_warc: dict[str, dict[int, Record]], problems: list[str]) -> None:
    if CDX_PATH not in files:
        problems.append(f"{CDX_PATH}: missing")
        return
    for n, line in enumerate(files[CDX_PATH].read_text(encoding="utf-8").splitlines(), 1):
        try:
            entry = json.loads(line.split(" ", 2)[2])
            record = by_warc["archive/" + entry["filename"]][int(entry["offset"])]
        except (IndexError, ValueError, KeyError):
            problems.append(f"{CDX_PATH} line {n}: points at no record")
            continue
        if record.target_uri != entry.get("url"):
            problems.append(f"{CDX_PATH} line {n}: the record there is for {record.target_uri}")


def _check_manifest(
    files: dict[str, Path], by_warc: dict[str, dict[int, Record]], problems: list[str], notes: list[str]
) -> None:
    try:
        manifest = json.loads(files[MANIFEST_PATH].read_text(encoding="utf-8"))
        copies = list(manifest["copies"])
        originals = list(manifest["originals"])
    except (KeyError, ValueError, TypeError) as e:
        problems.append(f"{MANIFEST_PATH}: missing or unreadable ({e})")
        return
    records = by_warc.get(WARC_PATH, {})
    for entry in copies:
        where = f"{entry.get('page_url')} ({WARC_PATH}@{entry.get('warc_offset')})"
        record = records.get(entry.get("warc_offset", -1))
        if record is None:
            problems.append(f"{where}: no record starts at this offset")
        elif record.target_uri != entry.get("warc_target_uri"):
            problems.append(f"{where}: the record is for {record.target_uri}, not the manifest's URL")
        elif record.warc_type == "response" and record.payload_sha256 != entry.get("sha256"):
            problems.append(f"{where}: body SHA-256 {record.payload_sha256} differs from the manifest")
        if entry.get("screenshot"):
            shot = files.get(entry["screenshot"])
            rec = records.get(entry.get("screenshot_warc_offset", -1))
            digest = entry.get("screenshot_sha256")
            if shot is None or _sha256_file(shot) != digest:
                problems.append(f"{entry['screenshot']}: SHA-256 differs from the manifest")
            elif rec is None or rec.warc_type != "resource" or rec.payload_sha256 != digest:
                problems.append(f"{entry['screenshot']}: its WARC resource record does not hold it")
    for entry in originals:
        record = records.get(entry.get("warc_offset", -1))
        if record is None or record.target_uri != entry.get("warc_target_uri"):
            problems.append(
                f"original {entry.get('exclusive_url')}: no record of it at {entry.get('warc_offset')}"
            )
        elif record.warc_type == "response" and record.payload_sha256 != entry.get("sha256"):
            problems.append(f"original {entry.get('exclusive_url')}: body SHA-256 differs from the manifest")
    notes.append(f"copies checked: {len(copies)}, originals: {len(originals)}")


def _check_timestamp(
    digest: dict[str, Any],
    dp_bytes: bytes,
    files: dict[str, Path],
    problems: list[str],
    notes: list[str],
    tsa_cert: Path | None,
) -> Timestamp | None:
    """Check the token of datapackage-digest.json; the Timestamp it holds (None: not timestamped)."""
    import base64
    import binascii

    from .timestamp import TimestampError, verify_timestamp

    info = digest.get("timestamp")
    if info is None:
        notes.append("not timestamped: the times are copywatch's own (no [evidence] tsa_url was set)")
        return None
    try:
        der = base64.b64decode(info["response"], validate=True)
    except (KeyError, TypeError, binascii.Error) as e:
        problems.append(f"{DIGEST}: the timestamp token is unreadable ({e})")
        return None
    if tsa_cert is not None:
        try:
            trusted = Path(tsa_cert).read_bytes()
        except OSError as e:
            problems.append(f"{tsa_cert}: cannot read the TSA certificate ({e.strerror or e})")
            return None
        anchor = f"the TSA certificate {tsa_cert}"
    elif TSA_CERT_PATH in files:
        trusted = files[TSA_CERT_PATH].read_bytes()
        anchor = f"the certificate in {TSA_CERT_PATH} (compare it with your TSA's, or pass --tsa-cert)"
    else:
        problems.append(
            f"{DIGEST}: the timestamp cannot be checked without the TSA's certificate (--tsa-cert)"
        )
        return None
    try:
        checked = verify_timestamp(der, dp_bytes, trusted)
    except TimestampError as e:
        problems.append(f"{DIGEST}: the timestamp does not verify: {e}")
        return None
    notes.append(f"timestamped {checked.gen_time} by {checked.tsa_name}, verified against {anchor}")
    return Timestamp(str(info.get("tsa_url", "")), der, checked.gen_time, checked.tsa_name)
