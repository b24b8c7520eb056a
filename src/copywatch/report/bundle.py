"""Evidence bundles: a folder a lawyer can hand to a third party, who can check it without copywatch.

A bundle holds:

    evidence.csv       the findings (see evidence_csv), with warc_file/warc_offset pointing INTO the bundle
    captures.warc.gz   the WARC records of each finding's capture (response, plus its request if it
                       follows it), copied byte for byte from the crawl's WARC files, so the digests
                       written at capture time (WARC-Block-Digest, WARC-Payload-Digest) still hold
    manifest.json      SHA-256 and size of each file; per finding the page, capture time, body SHA-256
                       and where its record sits in captures.warc.gz; generator version; creation time
    SHA256SUMS         for ``sha256sum -c SHA256SUMS``
    README.txt         how to verify, step by step

Export is strict: if a capture is missing or its body no longer matches the finding's SHA-256, no
bundle is written (ExportError lists every problem), because a bundle with a silent gap is worse than
none. ``verify_bundle`` re-checks a bundle later, e.g. after it has been copied around.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from .. import __version__
from ..errors import ExportError
from ..evidence.records import DamagedRecord, Record, capture_records
from ..models import Finding
from .evidence_csv import write_csv

CSV_NAME = "evidence.csv"
WARC_NAME = "captures.warc.gz"
MANIFEST_NAME = "manifest.json"
SUMS_NAME = "SHA256SUMS"
README_NAME = "README.txt"
BUNDLE_FORMAT = "copywatch-evidence-bundle/1"

_CHUNK = 1 << 20


@dataclass(frozen=True)
class _Record:
    """One WARC record as found in a source file: its raw bytes and what the manifest says about it."""

    raw: bytes  # exactly one gzip member (the source's own bytes when it was gzipped per record)
    warc_type: str
    record_id: str
    target_uri: str
    concurrent_to: str
    payload_sha256: str  # of the HTTP payload as stored (the body as received), "" if none


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


# Step 3 of the README: a third party's one-line check of a body's SHA-256 with plain warcio.
_PAYLOAD_CHECK = (
    'python3 -c "import sys,hashlib;from warcio.archiveiterator import ArchiveIterator as A;'
    f"f=open('{WARC_NAME}','rb');f.seek(int(sys.argv[1]));"
    'print(hashlib.sha256(next(iter(A(f))).raw_stream.read()).hexdigest())"'
)


def _readme(site: str | None, n_findings: int, created_at: str) -> str:
    scope = f"site {site}" if site else "all sites"
    return f"""copywatch evidence bundle / حزمة أدلة
=====================================

Created {created_at} by copywatch {__version__}: {n_findings} finding(s), {scope}.

تحتوي هذه الحزمة على نسخ المقالات كما التُقطت من المواقع (ملف WARC) وجدول الأدلة،
مع بصمات SHA-256 تسمح لأي طرف ثالث بالتحقق من أنها لم تُعدَّل بعد الالتقاط.

Files
-----
{CSV_NAME}        one row per finding (UTF-8 with BOM, opens in Excel/LibreOffice).
                    warc_file / warc_offset point to the record inside {WARC_NAME}.
{WARC_NAME}   the captured HTTP responses (and requests), one gzip member per record,
                    copied byte for byte from the crawl archive (ISO 28500 WARC 1.0/1.1).
{MANIFEST_NAME}     size and SHA-256 of each file; for each finding the page URL, capture time,
                    SHA-256 of the body as received and the record's offset in {WARC_NAME}.
{SUMS_NAME}        the same file hashes, in sha256sum format.

How to verify (no copywatch needed)
-----------------------------------
1. The files are intact:

       sha256sum -c {SUMS_NAME}

   (macOS: shasum -a 256 -c {SUMS_NAME}). Every line must say OK.

2. Each WARC record still matches the digests written when it was captured
   (WARC-Block-Digest and WARC-Payload-Digest), with the open-source warcio tool:

       pip install warcio
       warcio check -v {WARC_NAME}

   Every response record must say "digest pass".

3. A finding's page body is the one in the evidence (its sha256 column / manifest entry):

       {_PAYLOAD_CHECK} OFFSET

   with OFFSET the finding's warc_offset. The printed hash must equal its sha256.
   To read the page itself: warcio extract --payload {WARC_NAME} OFFSET > page.html

Times are UTC (RFC 3339). The capture time is the WARC-Date of the response record.
"""


def refusal(problems: Sequence[str]) -> str:
    """One line saying why nothing was exported: the first problem, and how many more."""
    more = (
        f" (and {len(problems) - 1} more problem(s): {'; '.join(problems[1:4])})" if len(problems) > 1 else ""
    )
    return f"cannot export the evidence bundle, nothing written: {problems[0]}{more}"


def _manifest_entry(finding: Finding, record: Record, bundle_offset: int, source: Path) -> dict[str, Any]:
    return {
        "site": finding.site,
        "page_url": finding.page_url,
        "exclusive_url": finding.exclusive_url,
        "attribution": finding.attribution,
        "captured_at": finding.captured_at,
        "sha256": record.payload_sha256,
        "warc_file": WARC_NAME,
        "warc_offset": bundle_offset,
        "warc_record_id": record.record_id,
        "warc_target_uri": record.target_uri,
        "source_warc_file": source.name,
        "source_warc_offset": finding.warc_offset,
    }


def export_bundle(
    findings: Sequence[Finding],
    out_dir: Path,
    *,
    warc_dir: Path,
    site: str | None = None,
    origins: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
) -> Path:
    """Write an evidence bundle for ``site`` (or every site) into ``out_dir`` and return it.

    ``origins`` maps a capture (WARC file, offset) copied from a web archive to where the archive
    keeps it (file, offset, length, date, record id): the manifest entry says so, as "archive_record".

    ``out_dir`` must not exist yet or be empty: evidence is never overwritten. The bundle is built in
    a temporary folder beside it and renamed into place, so a failed export leaves nothing behind.
    """
    out_dir = Path(out_dir)
    chosen = [f for f in findings if site is None or f.site == site]
    if not chosen:
        raise ExportError(f"no findings to export{f' for site {site!r}' if site else ''}")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"{out_dir}: already exists and is not empty; choose a new folder")

    # Collect every capture first, so all problems are reported at once.
    problems: list[str] = []
    located: list[tuple[Finding, Path, list[Record]]] = []
    cache: dict[tuple[Path, int], list[Record]] = {}
    for f in chosen:
        if not f.warc_file or f.warc_offset is None:
            problems.append(f"{f.page_url}: the finding has no WARC capture recorded")
            continue
        source = Path(warc_dir) / f.warc_file
        key = (source, f.warc_offset)
        if key not in cache:
            try:
                cache[key] = capture_records(source, f.warc_offset)
            except DamagedRecord as e:
                problems.append(f"{f.page_url}: {e}")
                continue
            except OSError as e:
                problems.append(f"{f.page_url}: cannot read {source}: {e.strerror or e}")
                continue
            except Exception as e:  # noqa: BLE001 - warcio raises assorted types on bad data
                problems.append(f"{f.page_url}: no readable WARC record at {source}@{f.warc_offset}: {e}")
                continue
        records = cache[key]
        if records[0].warc_type not in ("response", "revisit"):
            problems.append(f"{f.page_url}: {source}@{f.warc_offset} is a {records[0].warc_type} record")
            continue
        if f.sha256 and records[0].payload_sha256 and records[0].payload_sha256 != f.sha256:
            problems.append(
                f"{f.page_url}: body SHA-256 in {source}@{f.warc_offset} is {records[0].payload_sha256}, "
                f"the finding says {f.sha256}"
            )
            continue
        located.append((f, source, records))
    if problems:
        raise ExportError(refusal(problems))

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries: list[dict[str, Any]] = []
        rows: list[Finding] = []
        copied: dict[tuple[Path, int], int] = {}
        with (work / WARC_NAME).open("wb") as warc:
            for f, source, records in located:
                key = (source, f.warc_offset or 0)
                if key not in copied:
                    copied[key] = warc.tell()
                    for record in records:
                        warc.write(record.raw)
                entry = _manifest_entry(f, records[0], copied[key], source)
                origin = (origins or {}).get((f.warc_file, f.warc_offset or 0))
                if origin:  # copied byte for byte from a web archive (copywatch archive-scan)
                    entry["archive_record"] = dict(origin)
                entries.append(entry)
                rows.append(dataclasses.replace(f, warc_file=WARC_NAME, warc_offset=copied[key]))
            warc.flush()
            os.fsync(warc.fileno())
        write_csv(rows, work / CSV_NAME)
        (work / README_NAME).write_text(_readme(site, len(rows), created_at), encoding="utf-8")

        files = {
            name: {"sha256": _sha256_file(work / name), "size": (work / name).stat().st_size}
            for name in (CSV_NAME, WARC_NAME, README_NAME)
        }
        manifest = {
            "format": BUNDLE_FORMAT,
            "generator": f"copywatch {__version__}",
            "created_at": created_at,
            "site": site,
            "files": files,
            "findings": entries,
        }
        (work / MANIFEST_NAME).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        sums = {n: v["sha256"] for n, v in files.items()}
        sums[MANIFEST_NAME] = _sha256_file(work / MANIFEST_NAME)
        (work / SUMS_NAME).write_text("".join(f"{h}  {n}\n" for n, h in sums.items()), encoding="utf-8")
        if out_dir.exists():
            out_dir.rmdir()  # empty, checked above
        os.replace(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out_dir


def _check_warc(path: Path) -> tuple[list[str], dict[int, _Record]]:
    """Every record's digests, and each record's payload SHA-256 by its offset in the file."""
    problems: list[str] = []
    by_offset: dict[int, _Record] = {}
    try:
        with path.open("rb") as fh:
            iterator = ArchiveIterator(fh, check_digests=True)
            for record in iterator:
                payload = hashlib.sha256()
                if record.http_headers is not None:
                    while block := record.raw_stream.read(_CHUNK):
                        payload.update(block)
                iterator.read_to_end()
                offset = iterator.get_record_offset()
                headers = record.rec_headers
                if record.digest_checker.passed is False:
                    for p in record.digest_checker.problems:
                        problems.append(f"{WARC_NAME}@{offset}: {p}")
                by_offset[offset] = _Record(
                    raw=b"",
                    warc_type=headers.get_header("WARC-Type") or "",
                    record_id=headers.get_header("WARC-Record-ID") or "",
                    target_uri=headers.get_header("WARC-Target-URI") or "",
                    concurrent_to=headers.get_header("WARC-Concurrent-To") or "",
                    payload_sha256=payload.hexdigest() if record.http_headers is not None else "",
                )
    except Exception as e:  # noqa: BLE001 - gzip, zlib and warcio errors alike mean "damaged"
        # warcio quotes the undecodable bytes ("first line: [b'\x1f\x8b...']"): never shown (issue 12)
        why = str(e).split(", first line:")[0].split(" first line:")[0]
        problems.append(
            f"{WARC_NAME}: cannot be read to the end ({type(e).__name__}: {why}); the file is damaged"
        )
    return problems, by_offset


def verify_bundle(bundle_dir: Path) -> list[str]:
    """Re-check a bundle; return the problems found, one sentence each (empty list = intact).

    Checks, in order: the manifest is readable; each listed file exists with the listed size and
    SHA-256; SHA256SUMS agrees; every WARC record's own digests hold; and each finding's record sits at
    its offset, is for its page, and carries a body with the recorded SHA-256.
    """
    bundle_dir = Path(bundle_dir)
    try:
        manifest = json.loads((bundle_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
        findings = list(manifest["findings"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f"{MANIFEST_NAME}: missing or unreadable ({e})"]

    problems: list[str] = []
    for name in (CSV_NAME, WARC_NAME):
        if name not in files:
            problems.append(f"{MANIFEST_NAME} does not list {name}")
    for name, meta in files.items():
        path = bundle_dir / name
        if Path(name).name != name or not path.is_file():
            problems.append(f"{name}: listed in the manifest but missing")
            continue
        if path.stat().st_size != meta.get("size"):
            problems.append(f"{name}: size {path.stat().st_size}, manifest says {meta.get('size')}")
        if _sha256_file(path) != meta.get("sha256"):
            problems.append(f"{name}: SHA-256 differs from the manifest (the file was changed)")

    try:
        sums = (bundle_dir / SUMS_NAME).read_text(encoding="utf-8").splitlines()
    except OSError:
        problems.append(f"{SUMS_NAME}: missing")
        sums = []
    for line in sums:
        digest, _, name = line.partition("  ")
        path = bundle_dir / name
        if Path(name).name != name or not path.is_file():
            problems.append(f"{SUMS_NAME}: {name!r} is missing")
        elif name == MANIFEST_NAME and _sha256_file(path) != digest:
            problems.append(f"{MANIFEST_NAME}: SHA-256 differs from {SUMS_NAME} (the manifest was changed)")
        elif name in files and files[name].get("sha256") != digest:
            problems.append(f"{SUMS_NAME} and {MANIFEST_NAME} disagree about {name}")

    # a file that no list names was put there later: evidence must be what was exported, no more
    listed = set(files) | {MANIFEST_NAME, SUMS_NAME} | {line.partition("  ")[2] for line in sums}
    for extra in sorted(p.name for p in bundle_dir.iterdir() if p.name not in listed):
        problems.append(f"{extra}: not in {MANIFEST_NAME} nor {SUMS_NAME} (added after the export)")

    warc_problems, records = _check_warc(bundle_dir / WARC_NAME)
    problems += warc_problems
    if not warc_problems:
        for entry in findings:
            where = f"{entry.get('page_url')} ({WARC_NAME}@{entry.get('warc_offset')})"
            record = records.get(entry.get("warc_offset", -1))
            if record is None:
                problems.append(f"{where}: no record starts at this offset")
            elif record.target_uri != entry.get("warc_target_uri"):
                problems.append(f"{where}: the record is for {record.target_uri}, not the manifest's URL")
            elif record.payload_sha256 and record.payload_sha256 != entry.get("sha256"):
                problems.append(f"{where}: body SHA-256 {record.payload_sha256} differs from the manifest")
    return problems
