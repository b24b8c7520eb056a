"""The crawl of one site: its seeds, their sitemaps and feeds, then its pages (RELIABILITY #1, #20).

``crawl_site`` walks one candidate site. Seeds may be sitemap indexes, sitemaps (XML, .gz or
plain text), RSS/Atom/JSON feeds or HTML pages: each is recognised by its content, not its name.
The ``Sitemap:`` lines of robots.txt are followed too; all of a site's sitemaps are read by one
``SitemapWalk`` (sitemaps.py: its rules). From HTML seeds, same-host links are followed up to
``max_depth``. Everything is bounded (pages, depth, URL length, index documents) so a 10k-link
farm costs no more than an ordinary site, and every URL is checked against robots.txt before it
is requested, including URLs a sitemap lists.

Pages are fetched lazily: ``SiteCrawl.captures`` is a generator, and the counters on the
SiteCrawl are final once it is exhausted. A known page whose sitemap ``lastmod`` is not newer
than the stored one is yielded from the store without a request; other known pages get a
conditional GET. ``Frontier`` is the page loop itself, also used by search discovery's crawl of
result pages (discovery/candidates.py).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ...config import FRONTIER_FACTOR, CrawlConfig, SiteConfig
from ...models import Capture, SiteResult
from ...urls import host_key, normalize_url
from ..fetch import Fetcher, KnownPage
from ..robots import RobotsCache
from .links import is_file_url, is_utility_url, links_and_next, next_page
from .sitemaps import DiscoveredPage, IndexDocument, SitemapWalk, Source, Unread, stored_if_unchanged


@dataclass
class SiteCrawl:
    """One site's crawl: ``captures`` yields page captures; the counters are final after it ends."""

    site: str
    captures: Iterator[Capture] = field(default_factory=lambda: iter(()))
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    fetched: int = 0  # page requests made (sitemaps, feeds and robots.txt not counted)
    error: str = ""  # site-level failure: robots.txt unreachable, DNS, every seed failed
    limits_hit: dict[str, int] = field(default_factory=dict)  # limit name -> URLs it kept out
    utility_links: set[str] = field(default_factory=set)  # print, send-to-a-friend ... links not followed
    lastmod: dict[str, str] = field(default_factory=dict)  # page URL -> lastmod seen this scan
    warnings: list[str] = field(default_factory=list)  # seeds (or sitemaps) that failed while others worked
    page_errors: list[tuple[str, str]] = field(default_factory=list)  # (URL, why): a page that raised

    def result(self) -> SiteResult:
        return SiteResult(
            site=self.site,
            pages_fetched=self.fetched,
            pages_new=self.new,
            pages_changed=self.changed,
            pages_unchanged=self.unchanged,
            pages_failed=self.failed,
            error=self.error,
        )

    def _hit(self, limit: str, n: int = 1) -> None:
        self.limits_hit[limit] = self.limits_hit.get(limit, 0) + n


class Frontier:
    """The pages of one site still to look at, and the loop that looks at them.

    A URL is queued once (normalized), only on the site's ``hosts``, never a file; at most
    ``FRONTIER_FACTOR`` x max_pages_per_site are remembered. ``run`` fetches them in order until
    max_pages_per_site pages or max_site_seconds, asking robots.txt first, looking at each final
    URL once (a redirect to a page already seen is not looked at again), following each page's
    next page and, for pages with a ``depth``, its links up to max_depth. ``queued(url, on)`` is
    told of every URL a page ``on`` adds.
    """

    def __init__(
        self,
        sc: SiteCrawl,
        fetcher: Fetcher,
        robots: RobotsCache,
        config: CrawlConfig,
        known: Callable[[str], KnownPage | None],
        hosts: set[str],
        queued: Callable[[str, str], None] | None = None,
    ):
        self.sc, self.fetcher, self.robots, self.cfg, self.known = sc, fetcher, robots, config, known
        self.hosts = hosts
        self.queued = queued
        self.pages: deque[tuple[str, int | None, str | None, str]] = deque()  # depth None: no links
        self.seen: set[str] = set()
        self.reached: set[str] = set()  # final URLs of the pages yielded: a page is looked at once per scan
        self.processed = 0
        self.deadline = time.monotonic() + config.max_site_seconds
        self.max_urls = max(config.max_pages_per_site, 1) * FRONTIER_FACTOR

    def add(
        self, url: str, depth: int | None, lastmod: str | None, source: str, base: str | None = None
    ) -> bool:
        """Queue a page; False if it is not (a variant already queued, another host, a file, a limit)."""
        cfg, sc = self.cfg, self.sc
        norm = normalize_url(url, base, cfg.max_url_length)
        if norm is None:
            if len(url) > cfg.max_url_length:
                sc._hit("max_url_length")
            return False
        if norm in self.seen or host_key(norm) not in self.hosts or is_file_url(norm):
            return False
        if len(self.seen) >= self.max_urls:
            sc._hit("frontier_full")
            return False
        self.seen.add(norm)
        if lastmod:
            sc.lastmod[norm] = lastmod
        self.pages.append((norm, depth, lastmod, source))
        return True

    def follow(self, cap: Capture, depth: int | None) -> None:
        """Queue the page's links; an exception on one hostile page is recorded against its URL,
        and the crawl goes on (a generator that raised would end the whole site)."""
        try:
            self._queue_links(cap, depth)
        except Exception as e:  # noqa: BLE001 - whatever a page makes a parser raise
            self.sc.page_errors.append((cap.final_url, f"reading its links failed: {type(e).__name__}: {e}"))

    def _queue(self, link: str, depth: int | None, on: Capture) -> None:
        if self.add(link, depth, None, "links") and self.queued is not None:
            self.queued(normalize_url(link, max_length=self.cfg.max_url_length) or link, on.url)

    def _queue_links(self, cap: Capture, depth: int | None) -> None:
        cfg = self.cfg
        # The next page of a paginated article is followed wherever the page came from (a
        # sitemap lists only the first page), at the same depth: it is the same article.
        if depth is None or depth >= cfg.max_depth:
            following = next_page(cap.body, cap.content_type, cap.final_url)
            if following:
                self._queue(following, depth, cap)
            if depth is not None:
                self.sc._hit("max_depth")
            return
        # both in one pass of the parser
        following, links = links_and_next(cap.body, cap.content_type, cap.final_url, cfg.max_links_per_page)
        if following:
            self._queue(following, depth, cap)
        if len(links) >= cfg.max_links_per_page:
            self.sc._hit("max_links_per_page")  # the rest of the page's links are not read
        for link in links:
            if is_utility_url(link):  # a print version, a send-to-a-friend form (links.py)
                self._left(link)
            else:
                self._queue(link, depth + 1, cap)

    def _left(self, link: str) -> None:
        """Count a utility link left unfollowed, if it is on the site (a share button's link to
        a social network would not have been followed anyway)."""
        norm = normalize_url(link, None, self.cfg.max_url_length)
        if norm is not None and host_key(norm) in self.hosts and len(self.sc.utility_links) < self.max_urls:
            self.sc.utility_links.add(norm)

    def account(self, cap: Capture, k: KnownPage | None) -> bool:
        """Count a fetched page; True if it is yielded."""
        sc = self.sc
        if cap.outcome == "not_modified":
            sc.unchanged += 1
            return True
        # A page cut at max_bytes is still read: its start is where the article is.
        if cap.outcome in ("ok", "truncated") and cap.status == 200:
            if k is None:
                sc.new += 1
            elif k.sha256 == cap.sha256:
                sc.unchanged += 1
            else:
                sc.changed += 1
            final = normalize_url(cap.final_url) or cap.final_url
            self.seen.add(final)
            self.reached.add(final)
            return True
        sc.failed += 1
        if cap.outcome in ("refused", "error"):  # a bad redirect, a broken body: said against its URL
            sc.page_errors.append((cap.url, cap.detail or cap.outcome))
        return False

    def look_at(self, url: str, cap: Capture) -> bool:
        """Count a page fetched outside the loop (an HTML seed); True if it is yielded."""
        self.processed += 1
        self.sc.fetched += 1
        self.seen.add(url)
        return self.account(cap, self.known(url))  # compared with the stored page: unchanged is not "new"

    def run(self) -> Iterator[Capture]:
        cfg, sc, pages = self.cfg, self.sc, self.pages
        while pages:
            url, depth, lastmod, _source = pages.popleft()
            if self.processed >= cfg.max_pages_per_site or time.monotonic() > self.deadline:
                # the URLs left: this one and those queued, less those already looked at (redirects)
                left = 1 + sum(1 for q in pages if q[0] not in self.reached) - (url in self.reached)
                # a slow site (a long Crawl-delay) must not hold the scan either
                limit = (
                    "max_pages_per_site" if self.processed >= cfg.max_pages_per_site else "max_site_seconds"
                )
                sc._hit(limit, left)
                break
            if url in self.reached:
                continue  # an earlier URL redirected here: looked at already
            if not self.robots.allowed(url):
                sc._hit("robots_disallowed")
                continue
            k = self.known(url)
            self.processed += 1
            stored = stored_if_unchanged(url, lastmod, k)
            if stored is not None:
                sc.unchanged += 1
                self.reached.add(normalize_url(stored.final_url) or stored.final_url)
                yield stored
                self.follow(stored, depth)
                continue
            cap = self.fetcher.fetch(url, kind="html", known=k)
            sc.fetched += 1
            if self.account(cap, k):
                yield cap
                self.follow(cap, depth)


def crawl_site(
    site: SiteConfig,
    fetcher: Fetcher,
    robots: RobotsCache,
    config: CrawlConfig,
    known: Callable[[str], KnownPage | None],
) -> SiteCrawl:
    """Plan the crawl of one site; pages are fetched as ``.captures`` is iterated."""
    sc = SiteCrawl(site=site.name)
    sc.captures = _crawl(sc, site, fetcher, robots, config, known)
    return sc


def _crawl(
    sc: SiteCrawl,
    site: SiteConfig,
    fetcher: Fetcher,
    robots: RobotsCache,
    cfg: CrawlConfig,
    known: Callable[[str], KnownPage | None],
) -> Iterator[Capture]:
    hosts: set[str] = set()
    front = Frontier(sc, fetcher, robots, cfg, known, hosts)
    problems: list[str] = []
    seeds_ok = 0

    # Seeds and robots.txt: a site whose robots.txt is unreachable is not crawled at all.
    seed_urls = []
    for seed in site.seeds:
        norm = normalize_url(seed, max_length=cfg.max_url_length)
        if norm is None:
            problems.append(f"seed {seed!r} is not an http(s) URL of at most {cfg.max_url_length} characters")
            continue
        hosts.add(host_key(norm))
        seed_urls.append(norm)
    blocked: list[str] = []
    roots: list[tuple[str, Source]] = []
    for norm in seed_urls:
        err = robots.error(norm)
        if err:
            blocked.append(err)
            continue
        roots.extend((sm, "robots_sitemap") for sm in robots.sitemaps(norm))
        roots.append((norm, "seed"))
    if not roots:
        sc.error = "; ".join(dict.fromkeys(blocked + problems)) or "no usable seed"
        return

    def wanted(url: str, source: Source) -> bool:
        if source == "seed" and front.processed >= cfg.max_pages_per_site:
            sc._hit("seeds_not_read")  # a seed, not a page: not counted among the URLs left
            return False
        return True

    walk = SitemapWalk(fetcher, robots, cfg, limits_hit=sc.limits_hit, errors=sc.page_errors)
    for item in walk.walk(roots, wanted):
        if isinstance(item, DiscoveredPage):
            front.add(item.url, None, item.lastmod, item.source)
            continue
        if item.source != "seed":
            continue  # a robots.txt Sitemap: line that fails or names a page says nothing of the seeds
        if isinstance(item, Unread):
            if item.limit != "max_index_documents":
                problems.append(item.why)
            continue
        _seed(item, hosts, problems)
        if item.kind == "html":
            seeds_ok += 1
            if front.look_at(item.url, item.capture):
                yield item.capture
                front.follow(item.capture, 0)
        elif item.kind != "unknown":
            seeds_ok += 1

    yield from front.run()

    if seeds_ok == 0 and sc.fetched == 0 and sc.unchanged == 0:
        sc.error = "every seed failed: " + "; ".join(dict.fromkeys(blocked + problems + walk.warnings))
    else:
        sc.warnings.extend(dict.fromkeys(blocked + problems + walk.warnings))


def _seed(doc: IndexDocument, hosts: set[str], problems: list[str]) -> None:
    """A seed read: its final host is the site's too; a seed that can find nothing is said."""
    hosts.add(host_key(doc.capture.final_url))
    if doc.kind == "unknown":
        problems.append(f"{doc.url}: neither a sitemap, a feed nor an HTML page")
    elif doc.kind != "html" and not doc.entries:  # said, not silent: a config mistake
        problems.append(f"{doc.url}: this {'feed' if doc.kind == 'feed' else 'sitemap'} lists no URL")
