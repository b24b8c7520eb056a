"""`copywatch check-config`: what a scan with this config would do, without scanning.

The config is validated as a scan would (every key), then, over the same network policy as a scan
(private addresses refused unless allowed, robots.txt obeyed, bounded fetches, no WARC written),
each source is looked at once:

    exclusives  each local file or folder exists (how many .html files), each URL's robots.txt
                verdict and what it is (sitemap, feed, page) with how many URLs it lists
    each site   each seed's robots.txt verdict, the sitemaps robots.txt names, what the seed is,
                and how many page URLs its sitemaps and feeds list (sitemap indexes followed)

Nothing is stored. A problem that would make a scan lose a source (robots.txt unreachable or
disallowing, a seed that does not answer, a missing file) is an error; a seed that lists no URL
is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .crawl.discover import _local_files, normalize_url
from .crawl.discover.sitemaps import DiscoveredPage, IndexDocument, SitemapWalk, Source, Unread
from .crawl.fetch import Fetcher
from .crawl.robots import RobotsCache


@dataclass(frozen=True)
class SourceCheck:
    """One seed or exclusives source, as a scan would find it."""

    source: str
    robots: str  # allowed, disallowed, unreachable, local, invalid
    kind: str  # sitemapindex, urlset, feed, text, html, files, unknown, error, "" (not fetched)
    urls: int  # page URLs listed (sitemaps and feeds, indexes followed) or local .html files
    sitemaps: tuple[str, ...] = ()  # the Sitemap: lines of robots.txt
    error: str = ""  # a scan would lose this source
    warning: str = ""  # a scan would go on, but probably not as meant
    listed: frozenset[str] = frozenset()  # the URLs themselves (two seeds may list the same ones)


@dataclass(frozen=True)
class SiteCheck:
    name: str
    partner: bool
    seeds: tuple[SourceCheck, ...]


@dataclass(frozen=True)
class ConfigCheck:
    source: str
    exclusives: tuple[SourceCheck, ...]
    sites: tuple[SiteCheck, ...]
    warnings: tuple[str, ...]  # about the config as a whole

    @property
    def errors(self) -> list[str]:
        out = [f"exclusives source {c.source}: {c.error}" for c in self.exclusives if c.error]
        for s in self.sites:
            out += [f"site {s.name}: seed {c.source}: {c.error}" for c in s.seeds if c.error]
        return out


def _check_url(fetcher: Fetcher, robots: RobotsCache, source: str, *, with_sitemaps: bool) -> SourceCheck:
    norm = normalize_url(source, max_length=fetcher.config.max_url_length)
    if norm is None:
        return SourceCheck(source, "invalid", "", 0, error="not an http(s) URL")
    err = robots.error(norm)
    if err:
        return SourceCheck(norm, "unreachable", "", 0, error=err)
    sitemaps = tuple(robots.sitemaps(norm)) if with_sitemaps else ()
    if not robots.allowed(norm):
        return SourceCheck(norm, "disallowed", "", 0, sitemaps, error="robots.txt disallows it; not fetched")
    # One walk, the scan's own (crawl/discover/sitemaps.py SitemapWalk): the same documents read
    # under the same rules (robots.txt, each document once, MAX_INDEX_DOCS, the depth limit), so
    # check-config counts what a scan would list. What robots.txt names is read by a scan too.
    walk = SitemapWalk(fetcher, robots, fetcher.config)
    main: Source = "sitemap"
    named: Source = "robots_sitemap"
    roots = [(norm, main)] + [(sm, named) for sm in sitemaps]
    urls: set[str] = set()
    kind: str = "unknown"
    for item in walk.walk(roots):
        if isinstance(item, DiscoveredPage):
            urls.add(item.url)
        elif item.url == norm and isinstance(item, Unread):
            return SourceCheck(norm, "allowed", "error", 0, sitemaps, error=item.why)
        elif item.url == norm and isinstance(item, IndexDocument):
            kind = item.kind
    if kind == "unknown":
        return SourceCheck(
            norm,
            "allowed",
            kind,
            len(urls),
            sitemaps,
            error="neither a sitemap, a feed nor an HTML page",
            listed=frozenset(urls),
        )
    warning = "" if urls or kind == "html" else f"this {kind} lists no URL: nothing is found through it"
    return SourceCheck(norm, "allowed", kind, len(urls), sitemaps, warning=warning, listed=frozenset(urls))


def _check_local(source: str, files: list[Path]) -> SourceCheck:
    present = [p for p in files if p.is_file()]
    if not present:
        return SourceCheck(source, "local", "files", 0, error="no such file (or no .html file in the folder)")
    return SourceCheck(source, "local", "files", len(present))


def check_config(
    config: Config, fetcher: Fetcher | None = None, progress: Callable[[str], None] | None = None
) -> ConfigCheck:
    """Look at every source of ``config`` as a scan would; ``progress`` is told each source."""
    say = progress or (lambda _s: None)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.crawl)  # no archive: nothing is captured or stored
    robots = RobotsCache(fetcher)
    try:
        exclusives = []
        for source in config.outlet.exclusives:
            say(source)
            files = _local_files(source)
            if files is not None:
                exclusives.append(_check_local(source, files))
            else:
                exclusives.append(_check_url(fetcher, robots, source, with_sitemaps=False))
        sites = []
        for site in config.sites:
            seeds = []
            for seed in site.seeds:
                say(seed)
                seeds.append(_check_url(fetcher, robots, seed, with_sitemaps=True))
            sites.append(SiteCheck(site.name, site.partner, tuple(seeds)))
    finally:
        if own:
            fetcher.close()
    warnings = []
    if not config.sites:
        warnings.append(
            f"{config.source}: no [[sites]] table: a scan reads the exclusives and crawls no site"
        )
    return ConfigCheck(config.source, tuple(exclusives), tuple(sites), tuple(warnings))
