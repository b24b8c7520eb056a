"""RELIABILITY #1, #2: robots.txt per RFC 9309 (unreachable means disallow-all)."""

from __future__ import annotations

import pytest

from copywatch.config import SiteConfig
from copywatch.crawl.discover import crawl_site
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache, product_token
from hostile_server import HostileServer, local_config, send


def robots(text: str, status: int = 200):
    return lambda h: send(h, status, text.encode(), "text/plain")


def crawl(srv: HostileServer, seeds: tuple[str, ...] = ("/page",)) -> tuple[list, object]:
    cfg = local_config(max_retries=0)
    fetcher = Fetcher(cfg)
    try:
        rc = RobotsCache(fetcher)
        sc = crawl_site(SiteConfig("s", tuple(srv.url(s) for s in seeds)), fetcher, rc, cfg, lambda u: None)
        return list(sc.captures), sc
    finally:
        fetcher.close()


@pytest.mark.parametrize(
    "route",
    [robots("oops", 503), robots("oops", 500), lambda h: h.connection.close()],
    ids=["503", "500", "dropped"],
)
def test_unreachable_robots_means_no_page_is_requested(route) -> None:
    with HostileServer(routes={"/robots.txt": route}) as srv:
        caps, sc = crawl(srv)
        assert srv.page_hits() == 0
        assert srv.hits("/robots.txt") >= 1
    assert caps == []
    assert "robots.txt" in sc.error and "unreachable" in sc.error


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_4xx_means_allow_all(status: int) -> None:
    with HostileServer(routes={"/robots.txt": robots("no", status)}) as srv:
        caps, sc = crawl(srv)
        assert srv.hits("/page") == 1
    assert [c.url for c in caps] == [srv.url("/page")] and sc.error == ""


def test_longest_match_wins_and_allow_wins_ties() -> None:
    text = "User-agent: *\nDisallow: /\nAllow: /public\nDisallow: /tie\nAllow: /tie\n"
    with HostileServer(routes={"/robots.txt": robots(text)}) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher)
        assert rc.allowed(srv.url("/public/x"))
        assert rc.allowed(srv.url("/tie/x"))
        assert not rc.allowed(srv.url("/private/x"))
        assert not rc.allowed(srv.url("/"))
        assert rc.allowed(srv.url("/robots.txt"))
        fetcher.close()
        assert srv.hits("/robots.txt") == 1


def test_group_for_our_product_token_is_used() -> None:
    text = "User-agent: *\nDisallow: /\n\nUser-agent: copywatch\nDisallow: /private\n"
    with HostileServer(routes={"/robots.txt": robots(text)}) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher)
        assert rc.allowed(srv.url("/news/1")) and not rc.allowed(srv.url("/private/1"))
        fetcher.close()
    assert product_token("copywatch/0.1 (+https://github.com/copywatch/copywatch)") == "copywatch"


def test_600_kib_robots_with_a_rule_at_450_kib() -> None:
    filler = "".join(f"# filler line {i:08d} xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" for i in range(10_000))
    head = "User-agent: *\nAllow: /\n" + filler[: 450 * 1024]
    text = head + "Disallow: /secret\n" + filler[: 150 * 1024]
    assert len(text.encode()) > 600 * 1024 and text.index("Disallow: /secret") >= 450 * 1024
    with HostileServer(routes={"/robots.txt": robots(text)}) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher)
        assert not rc.allowed(srv.url("/secret/doc"))
        assert rc.allowed(srv.url("/open"))
        fetcher.close()


def test_cache_lasts_at_most_24_hours() -> None:
    now = [1_000_000.0]
    with HostileServer(routes={"/robots.txt": robots("User-agent: *\nDisallow: /x\n")}) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher, clock=lambda: now[0])
        rc.allowed(srv.url("/a"))
        now[0] += 23 * 3600
        rc.allowed(srv.url("/b"))
        assert srv.hits("/robots.txt") == 1
        now[0] += 2 * 3600
        rc.allowed(srv.url("/c"))
        assert srv.hits("/robots.txt") == 2
        fetcher.close()


def test_unreachable_robots_is_rechecked_after_a_short_delay() -> None:
    now = [0.0]
    with HostileServer(routes={"/robots.txt": robots("down", 503)}) as srv:
        fetcher = Fetcher(local_config(max_retries=0))
        rc = RobotsCache(fetcher, clock=lambda: now[0], failure_ttl=300)
        assert not rc.allowed(srv.url("/a"))
        now[0] += 301
        assert not rc.allowed(srv.url("/a"))
        assert srv.hits("/robots.txt") == 2
        fetcher.close()


def test_crawl_delay_and_sitemaps_are_read() -> None:
    text = "User-agent: *\nCrawl-delay: 0.3\nDisallow: /x\nSitemap: http://example.com/sitemap.xml\n"
    with HostileServer(routes={"/robots.txt": robots(text)}) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher)
        assert rc.crawl_delay(srv.url("/")) == 0.3
        assert rc.sitemaps(srv.url("/")) == ["http://example.com/sitemap.xml"]
        fetcher.fetch(srv.url("/page"))
        fetcher.fetch(srv.url("/page?2"))
        fetcher.close()
        hits = sorted(srv.log, key=lambda h: h.start)
        assert all(b.start - a.end >= 0.3 for a, b in zip(hits, hits[1:], strict=False))


def test_robots_redirect_is_followed() -> None:
    routes = {
        "/robots.txt": lambda h: send(h, 301, headers={"Location": "/real-robots.txt"}),
        "/real-robots.txt": robots("User-agent: *\nDisallow: /hidden\n"),
    }
    with HostileServer(routes=routes) as srv:
        fetcher = Fetcher(local_config())
        rc = RobotsCache(fetcher)
        assert not rc.allowed(srv.url("/hidden/1")) and rc.allowed(srv.url("/shown"))
        fetcher.close()


def test_a_group_ended_by_a_blank_line_without_rules_allows_everything():
    from protego import Protego

    from copywatch.crawl.robots import close_empty_groups

    text = "User-agent: *\n\nUser-agent: GPTBot\nDisallow: /\n"
    rules = Protego.parse(close_empty_groups(text))
    assert rules.can_fetch("http://a.test/ar/story/1", "copywatch")
    assert not rules.can_fetch("http://a.test/ar/story/1", "GPTBot")
    # consecutive user-agent lines (no blank line) still share their rules
    shared = Protego.parse(close_empty_groups("User-agent: *\nUser-agent: GPTBot\nDisallow: /x\n"))
    assert not shared.can_fetch("http://a.test/x", "copywatch")
    assert shared.can_fetch("http://a.test/y", "copywatch")
