"""`copywatch recheck`: are the reported copies still online?

Each reported page is fetched again (politely: robots.txt, delays and limits as in a scan, and
captured to WARC like any fetch). Its status becomes:
    online   the copy is still there and the page is byte-identical to the capture
    changed  the page changed but still carries the copy
    removed  the page is gone (404/410) or no longer carries the copy
    unreachable  no answer this time (timeout, 5xx, robots.txt unreachable): nothing is concluded
The time of the check is kept, so the report can show which copies came down after a notice.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from .cases.followup import RecheckFollowup
from .config import Config
from .crawl.archive import WarcArchive
from .crawl.fetch import Fetcher
from .crawl.robots import RobotsCache
from .match.index import ExclusiveIndex
from .store import Store
from .text.extract import extract


def recheck(config: Config, store: Store, site: str | None = None) -> Counter[str]:
    findings = store.findings(site)
    by_page: dict[str, list[str]] = {}
    sha: dict[str, str] = {}
    for f in findings:
        by_page.setdefault(f.page_url, []).append(f.exclusive_url)
        sha[f.page_url] = f.sha256
    index = ExclusiveIndex(store.exclusives(), config.match)
    archive = WarcArchive(config.warc_dir, config.crawl.warc_max_bytes)
    fetcher = Fetcher(config.crawl, archive=archive)
    robots = RobotsCache(fetcher)
    counts: Counter[str] = Counter()
    followup = RecheckFollowup(config, store)  # moves the cases: removed, credit added
    try:
        for page_url, exclusive_urls in sorted(by_page.items()):
            when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            doc = None
            if not robots.allowed(page_url):
                status = "unreachable"
            else:
                cap = fetcher.fetch(page_url, kind="html")
                if cap.status in (404, 410):
                    status = "removed"
                elif cap.status == 200 and cap.outcome in ("ok", "truncated"):
                    if cap.sha256 == sha[page_url]:
                        status = "online"
                    else:
                        doc = extract(cap)
                        still = {m.exclusive_url for m in index.match(cap.final_url, doc.text)}
                        status = "changed" if still & set(exclusive_urls) else "removed"
                else:
                    status = "unreachable"
            store.set_online_status(page_url, status, when)
            followup.page(page_url, status, doc, exclusive_urls)
            counts[status] += 1
    finally:
        fetcher.close()
        archive.close()  # flushed and fsynced: the recheck's captures are evidence too
        store.register_warc_files([f.name for f in archive.files()], "recheck")
    return counts
