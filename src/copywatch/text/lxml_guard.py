"""One lock around every use of lxml (directly, or through trafilatura), shared by all threads.

libxml2 under lxml is not safe to drive from several threads at once in every case: concurrent
``trafilatura.extract()`` calls crash processes now and then with SIGSEGV or SIGABRT and no Python
traceback (trafilatura issues #840 and #925, still open; a copywatch scan aborted this way once in
development). Sites are crawled in threads, so every parse and every walk of a parsed tree in this
process holds this lock. The threads still overlap what a crawl mostly does, waiting on the network;
the CPU work of the pages runs in worker processes (workers.py), each of them single-threaded, so
there the lock is never contended. A thread that must wait on something else while it holds the lock
can let go of it meanwhile (``LXML.released()``); short links are now resolved before the credit
check runs, not in the middle of it.

A process forked while another thread holds the lock would inherit it held for ever: the child
starts with a fresh lock (``os.register_at_fork``), and workers.py forks only while no thread of
the parent is inside libxml2 (from the main thread before the site threads start, or holding
the lock).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class _Guard:
    """A re-entrant lock that a thread can also set aside for a while, whatever its depth."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = threading.local()

    def _after_fork(self) -> None:
        """In a forked child: one thread, and nobody holds the lock."""
        self._lock = threading.Lock()
        self._local = threading.local()

    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def __enter__(self) -> None:
        if self._depth() == 0:
            self._lock.acquire()
        self._local.depth = self._depth() + 1

    def __exit__(self, *exc: object) -> None:
        self._local.depth = self._depth() - 1
        if self._local.depth == 0:
            self._lock.release()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let other threads parse while this one waits (on the network, say)."""
        depth = self._depth()
        if depth:
            self._local.depth = 0
            self._lock.release()
        try:
            yield
        finally:
            if depth:
                self._lock.acquire()
                self._local.depth = depth


LXML = _Guard()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=LXML._after_fork)


def serialized(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` holding the lxml lock."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with LXML:
            return fn(*args, **kwargs)

    return wrapper
