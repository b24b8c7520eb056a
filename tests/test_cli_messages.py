"""Wrong or missing messages (issue 12, items 14 and 16), each against a real local server, a
real store and the real command line: what copywatch says must be true, plain and one line."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from tests.fixtures.cli import run_cli
from tests.fixtures.http_server import LocalServer

from copywatch.crawl.fetch import Fetcher
from copywatch.models import RunInfo
from copywatch.store import Store
from hostile_server import HostileServer, local_config, send

TEXT = "كشف مصدر مطلع أن المجلس الجماعي قرر تأجيل المشروع إلى السنة المقبلة بسبب نقص التمويل. " * 5
ARTICLE = f"<html><head><title>حصري</title></head><body><article><p>{TEXT}</p></article></body></html>"
COPY = f"<html><head><title>منقول</title></head><body><article><p>{TEXT}</p></article></body></html>"
CRAWL = "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\nmax_retries = 0\n"


def _config(tmp_path: Path, body: str = "", exclusives: str = '["a.html"]') -> Path:
    (tmp_path / "a.html").write_text(ARTICLE, encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[outlet]\nname = "x"\nexclusives = {exclusives}\n{CRAWL}{body}', encoding="utf-8")
    return cfg


def _site(srv: HostileServer, name: str = "copier", path: str = "/copy") -> str:
    return f'[[sites]]\nname = "{name}"\nseeds = ["{srv.url(path)}"]\n'


def test_an_unreachable_exclusives_source_is_not_called_disallowed(tmp_path):
    down = HostileServer(routes={"/robots.txt": lambda h: send(h, 503, b"busy", "text/plain")})
    with down:
        cfg = _config(tmp_path, exclusives=f'["{down.url("/sitemap.xml")}", "a.html"]')
        done = run_cli("scan", "--config", str(cfg))
        assert done.returncode == 0, done.stderr
        assert "disallowed by robots.txt" not in done.stderr
        assert f"exclusives source {down.url('/sitemap.xml')}: robots.txt of" in done.stderr
        assert "is unreachable" in done.stderr
        # alone, the scan fails and says the same
        alone = tmp_path / "alone"  # a new store: no stored exclusives to fall back on
        alone.mkdir()
        cfg = _config(alone, exclusives=f'["{down.url("/sitemap.xml")}"]')
        done = run_cli("scan", "--config", str(cfg))
        assert done.returncode == 1 and "is unreachable" in done.stderr and "disallowed" not in done.stderr
        # and `status`, where a scheduled scan's user looks, says why it failed
        lines = run_cli("status", "--config", str(cfg)).stdout.splitlines()
        assert lines[0].split()[1] == "failed" and lines[1].startswith("    why: "), lines
        assert "is unreachable" in lines[1] and lines[1].removeprefix("    why: ") in done.stderr, lines


def test_a_mistyped_local_exclusives_path_is_a_warning_and_recorded_with_the_run(tmp_path):
    cfg = _config(tmp_path, exclusives='["a.html", "exclusives/typo.html"]')
    done = run_cli("scan", "--config", str(cfg))
    assert done.returncode == 0, done.stderr
    typo = tmp_path / "exclusives" / "typo.html"
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert any(f"exclusives source {typo}: no such file" in line for line in warnings), done.stderr
    assert f"exclusives sources: ERROR: exclusives source {typo}: no such file" in done.stdout
    status = run_cli("status", "--config", str(cfg))
    assert f"(outlet): exclusives source {typo}: no such file" in status.stdout
    # --strict tells a scheduler
    assert run_cli("scan", "--config", str(cfg), "--strict").returncode == 3


def test_no_sites_and_an_empty_sitemap_seed_are_told(tmp_path):
    empty = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    with HostileServer(routes={"/sitemap.xml": lambda h: send(h, 200, empty, "application/xml")}) as srv:
        done = run_cli("scan", "--config", str(_config(tmp_path)))
        assert done.returncode == 0 and "no [[sites]] table" in done.stderr, done.stderr
        done = run_cli("scan", "--config", str(_config(tmp_path, _site(srv, "empty", "/sitemap.xml"))))
        assert done.returncode == 0, done.stderr
        assert f"site empty: {srv.url('/sitemap.xml')}: this sitemap lists no URL" in done.stderr


def test_headers_one_byte_a_second_are_a_read_timeout_not_a_connect_one():
    with HostileServer() as srv:
        fetcher = Fetcher(local_config(timeout_seconds=3.0, max_retries=0))
        t0 = time.monotonic()
        cap = fetcher.fetch(srv.url("/trickle-headers"))
        fetcher.close()
    assert time.monotonic() - t0 < 6
    assert cap.outcome == "timeout"
    assert "connecting" not in cap.detail and "timed out reading the response headers" in cap.detail


def test_an_unchanged_seed_page_is_not_new_on_every_scan(tmp_path):
    with HostileServer(routes={"/copy": lambda h: send(h, 200, COPY.encode())}) as srv:
        cfg = _config(tmp_path, _site(srv))
        first = run_cli("scan", "--config", str(cfg))
        assert "copier: 1 fetched, 1 new, 0 changed, 0 unchanged" in first.stdout, first.stdout
        second = run_cli("scan", "--config", str(cfg))
        assert "copier: 1 fetched, 0 new, 0 changed, 1 unchanged" in second.stdout, second.stdout


def test_the_max_pages_warning_names_the_urls_really_left(tmp_path):
    links = "".join(f"<a href='/p/{i}'>p</a>" for i in range(10))
    urls = "".join(f"<url><loc>/p/{i}</loc></url>" for i in range(10))
    sitemap = (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    routes = {
        "/": lambda h: send(h, 200, f"<html><body>{links}</body></html>".encode()),
        "/sitemap.xml": lambda h: send(h, 200, sitemap.encode(), "application/xml"),
        "/p/*": lambda h: send(h, 200, b"<html><body><p>p</p></body></html>"),
    }
    with HostileServer(routes=routes) as srv:
        site = f'[[sites]]\nname = "s"\nseeds = ["{srv.url("/")}", "{srv.url("/sitemap.xml")}"]\n'
        cfg = _config(tmp_path, site.replace("[[sites]]", "[[sites]]", 1))
        cfg.write_text(
            cfg.read_text().replace("max_retries = 0\n", "max_retries = 0\nmax_pages_per_site = 1\n")
        )
        done = run_cli("scan", "--config", str(cfg))
    # the home page was read; its 10 links are left (the sitemap, not a page, is not counted)
    assert "site s: stopped at max_pages_per_site; 10 URLs left for the next scan" in done.stderr, done.stderr


def _ro_mount(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with ``folder`` mounted read-only, in a private mount namespace: a real
    read-only file system, which even root cannot write (chmod would not stop root)."""
    return subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} {folder} && {script}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    return _ro_mount(probe, "true").returncode == 0


def test_a_read_only_store_is_one_plain_line_and_reading_commands_still_work(tmp_path):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no user namespaces here (unshare -rm): cannot make a read-only file system")
    cfg = _config(tmp_path, '[store]\npath = "db/copywatch.db"\n')
    assert run_cli("scan", "--config", str(cfg)).returncode == 0
    py = f"{sys.executable} -m copywatch.cli"
    done = _ro_mount(
        tmp_path / "db",
        f"{py} scan --config {cfg}; echo rc=$?; {py} status --config {cfg}; echo rc=$?; "
        f"{py} findings --config {cfg}; echo rc=$?",
    )
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("copywatch: error: "), done.stderr
    assert "read-only" in lines[0] and "a scan must write" in lines[0]
    assert "sqlite" not in lines[0].lower() and "unable to open database file" not in lines[0]
    assert "Errno" not in lines[0]
    assert "rc=1" in done.stdout and done.stdout.count("rc=0") == 2, done.stdout
    assert " success " in done.stdout  # status read the read-only store


def test_a_report_folder_that_fails_after_the_run_is_stored_is_a_warning(tmp_path):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no user namespaces here (unshare -rm): cannot make a read-only file system")
    posts: list[bytes] = []
    hit = threading.Event()

    def copy(h):
        hit.set()
        time.sleep(1.5)  # meanwhile the report folder becomes read-only
        send(h, 200, COPY.encode())

    def webhook(h):
        posts.append(h.rfile.read(int(h.headers["Content-Length"])))
        send(h, 204)

    routes = {"/copy": copy}
    with HostileServer(routes=routes) as srv, _Poster(webhook) as hook:
        cfg = _config(tmp_path, f'[alerts]\nwebhook_url = "{hook.url}"\n' + _site(srv))
        reports = tmp_path / "reports"
        reports.mkdir()
        marker = tmp_path / "fetched"
        threading.Thread(target=lambda: hit.wait(60) and marker.write_text("x"), daemon=True).start()
        py = f"{sys.executable} -m copywatch.cli"
        script = (
            f"{py} scan --config {cfg} > {tmp_path / 'out'} 2> {tmp_path / 'err'} & "
            f"while [ ! -f {marker} ]; do sleep 0.05; done; mount -o remount,ro,bind {reports} {reports}; "
            "wait $!; echo rc=$?"
        )
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", f"mount --bind {reports} {reports} && {script}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    err = (tmp_path / "err").read_text()
    assert "rc=0" in done.stdout, (done.stdout, done.stderr, err)
    warning = [line for line in err.splitlines() if "could not be written" in line]
    assert len(warning) == 1 and "was stored" in warning[0] and str(reports) in warning[0], err
    assert "Traceback" not in err
    assert len(posts) == 1 and b"/copy" in posts[0]  # the alert was still sent
    with sqlite3.connect(tmp_path / "copywatch.db") as con:
        assert con.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 1


class _Poster:
    """A webhook receiver: a real HTTP server answering POST."""

    def __init__(self, handler):
        outer = handler

        class H(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                outer(self)

            def log_message(self, *a):
                pass

        self._srv = LocalServer(H)
        self.url = self._srv.url("/hook")

    def __enter__(self):
        self._srv.start()
        return self

    def __exit__(self, *exc):
        self._srv.stop()


def test_verify_of_a_damaged_bundle_prints_no_raw_bytes(tmp_path):
    with HostileServer(routes={"/copy": lambda h: send(h, 200, COPY.encode())}) as srv:
        cfg = _config(tmp_path, _site(srv))
        assert run_cli("scan", "--config", str(cfg)).returncode == 0
    done = run_cli("export", "--config", str(cfg), "--out", str(tmp_path / "exports"), "--format", "folder")
    assert done.returncode == 0, done.stderr
    (bundle,) = [p for p in (tmp_path / "exports").iterdir() if p.is_dir()]
    warc = bundle / "captures.warc.gz"
    data = bytearray(warc.read_bytes())
    data[40:] = b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4  # gzip garbage after the first bytes
    warc.write_bytes(bytes(data))
    done = run_cli("verify", str(bundle))
    assert done.returncode == 1
    for line in done.stdout.splitlines():
        assert line.isprintable() and "\\x" not in line and "b'" not in line, line
        assert len(line) < 500
    assert any("captures.warc.gz" in line for line in done.stdout.splitlines())


def test_status_into_head_says_no_broken_pipe(tmp_path):
    cfg = _config(tmp_path)
    with Store(tmp_path / "copywatch.db") as store, store.transaction() as db:
        first = RunInfo("r", "2026-11-29T07:00:00Z", "2026-11-29T07:01:00Z", "success")
        columns = [k for k in vars(first) if k != "sites"]
        rows = [
            [getattr(first, k) for k in columns if k not in ("run_id", "started_at")]
            + [f"r{i:05d}", f"t{i:05d}"]
            for i in range(3000)  # more lines than a pipe holds
        ]
        names = [k for k in columns if k not in ("run_id", "started_at")] + ["run_id", "started_at"]
        db.executemany(f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)
    done = subprocess.run(
        f"{sys.executable} -m copywatch.cli status --config {cfg} --runs 3000 | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(done.stdout.splitlines()) == 1
    assert "Broken pipe" not in done.stderr and "Errno" not in done.stderr and done.stderr == "", done.stderr
