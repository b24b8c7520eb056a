"""One scan at a time per store: an advisory lock on ``<store>.lock``.

``fcntl.flock`` locks belong to the open file: the kernel drops them when the process dies, however
it dies (SIGKILL included), so a lock left by a killed scan never blocks the next one. The file
itself stays behind and holds the pid and start time of the holder, for the error message.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from .errors import ScanLocked, StoreError


class ScanLock:
    def __init__(self, store_path: str | Path, wait: float = 0.0):
        self.path = Path(str(store_path) + ".lock")
        self.wait = wait
        self._fh: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            read_only = (
                " (the store's folder is read-only; a scan must write there)" if e.errno in (13, 30) else ""
            )
            raise StoreError(
                f"{self.path}: cannot create the store's lock file: {e.strerror or e}{read_only}"
            ) from e
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    os.close(fd)
                    raise ScanLocked(
                        f"{self.path}: another scan is running on this store ({holder}); "
                        "try again later, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(
                fd,
                f"pid {os.getpid()}, started {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}".encode(),
                0,
            )
        except OSError:
            pass  # a full disk: the lock holds without its note of who holds it
        self._fh = fd

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            os.close(self._fh)
            self._fh = None

    def __enter__(self) -> ScanLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
