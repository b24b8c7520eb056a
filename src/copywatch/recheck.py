"""`copywatch recheck`: are the reported copies still online?

Each reported page is fetched again (politely: robots.txt, delays and limits as in a scan, and
captured to WARC like any fetch). Its status becomes:
    online   the copy is still there and the page is byte-identical to the capture
    changed  the page changed but still carries the copy
    removed  the page is gone (404/410) or no longer carries the copy
    unreachable  no answer this time (timeout, 5xx, robots.txt unreachable): nothing is concluded
The time of the check is kept (``rechecked_at``, in the report and the CSV), so the report can show
which copies came down after a notice; a later scan that finds the copy again sets it back to
online, with the scan's time.

A paginated copy (an article over several pages, joined by the scan) is rechecked on all its
pages: the later pages are found again from the stored pages (their rel="next" links), and the
copy is online only if every page is unchanged; otherwise the pages' texts are joined and matched
again, as the scan did.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from .cases.followup import RecheckFollowup
from .config import MAX_ARTICLE_PAGES
from .crawl.discover import next_page
from .crawl.session import Config, crawl_session
from .match.index import ExclusiveIndex
from .models import Capture, Document
from .pagination import next_url_of as continues_url  # the scan's own test of "the page after"
from .store import Store
from .text.extract import extract


def article_pages(store: Store, page_url: str) -> list[tuple[str, str]]:
    """(URL, stored SHA-256) of each page of the copy at ``page_url``: itself, then the pages its
    stored rel="next" links lead to, as long as they are stored and continue the same article."""
    pages: list[tuple[str, str]] = []
    url: str | None = page_url
    while url and len(pages) < MAX_ARTICLE_PAGES and url not in {u for u, _ in pages}:
        stored = store.page_by_final_url(url)
        if stored is None:
            break
        if pages and not continues_url(pages[-1][0], stored.final_url):
            break
        pages.append((stored.final_url, stored.sha256))
        url = next_page(stored.body, stored.content_type, stored.final_url)
    return pages or [(page_url, "")]


def _status(
    caps: list[Capture], stored_sha: list[str], index: ExclusiveIndex, exclusive_urls: list[str]
) -> tuple[str, Document | None]:
    """online, changed, removed or unreachable for the fetched pages of one copy."""
    first = caps[0]
    if first.status in (404, 410):
        return "removed", None
    if any(
        c.status != 200 or c.outcome not in ("ok", "truncated") for c in caps if c.status not in (404, 410)
    ):
        return "unreachable", None
    if [c.sha256 for c in caps] == stored_sha:
        return "online", None
    docs = [extract(c) for c in caps if c.status == 200]
    text = "\n".join(d.text for d in docs)
    still = {m.exclusive_url for m in index.match(first.final_url, text)}
    return ("changed" if still & set(exclusive_urls) else "removed"), docs[0]


def recheck(config: Config, store: Store, site: str | None = None) -> Counter[str]:
    findings = store.findings(site)
    by_page: dict[str, list[str]] = {}
    sha: dict[str, str] = {}
    for f in findings:
        by_page.setdefault(f.page_url, []).append(f.exclusive_url)
        sha[f.page_url] = f.sha256
    pages = {url: article_pages(store, url) for url in by_page}
    index = ExclusiveIndex(store.exclusives(), config.match)
    counts: Counter[str] = Counter()
    followup = RecheckFollowup(config, store)  # moves the cases: removed, credit added
    files = None
    try:
        with crawl_session(config) as session:
            fetcher, robots, files = session.fetcher, session.robots, session.archive.files
            for page_url, exclusive_urls in sorted(by_page.items()):
                when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                doc = None
                urls = [u for u, _ in pages[page_url]]
                stored_sha = [sha[page_url]] + [s for _, s in pages[page_url][1:]]
                if not all(robots.allowed(u) for u in urls):
                    status = "unreachable"
                else:
                    caps = [fetcher.fetch(urls[0], kind="html")]
                    if caps[0].status not in (404, 410):  # the first page gone: the copy is gone
                        caps += [fetcher.fetch(u, kind="html") for u in urls[1:]]
                    status, doc = _status(caps, stored_sha, index, exclusive_urls)
                store.set_online_status(page_url, status, when)
                followup.page(page_url, status, doc, exclusive_urls)
                counts[status] += 1
    finally:  # flushed and fsynced by the session: the recheck's captures are evidence too
        if files is not None:
            store.register_warc_files([f.name for f in files()], "recheck")
    return counts
