"""The three providers against a local server speaking their JSON APIs, and every way one can fail."""

from __future__ import annotations

import time

import pytest
from tests.fixtures.search_server import GARBAGE, SearchIndex, SearchServer

from copywatch.config import CrawlConfig
from copywatch.discovery.providers import Brave, GoogleCSE, ProviderError, SearchClient, SearXNG

PAGE = (
    "<html><head><title>نسخة</title><script>var x = 'انقطاع الماء ليلا عن أحياء أكادير';</script></head>"
    "<body><p>قررت السلطات <b>قطع</b> الماء ليلا عن أحياء أكادير بسبب تراجع حقينة السدود.</p></body></html>"
)
OTHER = "<html><body><p>الماء ليلا عن أحياء أخرى في مدينة بعيدة.</p></body></html>"
PHRASE = "قطع الماء ليلا عن أحياء أكادير"


@pytest.fixture
def server():
    index = SearchIndex()
    index.add("http://copier.example/a.html", PAGE)
    index.add("http://other.example/b.html", OTHER)
    with SearchServer(index) as s:
        yield s


def client(provider, **crawl):
    cfg = CrawlConfig(delay_seconds=0.0, timeout_seconds=crawl.pop("timeout_seconds", 5.0), **crawl)
    return SearchClient(provider, cfg, backoff_base=0.01)


@pytest.mark.parametrize("kind", ["searxng", "brave", "google_cse"])
def test_each_provider_finds_the_page_holding_the_exact_phrase(server, kind):
    provider = {
        "searxng": lambda: SearXNG(server.url),
        "brave": lambda: Brave("test-key", server.url + "/res/v1/web/search"),
        "google_cse": lambda: GoogleCSE("test-key", "cx-123", server.url + "/customsearch/v1"),
    }[kind]()
    c = client(provider)
    assert c.search(PHRASE) == ["http://copier.example/a.html"]
    # words that are all on the other page, but not in that order: no hit; a script's text is not indexed
    assert c.search("أحياء أكادير الماء ليلا عن قطع") == []
    assert c.search("انقطاع الماء ليلا") == []
    path, params, headers = server.log[0]
    if kind == "searxng":
        assert path == "/search" and params == {"q": f'"{PHRASE}"', "format": "json"}
    elif kind == "brave":
        assert params == {"q": f'"{PHRASE}"', "search_lang": "ar", "count": "20"}
        assert headers["X-Subscription-Token"] == "test-key"
    else:
        assert params["exactTerms"] == PHRASE and params["cx"] == "cx-123" and params["key"] == "test-key"
        assert int(params["num"]) <= 10


def test_a_wrong_key_is_a_clear_refusal_that_never_shows_the_key(server):
    for provider in (Brave("wrong-key", server.url + "/res/v1/web/search"),
                     GoogleCSE("wrong-key", "cx", server.url + "/customsearch/v1")):  # fmt: skip
        with pytest.raises(ProviderError) as e:
            client(provider).search(PHRASE)
        assert "wrong-key" not in str(e.value)
        assert "HTTP 40" in str(e.value)


def test_searxng_without_json_enabled_says_what_to_change(server):
    server.json_enabled = False
    with pytest.raises(ProviderError, match="settings.yml"):
        client(SearXNG(server.url)).search(PHRASE)


def test_429_and_503_are_retried_with_backoff_then_answered(server):
    for status in ("429", "503"):
        server.mode, server.fail_times, server.failures = status, 2, 0
        server.log.clear()
        assert client(SearXNG(server.url), max_retries=2).search(PHRASE) == ["http://copier.example/a.html"]
        assert len(server.log) == 3


def test_a_provider_that_keeps_failing_raises_after_max_retries(server):
    server.mode, server.fail_times = "503", 100
    c = client(SearXNG(server.url), max_retries=2)
    with pytest.raises(ProviderError, match="HTTP 503"):
        c.search(PHRASE)
    assert c.sent == 3


def test_down_slow_html_and_wrong_shapes_are_one_line_errors(server):
    server.mode = "down"
    with pytest.raises(ProviderError, match="unreachable"):
        client(SearXNG(server.url), max_retries=0).search(PHRASE)
    server.mode, server.slow_seconds = "slow", 2.0
    t0 = time.monotonic()
    with pytest.raises(ProviderError, match="too slow"):
        client(SearXNG(server.url), timeout_seconds=0.5).search(PHRASE)
    assert time.monotonic() - t0 < 1.9
    server.mode = "html"
    with pytest.raises(ProviderError, match="text/html, not JSON"):
        client(SearXNG(server.url)).search(PHRASE)
    server.mode = "ok"
    with pytest.raises(ProviderError, match="unexpected shape"):
        SearXNG(server.url).urls({"results": {"url": "http://x.example/"}})
    assert SearXNG(server.url).urls({"no_results": []}) == []


def test_garbage_results_come_back_as_they_are_for_the_candidate_filter(server):
    server.mode = "garbage"
    got = client(SearXNG(server.url)).search(PHRASE)
    assert "http://copier.example/a.html" in got
    assert len(got) == len(GARBAGE) + 1
    assert None in got  # not even a string: the filter drops it
