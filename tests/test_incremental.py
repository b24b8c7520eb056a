"""Rescans are incremental and idempotent: an unchanged web costs few full fetches and changes nothing;
a page edited between scans is fetched again and matched again, keeping its copy's first_seen.

This module also holds ``LiveDemo`` and the config helpers the other operations tests import
(test_crash_safety, test_site_failures, test_recheck, ...): the bundled demo web, served by its own
servers on 127.0.0.1, with a per-request delay, a log of answered statuses, and pages that can be
edited or removed between scans.
"""

from __future__ import annotations

import hashlib

import pytest
from tests.fixtures.arabic import EXCLUSIVE_A
from tests.fixtures.live_web import (
    LiveDemo,
    config_data,
    csv_rows,
    drop_last_paragraphs,
    expected_copies,
    first_seen,
    found_copies,
)

from copywatch.config import parse_config
from copywatch.crawl.archive import read_record
from copywatch.demo import DEMO_OUTLET
from copywatch.pipeline import scan
from copywatch.report.bundle import export_bundle, verify_bundle
from copywatch.store import Store
from hostile_server import HostileServer, send

# A verbatim, uncredited copy on a site crawled by following links (no sitemap lastmod to trust).
LINKED_SITE, LINKED_COPY = "muntada-alhiwar", "/threads/1040/"


@pytest.fixture(scope="module")
def live():
    web = LiveDemo()
    yield web
    web.stop()


def full_fetches(statuses: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """Candidate-site pages answered with a body (200), robots.txt aside.

    The outlet's own exclusives are fetched in full at every scan (discover_exclusives sends no
    conditional request): they are few, and an edited exclusive must be seen.
    """
    return [
        (site, p)
        for site, p, code in statuses
        if code == 200 and site != "kawalisalyaoum" and not p.startswith("/robots.txt")
    ]


def test_rescan_of_an_unchanged_web_fetches_little_and_finds_nothing_new(live, tmp_path):
    config = parse_config(config_data(live, tmp_path))
    live.statuses.clear()
    first = scan(config)
    first_bodies = full_fetches(live.statuses)
    before = first_seen(config.store_path)
    assert found_copies(config.store_path) == expected_copies()

    live.statuses.clear()
    second = scan(config)
    second_bodies = full_fetches(live.statuses)
    assert second.run.new_copies == 0
    assert second.run.copies == first.run.copies == len(before)
    # Conditional requests and sitemap lastmod spare nearly every page body the second time.
    assert len(second_bodies) <= len(first_bodies) // 4, second_bodies
    assert first_seen(config.store_path) == before
    assert sum(s.pages_changed for s in second.run.sites) == 0
    rows = csv_rows(second.report_dir / "evidence.csv")
    assert {r["first_seen"] for r in rows} == {first.run.started_at}


def test_a_page_changed_between_scans_is_fetched_and_matched_again(live, tmp_path):
    config = parse_config(config_data(live, tmp_path))
    scan(config)
    url = live.url(LINKED_SITE, LINKED_COPY)
    with Store(config.store_path) as store:
        old = {f.exclusive_url: f for f in store.findings() if f.page_url == url}
    assert len(old) == 1

    original = live.body(LINKED_SITE, LINKED_COPY)
    live.edit(LINKED_SITE, LINKED_COPY, drop_last_paragraphs)
    try:
        live.statuses.clear()
        again = scan(config)
    finally:
        live.edit(LINKED_SITE, LINKED_COPY, lambda _: original)
    assert (LINKED_SITE, LINKED_COPY) in full_fetches(live.statuses)
    site = next(s for s in again.run.sites if s.site == LINKED_SITE)
    assert site.pages_changed == 1
    with Store(config.store_path) as store:
        new = {f.exclusive_url: f for f in store.findings() if f.page_url == url}
    assert new.keys() == old.keys()
    (ex,) = new
    assert new[ex].sha256 != old[ex].sha256  # the new capture is the evidence now
    assert new[ex].coverage < old[ex].coverage  # matched again on the shorter text
    assert new[ex].first_seen == old[ex].first_seen
    assert again.run.new_copies == 0


def test_a_copy_first_found_on_an_unchanged_page_points_at_its_full_capture(live, tmp_path):
    """A page fetched again unchanged gets only a revisit record (no body). A copy first reported at
    that scan (here: a lower min_coverage) must still point at the full response holding the body,
    with that response's time, so its SHA-256 checks out and the export is accepted."""
    data = config_data(live, tmp_path)
    scan(parse_config({**data, "match": {"min_coverage": 0.9}}))
    config = parse_config(data)
    for _ in range(2):  # the second rescan makes revisits of revisits
        again = scan(config)
    assert again.run.copies > 0
    rows = csv_rows(again.report_dir / "evidence.csv")
    assert len(rows) == len(expected_copies())
    for row in rows:
        assert "/" not in row["warc_file"]  # a name in the WARC folder, which may move
        headers, payload = read_record(config.warc_dir / row["warc_file"], int(row["warc_offset"]))
        assert headers["WARC-Type"] == "response", row["page_url"]
        assert hashlib.sha256(payload).hexdigest() == row["sha256"], row["page_url"]
        assert headers["WARC-Date"] == row["captured_at"], row["page_url"]
        assert row["http_status"] == "200", row["page_url"]  # that response's, not a later 304's
    with Store(config.store_path) as store:
        findings = store.findings()
    bundle = export_bundle(findings, tmp_path / "bundle", warc_dir=config.warc_dir)
    assert verify_bundle(bundle) == []


def test_a_copy_behind_a_redirect_is_one_copy_at_its_final_url_scan_after_scan(tmp_path):
    """A sitemap lists an old URL (301 to the article) and the article: one copy, at the article's
    URL, new once; the next scan, which trusts the old URL's lastmod, reports no new copy."""
    article = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in EXCLUSIVE_A.split("\n")) + "</article>"
    (tmp_path / "exclusive.html").write_text(article + "</body></html>", encoding="utf-8")
    with HostileServer() as srv:
        sitemap = (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{srv.url('/old')}</loc><lastmod>2026-01-01</lastmod></url>"
            f"<url><loc>{srv.url('/new')}</loc></url></urlset>"
        )
        srv.routes["/sitemap.xml"] = lambda h: send(h, 200, sitemap.encode(), "application/xml")
        srv.routes["/old"] = lambda h: send(h, 301, headers={"Location": "/new"})
        srv.routes["/new"] = lambda h: send(h, 200, article.encode() + b"<p>copy</p></body></html>")
        config = parse_config(
            {
                "outlet": {**DEMO_OUTLET, "exclusives": [str(tmp_path / "exclusive.html")]},
                "sites": [{"name": "copier", "seeds": [srv.url("/sitemap.xml")]}],
                "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0},
                "store": {"path": str(tmp_path / "cw.db")},
                "report": {"dir": str(tmp_path / "reports")},
            }
        )
        first = scan(config)
        second = scan(config)
    assert (first.run.new_copies, first.run.copies) == (1, 1)
    assert (second.run.new_copies, second.run.copies) == (0, 1)
    assert [r["page_url"] for r in csv_rows(second.report_dir / "evidence.csv")] == [srv.url("/new")]
