"""Candidates from search results: which result URLs are fetched, and how.

A result URL is dropped when it is not a string, not http(s), longer than ``[crawl]
max_url_length``, a file rather than a page (.pdf, .jpg ...), on one of the outlet's domains (or
their subdomains), on a watched site (the watchlist crawl covers it), or on an address the network
policy refuses (an IP literal that is not public, ``localhost``, unless ``allow_private_addresses``;
a name that resolves to such an address is refused by the fetcher itself, which checks the address
it connects to).

The URLs kept are grouped by host; each host becomes a synthetic site whose "crawl"
(``CandidateCrawl``) fetches exactly those pages, and the next pages of a paginated article, through
the scan's own fetcher and the site crawl's page loop (``crawl.discover.Frontier``): robots.txt
obeyed (a host whose robots.txt cannot be read is not fetched), one request at a time per host,
the same page and time limits, captured to WARC, incremental like any page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..config import CrawlConfig, SiteConfig
from ..crawl.discover import Frontier, SiteCrawl, host_key, is_file_url, normalize_url
from ..crawl.fetch import Fetcher, KnownPage
from ..crawl.netpolicy import is_public, parse_ip_literal
from ..crawl.robots import RobotsCache
from ..models import Capture

MAX_STORED_URL = 4096  # a result URL is kept in the query cache up to this length (then it is garbage)


def host_of(url: str) -> str:
    """host[:port], lowercased, without "www.": how sites are told apart."""
    try:
        u = urlsplit(url)
        h = (u.hostname or "").lower().rstrip(".").removeprefix("www.")
        return f"{h}:{u.port}" if u.port else h
    except ValueError:
        return ""


@dataclass
class CandidateFilter:
    """Decides which result URLs are worth a fetch; counts why the others were dropped."""

    outlet_domains: tuple[str, ...]  # the outlet's domains: they and their subdomains are dropped
    outlet_hosts: frozenset[str]  # host[:port] of the outlet's pages as fetched
    watched_hosts: frozenset[str]  # host[:port] of the watchlist's seeds
    crawl: CrawlConfig
    dropped: Counter[str] = field(default_factory=Counter)

    @classmethod
    def for_scan(
        cls,
        domains: Iterable[str],
        outlet_hosts: Iterable[str],
        sites: Iterable[SiteConfig],
        crawl: CrawlConfig,
    ) -> CandidateFilter:
        watched = frozenset(host_of(seed) for s in sites for seed in s.seeds) - {""}
        outlet = tuple(d.lower().strip(".").removeprefix("www.") for d in domains if d.strip("."))
        return cls(outlet, frozenset(outlet_hosts), watched, crawl)

    def check(self, raw: Any) -> str | None:
        """The URL to fetch (normalized), or None with the reason counted in ``dropped``."""
        reason = self._reason(raw)
        if reason:
            self.dropped[reason] += 1
            return None
        return normalize_url(raw, max_length=self.crawl.max_url_length)

    def _reason(self, raw: Any) -> str:
        if not isinstance(raw, str) or not raw.strip():
            return "not a URL"
        if len(raw) > self.crawl.max_url_length:
            return "longer than max_url_length"
        if urlsplit(raw.strip()).scheme.lower() not in ("http", "https"):
            return "not http(s)"
        url = normalize_url(raw, max_length=self.crawl.max_url_length)
        if url is None:
            return "not a valid http(s) URL"
        if is_file_url(url):
            return "a file, not a page"
        host = host_of(url)
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host in self.outlet_hosts or any(name == d or name.endswith("." + d) for d in self.outlet_domains):
            return "on the outlet's own domain"
        if host in self.watched_hosts:
            return "on a watched site"
        if not self.crawl.allow_private_addresses:
            hostname = urlsplit(url).hostname or ""
            ip = parse_ip_literal(hostname)
            if (
                (ip is not None and not is_public(ip))
                or hostname == "localhost"
                or hostname.endswith(".localhost")
            ):
                return "refused by the network policy (not a public address)"
        return ""


class CandidateCrawl:
    """The "crawl" of one discovered host: exactly its result pages (and their next pages), with the
    query that found each. Called like ``crawl_site``, so the pipeline treats it as any site."""

    def __init__(self, found_by: Mapping[str, str]):
        self.urls = tuple(found_by)
        self._found_by = dict(found_by)

    def how(self, url: str) -> str:
        """The "provider: query" that found ``url`` (a final URL after redirects, or a next page)."""
        key = normalize_url(url) or url
        return self._found_by.get(key) or self._found_by.get(url) or next(iter(self._found_by.values()), "")

    def __call__(
        self,
        site: SiteConfig,
        fetcher: Fetcher,
        robots: RobotsCache,
        config: CrawlConfig,
        known: Callable[[str], KnownPage | None],
    ) -> SiteCrawl:
        sc = SiteCrawl(site=site.name)
        sc.captures = self._crawl(sc, fetcher, robots, config, known)
        return sc

    def _crawl(
        self,
        sc: SiteCrawl,
        fetcher: Fetcher,
        robots: RobotsCache,
        cfg: CrawlConfig,
        known: Callable[[str], KnownPage | None],
    ) -> Iterator[Capture]:
        if not self.urls:
            return
        err = robots.error(self.urls[0])
        if err:
            sc.error = err
            return

        def queued(url: str, on: str) -> None:  # a next page was found by what found its first page
            self._found_by.setdefault(url, self._found_by.get(on, ""))

        # the site crawl's page loop: the limits, robots.txt, one look per final URL, next pages
        front = Frontier(sc, fetcher, robots, cfg, known, {host_key(u) for u in self.urls}, queued)
        for url in self.urls:
            front.add(url, None, None, "seed")
        for cap in front.run():
            self._found_by.setdefault(
                normalize_url(cap.final_url) or cap.final_url, self._found_by.get(cap.url, "")
            )
            yield cap
