"""A hostile site must never hold, poison or hide a scan (issue 12, items 1-6, 8, 9).

Every case is served by tests/hostile_server.py's catalogue over real sockets on 127.0.0.1 (or ::1):
quadratic-regex pages, a response that smuggles a second one behind its Content-Length, one
certificate for two host names, 300-deep nesting, a JSON feed 200,000 deep, redirects to
``javascript:`` and ``data:``, a page of a million links, an HTML comment beside the article, a page
whose processing raises, a robots.txt with a byte order mark, a full disk, a corrupted store, an
IPv6 literal site and site names that would escape an export folder.
"""

from __future__ import annotations

import base64
import errno
import os
import random
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import trustme
from tests.fixtures.arabic import EXCLUSIVE_A, NOTICE

from copywatch.config import parse_config
from copywatch.crawl.discover import extract_links, next_page, parse_index
from copywatch.crawl.fetch import Fetcher
from copywatch.crawl.robots import RobotsCache
from copywatch.errors import ConfigError
from copywatch.pipeline import scan
from copywatch.store import Store
from copywatch.text.dates import claimed_published_time
from copywatch.text.extract import extract_html
from hostile_server import (
    HostileServer,
    date_bomb_body,
    deep_nest,
    local_config,
    rel_bomb_body,
    robots_bom,
    send,
    title_bomb_body,
)

A_URL = "https://www.kawalisalyaoum.com/2026/11/desalination.html"
PARAS = [p for p in EXCLUSIVE_A.split("\n") if p != NOTICE]
TITLE = "تحلية مياه البحر بسوس ماسة"
CREDIT = "<p>المصدر: كواليس اليوم</p>"


def page(paragraphs: list[str], extra: str = "", title: str = TITLE, wrap: int = 0) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + extra
    article = f"<article><h1>{title}</h1>{body}</article>"
    if wrap:
        article = deep_nest(article, wrap)
    return (
        f"<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>الرئيسية</a></nav>{article}<footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


def route(content: bytes, content_type: str = "text/html; charset=utf-8") -> Any:
    return lambda h: send(h, 200, content, content_type)


def sitemap(*paths: str) -> Any:
    def serve(h: Any) -> None:
        locs = "".join(f"<url><loc>http://{h.headers['Host']}{p}</loc></url>" for p in paths)
        body = f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"
        send(h, 200, body.encode(), "application/xml")

    return serve


def config_for(tmp: Path, outlet: HostileServer, sites: dict[str, list[str]], **crawl: Any) -> Any:
    return parse_config(
        {
            "outlet": {
                "name": "كواليس اليوم",
                "domains": ["kawalisalyaoum.com"],
                "exclusives": [outlet.url("/a.html")],
            },
            "sites": [{"name": n, "seeds": s} for n, s in sites.items()],
            "crawl": {"allow_private_addresses": True, "delay_seconds": 0.0, "max_retries": 0, **crawl},
            "store": {"path": str(tmp / "cw.db"), "warc_dir": str(tmp / "warc")},
            "report": {"dir": str(tmp / "reports")},
        }
    )


def outlet_server() -> HostileServer:
    exclusive = page(PARAS).replace(b"</head>", f'<link rel="canonical" href="{A_URL}"></head>'.encode())
    return HostileServer(routes={"/a.html": route(exclusive)})


def findings_by_path(db: Path) -> dict[str, str]:
    """page path -> attribution verdict of its copy of exclusive A."""
    with Store(db, create=False) as store:
        return {
            f.page_url.split("/", 3)[-1]: f.attribution for f in store.findings() if f.exclusive_url == A_URL
        }


def page_errors(db: Path) -> dict[str, str]:
    with Store(db, create=False) as store:
        return {e.url.split("/", 3)[-1]: e.error for e in store.page_errors()}


# --- 1. quadratic regexes and the per-page CPU budget ------------------------------------------------


def test_rel_and_title_bombs_are_linear() -> None:
    """1 MB of ``rel=`` and of ``<title>``: the rel=next check and the title fallback stay linear (a
    quadratic search took 54 s on 100 KB; the generous cap below proves only non-quadratic growth)."""
    start = time.process_time()
    assert next_page(rel_bomb_body(), "text/html", "http://x.test/") is None
    doc = extract_html(title_bomb_body().decode(), "http://x.test/")
    assert doc.text == ""
    # a date followed by 200,000 newlines: the visible-date patterns' adjacent \s* backtracked
    # with the cube of the run (2,000 spaces took 23 s)
    assert claimed_published_time(date_bomb_body().decode()) == "2024-01-02T00:00:00Z"
    assert time.process_time() - start < 20


def test_a_rel_bomb_page_is_recorded_and_the_site_goes_on(tmp_path: Path) -> None:
    routes = {
        "/sitemap.xml": sitemap("/rel-bomb", "/title-bomb", "/date-bomb", "/copy"),
        "/copy": route(page(PARAS)),
    }
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]})
        scan(config)
    with Store(config.store_path, create=False) as store:
        for bomb in ("/rel-bomb", "/date-bomb"):
            assert store.page(site.url(bomb)) is not None  # recorded: fetched and stored
    # 140,000 unclosed <title> tags: over max_page_elements, recorded as too costly
    assert "max_page_elements" in page_errors(config.store_path)["title-bomb"]
    assert findings_by_path(config.store_path) == {"copy": "none"}


def test_a_page_over_the_cpu_budget_is_recorded_as_too_costly(tmp_path: Path) -> None:
    heavy = page(PARAS[:1] + ["كلمة " * 400] * 600)  # about 5 MB of paragraphs: costly to extract
    routes = {"/sitemap.xml": sitemap("/heavy", "/copy"), "/heavy": route(heavy), "/copy": route(page(PARAS))}
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(
            tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]}, max_page_cpu_seconds=0.2
        )
        summary = scan(config)
    errors = page_errors(config.store_path)
    assert list(errors) == ["heavy"] and "max_page_cpu_seconds" in errors["heavy"]
    assert findings_by_path(config.store_path) == {"copy": "none"}
    assert summary.run.sites[0].pages_failed == 1
    toml = tmp_path / "config.toml"
    toml.write_text(_toml(config), encoding="utf-8")
    shown = _cli("status", "--config", str(toml))
    assert f"hostile: {site.url('/heavy')} not processed: " in shown.stdout, shown.stdout


# --- 2. response smuggling ---------------------------------------------------------------------------


def test_bytes_after_the_declared_body_never_answer_the_next_request() -> None:
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(max_retries=0))
        try:
            first = fetcher.fetch(srv.url("/smuggle"))
            second = fetcher.fetch(srv.url("/page"))
        finally:
            fetcher.close()
    assert b"the real page" in first.body and b"SMUGGLED" not in first.body
    assert second.outcome == "ok" and b"<h1>page</h1>" in second.body
    assert b"SMUGGLED" not in second.body


def test_a_cut_body_closes_the_connection() -> None:
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(max_retries=0, timeout_seconds=1.0))
        try:
            cut = fetcher.fetch(srv.url("/cut"))
            after = fetcher.fetch(srv.url("/page"))
        finally:
            fetcher.close()
    assert cut.outcome in ("timeout", "error")
    assert after.outcome == "ok" and b"<h1>page</h1>" in after.body


# --- 3. TLS is checked for each host name -----------------------------------------------------------


def test_a_connection_opened_for_one_host_is_not_reused_for_another() -> None:
    """One IP, one certificate for good.test only: bad.test must fail verification even right
    after good.test's connection is open and idle in the pool."""
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("good.test").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    def resolver(host: str, port: int, *a: object) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    with HostileServer(tls=server_ctx) as srv:
        fetcher = Fetcher(local_config(max_retries=0), resolver=resolver, ssl_context=client_ctx)
        try:
            good = fetcher.fetch(srv.url("/page", host="good.test"))
            bad = fetcher.fetch(srv.url("/page", host="bad.test"))
            again = fetcher.fetch(srv.url("/etag", host="good.test"))
        finally:
            fetcher.close()
    assert good.outcome == "ok" and good.status == 200
    assert bad.outcome == "error" and "TLS verification failed" in bad.detail and not bad.body
    assert again.outcome == "ok"


def test_two_names_with_their_own_certificates_on_one_address() -> None:
    ca = trustme.CA()
    contexts = {}
    for name in ("one.test", "two.test"):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(name).configure_cert(ctx)
        contexts[name] = ctx
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("one.test").configure_cert(server_ctx)

    def pick(sock: ssl.SSLSocket, name: str | None, _ctx: ssl.SSLContext) -> None:
        if name in contexts:
            sock.context = contexts[name]

    server_ctx.sni_callback = pick
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    def resolver(host: str, port: int, *a: object) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    with HostileServer(tls=server_ctx) as srv:
        fetcher = Fetcher(local_config(max_retries=0), resolver=resolver, ssl_context=client_ctx)
        try:
            caps = [fetcher.fetch(srv.url("/page", host=h)) for h in ("one.test", "two.test", "one.test")]
        finally:
            fetcher.close()
        hosts = [hit.headers.get("Host", "").split(":")[0] for hit in srv.log]
    assert [c.outcome for c in caps] == ["ok", "ok", "ok"]
    assert hosts == ["one.test", "two.test", "one.test"]


# --- 4. deep nesting ---------------------------------------------------------------------------------


def test_a_copy_inside_300_divs_is_found_and_a_credit_after_a_deep_widget_is_seen(tmp_path: Path) -> None:
    widget = deep_nest("<span>إعلان</span>", 300)
    routes = {
        "/sitemap.xml": sitemap("/deep-copy", "/deep-widget"),
        "/deep-copy": route(page(PARAS, wrap=300)),
        "/deep-widget": route(page(PARAS, extra=widget + CREDIT)),
    }
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]})
        scan(config)
    assert findings_by_path(config.store_path) == {"deep-copy": "none", "deep-widget": "name"}


# --- 5. no exception from one page ends a site -------------------------------------------------------


def test_a_json_feed_200000_deep_is_a_recorded_error() -> None:
    kind, entries = parse_index(b'{"items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "application/json")
    assert (kind, entries) == ("unknown", [])


def test_hostile_pages_cost_one_page_each_and_the_site_keeps_its_copies(tmp_path: Path) -> None:
    """A deep JSON feed seed, redirects to javascript: and data:, a page of a million links and a
    page whose comment sits beside the article body: each is recorded; the copies are all found."""
    body = "".join(f"<p>{p}</p>" for p in PARAS)  # a theme's comment closing the article body
    comment_page = page([], f"<div class='news_body'>{body}</div><!-- /news_body --><?php x ?>{CREDIT}")
    routes = {
        "/sitemap.xml": sitemap("/to-javascript", "/to-data", "/million-links", "/comment", "/copy"),
        "/comment": route(comment_page),
        "/copy": route(page(PARAS)),
    }
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        seeds = [site.url("/deep-json"), site.url("/million-links"), site.url("/sitemap.xml")]
        config = config_for(tmp_path, outlet, {"hostile": seeds}, max_depth=1)
        summary = scan(config)
        linked = site.hits("/l")  # the million links all lead to /l: followed once
    assert findings_by_path(config.store_path) == {"comment": "name", "copy": "none"}
    result = summary.run.sites[0]
    assert result.error == ""
    errors = page_errors(config.store_path)
    assert "max_page_elements" in errors["million-links"]
    assert "javascript:" in errors["to-javascript"] and "data:" in errors["to-data"]
    assert result.pages_failed >= 3  # the two redirects and the page of a million links
    assert linked == 1


def test_million_links_are_bounded() -> None:
    body = b"<!doctype html><html><body>" + b"".join(b"<a href=/l%d>x</a>" % i for i in range(300_000))
    links = extract_links(body, "text/html", "http://x.test/", limit=5000)
    assert len(links) == 5000 and links[0] == "http://x.test/l0"


def test_a_page_whose_processing_raises_is_recorded_and_the_site_survives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copywatch.text.parsed import ParsedPage

    real = ParsedPage.document

    def document(self: ParsedPage) -> Any:  # the extraction, in a worker process or not
        if self.url.endswith("/boom"):
            raise RuntimeError("planted failure")
        return real(self)

    monkeypatch.setattr(ParsedPage, "document", document)
    routes = {
        "/sitemap.xml": sitemap("/copy1", "/boom", "/copy2"),
        "/copy1": route(page(PARAS)),
        "/boom": route(page(PARAS)),
        "/copy2": route(page(PARAS, extra=CREDIT)),
    }
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]})
        summary = scan(config)
    assert findings_by_path(config.store_path) == {"copy1": "none", "copy2": "name"}
    errors = page_errors(config.store_path)
    assert list(errors) == ["boom"] and "RuntimeError: planted failure" in errors["boom"]
    assert summary.run.sites[0].error == ""


def test_a_credit_check_that_raises_is_recorded_and_the_other_copies_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copywatch.workers as workers

    real = workers.attribute

    def attribute(doc: Any, *a: Any, **kw: Any) -> Any:
        if doc.url.endswith("/boom"):
            raise AttributeError("'HtmlComment' object has no attribute 'text_content'")
        return real(doc, *a, **kw)

    monkeypatch.setattr(workers, "attribute", attribute)
    routes = {
        "/sitemap.xml": sitemap("/boom", "/copy"),
        "/boom": route(page(PARAS)),
        "/copy": route(page(PARAS)),
    }
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]})
        scan(config)
    assert findings_by_path(config.store_path) == {"copy": "none"}
    assert "AttributeError" in page_errors(config.store_path)["boom"]


# --- 6. robots.txt with a byte order mark ------------------------------------------------------------


def test_robots_txt_with_a_utf8_bom_keeps_its_rules() -> None:
    routes = {"/robots.txt": robots_bom("User-agent: *\nDisallow: /private\n")}
    with HostileServer(routes=routes) as srv:
        fetcher = Fetcher(local_config(max_retries=0))
        try:
            robots = RobotsCache(fetcher)
            assert not robots.allowed(srv.url("/private/page"))
            assert robots.allowed(srv.url("/public"))
        finally:
            fetcher.close()


# --- 8. a full disk ----------------------------------------------------------------------------------


def _small_disk(path: Path, size: str = "1m") -> Path:
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({done.stderr.strip()})")
    return path


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def _registered_warcs(db: Path) -> set[str]:
    with Store(db, create=False) as store:
        return {r[0] for r in store.db.execute("SELECT name FROM warc_files")}


def test_a_full_disk_is_one_line_leaves_no_orphan_and_later_scans_work(tmp_path: Path) -> None:
    """A real full disk (a 3 MB tmpfs filled up), at every stage a scan can meet it: opening the
    store, writing WARC records, committing. Each failure is one line; no WARC file is left that
    the store does not list; vacuum works on the full disk; once space is freed, scans work."""
    disk = _small_disk(tmp_path / "disk", "3m")
    noise = base64.b64encode(random.Random(12).randbytes(250_000)).decode()  # barely compressible
    try:
        routes = {
            "/sitemap.xml": sitemap("/big", "/copy"),
            "/big": route(page([noise])),  # its WARC record alone needs about 250 KB
            "/copy": route(page(PARAS)),
        }
        with outlet_server() as outlet, HostileServer(routes=routes) as site:
            config = config_for(disk, outlet, {"hostile": [site.url("/sitemap.xml")]})
            toml = tmp_path / "config.toml"
            toml.write_text(_toml(config), encoding="utf-8")
            Store(config.store_path).close()
            filler = _fill(disk)
            full_size = filler.stat().st_size
            failures = []
            seen: set[str] = set()  # WARC files seen on the disk after any scan
            for room in (0, 16, 64, 128, 256, 768, 1536):  # KiB left free: each stage meets the full disk
                os.truncate(filler, max(0, full_size - room * 1024))
                done = _cli("scan", "--config", str(toml))
                seen |= {p.name for p in disk.glob("warc/*.warc*")}
                if done.returncode == 0:
                    break
                assert done.returncode == 1 and "Traceback" not in done.stderr, (room, done.stderr)
                errors = [ln for ln in done.stderr.splitlines() if "error" in ln.lower()]
                assert len(errors) == 1 and "no space left" in errors[0].lower(), (room, done.stderr)
                failures.append(errors[0])
            assert failures, "the disk was never full enough to fail a scan"
            assert any("nothing of this scan was stored" in f for f in failures), failures
            assert any("cannot write the WARC file" in f for f in failures), failures
            os.truncate(filler, full_size)  # full again: vacuum must still work
            vac = _cli("vacuum", "--config", str(toml))
            assert vac.returncode == 0 and "Traceback" not in vac.stderr, vac.stderr
            filler.unlink()
            ok = _cli("scan", "--config", str(toml))
            assert ok.returncode == 0, ok.stderr
        # every WARC file a scan left on the disk is one the store lists: none is an orphan
        assert seen | {p.name for p in disk.glob("warc/*.warc*")} <= _registered_warcs(config.store_path)
        assert findings_by_path(config.store_path) == {"copy": "none"}
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _toml(config: Any) -> str:
    lines = [
        "[outlet]",
        f"name = {config.outlet.name!r}".replace("'", '"'),
        f'exclusives = ["{config.outlet.exclusives[0]}"]',
        'domains = ["kawalisalyaoum.com"]',
        "[crawl]",
        "allow_private_addresses = true",
        "delay_seconds = 0.0",
        "max_retries = 0",
        "[store]",
        f'path = "{config.store.path}"',
        f'warc_dir = "{config.store.warc_dir}"',
        "[report]",
        f'dir = "{config.report.dir}"',
    ]
    for s in config.sites:
        lines += ["[[sites]]", f'name = "{s.name}"', f'seeds = ["{s.seeds[0]}"]']
    return "\n".join(lines) + "\n"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    return subprocess.run(
        [sys.executable, "-m", "copywatch.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


# --- 9. one-line errors, IPv6 literals, safe site names -----------------------------------------------


def test_a_corrupted_store_gives_one_line_errors(tmp_path: Path) -> None:
    routes = {"/sitemap.xml": sitemap("/copy"), "/copy": route(page(PARAS))}
    with outlet_server() as outlet, HostileServer(routes=routes) as site:
        config = config_for(tmp_path, outlet, {"hostile": [site.url("/sitemap.xml")]})
        toml = tmp_path / "config.toml"
        toml.write_text(_toml(config), encoding="utf-8")
        assert _cli("scan", "--config", str(toml)).returncode == 0
        db = Path(config.store.path)
        with Store(db, create=False) as store:
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = store.db.execute("PRAGMA page_size").fetchone()[0]
            roots = [r[0] for r in store.db.execute(
                "SELECT rootpage FROM sqlite_master WHERE name IN ('runs', 'findings', 'exclusives', 'pages')"
            )]  # fmt: skip
        raw = bytearray(db.read_bytes())
        for root in roots:  # the tables' first pages: the store opens, reading them fails
            raw[(root - 1) * size : root * size] = b"\xa5" * size
        db.write_bytes(bytes(raw))
        for wal in tmp_path.glob("cw.db-*"):
            wal.unlink()
        with Store(db, create=False) as store, pytest.raises(sqlite3.DatabaseError):
            store.runs()  # it opens; the damage shows when a table is read
        for command in ("report", "export", "scan", "status"):
            extra = ["--out", str(tmp_path / "exports")] if command == "export" else []
            done = _cli(command, "--config", str(toml), *extra)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr, (command, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1, (command, done.stderr)
            assert "store is damaged" in done.stderr and str(db) in done.stderr, (command, done.stderr)


def test_an_ipv6_literal_site_is_crawled(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": route(b"User-agent: *\nDisallow: /private\n", "text/plain"),
        "/sitemap.xml": sitemap("/copy", "/private/copy"),
        "/copy": route(page(PARAS)),
        "/private/copy": route(page(PARAS)),
    }
    assert RobotsCache.origin("http://[2001:db8::1]:8080/a") == "http://[2001:db8::1]:8080"
    with outlet_server() as outlet, HostileServer(routes=routes, bind="::1") as site:
        config = config_for(tmp_path, outlet, {"six": [site.url("/sitemap.xml")]})
        summary = scan(config)
        assert site.hits("/private") == 0
    assert summary.run.sites[0].error == ""
    assert findings_by_path(config.store_path) == {"copy": "none"}


@pytest.mark.parametrize("name", ["../evil", "a/b", "a\\b", "..", "tab\there", "nul\x00", "line\nbreak"])
def test_site_names_that_could_escape_a_folder_are_refused(name: str) -> None:
    data = {
        "outlet": {"name": "o", "exclusives": ["http://outlet.test/"]},
        "sites": [{"name": name, "seeds": ["http://site.test/"]}],
    }
    with pytest.raises(ConfigError, match=r"\[\[sites\]\] #1.*name"):
        parse_config(data, source="c.toml")
