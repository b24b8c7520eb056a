"""A scan killed with SIGKILL at any moment loses nothing: `copywatch scan` runs as a subprocess
against a slowed-down demo web and is killed at seeded random moments after it enters a phase
(crawl, commit, report: the phase is read from its log); after each kill the store is intact and
holds only whole runs, and the next scan completes the work.

Also the CLI side of the lock: two scans at once, one refused with exit status 1, or waiting.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.fixtures.cli import cli_env, copywatch_cmd
from tests.fixtures.live_web import (
    LiveDemo,
    config_data,
    expected_copies,
    found_copies,
    write_toml,
)

from copywatch.crawl.archive import read_record
from copywatch.lock import ScanLock
from copywatch.store import Store

KILLS = 15


def start_scan(config: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    with open(log, "ab") as err:
        return subprocess.Popen(
            copywatch_cmd("-v", "scan", "--config", str(config), *extra),
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=cli_env(),
        )


# Where a kill is aimed: the log line that opens the phase, and how long after it to kill at most.
PHASES = {
    "crawl": ("exclusives loaded", 0.5),
    "commit": ("committing run", 0.03),
    "report": ("writing reports", 0.15),
}


def wait_for(log: Path, marker: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    """Block until the scan logs ``marker`` (True) or exits first (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker in log.read_text("utf-8", "replace"):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError(f"the scan never logged {marker!r}")


def check_store(db: Path, sites: int, earlier: dict[tuple[str, str], str]) -> tuple[int, dict]:
    """The store's invariants after a kill; returns (run count, first_seen of every copy)."""
    with Store(db) as store:
        assert store.integrity() == "ok"
        runs = store.runs(limit=10_000)
        for run in runs:  # no half-written run
            assert run.status in ("success", "site_errors"), run
            assert run.finished_at and len(run.sites) == sites, run
        run_ids = {r.run_id for r in runs}
        refs = store.db.execute("SELECT first_run, last_run FROM findings").fetchall()
        assert all(a in run_ids and b in run_ids for a, b in refs)
        orphans = store.db.execute(
            "SELECT COUNT(*) FROM site_results WHERE run_id NOT IN (SELECT run_id FROM runs)"
        ).fetchone()[0]
        assert orphans == 0
        seen = {(f.page_url, f.exclusive_url): f.first_seen for f in store.findings()}
    lost = {k: v for k, v in earlier.items() if seen.get(k) != v}
    assert lost == {}, "copies lost or first_seen changed"
    return len(runs), seen


@pytest.fixture(scope="module")
def slow_web():
    web = LiveDemo(delay=0.01)  # slow enough that kills land all along the scan
    yield web
    web.stop()


def test_sigkill_at_random_moments_loses_nothing(slow_web, tmp_path):
    config = write_toml(config_data(slow_web, tmp_path), tmp_path / "config.toml")
    db, log = tmp_path / "cw.db", tmp_path / "scan.log"
    sites = len(slow_web.web.sites)
    rng = random.Random(20261129)

    proc = start_scan(config, log)
    assert proc.wait(timeout=60) == 0
    runs, seen = check_store(db, sites, {})
    assert found_copies(db) == expected_copies()
    completed = 1

    phases: Counter[str] = Counter()
    for i in range(KILLS):
        if i == KILLS // 2:  # a copy is taken down: its recorded copy must stay, kills or not
            slow_web.remove("muntada-alhiwar", "/threads/1040/")
        phase = list(PHASES)[i % len(PHASES)]
        marker, spread = PHASES[phase]
        log.write_text("")
        proc = start_scan(config, log)
        if wait_for(log, marker, proc):
            time.sleep(rng.uniform(0, spread))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            phases[phase] += 1
        else:
            assert proc.returncode == 0
            completed += 1
        before = runs
        runs, seen = check_store(db, sites, seen)
        assert before <= runs <= before + 1  # a killed scan wrote its whole run, or nothing

    print(f"\nkills by phase: {dict(phases)}; scans completed: {completed}; runs stored: {runs}")
    assert sum(phases.values()) >= KILLS // 2
    assert completed <= runs <= KILLS + 1

    proc = start_scan(config, log)
    assert proc.wait(timeout=60) == 0
    runs, seen = check_store(db, sites, seen)
    # Every expected copy is still found (the removed page's copy stays recorded, as evidence).
    assert found_copies(db) == expected_copies()
    with Store(db) as store:
        for f in store.findings():  # the evidence behind each copy is whole in its WARC file
            headers, payload = read_record(db.parent / "warc" / f.warc_file, f.warc_offset or 0)
            assert headers["WARC-Type"] in ("response", "revisit")
        assert store.runs(limit=1)[0].status == "success"
    assert (tmp_path / "reports" / "latest" / "evidence.csv").exists()


def test_a_second_scan_is_refused_while_one_runs_and_leaves_the_store_alone(slow_web, tmp_path):
    config = write_toml(config_data(slow_web, tmp_path), tmp_path / "config.toml")
    db = tmp_path / "cw.db"
    with ScanLock(db):  # a scan in progress, as another process would hold it
        with Store(db):
            pass
        before = db.read_bytes()
        t0 = time.monotonic()
        refused = subprocess.run(
            copywatch_cmd("scan", "--config", str(config)),
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert time.monotonic() - t0 < 30  # promptly, not after a crawl
        assert refused.returncode == 1
        assert "another scan is running on this store" in refused.stderr
        assert f"pid {os.getpid()}" in refused.stderr
        assert db.read_bytes() == before
        assert not (tmp_path / "reports").exists()

        waiting = start_scan(config, tmp_path / "wait.log", "--wait", "60")
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the lock
    assert waiting.wait(timeout=60) == 0  # ran once the lock was free
    with Store(db) as store:
        assert len(store.runs()) == 1
