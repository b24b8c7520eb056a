"""Search discovery end to end: copier sites that are NOT in the watchlist are found through a local
SearXNG-shaped engine that indexes the served demo web (real exact-phrase matching over the pages'
text), fetched through the scan's own fetcher, matched and credited like any page.

The demo web's truth says which pages copy which exclusive and with what credit; the watchlist
keeps one copier site only (jaridat-aljiha), so the copies of the five others can only come from
search. Held to: recall >= 0.9 of those copies, no page reported that the truth does not list
(precision 1.0, as the watchlist scan of the same web in test_scan_demo), every credit verdict
right, and the query budget.
"""

from __future__ import annotations

import csv
import tomllib
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from tests.fixtures.search_server import GARBAGE, SearchServer, demo_index

from copywatch.cli import main
from copywatch.config import parse_config
from copywatch.demo import DEMO_OUTLET, demo_truth, start_demo
from copywatch.pipeline import scan
from copywatch.store import Store

WATCHED = "jaridat-aljiha"


@pytest.fixture(scope="module")
def web():
    w = start_demo()
    yield w
    w.stop()


@pytest.fixture(scope="module")
def engine(web):
    with SearchServer(demo_index(web)) as s:
        yield s


def config(web, engine, tmp, discovery=None, crawl=None):
    return parse_config(
        {
            "outlet": {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)},
            "sites": [{"name": n, "seeds": list(s)} for n, s in web.sites if n == WATCHED],
            "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0, **(crawl or {})},
            "discovery": {"provider": "searxng", "endpoint": engine.url, **(discovery or {})},
            "store": {"path": str(tmp / "cw.db")},
            "report": {"dir": str(tmp / "reports")},
        },
        source="<test>",
    )


def truth_keys(web):
    """(site, path, exclusive path) -> credit of every copy a scan must report."""
    return {
        (p["site"], unquote(p["path"]), ex): p["credit"]
        for p in demo_truth()
        if p["expected_report"]
        for ex in p["report_exclusives"]
    }


def found_keys(web, findings):
    site_of = {urlsplit(o).netloc: name for name, o in web.origins.items()}
    out = {}
    for f in findings:
        u = urlsplit(f.page_url)
        key = (site_of[u.netloc], unquote(u.path) + ("?" + u.query if u.query else ""),
               unquote(urlsplit(f.exclusive_url).path))  # fmt: skip
        out[key] = f
    return out


@pytest.fixture(scope="module")
def first(web, engine, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discovery")
    cfg = config(web, engine, tmp)
    engine.log.clear()
    summary = scan(cfg)
    queries = list(engine.queries())
    with Store(cfg.store_path) as store:
        findings = store.findings()
    return cfg, summary, queries, findings


def test_copies_on_sites_nobody_watches_are_found_through_search(web, first):
    cfg, summary, queries, findings = first
    truth = truth_keys(web)
    unwatched = {k: v for k, v in truth.items() if k[0] != WATCHED}
    found = found_keys(web, findings)
    by_search = {k: f for k, f in found.items() if f.discovered_by != "watchlist"}
    recall = len(set(by_search) & set(unwatched)) / len(unwatched)
    assert len(unwatched) >= 15
    assert recall >= 0.9, sorted(set(unwatched) - set(by_search))
    # the same precision and credit accuracy as the watchlist scan of this web: all of it
    assert set(found) <= set(truth), sorted(set(found) - set(truth))
    assert {k: f.attribution for k, f in found.items() if f.attribution != truth[k]} == {}
    # the watched site is still crawled and its copies say so
    assert {k for k, f in found.items() if f.discovered_by == "watchlist"} == {
        k for k in truth if k[0] == WATCHED
    }
    assert summary.run.status == "success"


def test_the_query_budget_holds_and_each_copy_names_its_query(web, first):
    cfg, summary, queries, findings = first
    exclusives = summary.run.exclusives
    assert len(queries) <= min(
        cfg.discovery.max_queries_per_scan, exclusives * cfg.discovery.queries_per_exclusive
    )
    assert len(queries) == len({q["q"] for q in queries})  # no query twice
    asked = {q["q"].strip('"') for q in queries}
    for f in findings:
        if f.discovered_by != "watchlist":
            provider, _, phrase = f.discovered_by.partition(": ")
            assert provider == "searxng" and phrase in asked


def test_results_are_fetched_politely_only_off_the_watchlist_and_off_the_outlet(web, first):
    cfg, summary, queries, findings = first
    blocked = [p for p in demo_truth() if p["robots_blocked"]]
    assert blocked
    served = {(s, unquote(urlsplit(path).path)) for s, _, path in web.requests()}
    for p in blocked:  # the engine lists it; robots.txt forbids it: never fetched
        assert (p["site"], unquote(p["path"])) not in served
    with Store(cfg.store_path) as store:
        sites = {r[0]: r[1] for r in store.db.execute("SELECT url, site FROM pages")}
    outlet = urlsplit(web.outlet_url).netloc
    watched = urlsplit(web.origins[WATCHED]).netloc
    for url, site in sites.items():
        host = urlsplit(url).netloc
        if host == watched:
            assert site == WATCHED  # crawled as the watched site, not again as a discovered one
        elif host != outlet:
            assert site == host  # one synthetic site per discovered host
    assert outlet not in {s for s in sites.values()}


def test_report_csv_and_sites_suggest_show_the_discovered_sites(web, engine, first, tmp_path):
    cfg, summary, queries, findings = first
    html = (summary.report_dir / "report.html").read_text(encoding="utf-8")
    assert 'id="discovered"' in html
    discovered_sites = {f.site for f in findings if f.discovered_by != "watchlist"}
    assert all(s in html for s in discovered_sites)
    with open(summary.report_dir / "evidence.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][-1] == "discovered_by"
    assert {r[-1].split(":")[0] for r in rows[1:]} == {"watchlist", "searxng"}

    toml_path = tmp_path / "config.toml"
    toml_path.write_text(
        f'[outlet]\nname = "x"\nexclusives = ["{web.outlet_sources[0]}"]\n'
        f'[[sites]]\nname = "{WATCHED}"\nseeds = ["{web.origins[WATCHED]}/"]\n'
        f'[store]\npath = "{cfg.store_path}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sites", "--suggest", "--config", str(toml_path)])
    assert result.exit_code == 0, result.output
    suggested = tomllib.loads(result.output)["sites"]
    uncredited: dict[str, int] = {}
    for f in findings:
        if f.discovered_by != "watchlist" and f.attribution == "none":
            uncredited[f.site] = uncredited.get(f.site, 0) + 1
    expected = {s for s, n in uncredited.items() if n > 1}
    assert expected and {urlsplit(s["seeds"][0]).netloc for s in suggested} == expected
    # ready to paste: the config with those tables appended is valid
    pasted = tomllib.loads(toml_path.read_text(encoding="utf-8") + "\n" + result.output)
    assert len(parse_config(pasted, source="pasted").sites) == 1 + len(expected)
    listing = CliRunner().invoke(main, ["sites", "--config", str(toml_path)])
    assert (
        listing.exit_code == 0 and f"watched  {WATCHED}" in listing.output and "search   " in listing.output
    )


def test_a_rescan_sends_no_query_again_and_finds_nothing_new(web, engine, first):
    cfg, summary, queries, findings = first
    engine.log.clear()
    again = scan(cfg)
    assert engine.queries() == []  # every query of round 0 is answered and cached
    assert again.run.new_copies == 0
    with Store(cfg.store_path) as store:
        assert {(f.page_url, f.exclusive_url) for f in store.findings()} == {
            (f.page_url, f.exclusive_url) for f in findings
        }


def test_a_day_later_round_1_asks_other_phrases_once(web, engine, first):
    cfg, summary, queries, findings = first
    day_ago = (datetime.now(UTC) - timedelta(days=1, minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with Store(cfg.store_path) as store, store.transaction() as db:  # first seen a day ago
        db.execute("UPDATE exclusives SET first_seen = ?", (day_ago,))
    before = {q["q"] for q in queries}
    rounds = []
    for _ in range(2):
        engine.log.clear()
        scan(cfg)
        rounds.append([q["q"] for q in engine.queries()])
    assert rounds[0] and len(rounds[0]) <= len(queries)
    assert not set(rounds[0]) & before  # round 1's own phrases
    assert rounds[1] == []  # answered: not asked again


def test_the_querying_of_a_slow_provider_is_cut_at_max_site_seconds(web, engine, tmp_path):
    cfg = config(web, engine, tmp_path, crawl={"max_site_seconds": 1.0})
    engine.mode, engine.slow_seconds = "slow", 0.4
    engine.log.clear()
    try:
        summary = scan(cfg)
    finally:
        engine.mode = "ok"
    errors = {s.site: s.error for s in summary.run.sites if s.error}
    assert "max_site_seconds" in errors["(search: searxng)"]
    assert 1 <= len(engine.log) <= 4
    with Store(cfg.store_path) as store:
        assert len(store.searched("searxng")) == len(engine.log)  # what was answered is kept


def test_a_small_budget_is_spread_over_scans(web, engine, tmp_path):
    cfg = config(web, engine, tmp_path, discovery={"max_queries_per_scan": 5})
    sent = []
    for _ in range(2):
        engine.log.clear()
        scan(cfg)
        sent.append([q["q"] for q in engine.queries()])
    assert [len(s) for s in sent] == [5, 5]
    assert not set(sent[0]) & set(sent[1])


@pytest.mark.parametrize("mode", ["down", "slow", "html", "503"])
def test_a_failing_provider_costs_one_line_in_the_site_errors(web, engine, tmp_path, mode):
    cfg = config(web, engine, tmp_path, crawl={"timeout_seconds": 1.0, "max_retries": 1})
    engine.mode, engine.fail_times, engine.failures, engine.slow_seconds = mode, 1000, 0, 2.0
    try:
        summary = scan(cfg)
    finally:
        engine.mode = "ok"
    errors = {s.site: s.error for s in summary.run.sites if s.error}
    assert list(errors) == ["(search: searxng)"]
    assert "queries left for the next scan" in errors["(search: searxng)"]
    assert summary.run.status == "site_errors"
    with Store(cfg.store_path) as store:
        assert store.searched("searxng") == set()  # nothing answered: the next scan asks again
        assert {f.site for f in store.findings()} == {WATCHED}  # the watchlist scan is whole
    engine.log.clear()
    scan(cfg)  # the provider is back
    assert engine.queries()


def test_garbage_result_urls_are_dropped_and_the_copies_still_found(web, engine, tmp_path):
    cfg = config(web, engine, tmp_path, discovery={"queries_per_exclusive": 1})
    engine.garbage = tuple(
        g for g in GARBAGE if not (isinstance(g, str) and ("10.0." in g or "169.254" in g))
    )
    engine.mode = "garbage"
    try:
        summary = scan(cfg)
    finally:
        engine.mode = "ok"
        engine.garbage = GARBAGE
    assert summary.run.status in ("success", "site_errors")
    with Store(cfg.store_path) as store:
        urls = [r[0] for r in store.db.execute("SELECT url FROM pages")]
        found = [f for f in store.findings() if f.discovered_by != "watchlist"]
    origins = tuple(web.origins.values())
    assert urls and all(u.startswith(origins) for u in urls)  # nothing but the demo web was stored
    assert len(found) >= 10


@pytest.mark.parametrize("provider", ["brave", "google_cse"])
def test_brave_and_google_cse_plug_in_the_same_way(web, engine, tmp_path, monkeypatch, provider):
    monkeypatch.setenv("CW_SEARCH_KEY", engine.key)
    path = {"brave": "/res/v1/web/search", "google_cse": "/customsearch/v1"}[provider]
    extra = {"cx": "test-cx"} if provider == "google_cse" else {}
    cfg = config(web, engine, tmp_path, discovery={"provider": provider, "endpoint": engine.url + path,
                                                   "api_key_env": "CW_SEARCH_KEY", "queries_per_exclusive": 1,
                                                   **extra})  # fmt: skip
    engine.log.clear()
    summary = scan(cfg)
    assert summary.run.status == "success"
    assert {p for p, _, _ in engine.log} == {path}
    with Store(cfg.store_path) as store:
        found = [f for f in store.findings() if f.discovered_by.startswith(provider + ": ")]
    truth = truth_keys(web)
    got = found_keys(web, found)
    assert len(got) >= 10 and set(got) <= set(truth)
