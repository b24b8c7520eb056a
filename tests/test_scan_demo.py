"""End to end: the bundled demo web, served on 127.0.0.1, scanned as `copywatch demo` does.

Asserts the exact set of (site, page, exclusive) copies and each credit verdict against the demo's
truth, and what a rescan of an unchanged web does (no new copies, first_seen kept, few fetches).
"""

from __future__ import annotations

import csv
from urllib.parse import unquote, urlsplit

import pytest

from copywatch.config import parse_config
from copywatch.demo import DEMO_OUTLET, demo_truth, start_demo
from copywatch.pipeline import scan
from copywatch.store import Store


@pytest.fixture(scope="module")
def demo_web():
    web = start_demo()
    yield web
    web.stop()


def demo_config(web, tmp_path):
    return parse_config(
        {
            "outlet": {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)},
            "sites": [{"name": n, "seeds": list(s)} for n, s in web.sites],
            "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0},
            "store": {"path": str(tmp_path / "cw.db")},
            "report": {"dir": str(tmp_path / "reports")},
        },
        source="<test>",
    )


def exclusive_path(url: str) -> str:
    return unquote(urlsplit(url).path)


@pytest.fixture(scope="module")
def first_scan(demo_web, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    config = demo_config(demo_web, tmp)
    return config, scan(config)


def test_demo_scan_finds_exactly_the_expected_copies_and_credits(first_scan):
    config, summary = first_scan
    truth = demo_truth()
    expected = {
        (p["site"], unquote(p["path"]), ex): p["credit"]
        for p in truth
        if p["expected_report"]
        for ex in p["report_exclusives"]
    }
    with open(summary.report_dir / "evidence.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = {}
    for r in rows:
        u = urlsplit(r["page_url"])
        path = unquote(u.path) + ("?" + u.query if u.query else "")
        found[(r["site"], path, exclusive_path(r["exclusive_url"]))] = r["attribution"]
    assert set(found) == set(expected)
    wrong = {k: (found[k], v) for k, v in expected.items() if found[k] != v}
    assert wrong == {}
    assert summary.run.status == "success"


def test_reports_are_written_and_latest_points_at_them(first_scan):
    config, summary = first_scan
    assert (summary.report_dir / "report.html").stat().st_size > 1000
    latest = summary.report_dir.parent / "latest"
    assert (latest / "evidence.csv").read_bytes() == (summary.report_dir / "evidence.csv").read_bytes()


def test_rescan_of_an_unchanged_web_finds_nothing_new(first_scan, demo_web):
    config, summary = first_scan
    with Store(config.store_path) as store:
        before = {(f.page_url, f.exclusive_url): f.first_seen for f in store.findings()}
    outlet = {name for name, _, _ in demo_web.requests()} - {name for name, _ in demo_web.sites}
    articles_before = [r for r in demo_web.requests() if r[0] in outlet and r[2].endswith(".html")]
    again = scan(config)
    articles_after = [r for r in demo_web.requests() if r[0] in outlet and r[2].endswith(".html")]
    # the outlet's exclusives are not downloaded again: their sitemap lastmod has not changed
    assert len(articles_before) >= 13 and articles_after == articles_before
    assert again.run.new_copies == 0
    assert again.run.pages_fetched <= summary.run.pages_fetched
    unchanged = sum(s.pages_unchanged for s in again.run.sites)
    assert unchanged >= len({k[0] for k in before}) // 2
    with Store(config.store_path) as store:
        after = {(f.page_url, f.exclusive_url): f.first_seen for f in store.findings()}
        assert store.integrity() == "ok"
    assert after == before
