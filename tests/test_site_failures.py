"""One failing site never fails a scan: DNS failure, timeout, 5xx everywhere and a robots.txt that
disallows everything each end up as a readable ``error`` on that site, while the good sites' copies
are found; `copywatch scan` exits 0 (3 with --strict) and `copywatch status` shows the errors.
"""

from __future__ import annotations

import subprocess
import time
from http.server import BaseHTTPRequestHandler

import pytest
from tests.fixtures.cli import cli_env, copywatch_cmd
from tests.fixtures.http_server import LocalServer
from tests.fixtures.live_web import LiveDemo, config_data, expected_copies, found_copies, write_toml

from copywatch.store import Store


class _Bad(BaseHTTPRequestHandler):
    """kind "slow": answers nothing for 30 s; "5xx": 503 to everything; "robots": disallows all."""

    protocol_version = "HTTP/1.1"
    kind = ""

    def do_GET(self) -> None:  # noqa: N802
        if self.kind == "slow":
            time.sleep(30)
            return
        if self.kind == "robots" and self.path == "/robots.txt":
            body, status = b"User-agent: *\nDisallow: /\n", 200
        elif self.kind == "robots":
            body, status = b"<html><body>never asked for</body></html>", 200
        else:
            body, status = b"<html><body>Service Unavailable</body></html>", 503
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a: object) -> None:
        pass


def serve(kind: str) -> tuple[LocalServer, list[str]]:
    seen: list[str] = []

    class Handler(_Bad):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            super().do_GET()

    Handler.kind = kind
    return LocalServer(Handler).start(), seen


@pytest.fixture(scope="module")
def broken_web(tmp_path_factory):
    live = LiveDemo()
    servers = {kind: serve(kind) for kind in ("slow", "5xx", "robots")}
    tmp = tmp_path_factory.mktemp("failures")
    data = config_data(live, tmp, timeout_seconds=1.0, max_retries=0, concurrent_sites=10)
    data["sites"] += [
        {"name": "dns-fails", "seeds": ["http://no-such-host.invalid/"]},
        *({"name": f"site-{kind}", "seeds": [s.url("/")]} for kind, (s, _) in servers.items()),
    ]
    config = write_toml(data, tmp / "config.toml")
    scanned = subprocess.run(
        copywatch_cmd("scan", "--config", str(config)), env=cli_env(), capture_output=True, text=True
    )
    yield config, tmp / "cw.db", scanned, servers
    for s, _ in servers.values():
        s.stop()
    live.stop()


def test_the_scan_finishes_and_finds_the_good_sites_copies(broken_web):
    config, db, scanned, _ = broken_web
    assert scanned.returncode == 0, scanned.stderr
    assert found_copies(db) == expected_copies()
    with Store(db) as store:
        (run,) = store.runs()
    assert run.status == "site_errors"
    errors = {s.site: s.error for s in run.sites if s.error}
    assert set(errors) == {"dns-fails", "site-slow", "site-5xx", "site-robots"}


def test_each_failing_site_has_an_error_an_admin_can_read(broken_web):
    config, db, scanned, servers = broken_web
    with Store(db) as store:
        errors = {s.site: s.error.lower() for s in store.runs()[0].sites}
    print("\n" + "\n".join(f"{k}: {v}" for k, v in errors.items() if v))
    assert "no-such-host.invalid" in errors["dns-fails"]
    assert any(w in errors["dns-fails"] for w in ("dns", "resolve", "name"))
    assert any(w in errors["site-slow"] for w in ("timeout", "timed out", "deadline"))
    assert "503" in errors["site-5xx"]
    assert errors["site-robots"].startswith("every seed failed")
    assert servers["robots"][1] == ["/robots.txt"]  # nothing but robots.txt was asked for
    for e in errors.values():
        assert "Traceback" not in e and len(e) < 400
    status = subprocess.run(
        copywatch_cmd("status", "--config", str(config)), env=cli_env(), capture_output=True, text=True
    )
    assert status.returncode == 0
    assert "site_errors" in status.stdout
    for site in ("dns-fails", "site-slow", "site-5xx", "site-robots"):
        assert f"    {site}: " in status.stdout
    assert "    sada-achamal:" not in status.stdout
    # The scan's own summary names each failing site too.
    assert "ERROR" in scanned.stdout and "no-such-host.invalid" in scanned.stdout


def test_a_site_whose_robots_txt_disallows_everything_says_so(broken_web):
    _, db, _, _ = broken_web
    with Store(db) as store:
        errors = {s.site: s.error for s in store.runs()[0].sites}
    assert "robots.txt" in errors["site-robots"]


def test_strict_exits_3_when_some_sites_failed(broken_web):
    config, db, _, _ = broken_web
    strict = subprocess.run(
        copywatch_cmd("scan", "--strict", "--config", str(config)),
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert strict.returncode == 3, strict.stderr
    with Store(db) as store:
        assert [r.status for r in store.runs()] == ["site_errors", "site_errors"]
