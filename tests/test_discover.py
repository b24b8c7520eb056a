"""crawl_site and discover_exclusives against a local site (RELIABILITY #1, #20)."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from tests.fixtures.known import known_page

from copywatch.config import SiteConfig
from copywatch.crawl.discover import (
    crawl_site,
    discover_exclusives,
    extract_links,
    is_utility_url,
    links_and_next,
    next_page,
    normalize_url,
    parse_index,
)
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache
from hostile_server import HostileServer, html, local_config, send


def xml(body: str, ctype: str = "application/xml"):
    return lambda h: send(h, 200, body.encode(), ctype)


def urlset(srv: HostileServer, items: list[tuple[str, str | None]]) -> str:
    entries = "".join(
        f"<url><loc>{srv.url(p)}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</url>" for p, m in items
    )
    return (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def article(h) -> None:
    send(h, 200, html(f"article {h.path}", "نص المقال"))


def run(srv: HostileServer, seeds: list[str], known=lambda u: None, **cfg_overrides):
    cfg = local_config(**cfg_overrides)
    fetcher = Fetcher(cfg)
    try:
        sc = crawl_site(SiteConfig("site", tuple(seeds)), fetcher, RobotsCache(fetcher), cfg, known)
        caps = list(sc.captures)
    finally:
        fetcher.close()
    return caps, sc


def robots_txt(srv: HostileServer) -> bytes:
    return f"User-agent: *\nDisallow: /a/secret\nSitemap: {srv.url('/robots-sitemap.txt')}\n".encode()


@pytest.fixture()
def site():
    srv = HostileServer(routes={"/a/*": article})
    srv.routes.update(
        {
            "/robots.txt": lambda h: send(h, 200, robots_txt(srv), "text/plain"),
            "/sitemap_index.xml": xml(
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{srv.url('/sm1.xml')}</loc></sitemap>"
                f"<sitemap><loc>{srv.url('/sm2.xml.gz')}</loc></sitemap></sitemapindex>"
            ),
            "/sm1.xml": lambda h: xml(urlset(srv, [("/a/1", "2026-01-01"), ("/a/secret", None)]))(h),
            "/sm2.xml.gz": lambda h: send(
                h, 200, gzip.compress(urlset(srv, [("/a/2", None)]).encode()), "application/x-gzip"
            ),
            "/robots-sitemap.txt": lambda h: send(h, 200, f"{srv.url('/a/3')}\n".encode(), "text/plain"),
            "/rss": lambda h: xml(
                f"<rss><channel><item><link>{srv.url('/a/4')}</link>"
                "<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item></channel></rss>",
                "application/rss+xml",
            )(h),
            "/atom": lambda h: xml(
                f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="{srv.url("/a/5")}"/>'
                "<updated>2026-01-06T00:00:00Z</updated></entry></feed>",
                "application/atom+xml",
            )(h),
            "/feed.json": lambda h: send(
                h,
                200,
                json.dumps(
                    {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": srv.url("/a/6")}]}
                ).encode(),
                "application/feed+json",
            ),
            "/home": lambda h: send(
                h,
                200,
                html(
                    "home",
                    links=[
                        "/a/7#comments",
                        "/a/7?utm_source=x",
                        "/a/8",
                        "http://other.example/a/9",
                        "/a/pic.jpg",
                        "mailto:x@example.com",
                        "javascript:alert(1)",
                    ],
                ),
            ),
        }
    )
    with srv:
        yield srv


def test_every_kind_of_seed_is_recognised_by_content(site: HostileServer) -> None:
    caps, sc = run(
        site, [site.url(p) for p in ("/sitemap_index.xml", "/rss", "/atom", "/feed.json", "/home")]
    )
    urls = {c.url for c in caps}
    expected = {site.url(f"/a/{i}") for i in range(1, 9)} | {site.url("/home")}
    assert urls == expected
    assert sc.error == "" and sc.new == len(expected) and sc.failed == 0
    assert site.hits("/a/secret") == 0  # listed in a sitemap, disallowed by robots.txt
    assert sc.limits_hit.get("robots_disallowed") == 1
    assert site.hits("/a/7") == 1  # fragment and utm_* variants are one page
    assert site.hits("/a/pic.jpg") == 0
    assert sc.lastmod[site.url("/a/1")] == "2026-01-01"


def test_sitemap_pages_newest_first_and_lastmod_skips_requests(site: HostileServer) -> None:
    old = known_page(
        site.url("/a/1"), None, None, "0" * 64, b"<p>old</p>", "2026-01-02T00:00:00Z", "f", 7, "2026-01-01"
    )
    caps, sc = run(site, [site.url("/sitemap_index.xml")], known=lambda u: old if u == old.url else None)
    by_url = {c.url: c for c in caps}
    assert by_url[old.url].outcome == "not_modified" and by_url[old.url].body == b"<p>old</p>"
    assert site.hits("/a/1") == 0
    assert sc.unchanged == 1 and sc.new == 2  # /a/2, and /a/3 from robots.txt's Sitemap: line


def test_newer_lastmod_means_a_conditional_get(site: HostileServer) -> None:
    old = known_page(
        site.url("/a/1"), '"e1"', None, "0" * 64, b"old", "2025-01-01T00:00:00Z", None, None, "2025-12-01"
    )
    caps, sc = run(site, [site.url("/sitemap_index.xml")], known=lambda u: old if u == old.url else None)
    assert site.hits("/a/1") == 1
    hit = next(h for h in site.log if h.path == "/a/1")
    assert hit.headers.get("If-None-Match") == '"e1"'
    assert sc.changed == 1


def test_a_page_reached_through_a_redirect_is_looked_at_once_and_keeps_its_final_url() -> None:
    moved = lambda h: send(h, 301, headers={"Location": "/a/new"})  # noqa: E731
    with HostileServer(routes={"/a/old": moved, "/a/*": article}) as srv:
        srv.routes["/sitemap.xml"] = xml(urlset(srv, [("/a/old", "2026-01-01"), ("/a/new", None)]))
        caps, _ = run(srv, [srv.url("/sitemap.xml")])
        assert [(c.url, c.final_url) for c in caps] == [(srv.url("/a/old"), srv.url("/a/new"))]
        assert srv.hits("/a/new") == 1
        # Next scan: /a/old's lastmod is unchanged, so the stored capture stands in for it; it is
        # still the page at /a/new, and /a/new is not fetched again.
        old = known_page(
            srv.url("/a/old"), None, None, caps[0].sha256, caps[0].body, caps[0].fetched_at, "f", 7,
            "2026-01-01", final_url=srv.url("/a/new"),
        )  # fmt: skip
        again, sc = run(srv, [srv.url("/sitemap.xml")], known=lambda u: old if u == old.url else None)
        assert [(c.url, c.final_url) for c in again] == [(srv.url("/a/old"), srv.url("/a/new"))]
        assert srv.hits("/a/new") == 1 and sc.unchanged == 1


def test_link_farm_stops_at_the_limits() -> None:
    with HostileServer() as site:
        caps, sc = run(site, [site.url("/farm/0")], max_pages_per_site=25, max_depth=2)
        assert site.hits("/farm/") == 25
    assert len(caps) == 25
    assert sc.limits_hit["max_pages_per_site"] > 0
    assert sc.fetched == 25


def test_depth_limit() -> None:
    with HostileServer() as site:
        caps, sc = run(site, [site.url("/farm/0")], max_pages_per_site=100_000, max_depth=0)
    assert [c.url for c in caps] == [site.url("/farm/0")]
    assert sc.limits_hit["max_depth"] == 1


def test_long_urls_are_not_fetched() -> None:
    long_page = lambda h: send(h, 200, html("long", links=["/a/" + "x" * 3000, "/a/ok"]))  # noqa: E731
    with HostileServer(routes={"/long": long_page, "/a/*": article}) as site:
        caps, sc = run(site, [site.url("/long")])
    assert {c.url for c in caps} == {site.url("/long"), site.url("/a/ok")}
    assert sc.limits_hit["max_url_length"] == 1


UTILITY_LINKS = [
    "/print.php?id=7",
    "/send.php?id=7",
    "/a/7/print",
    "/a/7/print.html",
    "/print/7",
    "/printthread.php?t=7",
    "/a/7?replytocom=3",
    "/a/7?print=1",
    "/index.php?view=print&id=7",
    "/spip.php?page=imprimer&id_article=7",
    "/print:page,1,7-slug.html",
    "/index.php?action=printpage;topic=7.0",
    "/index.php?option=com_mailto&tmpl=component",
    "/posting.php?mode=reply&t=7",
    "/wp-login.php?redirect_to=%2Fa%2F7",
    "/send_to_friend.php?id=7",
    "/share?u=%2Fa%2F7",
]
# article slugs and sections that merely contain such a word, and ?print=0 (the page itself)
ARTICLE_LINKS = [
    "/a/printemps-arabe",
    "/a/share-market-news",
    "/a/email-leak-report",
    "/a/8",
    "/a/7?id=print",
    "/a/7?print=0",
    "/print/2026/01/cover-story",
    "/share/news/results-2026",
    "/a/imprimerie-nationale",
]


def test_print_send_share_and_login_links_are_not_followed() -> None:
    links = UTILITY_LINKS + ARTICLE_LINKS
    page = lambda h: send(h, 200, html("article 7", "نص المقال", links=links))  # noqa: E731
    with HostileServer(routes={"/a/7": page, "/*": article}) as srv:
        caps, sc = run(srv, [srv.url("/a/7")])
        requested = {hit.path for hit in srv.log} - {"/robots.txt"}
    assert {c.url for c in caps} == {srv.url(u) for u in ["/a/7", *ARTICLE_LINKS]}
    assert requested == {"/a/7", *ARTICLE_LINKS}  # not one request for a utility link
    assert len(sc.utility_links) == len(UTILITY_LINKS)  # counted, for the scan's log


def test_a_utility_name_listed_by_a_sitemap_or_as_the_next_page_is_still_fetched() -> None:
    """Only the links a page offers are filtered: a sitemap's URL, a seed and a rel=next page are
    the site's own word that they are pages to read."""
    first = lambda h: send(  # noqa: E731
        h, 200, html("part 1", "نص المقال").replace(b"</head>", b'<link rel="next" href="/a/9/print"></head>')
    )
    with HostileServer(routes={"/a/9": first, "/*": article}) as srv:
        srv.routes["/sitemap.xml"] = xml(urlset(srv, [("/2026/01/15/share", None), ("/a/9", None)]))
        caps, _ = run(srv, [srv.url("/sitemap.xml"), srv.url("/print.php?id=3")])
    assert {c.url for c in caps} >= {
        srv.url("/2026/01/15/share"),
        srv.url("/a/9/print"),
        srv.url("/print.php?id=3"),
    }


def test_a_reply_to_comment_trap_costs_no_request() -> None:
    """tests/hostile_server.py's /reply-trap/: 40 ?replytocom= links, a print, a share and a login
    link under each of 5 articles, all answering 200. Only the articles are fetched."""
    with HostileServer() as srv:
        caps, sc = run(srv, [srv.url("/reply-trap/1")], max_depth=10)
        requested = sorted(hit.path for hit in srv.log if hit.path != "/robots.txt")
    assert requested == [f"/reply-trap/{n}" for n in range(1, 6)], requested
    assert len(caps) == 5 and len(sc.utility_links) == 5 * 43


def test_utility_urls_are_told_from_article_slugs() -> None:
    for u in UTILITY_LINKS:
        assert is_utility_url("https://site.example" + u), u
    for u in ARTICLE_LINKS + ["/", "/mailbox/7", "/a/7?share_count=3", "/node/123", "/showthread.php?t=5"]:
        assert not is_utility_url("https://site.example" + u), u


def test_site_error_when_every_seed_fails() -> None:
    def no_dns(host: str, port: int, *a: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    cfg = local_config(max_retries=0)
    fetcher = Fetcher(cfg, resolver=no_dns)
    sc = crawl_site(
        SiteConfig("gone", ("http://gone.test/",)), fetcher, RobotsCache(fetcher), cfg, lambda u: None
    )
    assert list(sc.captures) == []
    fetcher.close()
    assert "gone.test" in sc.error and sc.result().error == sc.error


def test_normalize_url() -> None:
    assert (
        normalize_url("HTTP://Example.COM:80/a?utm_source=x&id=5&fbclid=y#top") == "http://example.com/a?id=5"
    )
    assert normalize_url("https://example.com:443") == "https://example.com/"
    assert normalize_url("https://example.com:8443/x") == "https://example.com:8443/x"
    assert (
        normalize_url("/مقال", base="https://example.com/ar/")
        == "https://example.com/%D9%85%D9%82%D8%A7%D9%84"
    )
    assert normalize_url("https://u:p@example.com/") == "https://example.com/"
    assert normalize_url("javascript:alert(1)") is None
    assert normalize_url("http://example.com/" + "a" * 3000) is None


def test_parse_index_kinds() -> None:
    assert parse_index(b"<!DOCTYPE html><html></html>")[0] == "html"
    assert parse_index(b"https://a.example/1\nhttps://a.example/2\n") == (
        "text",
        [("https://a.example/1", None), ("https://a.example/2", None)],
    )
    assert parse_index(b"%PDF-1.4 binary")[0] == "unknown"
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    bomb += b"<urlset>&b;</urlset>"
    assert parse_index(bomb) == ("urlset", [])


def test_discover_exclusives_from_files_and_a_sitemap(site: HostileServer, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "one.html").write_text("<html><body>حصري</body></html>", encoding="utf-8")
    (tmp_path / "x" / "notes.txt").write_text("not html")
    single = tmp_path / "two.htm"
    single.write_bytes(b"<html>2</html>")
    fetcher = Fetcher(local_config())
    problems: list[str] = []
    try:
        found = discover_exclusives(
            [str(tmp_path / "x"), single.as_uri(), site.url("/sitemap_index.xml"), site.url("/a/10"),
             "http://127.0.0.1:1/nothing"],
            fetcher, RobotsCache(fetcher), problems,
        )  # fmt: skip
    finally:
        fetcher.close()
    by_source = {}
    for page, cap in found:
        by_source.setdefault(page.source, []).append(page.url)
        assert cap.outcome == "ok" and cap.status == 200 and cap.body
    assert by_source["file"] == [(tmp_path / "x" / "one.html").resolve().as_uri(), single.resolve().as_uri()]
    assert sorted(by_source["sitemap"]) == [site.url("/a/1"), site.url("/a/2")]
    assert by_source["seed"] == [site.url("/a/10")]
    assert site.hits("/a/secret") == 0
    assert len(problems) == 1 and "127.0.0.1:1" in problems[0]


def test_a_page_cut_at_max_bytes_is_still_matched_on_what_was_read() -> None:
    big = html("big", "نص المقال " * 50) + b"<!--" + b"x" * 200_000 + b"-->"
    routes = {"/big": lambda h: send(h, 200, big), "/": lambda h: send(h, 200, html("home", links=["/big"]))}
    with HostileServer(routes=routes) as srv:
        caps, sc = run(srv, [srv.url("/")], max_bytes=64 * 1024)
    by_path = {c.url.rsplit("/", 1)[1]: c for c in caps}
    assert by_path["big"].outcome == "truncated"
    assert "نص المقال".encode() in by_path["big"].body
    assert len(by_path["big"].body) <= 64 * 1024 + 16 * 1024
    assert sc.failed == 0 and sc.new == 2


def test_a_slow_site_is_cut_at_max_site_seconds() -> None:
    links = [f"/a/{i}" for i in range(20)]
    routes = {"/": lambda h: send(h, 200, html("home", links=links))}
    with HostileServer(routes={**routes, "/a/*": article}) as srv:
        caps, sc = run(srv, [srv.url("/")], delay_seconds=0.2, max_site_seconds=0.5)
    assert 1 <= len(caps) < 21
    assert sc.limits_hit.get("max_site_seconds", 0) >= 1


def test_a_failing_seed_beside_working_ones_is_a_warning_not_a_site_error() -> None:
    routes = {"/": lambda h: send(h, 200, html("home", links=["/a/1"]))}
    with HostileServer(routes={**routes, "/a/*": article}) as srv:
        caps, sc = run(srv, [srv.url("/"), srv.url("/missing-sitemap.xml")])
    assert len(caps) == 2 and sc.error == ""
    assert any("missing-sitemap.xml" in w for w in sc.warnings)


def test_exclusives_are_read_up_to_the_limit_and_the_stop_is_said(site: HostileServer) -> None:
    fetcher = Fetcher(local_config())
    problems: list[str] = []
    try:
        found = discover_exclusives([site.url("/sitemap_index.xml")], fetcher, None, problems, limit=1)
    finally:
        fetcher.close()
    assert len(found) == 1
    assert any("stopped at 1 articles" in p for p in problems)


@pytest.mark.parametrize(
    "page, limit",
    [
        (b'<html><head><link rel="next" href="/p/2"></head><body><a href="/a">a</a><a href="b">b</a>'
         b"</body></html>", 10),
        (b'<html><head><base href="http://x.test/sub/"></head><body><a href="a">a</a><area href="m">'
         b'<a rel="prev next" href="n2">next</a></body></html>', 10),
        (b"<html><body>" + b"".join(b'<a href="/l%d">l</a>' % i for i in range(50))
         + b'<a rel="next" href="/late"></a></body></html>', 20),  # the next page after the links' limit
        (b"<html><body><a href=''>empty</a><a>none</a>no next here</body></html>", 5),
        (b"", 5),
    ],
)  # fmt: skip
def test_links_and_next_in_one_pass_answer_what_the_two_functions_do(page: bytes, limit: int) -> None:
    ct, base = "text/html; charset=utf-8", "http://x.test/dir/page"
    assert links_and_next(page, ct, base, limit) == (
        next_page(page, ct, base),
        extract_links(page, ct, base, limit),
    )
