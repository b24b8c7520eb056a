"""`copywatch vacuum`: apply the retention settings; evidence of reported copies is never pruned.

With ``[retention] captures_days = N`` (N > 0), pages captured more than N days ago that are not
behind a reported copy are dropped from the store (a later scan fetches them afresh), and WARC
files older than N days that hold no reported copy's capture are deleted. Then SQLite's VACUUM
returns the space.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .config import Config
from .store import Store


@dataclass(frozen=True)
class VacuumResult:
    pages_dropped: int
    warc_files_deleted: int
    bytes_freed: int
    notes: tuple[str, ...] = ()  # what could not be done (a full disk), one line each


def _disk_full(e: sqlite3.Error) -> bool:
    return "full" in str(e) or "disk I/O" in str(e)


def vacuum(config: Config, store: Store, now: datetime | None = None) -> VacuumResult:
    """Apply [retention]. Works on a full disk: the files to delete are chosen by reading alone and
    deleted first (freeing space), then the rows go, then SQLite compacts the store if there is
    room for its copy; what could not be done is said in ``notes``, not raised."""
    days = config.retention.captures_days
    pages = files = freed = 0
    notes: list[str] = []
    if days > 0:
        cutoff_dt = (now or datetime.now(UTC)) - timedelta(days=days)
        cutoff = cutoff_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        # The files the kept rows point at, read before anything is written (store.warc_in_use).
        protected = store.warc_in_use(cutoff)
        gone: list[str] = []
        for path in sorted(config.warc_dir.glob("*.warc*")):
            if path.name in protected:
                continue
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) >= cutoff_dt:
                continue
            freed += path.stat().st_size
            path.unlink()
            gone.append(path.name)
        files = len(gone)
        try:
            pages = store.drop_old_pages(cutoff, gone)
        except sqlite3.OperationalError as e:
            if not _disk_full(e):
                raise
            notes.append(f"old pages not dropped from the store: no space left to write it ({e})")
    else:
        notes.append("[retention] captures_days = 0: every capture is kept; the store is only compacted")
    try:
        freed += store.compact()  # what SQLite's VACUUM gave back too
    except sqlite3.OperationalError as e:
        if not _disk_full(e):
            raise
        notes.append(
            f"store not compacted: SQLite's VACUUM needs free space about the size of the store ({e});"
            " run vacuum again once there is room"
        )
    return VacuumResult(pages, files, freed, tuple(notes))
