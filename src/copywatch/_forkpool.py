"""A lean pool of forked worker processes: what workers.py needs of ProcessPoolExecutor, for less.

A scan submits its pages one by one as they are fetched, from several site threads at once, and
gathers the results as futures. ProcessPoolExecutor routes each job through a queue, a feeder
thread and a manager thread that waits on every worker's pipe and sentinel with a new selector
at each wake-up; in a scan that cost the main process about a millisecond of CPU per page, under
the interpreter lock the site threads need for fetching (measured on the dev web: 0.7 s of the
scan process's 2.5 s during the crawl).

Here each worker has its own pipe. ``submit`` pickles the job in the calling thread and writes it
to the worker with the fewest jobs in flight; one reader thread per worker blocks on its pipe and
completes the futures. Nothing else runs.

The guarantees ProcessPoolExecutor gave, kept:
* a job's exception (or a result that cannot be pickled) comes back as the future's exception;
* a worker that dies (a crash in a parser, killed for its memory) breaks the pool: every future
  not yet done fails with ``BrokenProcessPool``, later submits raise it, and the other workers are
  stopped; the caller decides what to run again (workers.py: the jobs that were running, each
  alone, the rest in its own process);
* ``shutdown(cancel_futures=True)`` cancels what has not come back and stops the workers without
  waiting for the jobs queued in their pipes (a scan stopped by Ctrl-C stores nothing anyway);
* the workers are forked by the constructor, in the calling thread, all at once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any


def _serve(
    conn: Any, others: Sequence[Any], initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> None:
    """A worker's loop: read (job id, function, job), run it, write (job id, ok, value) back."""
    for other in others:  # the pipes of the workers forked before this one: not ours to hold
        other.close()
    initializer(*initargs)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the scan's process closed the pipe or is gone
            return
        if msg is None:
            return
        job_id, fn, job = msg
        try:
            reply = (job_id, True, fn(job))
        except Exception as e:  # noqa: BLE001 - the caller's future carries it
            reply = (job_id, False, e)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as e:  # noqa: BLE001 - the result (or the exception) does not pickle
            conn.send(
                (job_id, False, RuntimeError(f"the result could not be sent back: {type(e).__name__}: {e}"))
            )


class _Worker:
    def __init__(self, process: Any, conn: Any) -> None:
        self.process = process
        self.conn = conn
        self.send_lock = threading.Lock()
        self.futures: dict[int, Future[Any]] = {}  # in flight, under the pool's lock


class ForkPool:
    """``n`` forked workers, each running ``initializer(*initargs)`` first; ``submit(fn, job)`` gives
    a Future. Make it in the main thread before any other thread that could hold a lock the
    children need (the workers are forked here)."""

    def __init__(self, n: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> None:
        mp = multiprocessing.get_context("fork")
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._broken = ""
        self._closed = False
        self._workers: list[_Worker] = []
        try:
            for _ in range(n):
                mine, theirs = mp.Pipe(duplex=True)
                others = [w.conn for w in self._workers]
                process = mp.Process(target=_serve, args=(theirs, others, initializer, initargs), daemon=True)
                process.start()  # os.fork: OSError when the machine is out of processes or memory
                theirs.close()
                self._workers.append(_Worker(process, mine))
        except BaseException:
            self._stop_workers()
            raise
        self._readers = [
            threading.Thread(target=self._read, args=(w,), name=f"copywatch-pool-{i}", daemon=True)
            for i, w in enumerate(self._workers)
        ]
        for t in self._readers:
            t.start()

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(self._broken)
            if self._closed:
                raise RuntimeError("cannot submit to a pool that was shut down")
            worker = min(self._workers, key=lambda w: len(w.futures))
            job_id = next(self._ids)
            worker.futures[job_id] = future
        try:
            with worker.send_lock:
                worker.conn.send((job_id, fn, job))
        except (OSError, EOFError) as e:  # the worker is gone: its reader breaks the pool
            self._break(f"a worker process could not be reached ({type(e).__name__}: {e})")
            raise BrokenProcessPool(self._broken) from e
        except Exception:  # the job does not pickle: this job only
            with self._lock:
                worker.futures.pop(job_id, None)
            raise
        return future

    def _read(self, worker: _Worker) -> None:
        while True:
            try:
                job_id, ok, value = worker.conn.recv()
            except (EOFError, OSError):
                if not self._closed:
                    code = worker.process.exitcode
                    self._break(
                        "a worker process died"
                        + (f" (exit code {code})" if code is not None else "")
                        + " while jobs were in flight or queued"
                    )
                return
            except Exception as e:  # noqa: BLE001 - a reply that does not unpickle here
                self._break(f"a worker's reply could not be read ({type(e).__name__}: {e})")
                return
            with self._lock:
                future = worker.futures.pop(job_id, None)
            if future is None or not future.set_running_or_notify_cancel():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _break(self, why: str) -> None:
        with self._lock:
            if self._broken or self._closed:
                return
            self._broken = why
            pending = [f for w in self._workers for f in w.futures.values()]
            for w in self._workers:
                w.futures.clear()
        for f in pending:
            if f.set_running_or_notify_cancel():
                f.set_exception(BrokenProcessPool(why))
        self._stop_workers()

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Stop the workers: when every job has come back, let them finish (``wait``); with jobs
        still out and ``cancel_futures``, cancel those and stop the workers at once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pending = [f for w in self._workers for f in w.futures.values()]
            if cancel_futures:
                for w in self._workers:
                    w.futures.clear()
        if cancel_futures:
            for f in pending:
                f.cancel()
        if pending and cancel_futures:
            self._stop_workers()
        else:
            for w in self._workers:
                try:
                    with w.send_lock:
                        w.conn.send(None)
                except (OSError, EOFError):
                    pass
        if wait:
            for w in self._workers:
                w.process.join()
            for t in self._readers:
                t.join(timeout=5)
            for w in self._workers:
                w.conn.close()

    def _stop_workers(self) -> None:
        for w in self._workers:
            if w.process.is_alive():
                w.process.kill()
        for w in self._workers:
            w.process.join(timeout=5)
