"""One crawl's wiring: the WARC archive, the fetcher that writes to it and the robots.txt cache that
uses the fetcher, opened together and closed in the right order (the fetcher's connections first,
then the WARC files flushed and fsynced, so the store never points at a record not on disk).

Used alike by a scan (pipeline.py) and a recheck (recheck.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..config import Config
from .archive import ArchiveError, WarcArchive
from .fetch import Fetcher
from .robots import RobotsCache


@dataclass(frozen=True)
class CrawlSession:
    archive: WarcArchive
    fetcher: Fetcher
    robots: RobotsCache


@contextmanager
def crawl_session(config: Config) -> Iterator[CrawlSession]:
    archive = WarcArchive(config.warc_dir, config.crawl.warc_max_bytes)
    fetcher = Fetcher(config.crawl, archive=archive)
    try:
        yield CrawlSession(archive, fetcher, RobotsCache(fetcher))
    except BaseException:
        fetcher.close()
        try:
            archive.close()
        except ArchiveError:  # the error on its way out is the one to report
            pass
        raise
    fetcher.close()
    archive.close()  # flushed and fsynced; ArchiveError (a full disk) if that fails
