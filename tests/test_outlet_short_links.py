"""The outlet's own short links in a copy (WordPress's ``/?p=48213``): where they lead decides.

A copier's "original link" is often the outlet's shortlink, which WordPress prints on every post
(``<link rel="shortlink">``, the share buttons) and which redirects to the article. It is the
outlet's host but not the exclusive's URL, so without following it the credit check would call it
a link to another article: a false "uncredited". The resolver follows it (robots.txt obeyed, the
fetch captured like any other) and the redirect's end decides: the exclusive, or another article.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest
from tests.fixtures.arabic import EXCLUSIVE_A
from tests.fixtures.http_server import LocalServer
from tests.hostile_server import local_config

from copywatch.attribution import attribute
from copywatch.config import OutletConfig
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache
from copywatch.crawl.shortlinks import ShortLinkResolver
from copywatch.models import Document, Exclusive
from copywatch.urls import is_outlet_short_link

ARTICLE = "/2024/05/12/alaalaf-khotta-sirriya/"
OTHER = "/2024/05/01/another-story/"
REDIRECTS = {"/?p=48213": ARTICLE, "/?p=100": OTHER, "/48213": ARTICLE, "/?p=7": "/?p=7"}  # 7: a loop


class Outlet(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        if self.path in REDIRECTS:
            self.send_response(301)
            self.send_header("Location", REDIRECTS[self.path])
            body = b""
        elif self.path == "/robots.txt":
            self.send_response(200)
            body = b"User-agent: *\nDisallow: /private\n"
        else:
            self.send_response(200)
            body = "<html><body><p>مقال</p></body></html>".encode()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def outlet():
    with LocalServer(Outlet, hits=[]) as server:
        yield server


def check(server: LocalServer, href: str, resolve: ShortLinkResolver | None):
    url = server.url(ARTICLE)
    ex = Exclusive(url, url, "خطة سرية", EXCLUSIVE_A)
    body = "".join(f"<p>{p}</p>" for p in EXCLUSIVE_A.split("\n"))
    html = f'<html><body><article>{body}<p><a href="{href}">الرابط الأصلي</a></p></article></body></html>'
    doc = Document(url="http://copier.test/a.html", title="", text=EXCLUSIVE_A, html=html)
    outlet = OutletConfig(name="كواليس اليوم", domains=(f"127.0.0.1:{server.port}",))
    return attribute(doc, ex, outlet, copied_text=EXCLUSIVE_A, resolve=resolve)


def resolver(server: LocalServer) -> ShortLinkResolver:
    fetcher = Fetcher(local_config())
    return ShortLinkResolver(fetcher, RobotsCache(fetcher), [], outlet_hosts=[f"127.0.0.1:{server.port}"])


@pytest.mark.parametrize("path", ["/?p=48213", "/48213"])
def test_the_outlets_short_link_to_the_exclusive_is_a_link_credit(outlet, path):
    credit = check(outlet, outlet.url(path), resolver(outlet))
    assert credit.verdict == "link", (credit.evidence, credit.decoys)
    assert any(e.signal == "link_article" and "->" in e.text for e in credit.evidence)


def test_the_outlets_short_link_to_another_article_is_not(outlet):
    credit = check(outlet, outlet.url("/?p=100"), resolver(outlet))
    assert credit.verdict == "none"
    assert "other_article_link" in [d.signal for d in credit.decoys]


def test_without_a_resolver_it_stays_a_link_to_another_article(outlet):
    assert check(outlet, outlet.url("/?p=48213"), None).verdict == "none"


def test_only_short_link_shapes_of_the_outlet_are_fetched(outlet):
    resolve = resolver(outlet)
    assert resolve(outlet.url("/category/news/")) is None  # an ordinary page of the outlet
    assert resolve("http://elsewhere.test/?p=48213") is None  # not the outlet, not a short-link host
    assert outlet.httpd.hits == []  # type: ignore[attr-defined]
    assert resolve(outlet.url("/?p=48213")) == outlet.url(ARTICLE)


@pytest.mark.parametrize(
    ("url", "short"),
    [
        ("https://kawalisalyaoum.com/?p=48213", True),
        ("https://kawalisalyaoum.com/index.php?page_id=7", True),
        ("https://kawalisalyaoum.com/123456", True),
        ("https://kawalisalyaoum.com/?p=48213&utm_source=fb", True),
        ("https://kawalisalyaoum.com/?s=search", False),
        ("https://kawalisalyaoum.com/?p=abc", False),
        ("https://kawalisalyaoum.com/category/news/", False),
        ("https://kawalisalyaoum.com/", False),
    ],
)
def test_short_link_shapes(url, short):
    assert is_outlet_short_link(url) is short


def test_a_short_link_that_redirects_to_itself_leads_nowhere(outlet):
    """A hostile outlet answer (a redirect loop) costs the fetcher's redirect bound, and the link
    credits nothing: no exception, no hang."""
    assert resolver(outlet)(outlet.url("/?p=7")) is None
    credit = check(outlet, outlet.url("/?p=7"), resolver(outlet))
    assert credit.verdict == "none"
