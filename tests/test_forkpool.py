"""The scan's pool of forked workers (_forkpool.py): results and exceptions come back as futures,
jobs spread over the workers, a worker that dies breaks the pool for every job not yet back, a
result that cannot be pickled is an exception, and a shutdown with jobs out cancels them."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from copywatch._forkpool import ForkPool

_STARTED: list[int] = []


def _note_start(marker: int) -> None:
    _STARTED.append(marker)  # in the worker's own memory


def _pid_and_marker(job: Any) -> tuple[int, list[int], Any]:
    return os.getpid(), list(_STARTED), job


def _square(x: int) -> int:
    time.sleep(0.01)
    return x * x


def _fails(msg: str) -> None:
    raise ValueError(msg)


def _dies(code: int) -> None:
    os._exit(code)


def _sleeps(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _unpicklable(_: object) -> Any:
    return threading.Lock()


def test_results_come_back_from_forked_workers_that_ran_the_initializer() -> None:
    pool = ForkPool(2, _note_start, (7,))
    try:
        futures = [pool.submit(_pid_and_marker, i) for i in range(20)]
        results = [f.result(timeout=30) for f in futures]
    finally:
        pool.shutdown()
    assert [r[2] for r in results] == list(range(20))
    assert all(r[1] == [7] for r in results)
    assert os.getpid() not in {r[0] for r in results}
    assert _STARTED == []  # the initializer ran in the workers only


def test_jobs_spread_over_the_workers_from_several_threads() -> None:
    pool = ForkPool(2, _note_start, (1,))
    try:
        out: list[int] = []

        def submit_some(base: int) -> None:
            out.extend(f.result(timeout=30) for f in [pool.submit(_square, base + i) for i in range(10)])

        threads = [threading.Thread(target=submit_some, args=(k * 10,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        pids = {pool.submit(_pid_and_marker, None).result(timeout=30)[0] for _ in range(8)}
    finally:
        pool.shutdown()
    assert sorted(out) == [x * x for x in range(40)]
    assert len(pids) >= 1


def test_an_exception_is_the_futures_exception_and_the_pool_goes_on() -> None:
    pool = ForkPool(2, _note_start, (1,))
    try:
        with pytest.raises(ValueError, match="no good"):
            pool.submit(_fails, "no good").result(timeout=30)
        with pytest.raises(RuntimeError, match="could not be sent back"):
            pool.submit(_unpicklable, None).result(timeout=30)
        assert pool.submit(_square, 3).result(timeout=30) == 9
    finally:
        pool.shutdown()


def test_a_worker_that_dies_breaks_the_pool_for_every_job_not_back() -> None:
    pool = ForkPool(2, _note_start, (1,))
    try:
        done = pool.submit(_square, 4)
        assert done.result(timeout=30) == 16
        dead = pool.submit(_dies, 70)
        slow = [pool.submit(_sleeps, 2.0) for _ in range(4)]
        with pytest.raises(BrokenProcessPool, match="died"):
            dead.result(timeout=30)
        for f in slow:  # queued or running in either worker: failed, none left waiting for ever
            with pytest.raises(BrokenProcessPool):
                f.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            pool.submit(_square, 2)
        assert done.result() == 16  # a job back before the death keeps its result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def test_a_shutdown_with_jobs_out_cancels_them_without_waiting() -> None:
    pool = ForkPool(2, _note_start, (1,))
    futures = [pool.submit(_sleeps, 5.0) for _ in range(6)]
    t = time.monotonic()
    pool.shutdown(wait=True, cancel_futures=True)
    assert time.monotonic() - t < 4.0
    for f in futures:
        with pytest.raises(CancelledError):
            f.result(timeout=1)
    with pytest.raises(RuntimeError):
        pool.submit(_square, 1)


def test_a_fork_that_fails_leaves_no_worker_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    real_fork = os.fork
    calls = []

    def fork_once() -> int:  # the second fork fails, as when the machine is out of processes
        calls.append(1)
        if len(calls) > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real_fork()

    import multiprocessing

    monkeypatch.setattr(os, "fork", fork_once)
    with pytest.raises(BlockingIOError):
        ForkPool(2, _note_start, (1,))
    assert len(calls) == 2  # the first worker was forked, then stopped
    assert multiprocessing.active_children() == []
