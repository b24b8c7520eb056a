"""Which pages of a site to look at: sitemaps, feeds and links -> page captures (RELIABILITY #1, #20).

One module per concept:
    sitemaps.py    what a sitemap, feed or text sitemap lists (parse_index), and SitemapWalk: the one
                   walk of sitemap indexes (robots.txt, loops, MAX_INDEX_DOCS, MAX_SITEMAP_DEPTH,
                   newest lastmod first) used by the site crawl and the exclusives alike
    links.py       an HTML page's links and its next page (a pull parser that stops early)
    site.py        crawl_site and SiteCrawl: one site's seeds, sitemaps, then its pages (Frontier)
    exclusives.py  discover_exclusives: the outlet's sources -> its article pages

The names below are the package's interface; importing them from here keeps working whichever
module holds them.
"""

from __future__ import annotations

from ...urls import TRACKING_PARAMS, host_key, normalize_url
from .exclusives import _local_files, discover_exclusives
from .links import (
    MAX_LINKS_PER_PAGE,
    SKIP_EXTENSIONS,
    extract_links,
    is_file_url,
    is_utility_url,
    links_and_next,
    next_page,
)
from .site import Frontier, SiteCrawl, crawl_site
from .sitemaps import (
    DiscoveredPage,
    DocKind,
    IndexDocument,
    SitemapWalk,
    Source,
    Unread,
    is_newer,
    newest_first,
    parse_date,
    parse_index,
    stored_if_unchanged,
)

__all__ = [
    "MAX_LINKS_PER_PAGE",
    "SKIP_EXTENSIONS",
    "TRACKING_PARAMS",
    "DiscoveredPage",
    "DocKind",
    "Frontier",
    "IndexDocument",
    "SiteCrawl",
    "SitemapWalk",
    "Source",
    "Unread",
    "_local_files",
    "crawl_site",
    "discover_exclusives",
    "extract_links",
    "host_key",
    "is_file_url",
    "is_utility_url",
    "is_newer",
    "links_and_next",
    "newest_first",
    "next_page",
    "normalize_url",
    "parse_date",
    "parse_index",
    "stored_if_unchanged",
]
