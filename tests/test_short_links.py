"""A short link in a copy is followed (only on short-link hosts) to decide whether it credits."""

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
from copywatch.models import Document, Exclusive
from copywatch.pipeline import ShortLinkResolver

TARGET = "https://www.kawalisalyaoum.com/2025/10/desalination.html"


@pytest.fixture
def shortener():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(301)
            self.send_header("Location", TARGET + "?utm_source=twitter")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    with LocalServer(Handler) as server:
        yield f"127.0.0.1:{server.port}", hits


def page(link: str) -> Document:
    body = "".join(f"<p>{p}</p>" for p in EXCLUSIVE_A.split("\n")[:-1])
    html = f'<html><body><article>{body}<p>المصدر: <a href="{link}">اضغط هنا</a></p></article></body></html>'
    return Document(url="http://copier.test/a.html", title="t", text=EXCLUSIVE_A, html=html)


def test_a_short_link_to_the_exclusive_is_a_link_credit(shortener):
    host, hits = shortener
    fetcher = Fetcher(local_config())
    resolve = ShortLinkResolver(fetcher, RobotsCache(fetcher), [host])
    assert resolve(f"http://{host}/abc") == TARGET + "?utm_source=twitter"
    ex = Exclusive(url=TARGET, fetched_url=TARGET, title="x", text=EXCLUSIVE_A)
    outlet = OutletConfig(name="كواليس اليوم", domains=("kawalisalyaoum.com",))
    credit = attribute(page(f"http://{host}/abc"), ex, outlet, resolve=resolve)
    assert credit.verdict == "link"
    assert hits.count("/abc") == 1  # cached: asked once for both calls


def test_links_to_other_hosts_are_never_fetched(shortener):
    host, hits = shortener
    fetcher = Fetcher(local_config())
    resolve = ShortLinkResolver(fetcher, RobotsCache(fetcher), ["bit.ly"])
    assert resolve(f"http://{host}/abc") is None
    assert hits == []
