"""One scan at a time per store; a lock left by a killed process never blocks the next scan."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from copywatch.errors import ScanLocked
from copywatch.lock import ScanLock


def test_second_holder_is_refused_with_a_clear_message(tmp_path):
    db = tmp_path / "cw.db"
    with ScanLock(db):
        with pytest.raises(ScanLocked, match="another scan is running on this store"):
            ScanLock(db).acquire()
    with ScanLock(db):  # released: free again
        pass


def test_lock_of_a_killed_process_is_released(tmp_path):
    db = tmp_path / "cw.db"
    code = (
        "from copywatch.lock import ScanLock; import time; "
        f"l = ScanLock({str(db)!r}); l.acquire(); print('held', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(ScanLocked, match=f"pid {proc.pid}"):
            ScanLock(db).acquire()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with ScanLock(db, wait=5):
            pass
    finally:
        proc.kill()


def test_wait_gives_up_after_the_timeout(tmp_path):
    db = tmp_path / "cw.db"
    with ScanLock(db):
        t0 = time.monotonic()
        with pytest.raises(ScanLocked):
            ScanLock(db, wait=0.5).acquire()
        assert time.monotonic() - t0 >= 0.5
