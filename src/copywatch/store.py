"""The SQLite store: exclusives, pages, findings, runs. One transaction per scan.

SQLite in WAL mode with foreign keys on and a 5 s busy timeout. A scan gathers its results in
memory and writes them all in a single ``BEGIN IMMEDIATE`` transaction at its end (``commit_scan``),
so a crash, a Ctrl-C or a SIGKILL at any moment leaves the previous results exactly as they were:
SQLite's atomic commit does the hard part. The schema is versioned with ``PRAGMA user_version``
and migrated in place, idempotently, when the store is opened.

Findings are keyed by (page_url, exclusive_url): a copy found again keeps its ``first_seen``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .errors import StoreError
from .models import Exclusive, Finding, RunInfo, SiteResult, Span


_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL,
        config_digest TEXT NOT NULL,
        code_version TEXT NOT NULL,
        pages_fetched INTEGER NOT NULL,
        exclusives INTEGER NOT NULL,
        copies INTEGER NOT NULL,
        new_copies INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS site_results (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        site TEXT NOT NULL,
        pages_fetched INTEGER NOT NULL,
        pages_new INTEGER NOT NULL,
        pages_changed INTEGER NOT NULL,
        pages_unchanged INTEGER NOT NULL,
        pages_failed INTEGER NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (run_id, site)
    );
    CREATE TABLE IF NOT EXISTS exclusives (
        url TEXT PRIMARY KEY,
        fetched_url TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        published_at TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS pages (
        url TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        final_url TEXT NOT NULL,
        status INTEGER NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        body_z BLOB,
        content_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        lastmod TEXT,
        published_at TEXT,
        ip TEXT,
        redirects TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER
    );
    CREATE TABLE IF NOT EXISTS findings (
        page_url TEXT NOT NULL,
        exclusive_url TEXT NOT NULL,
        site TEXT NOT NULL,
        page_title TEXT NOT NULL,
        exclusive_title TEXT NOT NULL,
        coverage REAL NOT NULL,
        similarity REAL NOT NULL,
        page_share REAL NOT NULL,
        match_type TEXT NOT NULL,
        attribution TEXT NOT NULL,
        attribution_evidence TEXT NOT NULL,
        published_at TEXT NOT NULL,
        exclusive_published_at TEXT NOT NULL,
        published_order TEXT NOT NULL,
        partner INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        first_run TEXT NOT NULL,
        last_run TEXT NOT NULL,
        captured_at TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        warc_file TEXT NOT NULL,
        warc_offset INTEGER,
        spans TEXT NOT NULL,
        page_text TEXT NOT NULL,
        online_status TEXT NOT NULL DEFAULT '',
        rechecked_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (page_url, exclusive_url)
    );
    CREATE INDEX IF NOT EXISTS findings_site ON findings(site);
    CREATE TABLE IF NOT EXISTS warc_files (
        name TEXT PRIMARY KEY,
        first_run TEXT NOT NULL
    );
    """,
    2: """
    CREATE TABLE IF NOT EXISTS alerts (
        page_url TEXT NOT NULL,
        exclusive_url TEXT NOT NULL,
        channel TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (page_url, exclusive_url, channel)
    );
    """,
}
# Each feature that adds tables owns one migration number (3: formula index, 4: search discovery,
# 5: cases, 6: archive scans, 7: evidence/screenshots); a number may be missing while its feature
# is not there, and the loop below skips it.
SCHEMA_VERSION = max(_MIGRATIONS)


@dataclass(frozen=True)
class StoredPage:
    """What the store remembers of a page, for incremental fetching and re-matching."""

    url: str
    site: str
    final_url: str
    status: int
    title: str
    text: str
    body_z: bytes  # the body, zlib-compressed: a scan holds every page it saw until its commit
    content_type: str
    sha256: str
    etag: str | None
    last_modified: str | None
    lastmod: str | None
    published_at: str | None
    ip: str | None
    redirects: tuple[str, ...]
    fetched_at: str
    first_seen: str
    warc_file: str | None
    warc_offset: int | None

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.body_z) if self.body_z else b""

    @staticmethod
    def compress(body: bytes) -> bytes:
        return zlib.compress(body, 6) if body else b""


@dataclass(frozen=True)
class ScanResults:
    """Everything a scan writes, committed together or not at all."""

    run: RunInfo
    exclusives: Sequence[Exclusive]
    pages: Sequence[StoredPage]
    findings: Sequence[Finding]
    warc_files: Sequence[str] = ()


class Store:
    def __init__(self, path: str | Path, *, create: bool = True):
        """Open (and migrate) the store; ``create=False`` for commands that only read what a scan wrote."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no store here; run `copywatch scan` first, or check [store] path")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=5000")
            self.db.execute("PRAGMA synchronous=FULL")
            self.migrate()
        except (sqlite3.DatabaseError, OSError) as e:
            raise StoreError(f"{self.path}: cannot open the store ({e})") from e

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION; each step runs in its own transaction, once."""
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema v{current} is newer than this copywatch (v{SCHEMA_VERSION})"
            )
        for v in sorted(k for k in _MIGRATIONS if k > current):
            with self.transaction():
                for stmt in _MIGRATIONS[v].split(";"):
                    if stmt.strip():
                        self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version = {v}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- reading -------------------------------------------------------------------------------

    def page(self, url: str) -> StoredPage | None:
        row = self.db.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["body_z"] = d["body_z"] or b""
        d["redirects"] = tuple(json.loads(d["redirects"]))
        return StoredPage(**d)

    def exclusives(self) -> list[Exclusive]:
        rows = self.db.execute(
            "SELECT url, fetched_url, title, text, published_at FROM exclusives ORDER BY url"
        )
        return [Exclusive(**dict(r)) for r in rows]

    def findings(self, site: str | None = None) -> list[Finding]:
        sql = (
            "SELECT f.*, e.text AS exclusive_text FROM findings f "
            "LEFT JOIN exclusives e ON e.url = f.exclusive_url"
        )
        args: tuple[str, ...] = ()
        if site:
            sql += " WHERE f.site = ?"
            args = (site,)
        sql += " ORDER BY f.site, f.first_seen, f.page_url, f.exclusive_url"
        return [_finding(r) for r in self.db.execute(sql, args)]

    def finding_keys(self) -> set[tuple[str, str]]:
        return {(r[0], r[1]) for r in self.db.execute("SELECT page_url, exclusive_url FROM findings")}

    def runs(self, limit: int = 20) -> list[RunInfo]:
        out = []
        for r in self.db.execute(
            "SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?", (limit,)
        ):
            sites = tuple(
                SiteResult(**{k: s[k] for k in s.keys() if k != "run_id"})
                for s in self.db.execute(
                    "SELECT * FROM site_results WHERE run_id = ? ORDER BY site", (r["run_id"],)
                )
            )
            out.append(RunInfo(sites=sites, **dict(r)))
        return out

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # --- writing -------------------------------------------------------------------------------

    def commit_scan(self, results: ScanResults) -> None:
        """Write one scan's results atomically. Known findings keep their first_seen and first_run."""
        run = results.run
        with self.transaction() as db:
            for ex in results.exclusives:
                row = asdict(ex) | {"first_seen": run.started_at, "last_seen": run.started_at}
                _upsert(db, "exclusives", row, key=("url",), keep=("first_seen",))
            for p in results.pages:
                row = asdict(p)
                row["redirects"] = json.dumps(list(p.redirects))
                _upsert(
                    db,
                    "pages",
                    row,
                    key=("url",),
                    keep=("first_seen",),
                    same_body=_CAPTURE_COLUMNS + ("fetched_at",),
                )
            for f in results.findings:
                row = {k: v for k, v in asdict(f).items() if k in _FINDING_COLUMNS}
                row |= {
                    "partner": int(f.partner),
                    "spans": json.dumps([list(_span(s)) for s in f.spans]),
                    "last_seen": run.started_at,
                    "first_run": run.run_id,
                    "last_run": run.run_id,
                }
                _upsert(
                    db,
                    "findings",
                    row,
                    key=("page_url", "exclusive_url"),
                    keep=("first_seen", "first_run"),
                    same_body=_CAPTURE_COLUMNS + ("captured_at",),
                )
            for name in results.warc_files:
                db.execute(
                    "INSERT OR IGNORE INTO warc_files (name, first_run) VALUES (?, ?)", (name, run.run_id)
                )
            copies = db.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
            run = replace(run, copies=copies)
            run_row = {k: v for k, v in asdict(run).items() if k != "sites"}
            _upsert(db, "runs", run_row, key=("run_id",), keep=(), update=False)
            for site in run.sites:
                _upsert(
                    db, "site_results", asdict(site) | {"run_id": run.run_id}, key=(), keep=(), update=False
                )

    def alerted(self, channel: str) -> set[tuple[str, str]]:
        rows = self.db.execute("SELECT page_url, exclusive_url FROM alerts WHERE channel = ?", (channel,))
        return {(r[0], r[1]) for r in rows}

    def record_alerts(self, channel: str, keys: Sequence[tuple[str, str]], when: str) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO alerts (page_url, exclusive_url, channel, sent_at) VALUES (?,?,?,?)",
                [(p, e, channel, when) for p, e in keys],
            )

    def register_warc_files(self, names: Sequence[str], run_id: str) -> None:
        """List WARC files written outside a scan (by a recheck)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO warc_files (name, first_run) VALUES (?, ?)",
                [(n, run_id) for n in names],
            )

    def set_online_status(self, page_url: str, status: str, when: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE findings SET online_status = ?, rechecked_at = ? WHERE page_url = ?",
                (status, when, page_url),
            )


_FINDING_COLUMNS = frozenset(
    "page_url exclusive_url site page_title exclusive_title coverage similarity page_share match_type"
    " attribution attribution_evidence published_at exclusive_published_at published_order first_seen"
    " captured_at http_status sha256 warc_file warc_offset page_text".split()
)


# Where the full capture of a body lives. A page seen again with the same body (a 304, or a 200 with
# the same SHA-256) gets only a revisit record, which holds no body: the store keeps pointing at the
# first full response, so evidence exports carry the body and vacuum keeps the file that holds it.
# A page's fetched_at (a finding's captured_at) stays the time of that full response too: it is the
# WARC-Refers-To-Date of later revisits.
_CAPTURE_COLUMNS = ("warc_file", "warc_offset")


def _upsert(
    db: sqlite3.Connection,
    table: str,
    row: dict[str, object],
    key: tuple[str, ...],
    keep: tuple[str, ...],
    update: bool = True,
    same_body: tuple[str, ...] = (),
) -> None:
    """INSERT a row; on a key conflict update every column but the key and ``keep`` ones.

    ``same_body`` columns are updated only when the row's sha256 changed. With ``update=False`` a
    conflict is an error (a run is written once).
    """
    cols = list(row)
    # Table and column names come from this module's dataclasses, never from input: values are bound.
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # noqa: S608
    if update and key:
        sets = ", ".join(
            f"{c}=CASE WHEN {table}.sha256 = excluded.sha256 AND {table}.warc_file IS NOT NULL"
            f" AND {table}.warc_file != '' THEN {table}.{c} ELSE excluded.{c} END"
            if c in same_body
            else f"{c}=excluded.{c}"
            for c in cols
            if c not in key and c not in keep
        )
        sql += f" ON CONFLICT({', '.join(key)}) DO UPDATE SET {sets}"
    db.execute(sql, [row[c] for c in cols])


def _span(s: Span) -> tuple[int, int, int, int]:
    return (s.exclusive_start, s.exclusive_end, s.page_start, s.page_end)


def _finding(r: sqlite3.Row) -> Finding:
    d = dict(r)
    spans = tuple(Span(*x) for x in json.loads(d.pop("spans") or "[]"))
    return Finding(
        site=d["site"],
        page_url=d["page_url"],
        page_title=d["page_title"],
        exclusive_url=d["exclusive_url"],
        exclusive_title=d["exclusive_title"],
        coverage=d["coverage"],
        similarity=d["similarity"],
        match_type=d["match_type"],
        attribution=d["attribution"],
        attribution_evidence=d["attribution_evidence"],
        published_at=d["published_at"],
        first_seen=d["first_seen"],
        captured_at=d["captured_at"],
        http_status=d["http_status"],
        sha256=d["sha256"],
        page_share=d["page_share"],
        exclusive_published_at=d["exclusive_published_at"],
        published_order=d["published_order"],
        partner=bool(d["partner"]),
        warc_file=d["warc_file"],
        warc_offset=d["warc_offset"],
        spans=spans,
        page_text=d["page_text"],
        exclusive_text=d.get("exclusive_text") or "",
        run_id=d["last_run"],
        online_status=d["online_status"],
    )
