"""check-config counts what a scan would list: it walks a seed's sitemaps with the scan's own walk
(crawl/discover/sitemaps.py SitemapWalk), so a looping or too deep index is read as a scan reads it."""

from __future__ import annotations

from copywatch.checkconfig import check_config
from copywatch.config import MAX_SITEMAP_DEPTH, parse_config
from copywatch.crawl.discover import SitemapWalk
from copywatch.crawl.discover.sitemaps import DiscoveredPage
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache
from hostile_server import HostileServer, html, local_config, send

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def xml(body: str):
    return lambda h: send(h, 200, body.encode(), "application/xml")


def index(srv: HostileServer, *paths: str) -> str:
    items = "".join(f"<sitemap><loc>{srv.url(p)}</loc></sitemap>" for p in paths)
    return f'<?xml version="1.0"?><sitemapindex {NS}>{items}</sitemapindex>'


def urlset(srv: HostileServer, *paths: str) -> str:
    items = "".join(f"<url><loc>{srv.url(p)}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset {NS}>{items}</urlset>'


def test_check_config_reads_a_looping_and_deep_index_as_a_scan_does() -> None:
    with HostileServer(routes={"/a/*": lambda h: send(h, 200, html("a", "نص " * 30))}) as srv:
        # the root lists itself (a loop) and a chain of indexes deeper than the walk follows
        srv.routes["/root.xml"] = xml(index(srv, "/root.xml", "/pages.xml", "/d1.xml"))
        srv.routes["/pages.xml"] = xml(urlset(srv, "/a/1", "/a/2"))
        for d in range(1, MAX_SITEMAP_DEPTH + 2):
            srv.routes[f"/d{d}.xml"] = xml(
                index(srv, f"/d{d + 1}.xml") if d <= MAX_SITEMAP_DEPTH else urlset(srv, "/a/deep")
            )
        data = {
            "outlet": {
                "name": "كواليس اليوم",
                "domains": ["kawalisalyaoum.com"],
                "exclusives": [srv.url("/pages.xml")],
            },
            "sites": [{"name": "copier", "seeds": [srv.url("/root.xml")]}],
            "crawl": {"allow_private_addresses": True, "delay_seconds": 0},
        }
        config = parse_config(data, source="<test>")
        checked = check_config(config)
        counted = [p for p in srv.log if p.path == "/root.xml"]
        cfg = local_config()
        fetcher = Fetcher(cfg)
        try:
            walk = SitemapWalk(fetcher, RobotsCache(fetcher), cfg)
            listed = {
                i.url for i in walk.walk([(srv.url("/root.xml"), "sitemap")]) if isinstance(i, DiscoveredPage)
            }
        finally:
            fetcher.close()
    [seed] = checked.sites[0].seeds
    assert seed.kind == "sitemapindex" and seed.listed == frozenset(listed)
    assert listed == {srv.url("/a/1"), srv.url("/a/2")}  # the page below the depth limit is not listed
    assert len(counted) == 1  # the index that lists itself is read once
    assert checked.exclusives[0].urls == 2
