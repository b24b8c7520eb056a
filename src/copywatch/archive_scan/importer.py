"""An archive scan's Parquet results -> the store, as a run of its own, with byte-exact evidence.

For each finding's record, the archive's original bytes are read again by byte range (a seek on a
local file, an HTTP ``Range`` request, an S3 ranged GET: what a third party would do), checked
against the payload SHA-256 the scan computed, and appended unchanged (one gzip member) to
``archive-<run>.warc.gz`` in the WARC folder, so the evidence bundle of an archive finding holds
the archive's own record with its own digests. The store's ``archive_records`` table keeps, per
copied record, where it came from (file, offset, length, date, record id).

Import is idempotent: rows are deduplicated by (archive file, offset, exclusive), a record already
copied by an earlier import is not copied again (its first copy is reused), and findings are keyed
by (page, exclusive) as a live scan's are. The copies are written and fsynced first, their
pointers recorded next, the findings committed last: an import killed at any point leaves the
store consistent, and running it again finishes the work.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..config import Config
from ..errors import CopywatchError
from ..lock import ScanLock
from ..models import Exclusive, Finding, RunInfo, Span, utc_now
from ..pipeline import write_run_reports
from ..store import ScanResults, Store, StoredPage
from .records import Counts
from .results import FINDINGS_FILE, SOURCES_FILE, read_table
from .sources import OpenOptions, SourceError, read_all


@dataclass(frozen=True)
class ImportSummary:
    run: RunInfo
    report_dir: Path | None
    findings: int  # findings of this run
    new: int  # not in the store before
    uncredited: int  # of this run's findings, without credit (partners apart)
    copied_records: int  # archive records copied into the WARC folder by this import
    problems: tuple[
        str, ...
    ]  # records that could not be read back or did not match (their findings left out)
    counts: Counts


def _record_bytes(row: dict[str, Any], opts: OpenOptions) -> bytes:
    """The archive's record, as one gzip member, after checking it is the one the scan read."""
    raw = read_all(row["source_file"], opts, row["record_offset"], row["record_length"])
    if len(raw) != row["record_length"]:
        raise SourceError(f"{len(raw)} bytes read back, {row['record_length']} expected")
    if raw[:2] == b"\x1f\x8b":
        member = raw
    else:  # an uncompressed WARC: the record as its own gzip member (the digests cover the block only)
        member = gzip.compress(raw if raw.endswith(b"\r\n\r\n") else raw + b"\r\n\r\n", mtime=0)
    record = next(iter(ArchiveIterator(io.BytesIO(member))), None)
    if record is None:
        raise SourceError("no WARC record at this offset")
    sha = hashlib.sha256(record.raw_stream.read()).hexdigest()
    if sha != row["sha256"]:
        raise SourceError(f"payload SHA-256 {sha} differs from the scan's {row['sha256']}")
    return member


def _finding(row: dict[str, Any], warc_file: str, warc_offset: int, exclusive_text: str) -> Finding:
    spans = tuple(Span(*s) for s in json.loads(row["spans"] or "[]"))
    return Finding(
        site=row["site"],
        page_url=row["page_url"],
        page_title=row["page_title"],
        exclusive_url=row["exclusive_url"],
        exclusive_title=row["exclusive_title"],
        coverage=row["coverage"],
        similarity=row["similarity"],
        match_type=row["match_type"],
        attribution=row["attribution"],
        attribution_evidence=row["attribution_evidence"],
        published_at=row["published_at"],
        first_seen=row["record_date"],  # the archive saw the copy then
        captured_at=row["captured_at"],
        http_status=row["http_status"],
        sha256=row["sha256"],
        page_share=row["page_share"],
        exclusive_published_at=row["exclusive_published_at"],
        published_order=row["published_order"],
        partner=bool(row["partner"]),
        warc_file=warc_file,
        warc_offset=warc_offset,
        spans=spans,
        page_text=row["page_text"],
        exclusive_text=exclusive_text,
        discovered_by=f"archive-scan: {row['source_file'].rsplit('/', 1)[-1]}",
    )


def _counts(sources: list[dict[str, Any]]) -> Counts:
    total = Counts()
    for s in sources:
        c = Counts()
        for k in c.as_dict():
            setattr(c, k, int(s[k]))
        c.error_details = [d for d in (s.get("error_details") or "").split("\n") if d]
        total.add(c)
    return total


def import_results(
    config: Config,
    out_dir: Path,
    *,
    run_id: str | None = None,
    started: str | None = None,
    exclusives: Sequence[Exclusive] | None = None,
    outlet_pages: Sequence[StoredPage] = (),
    outlet_articles: Mapping[str, bytes] | None = None,
    warc_files: Sequence[str] = (),
) -> ImportSummary:
    """Import ``out_dir``'s findings.parquet and sources.parquet into the store as one run."""
    out_dir = Path(out_dir)
    try:
        rows = read_table(out_dir / FINDINGS_FILE)
        sources = read_table(out_dir / SOURCES_FILE)
    except (OSError, ValueError) as e:
        raise CopywatchError(f"{out_dir}: no readable archive-scan results ({e})") from e
    started = started or utc_now()
    run_id = run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    counts = _counts(sources)
    opts = OpenOptions(
        user_agent=config.crawl.user_agent,
        timeout_seconds=max(config.crawl.timeout_seconds, 60.0),
        allow_private_addresses=config.crawl.allow_private_addresses,
    )
    unique: dict[tuple[str, int, str], dict[str, Any]] = {}
    for r in rows:  # a row twice (a results folder imported from two attempts): once
        unique.setdefault((r["source_file"], r["record_offset"], r["exclusive_url"]), r)

    with ScanLock(config.store_path), Store(config.store_path) as store:
        by_url = {e.url: e for e in (exclusives if exclusives is not None else store.exclusives())}
        copies = store.archive_copies()
        problems: list[str] = []
        copied: list[dict[str, Any]] = []
        name = f"archive-{run_id}.warc.gz"
        path = Path(config.warc_dir) / name
        pending = {(r["source_file"], r["record_offset"]): r for r in unique.values()}
        pending = {k: r for k, r in pending.items() if k not in copies}
        if pending:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab") as fh:
                writer = WARCWriter(fh, gzip=True, warc_version="1.1")
                info = {
                    "software": f"copywatch {__version__} archive-scan",
                    "description": "records copied byte for byte from web archives; each record's origin "
                    "(file, offset, length) is in the evidence manifest and the store",
                }
                writer.write_record(writer.create_warcinfo_record(name, info))
                for key in sorted(pending):
                    r = pending[key]
                    try:
                        member = _record_bytes(r, opts)
                    except (SourceError, OSError, ValueError, EOFError) as e:
                        problems.append(f"{r['source_file']}@{r['record_offset']}: {e}")
                        continue
                    copies[key] = (name, fh.tell())
                    fh.write(member)
                    copied.append({
                        "source_file": r["source_file"], "source_offset": r["record_offset"],
                        "source_length": r["record_length"], "record_date": r["record_date"],
                        "record_id": r["record_id"], "target_uri": r["target_uri"],
                        "payload_digest": r["payload_digest"], "sha256": r["sha256"],
                        "warc_file": name, "warc_offset": copies[key][1],
                    })  # fmt: skip
                fh.flush()
                os.fsync(fh.fileno())
        store.record_archive_copies(
            run_id, copied, len(sources), counts.as_dict(), "\n".join(counts.error_details)
        )

        findings = []
        for r in unique.values():
            where = copies.get((r["source_file"], r["record_offset"]))
            if where is None or r["exclusive_url"] not in by_url:
                if where is not None:
                    problems.append(f"{r['page_url']}: exclusive {r['exclusive_url']} is not in the store")
                continue
            findings.append(_finding(r, where[0], where[1], by_url[r["exclusive_url"]].text))
        # One finding per (page, exclusive), as a live scan: the latest capture of a page wins.
        latest: dict[tuple[str, str], Finding] = {}
        for f in sorted(findings, key=lambda f: f.captured_at):
            latest[(f.page_url, f.exclusive_url)] = f
        findings = list(latest.values())
        known = store.finding_keys()
        new = [f for f in findings if (f.page_url, f.exclusive_url) not in known]
        run = RunInfo(
            run_id=run_id,
            started_at=started,
            finished_at=utc_now(),
            status="site_errors" if counts.errors or problems else "success",
            config_digest=config.digest(),
            code_version=__version__,
            pages_fetched=counts.probed,
            exclusives=len(by_url),
            new_copies=len(new),
        )
        names = list(warc_files) + ([name] if copied else [])
        store.commit_scan(
            ScanResults(
                run=run,
                exclusives=list(by_url.values()),
                pages=list(outlet_pages),
                findings=findings,
                warc_files=names,
                archive_runs=dict(outlet_articles or {}),  # the outlet's formula index grows as a scan's
            )
        )
        run = next((r for r in store.runs(limit=5) if r.run_id == run_id), run)
        report_dir = write_run_reports(
            config, store, run, new_keys={(f.page_url, f.exclusive_url) for f in new}
        )
    return ImportSummary(
        run=run,
        report_dir=report_dir,
        findings=len(findings),
        new=len(new),
        uncredited=sum(1 for f in findings if f.uncredited),
        copied_records=len(copied),
        problems=tuple(problems),
        counts=counts,
    )
