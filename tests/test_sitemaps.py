"""One sitemap walk for the site crawl and the exclusives (issue 11): the two read the same
documents, once each, and list the same pages in the same order."""

from __future__ import annotations

import gzip

import pytest

from copywatch.config import MAX_INDEX_DOCS, MAX_SITEMAP_DEPTH, SiteConfig
from copywatch.crawl.discover import SiteCrawl, SitemapWalk, crawl_site, discover_exclusives
from copywatch.crawl.discover.sitemaps import DiscoveredPage, IndexDocument
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache
from hostile_server import HostileServer, html, local_config, send

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def index(srv: HostileServer, children: list[tuple[str, str | None]]) -> bytes:
    items = "".join(
        f"<sitemap><loc>{srv.url(p)}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</sitemap>"
        for p, m in children
    )
    return f'<?xml version="1.0"?><sitemapindex {NS}>{items}</sitemapindex>'.encode()


def urlset(srv: HostileServer, pages: list[tuple[str, str | None]]) -> bytes:
    items = "".join(
        f"<url><loc>{srv.url(p)}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</url>" for p, m in pages
    )
    return f'<?xml version="1.0"?><urlset {NS}>{items}</urlset>'.encode()


def xml(body: bytes, ctype: str = "application/xml"):
    return lambda h: send(h, 200, body, ctype)


def article(h) -> None:
    send(h, 200, html(f"article {h.path}", "نص المقال " * 40))


def both(srv: HostileServer, seed: str) -> tuple[list[str], list[str], SiteCrawl, list[str], dict[str, int]]:
    """The pages the site crawl and the exclusives find from one seed, in order, and the sitemap
    requests each made (path -> count)."""
    cfg = local_config()
    fetcher = Fetcher(cfg)
    try:
        sc = crawl_site(SiteConfig("site", (seed,)), fetcher, RobotsCache(fetcher), cfg, lambda u: None)
        crawled = [c.url for c in sc.captures]
        after_crawl = [h.path for h in srv.log]
        problems: list[str] = []
        found = discover_exclusives([seed], fetcher, RobotsCache(fetcher), problems)
    finally:
        fetcher.close()
    after_both = [h.path for h in srv.log]
    crawl_docs = [p for p in after_crawl if p.endswith((".xml", ".gz"))]
    excl_docs = [p for p in after_both[len(after_crawl) :] if p.endswith((".xml", ".gz"))]
    assert sorted(crawl_docs) == sorted(excl_docs), "the two walks read different documents"
    counts = {p: crawl_docs.count(p) for p in crawl_docs}
    return crawled, [p.url for p, _ in found], sc, problems, counts


@pytest.fixture()
def nested():
    """An index that lists itself and a nested index that lists it back (a loop), a gzip
    sitemap, and a chain of indexes one deeper than MAX_SITEMAP_DEPTH."""
    assert MAX_SITEMAP_DEPTH == 3  # the chain below is built for it
    srv = HostileServer(routes={"/a/*": article})
    srv.routes.update(
        {
            "/index.xml": lambda h: xml(
                index(
                    srv,
                    [("/nested.xml", "2026-02-01"), ("/pages-a.xml.gz", "2026-03-01"), ("/index.xml", None)],
                )
            )(h),
            "/nested.xml": lambda h: xml(
                index(srv, [("/index.xml", None), ("/pages-b.xml", None), ("/deep1.xml", None)])
            )(h),
            "/pages-a.xml.gz": lambda h: send(
                h,
                200,
                gzip.compress(urlset(srv, [("/a/2", None), ("/a/1", "2026-01-05")])),
                "application/x-gzip",
            ),
            "/pages-b.xml": lambda h: xml(urlset(srv, [("/a/3", None), ("/a/1", None)]))(h),
            "/deep1.xml": lambda h: xml(index(srv, [("/deep2.xml", None), ("/pages-c.xml", None)]))(
                h
            ),  # depth 2
            "/pages-c.xml": lambda h: xml(urlset(srv, [("/a/4", None)]))(h),  # depth 3: read
            "/deep2.xml": lambda h: xml(index(srv, [("/deep3.xml", None)]))(
                h
            ),  # depth 3: children not followed
            "/deep3.xml": lambda h: xml(urlset(srv, [("/a/too-deep", None)]))(h),  # depth 4
        }
    )
    with srv:
        yield srv


def test_the_crawl_and_the_exclusives_walk_a_looping_nested_index_alike(nested: HostileServer) -> None:
    crawled, exclusives, sc, problems, docs = both(nested, nested.url("/index.xml"))
    want = [nested.url(p) for p in ("/a/1", "/a/2", "/a/3", "/a/4")]  # newest sitemap and lastmod first
    assert crawled == want and exclusives == want
    # every document once per walk: the loop back to /index.xml is not read again
    assert docs == {p: 1 for p in ("/index.xml", "/pages-a.xml.gz", "/nested.xml", "/pages-b.xml",
                                   "/deep1.xml", "/pages-c.xml", "/deep2.xml")}  # fmt: skip
    assert nested.hits("/deep3.xml") == 0 and nested.hits("/a/too-deep") == 0
    assert sc.limits_hit.get("max_sitemap_depth") == 1
    assert any(f"nested more than {MAX_SITEMAP_DEPTH} deep" in p for p in problems)
    assert not any("no article page" in p for p in problems)


def test_both_stop_at_max_index_docs_and_say_so() -> None:
    n = MAX_INDEX_DOCS + 10
    with HostileServer(routes={"/a/*": article}) as srv:
        srv.routes["/index.xml"] = xml(index(srv, [(f"/sm/{i}.xml", None) for i in range(n)]))
        for i in range(n):
            srv.routes[f"/sm/{i}.xml"] = xml(urlset(srv, [(f"/a/{i}", None)]))
        crawled, exclusives, sc, problems, docs = both(srv, srv.url("/index.xml"))
    want = [srv.url(f"/a/{i}") for i in range(MAX_INDEX_DOCS - 1)]  # the index is one of the documents
    assert crawled == want and exclusives == want
    assert sum(docs.values()) == MAX_INDEX_DOCS
    assert sc.limits_hit["max_index_documents"] == n - (MAX_INDEX_DOCS - 1)
    assert any(f"stopped at {MAX_INDEX_DOCS} sitemaps and feeds" in p for p in problems)


def test_a_child_sitemap_that_fails_or_raises_is_said_by_both() -> None:
    with HostileServer(routes={"/a/*": article}) as srv:
        srv.routes["/index.xml"] = xml(index(srv, [("/gone.xml", None), ("/ok.xml", None)]))
        srv.routes["/ok.xml"] = xml(urlset(srv, [("/a/1", None)]))
        crawled, exclusives, sc, problems, _ = both(srv, srv.url("/index.xml"))
    assert crawled == exclusives == [srv.url("/a/1")]
    assert any("gone.xml" in w for w in sc.warnings)
    assert sc.error == ""
    assert any("gone.xml" in p for p in problems)


def test_the_walk_hands_on_lastmod_and_how_each_page_was_found() -> None:
    with HostileServer() as srv:
        srv.routes["/robots-sm.xml"] = xml(index(srv, [("/child.xml", None)]))
        srv.routes["/child.xml"] = xml(urlset(srv, [("/a/old", "2025-01-01"), ("/a/new", "2026-01-01")]))
        srv.routes["/rss"] = xml(
            f"<rss><channel><item><link>{srv.url('/a/f')}</link></item></channel></rss>".encode()
        )
        cfg = local_config()
        fetcher = Fetcher(cfg)
        try:
            walk = SitemapWalk(fetcher, None, cfg)
            items = list(
                walk.walk([(srv.url("/robots-sm.xml"), "robots_sitemap"), (srv.url("/rss"), "seed")])
            )
        finally:
            fetcher.close()
    roots = [(i.url, i.kind) for i in items if isinstance(i, IndexDocument)]
    assert roots == [(srv.url("/robots-sm.xml"), "sitemapindex"), (srv.url("/rss"), "feed")]
    pages = [i for i in items if isinstance(i, DiscoveredPage)]
    assert pages == [
        DiscoveredPage(srv.url("/a/f"), None, "feed"),  # the feed, a root, is read before the index's child
        DiscoveredPage(srv.url("/a/new"), "2026-01-01", "robots_sitemap"),
        DiscoveredPage(srv.url("/a/old"), "2025-01-01", "robots_sitemap"),
    ]
    assert walk.documents == 3
