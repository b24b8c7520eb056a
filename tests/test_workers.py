"""The scan's worker processes (workers.py, [scan] workers): a scan of the demo web served on
127.0.0.1 finds the same copies, with the same credit and evidence, with two workers as in one
process; a worker that dies on a page costs that page only; a page over its CPU budget in a worker
is recorded as it is in-process; the key is checked; ParsedPage answers what the crawler's own
next-page reader answers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from tests.fixtures.live_web import LiveDemo, config_data, expected_copies

from copywatch.config import ConfigError, parse_config
from copywatch.crawl.discover import next_page
from copywatch.pipeline import scan
from copywatch.store import Store
from copywatch.text.parsed import ParsedPage

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live() -> Any:
    web = LiveDemo()
    yield web
    web.stop()


def _config(live: LiveDemo, tmp: Path, workers: int, **crawl: Any) -> Any:
    data = config_data(live, tmp, **crawl)
    data["scan"] = {"workers": workers}
    return parse_config(data, source="<test>")


def _stored(db: Path) -> tuple[set[tuple[Any, ...]], set[tuple[str, str]], set[tuple[Any, ...]]]:
    """(findings with their credit and evidence, page errors, stored pages) of the latest run."""
    with Store(db, create=False) as store:
        findings = {
            (f.site, f.page_url, f.exclusive_url, f.attribution, f.attribution_evidence, round(f.coverage, 6),
             f.match_type, f.published_at, f.published_order, f.sha256, f.page_text)
            for f in store.findings()
        }  # fmt: skip
        errors = {(e.url, e.error) for e in store.page_errors()}
        pages = set()
        for url in {f[1] for f in findings}:
            p = store.page(url)
            assert p is not None
            pages.add((p.url, p.title, p.text, p.published_at, p.sha256, p.body))
    return findings, errors, pages


def _paths(db: Path) -> set[tuple[str, str, str]]:
    with Store(db, create=False) as store:
        return {
            (f.site, unquote(urlsplit(f.page_url).path), unquote(urlsplit(f.exclusive_url).path))
            for f in store.findings()
        }


def test_two_workers_find_what_one_process_finds(live: LiveDemo, tmp_path: Path) -> None:
    one = _config(live, tmp_path / "one", 1)
    two = _config(live, tmp_path / "two", 2)
    first = scan(one)
    second = scan(two)
    assert first.findings == second.findings > 0
    assert _paths(one.store_path) == expected_copies() == _paths(two.store_path)
    a, b = _stored(one.store_path), _stored(two.store_path)
    assert a[0] == b[0]  # every finding: credit, its evidence, coverage, dates, text
    assert a[1] == b[1]  # the same page errors (none, on the demo web)
    assert a[2] == b[2]  # the same stored pages (extraction, date, compressed body)


def test_a_worker_that_dies_on_a_page_costs_that_page_only(
    live: LiveDemo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copywatch.workers as workers

    victim = sorted(expected_copies())[0]  # (site, page path, exclusive path)
    main = os.getpid()
    real = workers._page_work

    def dies_on_the_victim(job: Any) -> Any:
        # a worker process dies as a crash in libxml2 would kill it: no exception, no traceback
        if unquote(urlsplit(job.url).path) == victim[1] and os.getpid() != main:
            os._exit(70)
        return real(job)

    monkeypatch.setattr(workers, "_page_work", dies_on_the_victim)  # inherited by the forked workers
    config = _config(live, tmp_path, 2)
    summary = scan(config)
    assert summary.run.status == "success"  # page errors are not site errors
    found = _paths(config.store_path)
    assert found == {c for c in expected_copies() if c[1] != victim[1]}
    with Store(config.store_path, create=False) as store:
        errors = {unquote(urlsplit(e.url).path): e.error for e in store.page_errors()}
    assert list(errors) == [victim[1]]
    assert "worker process" in errors[victim[1]] and "died" in errors[victim[1]]


def test_a_page_over_its_cpu_budget_in_a_worker_is_a_page_error(
    live: LiveDemo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copywatch.text.parsed import ParsedPage as Parsed

    victim = sorted(expected_copies())[-1]
    real = Parsed.document

    def costly(self: Parsed) -> Any:  # CPU time spent in the worker's own thread, on one page
        if unquote(urlsplit(self.url).path) == victim[1]:
            end = __import__("time").thread_time() + 0.3
            while __import__("time").thread_time() < end:
                pass
        return real(self)

    monkeypatch.setattr(Parsed, "document", costly)
    config = _config(live, tmp_path, 2, max_page_cpu_seconds=0.2)
    scan(config)
    with Store(config.store_path, create=False) as store:
        errors = {unquote(urlsplit(e.url).path): e.error for e in store.page_errors()}
    assert victim[1] in errors and "max_page_cpu_seconds = 0.2" in errors[victim[1]]
    assert victim not in _paths(config.store_path)


@pytest.mark.parametrize(
    ("workers", "message"),
    [(-1, "key 'workers' must not be negative"), (257, "[scan] key 'workers' must be between 0"),
     ("2", "key 'workers' must be an integer")],
)  # fmt: skip
def test_the_workers_key_is_checked(workers: Any, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(
            {"outlet": {"name": "X", "exclusives": ["https://x.test/"]}, "scan": {"workers": workers}},
            source="cw.toml",
        )
    assert message in str(e.value) and "cw.toml" in str(e.value)


def test_the_workers_key_is_read() -> None:
    cfg = parse_config({"outlet": {"name": "X", "exclusives": ["https://x.test/"]}, "scan": {"workers": 3}})
    assert cfg.scan.workers == 3
    plain = parse_config({"outlet": {"name": "X", "exclusives": ["https://x.test/"]}})
    assert plain.scan.workers == 0  # one per core
    assert cfg.digest() == plain.digest()  # how fast, not what is found


PAGES = [
    b'<html><head><link rel="next" href="/a?page=2"></head><body><p>x</p></body></html>',
    b'<html><body><a href="/other">o</a><a rel="prev next" href="p3.html">n</a></body></html>',
    b'<html><head><base href="http://elsewhere.test/dir/"></head>'
    b'<body><a rel=NEXT href="2">n</a></body></html>',
    b'<p>a fragment <a rel="next" href="//cdn.test/x">n</a></p>',
    b"<html><body><p>nothing continues this page, next to nothing</p></body></html>",
    b'<html><body><a rel="next">no href</a><link rel="next" href=" /spaced "></body></html>',
    b"",
    "<html><body><a rel='next' href='/صفحة/2'>التالي</a></body></html>".encode(),
]


@pytest.mark.parametrize("body", PAGES)
def test_parsed_page_finds_the_next_page_the_crawler_finds(body: bytes) -> None:
    url = "http://site.test/news/article.html"
    assert ParsedPage(body, "text/html; charset=utf-8", url).next_page() == next_page(
        body, "text/html; charset=utf-8", url
    )


# --- short links: resolved in the site thread, the credit check run again with the answers -----

A_URL = "https://www.kawalisalyaoum.com/2026/11/desalination.html"


def _article(paragraphs: list[str], extra: str = "", head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + extra
    return (
        f"<!doctype html><html lang='ar'><head><meta charset='utf-8'><title>تحلية</title>{head}</head>"
        f"<body><nav><a href='/'>الرئيسية</a></nav><article><h1>تحلية</h1>{body}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_short_link_in_a_copy_is_resolved_before_the_credit_check(tmp_path: Path, workers: int) -> None:
    from tests.fixtures.arabic import EXCLUSIVE_A, NOTICE
    from tests.hostile_server import HostileServer, send

    paras = [p for p in EXCLUSIVE_A.split("\n") if p != NOTICE]

    def sitemap(h: Any) -> None:
        locs = "".join(f"<url><loc>http://{h.headers['Host']}{p}</loc></url>" for p in ("/short", "/plain"))
        send(h, 200, f"<?xml version='1.0'?><urlset>{locs}</urlset>".encode(), "application/xml")

    def redirect(h: Any) -> None:
        send(h, 301, b"", "", {"Location": A_URL + "?utm_source=x"})

    canonical = f'<link rel="canonical" href="{A_URL}">'
    with (
        HostileServer(routes={"/a.html": lambda h: send(h, 200, _article(paras, head=canonical))}) as outlet,
        HostileServer(routes={"/abc": redirect}) as shortener,
    ):
        link = f'<p>المصدر: <a href="{shortener.url("/abc")}">اضغط هنا</a></p>'
        routes = {
            "/sitemap.xml": sitemap,
            "/short": lambda h: send(h, 200, _article(paras, extra=link)),
            "/plain": lambda h: send(h, 200, _article(paras)),
        }
        with HostileServer(routes=routes) as site:
            config = parse_config(
                {
                    "outlet": {
                        "name": "كواليس اليوم",
                        "domains": ["kawalisalyaoum.com"],
                        "exclusives": [outlet.url("/a.html")],
                    },  # fmt: skip
                    "sites": [{"name": "copier", "seeds": [site.url("/sitemap.xml")]}],
                    "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0, "max_retries": 0},
                    "attribution": {"short_link_hosts": [shortener.url("").split("//")[1]]},
                    "store": {"path": str(tmp_path / "cw.db")},
                    "report": {"dir": str(tmp_path / "reports")},
                    "scan": {"workers": workers},
                },
                source="<test>",
            )
            scan(config)
        asked = [h.path for h in shortener.records]
    with Store(config.store_path, create=False) as store:
        found = {urlsplit(f.page_url).path: f for f in store.findings()}
    assert set(found) == {"/short", "/plain"}
    assert found["/short"].attribution == "link"
    assert f"{shortener.url('/abc')} -> {A_URL}" in found["/short"].attribution_evidence
    assert found["/plain"].attribution == "none"
    assert asked.count("/abc") == 1  # one polite request, from the site thread


@pytest.mark.parametrize("workers", [1, 2])
def test_the_outlets_own_short_link_in_a_copy_is_resolved_in_a_scan(tmp_path: Path, workers: int) -> None:
    from tests.fixtures.arabic import EXCLUSIVE_A, NOTICE
    from tests.hostile_server import HostileServer, send

    paras = [p for p in EXCLUSIVE_A.split("\n") if p != NOTICE]
    article = "/2024/05/12/desalination/"

    def home(h: Any) -> None:  # WordPress's shortlink: /?p=48213 redirects to the article
        if h.path == "/?p=48213":
            send(h, 301, b"", "", {"Location": article})
        else:
            send(h, 404, b"")

    def sitemap(h: Any) -> None:
        send(h, 200, f"<?xml version='1.0'?><urlset><url><loc>http://{h.headers['Host']}/own</loc></url></urlset>"
             .encode(), "application/xml")  # fmt: skip

    with HostileServer(routes={article: lambda h: send(h, 200, _article(paras)), "/": home}) as outlet:
        link = f'<p>الرابط الأصلي: <a href="{outlet.url("/?p=48213")}">هنا</a></p>'
        routes = {"/sitemap.xml": sitemap, "/own": lambda h: send(h, 200, _article(paras, extra=link))}
        with HostileServer(routes=routes) as site:
            config = parse_config(
                {
                    "outlet": {
                        "name": "كواليس اليوم",
                        "domains": [f"127.0.0.1:{outlet.port}"],
                        "exclusives": [outlet.url(article)],
                    },  # fmt: skip
                    "sites": [{"name": "copier", "seeds": [site.url("/sitemap.xml")]}],
                    "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0, "max_retries": 0},
                    "store": {"path": str(tmp_path / "cw.db")},
                    "report": {"dir": str(tmp_path / "reports")},
                    "scan": {"workers": workers},
                },
                source="<test>",
            )
            scan(config)
        asked = [h.path for h in outlet.records]
    with Store(config.store_path, create=False) as store:
        found = {urlsplit(f.page_url).path: f for f in store.findings()}
    assert set(found) == {"/own"}
    assert found["/own"].attribution == "link", found["/own"].attribution_evidence
    assert "/?p=48213 -> " in found["/own"].attribution_evidence
    assert asked.count("/?p=48213") == 1


def test_a_scan_whose_workers_cannot_start_runs_in_one_process(
    live: LiveDemo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_fork() -> int:  # as fork fails when the machine is out of memory or processes
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    config = _config(live, tmp_path, 2)
    summary = scan(config)
    assert summary.run.status == "success"
    assert _paths(config.store_path) == expected_copies()
    assert "worker processes could not start" in caplog.text
