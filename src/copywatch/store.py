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
import shutil
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

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
    # 4: search discovery. Every query sent to a search provider, with its answer, so a query is
    # never sent twice in its round; how each finding was found.
    4: """
    CREATE TABLE IF NOT EXISTS search_queries (
        provider TEXT NOT NULL,
        exclusive_url TEXT NOT NULL,
        round INTEGER NOT NULL,
        phrase TEXT NOT NULL,
        queried_at TEXT NOT NULL,
        results TEXT NOT NULL,
        done_run TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (provider, exclusive_url, round, phrase)
    );
    ALTER TABLE findings ADD COLUMN discovered_by TEXT NOT NULL DEFAULT 'watchlist'
    """,
    5: """
    CREATE TABLE IF NOT EXISTS cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        page_url TEXT NOT NULL,
        exclusive_url TEXT NOT NULL,
        site TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        notified_to TEXT NOT NULL DEFAULT '',
        notified_via TEXT NOT NULL DEFAULT '',
        notified_at TEXT NOT NULL DEFAULT '',
        dismissed_sha256 TEXT NOT NULL DEFAULT '',
        dismissed_coverage REAL NOT NULL DEFAULT 0,
        dismissed_spans TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (page_url, exclusive_url)
    );
    CREATE INDEX IF NOT EXISTS cases_state ON cases(state);
    CREATE TABLE IF NOT EXISTS case_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        note TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS case_history_case ON case_history(case_id);
    CREATE TRIGGER IF NOT EXISTS case_history_no_update BEFORE UPDATE ON case_history
    BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS case_history_no_delete BEFORE DELETE ON case_history
    BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END;
    CREATE TABLE IF NOT EXISTS notices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,
        lang TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        bundle TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        sent_to TEXT NOT NULL DEFAULT '',
        sent_via TEXT NOT NULL DEFAULT '',
        sent_at TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS rdap_cache (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 6: archive scans (copywatch.archive_scan). Each archive record copied into copywatch's WARC
    # folder, with where it came from (the archive's file, offset and length), and each archive run's
    # record counts.
    6: """
    CREATE TABLE IF NOT EXISTS archive_records (
        source_file TEXT NOT NULL,
        source_offset INTEGER NOT NULL,
        source_length INTEGER NOT NULL,
        record_date TEXT NOT NULL,
        record_id TEXT NOT NULL,
        target_uri TEXT NOT NULL,
        payload_digest TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        warc_file TEXT NOT NULL,
        warc_offset INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        PRIMARY KEY (source_file, source_offset)
    );
    CREATE INDEX IF NOT EXISTS archive_records_copy ON archive_records(warc_file, warc_offset);
    CREATE TABLE IF NOT EXISTS archive_scans (
        run_id TEXT PRIMARY KEY,
        sources INTEGER NOT NULL,
        counts TEXT NOT NULL,
        errors TEXT NOT NULL
    );
    """,
    # 7: evidence. One screenshot per reported copy's page (issue 16), taken once; the PNG is a WARC
    # resource record (warc_file, warc_offset) and a file beside the WARC folder.
    7: """
    CREATE TABLE IF NOT EXISTS screenshots (
        page_url TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        run_id TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        sha256 TEXT NOT NULL DEFAULT '',
        width INTEGER NOT NULL DEFAULT 0,
        height INTEGER NOT NULL DEFAULT 0,
        page_height INTEGER NOT NULL DEFAULT 0,
        warc_file TEXT NOT NULL DEFAULT '',
        warc_offset INTEGER,
        error TEXT NOT NULL DEFAULT ''
    )
    """,
    # 3: the outlet's formula index: the distinct 3-word runs of every article of the outlet ever
    # read (exclusives and the outlet's other articles), so formula grows with the archive.
    3: """
    CREATE TABLE IF NOT EXISTS archive_runs (
        url TEXT PRIMARY KEY,
        runs BLOB NOT NULL,
        seen_at TEXT NOT NULL
    );
    """,
    # 8: pages of a run that were fetched but could not be processed (too costly, or an exception
    # in a stage): recorded against their URL instead of ending the site (issue 12)
    8: """
    CREATE TABLE IF NOT EXISTS page_errors (
        run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (run_id, site, url)
    );
    """,
    # 9: why a scan failed or stopped, for `copywatch status` (it was said only on the scan's stderr)
    9: """
    ALTER TABLE runs ADD COLUMN error TEXT NOT NULL DEFAULT ''
    """,
    # 10: the web app's sessions: a session carries its user's epoch, and logging out or a new
    # password moves the epoch on, so a copied cookie stops working then (web/app.py)
    10: """
    ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0
    """,
}
# Each feature that adds tables owns one migration number (3: formula index, 4: search discovery,
# 5: cases, 6: archive scans, 7: evidence/screenshots, 8: page errors, 9: a run's error,
# 10: sessions); a number may be missing while its feature is not there, and the loop below skips it.
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
    archive_runs: Mapping[str, bytes] = field(default_factory=dict)  # outlet article URL -> its runs
    page_errors: Sequence[PageError] = ()  # pages fetched but not processed


class Store:
    def __init__(self, path: str | Path, *, create: bool = True):
        """Open (and migrate) the store; ``create=False`` for commands that only read what a scan wrote."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no store here; run `copywatch scan` first, or check [store] path")
        if _read_only(self.path):  # issue 12: a plain sentence, not SQLite's "unable to open database file"
            if create:
                raise StoreError(
                    f"{self.path}: the store is read-only (no permission to write it or its folder, or a"
                    " read-only file system); a scan must write it"
                )
            self._open_read_only()
            return
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
            why = _sqlite_why(self.path, e) if isinstance(e, sqlite3.Error) else str(e)
            raise StoreError(f"{self.path}: cannot open the store ({why})") from e

    def _open_read_only(self) -> None:
        """Open a store that cannot be written (reading commands only): SQLite in WAL mode needs to
        write beside the file to read it, unless told the file is immutable, as it is here."""
        uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            version = self.version
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot read the store ({e})") from e
        if version != SCHEMA_VERSION:
            self.db.close()
            raise StoreError(
                f"{self.path}: the store is read-only and was written by another copywatch version"
                f" (schema v{version}, this one v{SCHEMA_VERSION}); make it writable so it can be migrated"
            )

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
                for stmt in _statements(_MIGRATIONS[v]):
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

    # --- retention (copywatch vacuum) ------------------------------------------------------------

    # A page old enough to drop, and no evidence: not a copy's page, and not the outlet's own
    # capture of an exclusive some copy copies (a bundle's original: exclusive_captures below).
    _OLD_PAGE = (
        "fetched_at < ? AND url NOT IN (SELECT page_url FROM findings)"
        " AND final_url NOT IN (SELECT page_url FROM findings)"
        " AND url NOT IN (SELECT e.fetched_url FROM exclusives e"
        "   JOIN findings f ON f.exclusive_url = e.url)"
        " AND final_url NOT IN (SELECT e.fetched_url FROM exclusives e"
        "   JOIN findings f ON f.exclusive_url = e.url)"
    )

    def warc_in_use(self, cutoff: str) -> set[str]:
        """Names of the WARC files that evidence still needs once the pages captured before
        ``cutoff`` that no copy relies on are dropped: the findings' and kept pages' captures,
        screenshots and records copied from archives. The store keeps full paths or bare names
        depending on its age: names are compared."""
        rows = self.db.execute(
            "SELECT warc_file FROM findings UNION SELECT warc_file FROM pages"  # noqa: S608 - fixed text
            f" WHERE warc_file IS NOT NULL AND NOT ({self._OLD_PAGE})",
            (cutoff,),
        )
        names = {Path(r[0]).name for r in rows if r[0]}
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in ("screenshots", "archive_records"):
            if table in tables:
                rows = self.db.execute(f"SELECT warc_file FROM {table}")  # noqa: S608 - fixed names
                names |= {Path(r[0]).name for r in rows if r[0]}
        return names

    def drop_old_pages(self, cutoff: str, deleted_warc_files: Sequence[str]) -> int:
        """Drop the pages captured before ``cutoff`` that no copy relies on, and the WARC files
        already deleted from disk; returns the pages dropped."""
        with self.transaction() as db:
            n = db.execute(f"DELETE FROM pages WHERE {self._OLD_PAGE}", (cutoff,)).rowcount  # noqa: S608
            db.executemany("DELETE FROM warc_files WHERE name = ?", [(f,) for f in deleted_warc_files])
        return int(n)

    def compact(self) -> int:
        """SQLite's VACUUM: needs free space about the size of the store. Returns the bytes it
        gave back (the pages the store held free)."""
        size = int(self.db.execute("PRAGMA page_size").fetchone()[0])
        free = int(self.db.execute("PRAGMA freelist_count").fetchone()[0])
        self.db.execute("VACUUM")
        return free * size

    def archive_runs(self) -> dict[str, bytes]:
        """The outlet's formula index: each article's distinct 3-word runs (uint32, native order)."""
        return {url: bytes(runs) for url, runs in self.db.execute("SELECT url, runs FROM archive_runs")}

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

    def finding_sites(self) -> list[str]:
        """The sites that have stored copies, by name."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT site FROM findings ORDER BY site")]

    def finding_keys(self) -> set[tuple[str, str]]:
        return {(r[0], r[1]) for r in self.db.execute("SELECT page_url, exclusive_url FROM findings")}

    def runs(self, limit: int = 20, *, unfinished: bool = False) -> list[RunInfo]:
        """The latest finished runs, newest first; ``unfinished=True`` adds the scans that started
        and never finished ('running' now or killed, 'aborted' by Ctrl-C, 'failed')."""
        out = []
        where = "" if unfinished else "WHERE status NOT IN ('running', 'aborted', 'failed') "
        for r in self.db.execute(
            f"SELECT * FROM runs {where}ORDER BY started_at DESC, run_id DESC LIMIT ?",  # noqa: S608
            (limit,),
        ):
            sites = tuple(
                SiteResult(**{k: s[k] for k in s.keys() if k != "run_id"})
                for s in self.db.execute(
                    "SELECT * FROM site_results WHERE run_id = ? ORDER BY site", (r["run_id"],)
                )
            )
            out.append(RunInfo(sites=sites, **dict(r)))
        return out

    def page_errors(self, run_id: str | None = None) -> list[PageError]:
        """Pages of a run (default: the latest) fetched but not processed (see page_errors below)."""
        return page_errors(self, run_id)

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # --- writing -------------------------------------------------------------------------------

    def commit_scan(self, results: ScanResults) -> None:
        """Write one scan's results atomically. Known findings keep their first_seen and first_run."""
        run = results.run
        with self.transaction() as db:
            for url, runs in results.archive_runs.items():
                db.execute(
                    "INSERT INTO archive_runs (url, runs, seen_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET runs = excluded.runs, seen_at = excluded.seen_at",
                    (url, runs, run.started_at),
                )
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
            # A copy this scan saw again is online now, whatever an earlier recheck said of it.
            db.execute(
                "UPDATE findings SET online_status = 'online', rechecked_at = ?"
                " WHERE last_run = ? AND online_status != ''",
                (run.started_at, run.run_id),
            )
            copies = db.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
            run = replace(run, copies=copies)
            db.execute("DELETE FROM runs WHERE run_id = ? AND status = 'running'", (run.run_id,))
            run_row = {k: v for k, v in asdict(run).items() if k != "sites"}
            _upsert(db, "runs", run_row, key=("run_id",), keep=(), update=False)
            for site in run.sites:
                _upsert(
                    db, "site_results", asdict(site) | {"run_id": run.run_id}, key=(), keep=(), update=False
                )
            db.executemany(
                "INSERT OR REPLACE INTO page_errors (run_id, site, url, error) VALUES (?, ?, ?, ?)",
                [(run.run_id, e.site, e.url, e.error) for e in results.page_errors],
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

    # --- issue 12: scans that never finish, pages of a paginated copy ----------------------------

    def begin_run(self, run: RunInfo) -> None:
        """Record a scan as 'running' when it starts, so one that never finishes (killed, Ctrl-C)
        is still listed by `copywatch status`. Called under the scan lock: a 'running' row left
        from before belongs to a scan that died, and becomes 'aborted'."""
        with self.transaction() as db:
            db.execute("UPDATE runs SET status = 'aborted' WHERE status = 'running'")
            row = {k: v for k, v in asdict(replace(run, status="running")).items() if k != "sites"}
            _upsert(db, "runs", row, key=("run_id",), keep=(), update=False)

    def abort_run(self, run_id: str, when: str, status: str = "aborted", error: str = "") -> None:
        """A scan stopped before its commit (``status`` 'aborted' for Ctrl-C, 'failed' for an
        error, said in ``error``): nothing of it was stored but this row."""
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET status = ?, finished_at = ?, error = ?"
                " WHERE run_id = ? AND status = 'running'",
                (status, when, error[:2000], run_id),
            )

    def page_by_final_url(self, url: str) -> StoredPage | None:
        """The page stored for ``url``, asked for under that URL or redirected to it."""
        page = self.page(url)
        if page is not None:
            return page
        row = self.db.execute(
            "SELECT url FROM pages WHERE final_url = ? ORDER BY fetched_at DESC LIMIT 1", (url,)
        ).fetchone()
        return self.page(row[0]) if row else None

    def set_online_status(self, page_url: str, status: str, when: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE findings SET online_status = ?, rechecked_at = ? WHERE page_url = ?",
                (status, when, page_url),
            )

    # --- archive scans (migration 6; used by copywatch.archive_scan) ------------------------------

    def archive_copies(self) -> dict[tuple[str, int], tuple[str, int]]:
        """(archive file, offset) -> (copywatch WARC file, offset) of every archive record copied."""
        rows = self.db.execute(
            "SELECT source_file, source_offset, warc_file, warc_offset FROM archive_records"
        )
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}

    def archive_origins(self) -> dict[tuple[str, int], dict[str, Any]]:
        """(copywatch WARC file, offset) -> where that record came from in its archive."""
        rows = self.db.execute(
            "SELECT warc_file, warc_offset, source_file, source_offset, source_length, record_date,"
            " record_id, target_uri, payload_digest, run_id FROM archive_records"
        )
        return {(r["warc_file"], r["warc_offset"]): {k: r[k] for k in r.keys()[2:]} for r in rows}

    def record_archive_copies(
        self,
        run_id: str,
        records: Sequence[dict[str, Any]],
        sources: int,
        counts: dict[str, int],
        errors: str,
    ) -> None:
        """The archive records this run copied, and its record counts (before its findings commit)."""
        cols = ("source_file", "source_offset", "source_length", "record_date", "record_id", "target_uri",
                "payload_digest", "sha256", "warc_file", "warc_offset")  # fmt: skip
        with self.transaction() as db:
            db.executemany(
                f"INSERT OR IGNORE INTO archive_records ({', '.join(cols)}, run_id)"  # noqa: S608 - fixed names
                f" VALUES ({', '.join('?' * len(cols))}, ?)",
                [tuple(r[c] for c in cols) + (run_id,) for r in records],
            )
            db.execute(
                "INSERT OR REPLACE INTO archive_scans (run_id, sources, counts, errors) VALUES (?, ?, ?, ?)",
                (run_id, sources, json.dumps(counts, sort_keys=True), errors),
            )

    def archive_scan_counts(self, run_id: str) -> dict[str, int] | None:
        row = self.db.execute("SELECT counts FROM archive_scans WHERE run_id = ?", (run_id,)).fetchone()
        return dict(json.loads(row[0])) if row else None

    # --- search discovery (migration 4) ----------------------------------------------------------

    def searched(self, provider: str) -> set[tuple[str, int, str]]:
        """(exclusive_url, round, phrase) of every query already answered by ``provider``."""
        rows = self.db.execute(
            "SELECT exclusive_url, round, phrase FROM search_queries WHERE provider = ?", (provider,)
        )
        return {(r[0], int(r[1]), r[2]) for r in rows}

    def record_search(
        self, provider: str, exclusive_url: str, round_: int, phrase: str, when: str, results: Sequence[str]
    ) -> None:
        """Keep one answered query at once, in its own transaction: a paid query is never sent again in
        its round, even if the scan that sent it dies before its commit."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO search_queries"
                " (provider, exclusive_url, round, phrase, queried_at, results, done_run)"
                " VALUES (?, ?, ?, ?, ?, ?, '')",
                (provider, exclusive_url, round_, phrase, when, json.dumps(list(results))),
            )

    def pending_search_results(self, provider: str) -> list[tuple[str, int, str, list[str]]]:
        """Answered queries whose result URLs no committed scan has looked at yet, oldest first."""
        rows = self.db.execute(
            "SELECT exclusive_url, round, phrase, results FROM search_queries"
            " WHERE provider = ? AND done_run = '' ORDER BY queried_at, exclusive_url, round, phrase",
            (provider,),
        )
        return [(r[0], int(r[1]), r[2], list(json.loads(r[3]))) for r in rows]

    def mark_searches_done(self, provider: str, keys: Sequence[tuple[str, int, str]], run_id: str) -> None:
        """The scan ``run_id`` (committed) looked at these queries' result URLs."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE search_queries SET done_run = ?"
                " WHERE provider = ? AND exclusive_url = ? AND round = ? AND phrase = ?",
                [(run_id, provider, u, r, p) for u, r, p in keys],
            )

    def exclusive_first_seen(self) -> dict[str, str]:
        """When each stored exclusive was first seen (the clock of its query rounds)."""
        return {r[0]: r[1] for r in self.db.execute("SELECT url, first_seen FROM exclusives")}

    # --- cases, notices, users, RDAP cache (migration 5; used by copywatch.cases and copywatch.web) ---
    # The history is append-only: triggers abort any UPDATE or DELETE of case_history, and every
    # change of a case is written together with its history entry, in one transaction.

    def case_rows(
        self,
        *,
        case_id: int | None = None,
        key: tuple[str, str] | None = None,
        page_url: str | None = None,
        state: str | None = None,
        site: str | None = None,
        exclusive: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Cases joined with their finding, filtered: by id, by (page_url, exclusive_url), by state,
        site, exclusive (its URL, or words of its title), and first-seen date (``since``/``until``,
        YYYY-MM-DD, both included)."""
        where: list[str] = []
        args: list[object] = []
        for cond, value in (
            ("c.id = ?", case_id),
            ("c.page_url = ?", page_url),
            ("c.state = ?", state),
            ("c.site = ?", site),
            ("substr(f.first_seen, 1, 10) >= ?", since[:10] if since else None),
            ("substr(f.first_seen, 1, 10) <= ?", until[:10] if until else None),
        ):
            if value is not None and value != "":
                where.append(cond)
                args.append(value)
        if key is not None:
            where.append("c.page_url = ? AND c.exclusive_url = ?")
            args += list(key)
        if exclusive:
            where.append("(c.exclusive_url = ? OR instr(lower(f.exclusive_title), lower(?)) > 0)")
            args += [exclusive, exclusive]
        sql = (
            "SELECT c.*, f.page_title, f.exclusive_title, f.coverage, f.attribution, f.first_seen,"
            " f.online_status, f.rechecked_at, f.sha256, f.captured_at, f.match_type"
            " FROM cases c LEFT JOIN findings f"
            " ON f.page_url = c.page_url AND f.exclusive_url = c.exclusive_url"
        )
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.id"
        return [dict(r) for r in self.db.execute(sql, args)]

    def finding_of_case(self, page_url: str, exclusive_url: str) -> Finding | None:
        """The one finding a case is about (the web app's case page reads only this one)."""
        row = self.db.execute(
            "SELECT f.*, e.text AS exclusive_text FROM findings f"
            " LEFT JOIN exclusives e ON e.url = f.exclusive_url"
            " WHERE f.page_url = ? AND f.exclusive_url = ?",
            (page_url, exclusive_url),
        ).fetchone()
        return _finding(row) if row else None

    def case_history(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM case_history WHERE case_id = ? ORDER BY id", (case_id,))
        return [dict(r) for r in rows]

    def create_case(self, row: dict[str, Any], event: dict[str, Any]) -> int | None:
        """Insert a case and its first history entry; None if the finding already has a case."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO cases (page_url, exclusive_url, site, state, created_at, updated_at)"
                " VALUES (:page_url, :exclusive_url, :site, :state, :at, :at)",
                row,
            )
            if cur.rowcount == 0:
                return None
            case_id = int(cur.lastrowid or 0)
            _history(db, case_id, event)
            return case_id

    def update_case(
        self, case_id: int, expect_state: str, changes: dict[str, Any], event: dict[str, Any]
    ) -> bool:
        """Apply ``changes`` if the case is still in ``expect_state`` (two editors at once: one wins),
        with its history entry; False when the case moved meanwhile."""
        allowed = {
            "state", "reason", "notified_to", "notified_via", "notified_at", "dismissed_sha256",
            "dismissed_coverage", "dismissed_spans", "updated_at",
        }  # fmt: skip
        assert set(changes) <= allowed, set(changes) - allowed
        sets = ", ".join(f"{k} = :{k}" for k in changes)
        with self.transaction() as db:
            cur = db.execute(
                f"UPDATE cases SET {sets} WHERE id = :case_id AND state = :expect",  # noqa: S608 - fixed names
                {**changes, "case_id": case_id, "expect": expect_state},
            )
            if cur.rowcount == 0:
                return False
            _history(db, case_id, event)
            return True

    def add_case_event(self, case_id: int, event: dict[str, Any]) -> None:
        """A history entry that does not change the state (a notice drafted, an RDAP lookup)."""
        with self.transaction() as db:
            _history(db, case_id, event)

    def add_notice(self, row: dict[str, Any], event: dict[str, Any]) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO notices (case_id, kind, lang, subject, body, bundle, created_at, created_by)"
                " VALUES (:case_id, :kind, :lang, :subject, :body, :bundle, :created_at, :created_by)",
                row,
            )
            _history(db, int(row["case_id"]), event)
            return int(cur.lastrowid or 0)

    def notices(self, case_id: int) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM notices WHERE case_id = ? ORDER BY id", (case_id,))
        return [dict(r) for r in rows]

    def notice(self, notice_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM notices WHERE id = ?", (notice_id,)).fetchone()
        return dict(row) if row else None

    def mark_notice_sent(self, notice_id: int, to: str, via: str, at: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE notices SET sent_to = ?, sent_via = ?, sent_at = ? WHERE id = ?",
                (to, via, at, notice_id),
            )

    def add_user(self, name: str, role: str, password_hash: str, at: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET role = excluded.role,"
                " password_hash = excluded.password_hash, disabled = 0,"
                " session_epoch = session_epoch + 1",  # a new password ends the old sessions
                (name, role, password_hash, at),
            )

    def user(self, name: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return dict(row) if row else None

    def users(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM users ORDER BY name")]

    def set_user_disabled(self, name: str, disabled: bool) -> bool:
        with self.transaction() as db:
            cur = db.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name))
            return cur.rowcount > 0

    def end_sessions(self, name: str) -> None:
        """Every web session of ``name`` ends (logging out): its cookies carry the old epoch."""
        with self.transaction() as db:
            db.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE name = ?", (name,))

    def set_password_hash(self, name: str, password_hash: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name))

    def rdap_cached(self, kind: str, key: str) -> tuple[str, str] | None:
        """(fetched_at, JSON) of a cached RDAP answer."""
        row = self.db.execute(
            "SELECT fetched_at, data FROM rdap_cache WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_rdap(self, kind: str, key: str, fetched_at: str, data: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO rdap_cache (kind, key, fetched_at, data) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(kind, key) DO UPDATE SET"
                " fetched_at = excluded.fetched_at, data = excluded.data",
                (kind, key, fetched_at, data),
            )

    def page_ip(self, url: str) -> str | None:
        row = self.db.execute(
            "SELECT ip FROM pages WHERE url = ? OR final_url = ? ORDER BY url = ? DESC LIMIT 1",
            (url, url, url),
        ).fetchone()
        return row[0] if row else None

    # --- evidence: the exclusives' own captures, screenshots (migration 7; copywatch.evidence) ---

    def exclusive_captures(self, urls: Sequence[str]) -> dict[str, ExclusiveCapture]:
        """Where the outlet's own capture of each exclusive is (exclusives read from local files have
        none): the page stored for the exclusive's fetched URL, with its WARC record."""
        out: dict[str, ExclusiveCapture] = {}
        for url in urls:
            row = self.db.execute(
                "SELECT e.url, e.fetched_url, e.title, e.published_at, p.fetched_at, p.sha256, p.warc_file,"
                " p.warc_offset FROM exclusives e"
                " JOIN pages p ON p.final_url = e.fetched_url OR p.url = e.fetched_url"
                " WHERE e.url = ? AND p.warc_file IS NOT NULL AND p.warc_file != ''"
                " ORDER BY p.url = e.fetched_url DESC LIMIT 1",
                (url,),
            ).fetchone()
            if row is not None:
                out[url] = ExclusiveCapture(**dict(row))
        return out

    def screenshots(self, page_urls: Sequence[str] | None = None) -> dict[str, Screenshot]:
        rows = self.db.execute("SELECT * FROM screenshots ORDER BY page_url").fetchall()
        wanted = set(page_urls) if page_urls is not None else None
        return {
            r["page_url"]: Screenshot(**dict(r)) for r in rows if wanted is None or r["page_url"] in wanted
        }

    def record_screenshots(self, shots: Sequence[Screenshot], warc_files: Sequence[str] = ()) -> None:
        """Store screenshots (and failures, with their error) taken after a scan; one try per page."""
        with self.transaction() as db:
            for shot in shots:
                _upsert(db, "screenshots", asdict(shot), key=("page_url",), keep=())
            db.executemany(
                "INSERT OR IGNORE INTO warc_files (name, first_run) VALUES (?, ?)",
                [(n, shots[0].run_id if shots else "") for n in warc_files],
            )


@dataclass(frozen=True)
class ExclusiveCapture:
    """The outlet's own capture of an exclusive: the original, beside the copies in a bundle."""

    url: str
    fetched_url: str
    title: str
    published_at: str | None
    fetched_at: str
    sha256: str
    warc_file: str
    warc_offset: int | None


@dataclass(frozen=True)
class Screenshot:
    """A reported copy's page rendered once after the scan that found it (or why it could not be)."""

    page_url: str
    site: str
    run_id: str
    taken_at: str
    sha256: str = ""  # of the PNG
    width: int = 0
    height: int = 0  # of the PNG (capped)
    page_height: int = 0  # of the rendered page, before the cap
    warc_file: str = ""  # the WARC resource record holding the PNG
    warc_offset: int | None = None
    error: str = ""  # why there is no screenshot ("" when there is one)


def _history(db: sqlite3.Connection, case_id: int, event: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO case_history (case_id, at, actor, action, from_state, to_state, note, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case_id,
            event["at"],
            event["actor"],
            event["action"],
            event.get("from_state", ""),
            event.get("to_state", ""),
            event.get("note", ""),
            json.dumps(event.get("detail", {}), ensure_ascii=False, sort_keys=True),
        ),
    )


# --- hostile input and full disks (issue 12): page errors, one line for any SQLite failure --------


@dataclass(frozen=True)
class PageError:
    """A page of a run that was fetched but not processed, and why (too costly, an exception)."""

    site: str
    url: str
    error: str


def page_errors(store: Store, run_id: str | None = None) -> list[PageError]:
    """The page errors of ``run_id`` (default: the latest run), by site and URL."""
    if run_id is None:
        latest = store.runs(limit=1)
        if not latest:
            return []
        run_id = latest[0].run_id
    rows = store.db.execute(
        "SELECT site, url, error FROM page_errors WHERE run_id = ? ORDER BY site, url", (run_id,)
    )
    return [PageError(r[0], r[1], r[2]) for r in rows]


def _no_space(path: object) -> bool:
    try:
        return shutil.disk_usage(Path(str(path)).parent).free < 1 << 20
    except OSError:
        return False


def _sqlite_why(path: object, e: sqlite3.Error) -> str:
    """SQLite's reason, saying so when it is a full disk ("disk I/O error" often is: no room for the
    -shm or -wal file)."""
    text = str(e)
    if "full" in text or ("disk I/O" in text and _no_space(path)):
        return f"no space left on the device: {text}"
    return text


def store_error(path: object, e: sqlite3.Error) -> StoreError:
    """The one-line error for a SQLite failure while using the store at ``path``."""
    text = str(e)
    if "full" in text or ("disk I/O" in text and _no_space(path)):
        return StoreError(f"{path}: cannot write the store: {_sqlite_why(path, e)}")
    if isinstance(e, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return StoreError(
            f"{path}: the store is damaged ({text}); restore it from a backup"
            " (sqlite3's .recover command may save what is left)"
        )
    return StoreError(f"{path}: the store cannot be used ({type(e).__name__}: {text})")


def _read_only(path: Path) -> bool:
    """The store (or, for a new one, its nearest existing folder) cannot be written."""
    import os

    target = path if path.exists() else next((p for p in path.parents if p.exists()), Path("."))
    if target.is_dir() or not path.exists():
        return target.is_dir() and not os.access(target, os.W_OK)
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


_FINDING_COLUMNS = frozenset(
    "page_url exclusive_url site page_title exclusive_title coverage similarity page_share match_type"
    " attribution attribution_evidence published_at exclusive_published_at published_order first_seen"
    " captured_at http_status sha256 warc_file warc_offset page_text discovered_by".split()
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


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements; a trigger's BEGIN ... END holds semicolons of its own."""
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                yield buf
            buf = ""
    if buf.strip(" \n;"):
        yield buf


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
        rechecked_at=d.get("rechecked_at") or "",
        discovered_by=d.get("discovered_by") or "watchlist",
    )
