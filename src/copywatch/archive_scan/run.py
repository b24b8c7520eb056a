"""``copywatch archive-scan``, start to end: exclusives, index, Spark job, Parquet, import.

1. The exclusives are loaded as a scan loads them (fetched incrementally from ``[outlet]
   exclusives``; the stored ones when the outlet cannot be reached), under the scan lock.
2. Their ``ExclusiveIndex`` is built once, here on the driver, as a live scan builds it (with the
   outlet's formula runs from the store), into an ``ArchiveMatcher``.
3. The PATHs become sources (``sources.expand_paths``) and the Spark job scans them
   (``job.run_spark``): one task per source, the matcher broadcast.
4. The rows are written as Parquet in the results folder (default ``archive-scans/<run>/`` beside
   the store), then imported into the store as a run of its own (``importer.import_results``),
   which also writes the run's report and evidence CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..crawl.archive import WarcArchive
from ..crawl.fetch import Fetcher
from ..crawl.robots import RobotsCache
from ..errors import CopywatchError
from ..lock import ScanLock
from ..match.index import ExclusiveIndex
from ..models import Exclusive, utc_now
from ..pipeline import Scanner
from ..store import Store, StoredPage
from .importer import ImportSummary, import_results
from .job import ScanOutput, Task, require_spark, run_spark, scan_partition, spark_session
from .matcher import ArchiveMatcher, ArchiveOptions
from .results import write_results
from .sources import OpenOptions, expand_paths


@dataclass(frozen=True)
class ArchiveScanSummary:
    results_dir: Path
    sources: int
    output: ScanOutput
    imported: ImportSummary


def archive_options(config: Config, prefix: str | None = None) -> ArchiveOptions:
    a = config.archive
    return ArchiveOptions(
        prefix=a.prefix if prefix is None else prefix,
        languages=a.languages,
        hosts=a.hosts,
        max_record_bytes=a.max_record_bytes,
    )


@dataclass(frozen=True)
class Loaded:
    """The exclusives as a scan loads them, with what the scan would store of them."""

    exclusives: list[Exclusive]
    outlet_pages: list[StoredPage]  # the outlet's pages fetched (incremental next time)
    outlet_articles: dict[str, bytes]  # runs of the outlet's articles read now (its formula index)
    formula: dict[str, bytes]  # the whole formula index the live scan's ExclusiveIndex gets
    warc_files: list[str]


def load_exclusives(config: Config, started: str) -> Loaded:
    """The exclusives, and the outlet's formula runs, exactly as a scan loads them."""
    with ScanLock(config.store_path), Store(config.store_path) as store:
        archive = WarcArchive(config.warc_dir, config.crawl.warc_max_bytes)
        fetcher = Fetcher(config.crawl, archive=archive)
        scanner = Scanner(config)
        try:
            exclusives, pages = scanner._load_exclusives(store, fetcher, RobotsCache(fetcher), started)
        finally:
            fetcher.close()
            archive.close()
        articles = dict(scanner._outlet_articles)
        formula = store.archive_runs() | articles
    return Loaded(exclusives, pages, articles, formula, [f.name for f in archive.files()])


def archive_scan(
    config: Config,
    paths: Sequence[str],
    *,
    master: str | None = None,
    out_dir: Path | None = None,
    prefix: str | None = None,
    spark: Any = None,
    task: Task = scan_partition,
) -> ArchiveScanSummary:
    """Scan WARC/WET files (or lists of them) for copies of the exclusives; store them as a run."""
    require_spark()
    options = archive_options(config, prefix)
    opener = OpenOptions(user_agent=config.crawl.user_agent,
                         allow_private_addresses=config.crawl.allow_private_addresses)  # fmt: skip
    sources = expand_paths(list(paths), options.prefix, opener)
    if not sources:
        raise CopywatchError("archive-scan: the PATHs name no WARC or WET file")
    started = utc_now()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    loaded = load_exclusives(config, started)
    index = ExclusiveIndex(loaded.exclusives, config.match, archive=loaded.formula)  # as a live scan does
    matcher = ArchiveMatcher(config, index, options)
    session = spark if spark is not None else spark_session(master)
    output = run_spark(session, matcher, sources, task)
    results = Path(out_dir) if out_dir else config.store_path.parent / "archive-scans" / run_id
    write_results(results, output.findings, output.sources)
    imported = import_results(
        config,
        results,
        run_id=run_id,
        started=started,
        exclusives=loaded.exclusives,
        outlet_pages=loaded.outlet_pages,
        outlet_articles=loaded.outlet_articles,
        warc_files=loaded.warc_files,
    )
    return ArchiveScanSummary(results, len(sources), output, imported)
