"""Screenshots of reported copies: rendered from the capture in headless Chromium with scripts and
network off, within a time limit and a height and size cap; a failure is a recorded line, not an error."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.fixtures.http_server import LocalServer
from warcio.archiveiterator import ArchiveIterator

from copywatch.config import EvidenceConfig
from copywatch.evidence.screenshot import ScreenshotError, ToShoot, find_chromium, render, take_screenshots

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium); screenshots skipped"
)
URL = "https://copier.example/2026/11/article.html?id=7"


class Counting(BaseHTTPRequestHandler):
    """Another "host" on 127.0.0.1 that counts every request reaching it (in ``server.hits``)."""

    server: ThreadingHTTPServer

    def log_message(self, *a: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def shoot(body: bytes, **kw: object) -> tuple[object, float]:
    assert CHROMIUM is not None
    t = time.monotonic()
    r = render(URL, body, "text/html; charset=utf-8", chromium=CHROMIUM, **kw)  # type: ignore[arg-type]
    return r, time.monotonic() - t


def test_a_page_with_an_endless_script_renders_within_the_limit_scripts_off() -> None:
    body = (
        "<html><body><h1>نسخة</h1><p>نص منقول</p>"
        "<script>document.body.style.height='30000px';while(true){}</script></body></html>"
    ).encode()
    r, took = shoot(body, timeout=20.0)
    assert took < 20.0
    assert r.png.startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert r.page_height < 2000  # type: ignore[attr-defined]  # the script never ran (it would make it 30000)


def test_a_50000_pixel_page_is_cut_at_the_height_cap_and_its_height_recorded() -> None:
    body = (
        b"<html><body style='margin:0'><div style='height:50000px;background:#c33'>tall</div></body></html>"
    )
    r, _ = shoot(body, max_height=8000, width=1000)
    assert (r.width, r.height) == (1000, 8000)  # type: ignore[attr-defined]
    assert r.page_height == 50000  # type: ignore[attr-defined]


def test_the_size_cap_refuses_an_oversized_png() -> None:
    body = (
        b"<html><body style='margin:0'><div style='height:3000px;background:linear-gradient(red,blue)'></div>"
    )
    with pytest.raises(ScreenshotError, match="screenshot_max_bytes"):
        shoot(body, max_bytes=1000)


def test_network_is_off_except_the_captured_page() -> None:
    hits: list[str] = []
    other = LocalServer(Counting, hits=hits)
    port = other.port
    body = (
        f"<html><head><link rel=stylesheet href='http://127.0.0.1:{port}/a.css'>"
        f"<link rel=stylesheet href='http://localhost:{port}/b.css'></head><body>"
        f"<img src='http://127.0.0.1:{port}/c.png'><iframe src='http://127.0.0.1:{port}/d'></iframe>"
        f"<img src='https://example.com/e.png'><p>copy</p></body></html>"
    ).encode()
    with other:
        shoot(body)
    assert hits == []


def test_a_hang_or_a_dead_browser_costs_a_line_not_the_run(tmp_path: Path) -> None:
    pages = [ToShoot("copier", URL, b"<html><body>x</body></html>", "text/html")]
    slow = EvidenceConfig(screenshots=True, screenshot_timeout_seconds=0.05)
    shots, files = take_screenshots(pages, slow, tmp_path / "warc", "run-1")
    assert files == [] and shots[0].error.startswith("time limit reached") and shots[0].sha256 == ""
    dead = EvidenceConfig(screenshots=True, chromium=shutil.which("false") or "/bin/false")
    shots, files = take_screenshots(pages, dead, tmp_path / "warc", "run-1")
    assert files == [] and "exited or crashed" in shots[0].error


def test_take_screenshots_records_a_resource_record_and_a_file(tmp_path: Path) -> None:
    pages = [ToShoot("copier", URL, "<html><body><h1>نسخة منقولة</h1></body></html>".encode(), "text/html")]
    shots, files = take_screenshots(pages, EvidenceConfig(screenshots=True), tmp_path / "warc", "run-1")
    shot = shots[0]
    assert shot.error == "" and files == [shot.warc_file]
    png = (tmp_path / "screenshots" / f"{shot.sha256}.png").read_bytes()
    assert hashlib.sha256(png).hexdigest() == shot.sha256
    with (tmp_path / "warc" / shot.warc_file).open("rb") as fh:
        fh.seek(shot.warc_offset or 0)
        record = next(iter(ArchiveIterator(fh, check_digests=True)))
        assert record.rec_type == "resource"
        assert record.rec_headers.get_header("WARC-Target-URI") == f"urn:fullPage:{URL}"
        assert record.rec_headers.get_header("Content-Type") == "image/png"
        assert record.content_stream().read() == png


def test_a_scan_whose_screenshots_time_out_is_stored_and_says_so_in_status(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from copywatch.cli import main
    from copywatch.demo import DEMO_OUTLET, start_demo
    from copywatch.store import Store

    web = start_demo()
    try:
        site = next((n, s) for n, s in web.sites if n == "safahat-alatlas")
        outlet = {**DEMO_OUTLET, "exclusives": list(web.outlet_sources)}
        lines = "\n".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in outlet.items())
        (tmp_path / "config.toml").write_text(
            f'[outlet]\n{lines}\n[[sites]]\nname = "{site[0]}"\nseeds = {json.dumps(list(site[1]))}\n'
            '[crawl]\nallow_private_addresses = true\ndelay_seconds = 0.0\n[store]\npath = "cw.db"\n'
            '[report]\ndir = "reports"\n[evidence]\nscreenshots = true\nscreenshot_timeout_seconds = 0.05\n',
            encoding="utf-8",
        )
        done = CliRunner().invoke(main, ["scan", "--config", str(tmp_path / "config.toml"), "--strict"])
    finally:
        web.stop()
    assert done.exit_code == 0, done.output  # the scan stands, even with --strict
    with Store(tmp_path / "cw.db") as store:
        findings = store.findings()
        shots = store.screenshots()
    assert findings and set(shots) == {f.page_url for f in findings}
    assert all(s.error.startswith("time limit reached") for s in shots.values())
    status = CliRunner().invoke(main, ["status", "--config", str(tmp_path / "config.toml")])
    assert status.output.count("no screenshot of") == len(shots), status.output
