"""Which result URLs are fetched, and the [discovery] table's checks."""

from __future__ import annotations

import pytest
from tests.fixtures.search_server import GARBAGE

from copywatch.config import CrawlConfig, SiteConfig, parse_config
from copywatch.discovery.candidates import CandidateFilter
from copywatch.errors import ConfigError


def make_filter(allow_private: bool = False) -> CandidateFilter:
    return CandidateFilter.for_scan(
        ["kawalisalyaoum.com"],
        {"127.0.0.1:8000"},
        [SiteConfig("watched", ("https://www.watched.example/", "https://watched.example/sitemap.xml"))],
        CrawlConfig(allow_private_addresses=allow_private, max_url_length=2083),
    )


def test_pages_on_other_hosts_are_kept_normalized():
    f = make_filter()
    assert f.check("https://Copier.example/a.html?utm_source=x#top") == "https://copier.example/a.html"
    assert f.check("http://copier.example/%D8%A7") == "http://copier.example/%D8%A7"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://www.kawalisalyaoum.com/2025/10/a.html", "on the outlet's own domain"),
        ("https://m.kawalisalyaoum.com/a.html", "on the outlet's own domain"),
        ("http://127.0.0.1:8000/a.html", "on the outlet's own domain"),
        ("https://watched.example/2025/a.html", "on a watched site"),
        ("javascript:alert(1)", "not http(s)"),
        ("ftp://files.example/a.html", "not http(s)"),
        ("http://copier.example/" + "a" * 10_000, "longer than max_url_length"),
        ("http://10.0.0.7/a.html", "refused by the network policy (not a public address)"),
        ("http://[::1]:8080/", "refused by the network policy (not a public address)"),
        ("http://localhost/", "refused by the network policy (not a public address)"),
        ("https://copier.example/file.pdf", "a file, not a page"),
        (None, "not a URL"),
        (12345, "not a URL"),
        ("", "not a URL"),
    ],
)
def test_what_is_dropped_and_why(url, reason):
    f = make_filter()
    assert f.check(url) is None
    assert f.dropped == {reason: 1}


def test_private_addresses_only_when_allowed():
    assert make_filter(allow_private=True).check("http://10.0.0.7/a.html") == "http://10.0.0.7/a.html"


def test_every_garbage_result_of_the_test_server_is_dropped():
    f = make_filter()
    assert all(f.check(g) is None for g in GARBAGE)
    assert sum(f.dropped.values()) == len(GARBAGE)


def base(**discovery):
    return {"outlet": {"name": "O", "exclusives": ["x.html"]}, "discovery": discovery}


def test_discovery_config_is_checked_with_clear_messages(monkeypatch):
    monkeypatch.delenv("CW_TEST_BRAVE", raising=False)
    cases = [
        ({"provider": "bing"}, "retired in August 2025"),
        ({"provider": "yahoo"}, "must be one of searxng, brave, google_cse"),
        ({"provider": "searxng"}, "needs key 'endpoint'"),
        ({"provider": "searxng", "endpoint": "search.example.org"}, "http(s) URL"),
        (
            {"provider": "searxng", "endpoint": "https://s.example", "api_key_env": "X"},
            "searxng takes no key",
        ),
        ({"provider": "brave"}, "needs key 'api_key_env'"),
        ({"provider": "brave", "api_key_env": "CW_TEST_BRAVE"}, "CW_TEST_BRAVE is not set"),
        ({"provider": "searxng", "endpoint": "https://s.example", "requery_days": [0, 7, 1]}, "increasing"),
        ({"provider": "searxng", "endpoint": "https://s.example", "requery_days": ["1"]}, "list of integers"),
        ({"provider": "searxng", "endpoint": "https://s.example", "queries_per_exclusive": 0}, "at least 1"),
        ({"provider": "searxng", "endpoint": "https://s.example", "cx": "1"}, "cx' is for google_cse"),
        (
            {"provider": "searxng", "endpoint": "https://s.example", "max_queries": 1},
            "unknown key 'max_queries'",
        ),
    ]
    for table, message in cases:
        with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
            parse_config(base(**table), source="cw.toml")
        assert "cw.toml: [discovery]" in str(e.value)
    monkeypatch.setenv("CW_TEST_BRAVE", "k3y-value-xyz")
    with pytest.raises(ConfigError, match="needs key 'cx'"):
        parse_config(base(provider="google_cse", api_key_env="CW_TEST_BRAVE"), source="cw.toml")
    cfg = parse_config(base(provider="brave", api_key_env="CW_TEST_BRAVE"), source="cw.toml")
    assert cfg.discovery.requery_days == (0, 1, 7) and cfg.discovery.max_queries_per_scan == 200
    assert "k3y-value-xyz" not in repr(cfg)
    assert parse_config(base(), source="cw.toml").discovery.provider == ""


def test_shipped_config_and_readme_document_every_discovery_key():
    from pathlib import Path

    from copywatch.config import DiscoveryConfig, load_config

    root = Path(__file__).resolve().parent.parent
    shipped = (root / "config.toml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert load_config(root / "config.toml").discovery.provider == ""  # shipped off
    assert "[discovery]" in shipped
    for key in DiscoveryConfig.__dataclass_fields__:
        assert f"\n{key} =" in shipped, key
        assert f"`{key}`" in readme, key
    for needed in ("formats:", "json", "X-Subscription-Token", "2027-01-01", "What discovery cannot find"):
        assert needed in readme, needed
