"""Ctrl-C during a scan: the first SIGINT asks the scan to stop after its current fetches.

Python turns SIGINT into KeyboardInterrupt in the main thread only, while a scan's fetches run in
site threads: left alone, the threads go on fetching until their sites are done. So while a scan
runs, SIGINT only sets a flag (``ScanStop``); every site thread looks at it before each new page,
and the main thread, once the threads are back, raises ScanInterrupted instead of committing.
Nothing of the scan is stored (its WARC files are deleted, since no stored row points at them);
the run is recorded as 'aborted'. A second Ctrl-C raises KeyboardInterrupt at once, for a fetch
that hangs, with the same clean-up. Once the scan starts its commit (``hold()``), Ctrl-C is only
noted: the commit and the report are finished, so a run is stored whole or not at all. Outside
the main thread (a library caller's own thread) no handler is installed and the flag can still be
set by ``request()``.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType, TracebackType
from typing import Any

from .errors import ScanInterrupted

log = logging.getLogger("copywatch")

NOTHING_STORED = (
    "scan interrupted (Ctrl-C): nothing of it was stored; the next scan starts from the last stored one"
)


class ScanStop:
    """A stop flag for one scan, set by the first SIGINT while the context is entered."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: Any = None
        self._installed = False
        self._held = False

    def __enter__(self) -> ScanStop:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self._held:
            log.warning("Ctrl-C: the scan is being stored; it ends when that is done")
            return
        if self._event.is_set():
            raise KeyboardInterrupt
        self._event.set()
        log.warning("Ctrl-C: stopping after the current fetches (Ctrl-C again to stop at once)")

    def hold(self) -> None:
        """From now on the scan finishes: Ctrl-C no longer stops it (its commit has begun)."""
        self._held = True

    def request(self) -> None:
        """Ask the scan to stop, as a Ctrl-C does."""
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ScanInterrupted if a stop was asked for."""
        if self._event.is_set():
            raise ScanInterrupted(NOTHING_STORED)
