"""The SQLite store: pragmas, versioned idempotent migrations, atomic scans, first_seen kept."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from tests.fixtures.findings import scan_results, stored_finding

from copywatch.models import Span
from copywatch.store import SCHEMA_VERSION, Store


def test_pragmas_and_migrations_are_idempotent(tmp_path):
    path = tmp_path / "cw.db"
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        s.migrate()
    with Store(path) as s:  # opening again migrates nothing and keeps the version
        assert s.version == SCHEMA_VERSION
        assert s.integrity() == "ok"


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "cw.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(Exception, match="newer than this copywatch"):
        Store(path)


def test_known_copy_keeps_first_seen_and_spans_round_trip(tmp_path):
    with Store(tmp_path / "cw.db") as s:
        s.commit_scan(scan_results("r1", "2026-01-01T00:00:00Z", [stored_finding()]))
        later = stored_finding(first_seen="2026-02-01T00:00:00Z", coverage=0.5)
        s.commit_scan(scan_results("r2", "2026-02-01T00:00:00Z", [later]))
        [f] = s.findings()
        assert f.first_seen == "2026-01-01T00:00:00Z"
        assert f.coverage == 0.5
        assert f.spans == (Span(0, 5, 10, 15),)
        assert f.exclusive_text == "نص"
        assert [r.run_id for r in s.runs()] == ["r2", "r1"]
        assert s.runs()[0].copies == 1


def test_a_failed_commit_leaves_earlier_results_intact(tmp_path):
    with Store(tmp_path / "cw.db") as s:
        s.commit_scan(scan_results("r1", "2026-01-01T00:00:00Z", [stored_finding()]))
        bad = scan_results("r1", "2026-01-02T00:00:00Z", [replace(stored_finding(), page_url="http://s/b")])
        with pytest.raises(sqlite3.IntegrityError):  # the same run id again: the run insert fails
            s.commit_scan(bad)
        assert [f.page_url for f in s.findings()] == ["http://s/a"]
        assert len(s.runs()) == 1


def test_a_v1_store_is_migrated_in_place(tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "store-v1.db", path)
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        assert [f.page_url for f in s.findings()] == ["http://s/a"]  # nothing lost
        s.record_alerts("webhook", [("http://s/a", "https://o/x")], "2026-01-02T00:00:00Z")
        assert s.alerted("webhook") == {("http://s/a", "https://o/x")}
        assert s.integrity() == "ok"
