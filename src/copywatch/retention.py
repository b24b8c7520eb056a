"""`copywatch vacuum`: apply the retention settings; evidence of reported copies is never pruned.

With ``[retention] captures_days = N`` (N > 0), pages captured more than N days ago that are not
behind a reported copy are dropped from the store (a later scan fetches them afresh), and WARC
files older than N days that hold no reported copy's capture are deleted. Then SQLite's VACUUM
returns the space.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .config import Config
from .store import Store


@dataclass(frozen=True)
class VacuumResult:
    pages_dropped: int
    warc_files_deleted: int
    bytes_freed: int


def vacuum(config: Config, store: Store, now: datetime | None = None) -> VacuumResult:
    days = config.retention.captures_days
    pages = files = freed = 0
    if days > 0:
        cutoff_dt = (now or datetime.now(UTC)) - timedelta(days=days)
        cutoff = cutoff_dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        with store.transaction() as db:
            pages = db.execute(
                "DELETE FROM pages WHERE fetched_at < ? AND url NOT IN (SELECT page_url FROM findings)"
                " AND final_url NOT IN (SELECT page_url FROM findings)",
                (cutoff,),
            ).rowcount
        # The store keeps full paths or bare names depending on its age: compare file names.
        protected = {
            Path(r[0]).name
            for r in store.db.execute(
                "SELECT warc_file FROM findings UNION SELECT warc_file FROM pages WHERE warc_file IS NOT NULL"
            )
            if r[0]
        }
        for path in sorted(config.warc_dir.glob("*.warc*")):
            if path.name in protected:
                continue
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) >= cutoff_dt:
                continue
            freed += path.stat().st_size
            path.unlink()
            files += 1
            with store.transaction() as db:
                db.execute("DELETE FROM warc_files WHERE name = ?", (path.name,))
    store.db.execute("VACUUM")
    return VacuumResult(pages, files, freed)
