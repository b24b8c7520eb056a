"""URL identity (urls.py): the AMP caches' addresses of a page are that page."""

from __future__ import annotations

import pytest

from copywatch.urls import unwrap_amp_cache, url_key

ARTICLE = ("kawalisalyaoum.com", "/2024/05/12/alaalaf-khotta-sirriya", "")


@pytest.mark.parametrize(
    "url",
    [
        "https://kawalisalyaoum-com.cdn.ampproject.org/c/s/kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/amp/",
        "https://kawalisalyaoum-com.cdn.ampproject.org/v/s/www.kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/?amp_js_v=0.1",
        "https://kawalisalyaoum-com.bing-amp.com/c/s/kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/",
        "https://www.google.com/amp/s/kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/amp",
        "https://www.google.co.ma/amp/s/m.kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya",
        "http://kawalisalyaoum.com/2024/05/12/alaalaf-khotta-sirriya/",
    ],
)
def test_an_amp_cache_address_has_the_article_key(url: str) -> None:
    key = url_key(url)
    assert key is not None and key[:2] == ARTICLE[:2], key


def test_the_scheme_comes_from_the_cache_path() -> None:
    assert unwrap_amp_cache("https://x-ma.cdn.ampproject.org/c/s/x.ma/a?b=1") == "https://x.ma/a?b=1"
    assert unwrap_amp_cache("https://x-ma.cdn.ampproject.org/c/x.ma/a") == "http://x.ma/a"


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.ampproject.org/v0.js",  # the AMP runtime, no page behind it
        "https://www.google.com/search?q=amp",
        "https://www.google.com/amp/",
        "https://example-com.cdn.ampproject.org/c/s/",
        "https://news.example/amp/s/kawalisalyaoum.com/a",  # not a cache host
    ],
)
def test_other_addresses_are_left_as_they_are(url: str) -> None:
    assert unwrap_amp_cache(url) == url
