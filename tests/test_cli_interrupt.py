"""Ctrl-C and kill during a scan (issue 12, items 11 and 16): `copywatch scan` is a real subprocess
crawling a slow local server; one SIGINT stops it after the current fetch, with exit status 130,
a message that nothing was stored, the store as it was and no WARC file left behind; the stopped
(or killed) scan is listed by `copywatch status` as aborted."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.fixtures.cli import run_cli

from hostile_server import HostileServer, send

ARTICLE = (
    "<html><head><title>حصري</title></head><body><article><p>"
    + "كشف مصدر مطلع أن المجلس الجماعي قرر تأجيل المشروع إلى السنة المقبلة بسبب نقص التمويل. " * 5
    + "</p></article></body></html>"
)
PAGES = 30


def _routes(state: dict[str, float]):
    def sitemap(h):
        day = int(state["version"])  # a new version: a new lastmod, so every page is fetched again
        urls = "".join(
            f"<url><loc>/slow/{i}</loc><lastmod>2026-11-{day:02d}</lastmod></url>" for i in range(PAGES)
        )
        body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        send(h, 200, body.encode(), "application/xml")

    def slow(h):
        time.sleep(state["delay"])
        send(h, 200, f"<html><body><p>page {h.path} {state['version']}</p></body></html>".encode())

    return {"/sitemap.xml": sitemap, "/slow/*": slow}


def _config(tmp_path: Path, srv: HostileServer) -> Path:
    (tmp_path / "a.html").write_text(ARTICLE, encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[outlet]\nname = "x"\nexclusives = ["a.html"]\n'
        "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\nmax_retries = 0\n"
        f'[[sites]]\nname = "slow"\nseeds = ["{srv.url("/sitemap.xml")}"]\n',
        encoding="utf-8",
    )
    return cfg


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as con:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall())  # noqa: S608 - fixed names
            for t in ("pages", "findings", "exclusives", "warc_files")
        }


def _start_and_wait_for_pages(cfg: Path, srv: HostileServer, n: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "copywatch.cli", "scan", "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len([r for r in srv.records if r.path.startswith("/slow/")]) < n:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    return proc


def test_one_ctrl_c_stops_the_scan_stores_nothing_and_leaves_no_warc(tmp_path):
    state = {"delay": 0.0, "version": 1.0}
    with HostileServer(routes=_routes(state)) as srv:
        cfg = _config(tmp_path, srv)
        first = run_cli("scan", "--config", str(cfg))
        assert first.returncode == 0, first.stderr
        db = tmp_path / "copywatch.db"
        before = _snapshot(db)
        warcs_before = sorted(p.name for p in (tmp_path / "warc").iterdir())

        state.update(delay=1.0, version=2.0)  # every page changed, and slow: the scan takes 30 s
        fetched_before = len([r for r in srv.records if r.path.startswith("/slow/")])
        proc = _start_and_wait_for_pages(cfg, srv, fetched_before + 2)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent

        assert proc.returncode == 130, (out, err)
        assert "scan interrupted (Ctrl-C): nothing of it was stored" in err
        assert "Traceback" not in err and "Aborted!" not in err
        assert took < 10, f"the scan went on for {took:.1f} s after Ctrl-C"  # 28 s more without the fix
        hits = len([r for r in srv.log if r.path.startswith("/slow/")])
        assert hits - fetched_before <= 4, "fetches went on after Ctrl-C"
        assert _snapshot(db) == before
        assert sorted(p.name for p in (tmp_path / "warc").iterdir()) == warcs_before, "an orphan WARC file"

        status = run_cli("status", "--config", str(cfg))
        lines = status.stdout.splitlines()
        assert "aborted" in lines[0] and "success" in lines[2], status.stdout
        assert lines[1] == "    why: stopped by Ctrl-C or SIGTERM", status.stdout


def test_a_killed_scan_shows_as_aborted_and_the_next_scan_goes_on(tmp_path):
    state = {"delay": 1.0, "version": 1.0}
    with HostileServer(routes=_routes(state)) as srv:
        cfg = _config(tmp_path, srv)
        proc = _start_and_wait_for_pages(cfg, srv, 1)
        running = run_cli("status", "--config", str(cfg))
        assert "running" in running.stdout.splitlines()[0], running.stdout  # it holds the lock: running
        proc.kill()
        proc.communicate(timeout=30)

        status = run_cli("status", "--config", str(cfg))
        assert status.stdout.splitlines()[0].split()[1] == "aborted", status.stdout

        state["delay"] = 0.0
        again = run_cli("scan", "--config", str(cfg))
        assert again.returncode == 0, again.stderr
        lines = run_cli("status", "--config", str(cfg)).stdout.splitlines()
        assert lines[0].split()[1] == "success" and lines[1].split()[1] == "aborted", lines
