"""Unattended runs: `run_schedule` scans at the cron times (a fake clock, real scans of the demo web),
a failing scan (the store's lock held) is logged and the schedule goes on; and the alerts of a real
scan reach a local webhook once.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from tests.fixtures.http_server import LocalServer
from tests.fixtures.live_web import LiveDemo, config_data, write_toml

from copywatch.config import parse_config
from copywatch.demo import demo_truth
from copywatch.lock import ScanLock
from copywatch.pipeline import ScanSummary, scan
from copywatch.scheduler import run_schedule


@pytest.fixture(scope="module")
def live():
    web = LiveDemo()
    yield web
    web.stop()


class FakeClock:
    """now() and sleep() for run_schedule: sleeping moves the clock, and runs ``on_sleep`` hooks."""

    def __init__(self, start: datetime) -> None:
        self.t = start
        self.sleeps: list[float] = []
        self.on_sleep: list = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)
        for hook in self.on_sleep:
            hook(len(self.sleeps))


def test_scans_run_at_the_cron_times_and_a_failed_one_does_not_stop_the_schedule(live, tmp_path, caplog):
    data = config_data(live, tmp_path) | {"schedule": {"cron": "*/15 * * * *"}}
    path = write_toml(data, tmp_path / "config.toml")
    clock = FakeClock(datetime(2026, 11, 29, 10, 7, 30, tzinfo=UTC))
    lock = ScanLock(tmp_path / "cw.db")

    def hold_lock_for_the_second_scan(n: int) -> None:
        if n == 2:
            lock.acquire()  # another scan (a manual one, say) is running when the 2nd is due
        elif n == 3:
            lock.release()

    clock.on_sleep.append(hold_lock_for_the_second_scan)
    done: list[tuple[datetime, ScanSummary]] = []
    waits: list[datetime] = []
    with caplog.at_level(logging.INFO, logger="copywatch"):
        attempted = run_schedule(
            str(path),
            max_runs=3,
            now=clock.now,
            sleep=clock.sleep,
            on_scan=lambda s: done.append((clock.t, s)),
            on_wait=waits.append,  # what `copywatch schedule` prints: "next scan at ... UTC"
        )
    assert attempted == 3
    assert [t.strftime("%H:%M") for t in waits] == ["10:15", "10:30", "10:45"]
    assert [t.strftime("%H:%M:%S") for t, _ in done] == ["10:15:00", "10:45:00"]
    assert clock.sleeps == [450.0, 900.0, 900.0]
    assert done[0][1].run.new_copies > 0 and done[1][1].run.new_copies == 0
    failed = [r.getMessage() for r in caplog.records if "scheduled scan failed" in r.getMessage()]
    assert len(failed) == 1 and "another scan is running on this store" in failed[0]


def test_a_config_broken_between_runs_is_logged_and_the_schedule_goes_on(live, tmp_path, caplog):
    data = config_data(live, tmp_path) | {"schedule": {"cron": "0 * * * *"}}
    path = write_toml(data, tmp_path / "config.toml")
    good = path.read_text(encoding="utf-8")
    clock = FakeClock(datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC))

    def edit(n: int) -> None:
        path.write_text(good + "\n[crawl2]\n" if n == 1 else good, encoding="utf-8")

    clock.on_sleep.append(edit)
    done: list[ScanSummary] = []
    with caplog.at_level(logging.INFO, logger="copywatch"):
        attempted = run_schedule(str(path), max_runs=2, now=clock.now, sleep=clock.sleep, on_scan=done.append)
    assert attempted == 2 and len(done) == 1
    assert any("unknown table 'crawl2'" in r.getMessage() for r in caplog.records)


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a: object) -> None:
            pass

    with LocalServer(Handler) as server:
        yield server.url("/hook"), received


def test_new_uncredited_copies_of_a_real_scan_reach_the_webhook_once(live, tmp_path, webhook):
    url, received = webhook
    data = config_data(live, tmp_path) | {"alerts": {"webhook_url": url}}
    data["report"]["base_url"] = "https://reports.example.org/copywatch"
    config = parse_config(data)
    first = scan(config)
    expected = {
        (p["site"], ex)
        for p in demo_truth()
        if p["expected_report"] and p["credit"] == "none"
        for ex in p["report_exclusives"]
    }
    assert first.alerts_sent == {"webhook": len(expected)}
    (message,) = received
    assert message["count"] == len(expected) == len(first.new_uncredited)
    assert {
        (c["site"], c["exclusive_url"].removeprefix("https://www.kawalisalyaoum.com"))
        for c in message["copies"]
    } == {(s, ex) for s, ex in expected}
    assert message["report_url"] == f"https://reports.example.org/copywatch/{first.run.run_id}/report.html"

    second = scan(config)
    assert second.alerts_sent == {} and len(received) == 1
