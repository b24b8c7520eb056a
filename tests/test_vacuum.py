"""`copywatch vacuum` with [retention] captures_days: old pages no copy relies on are dropped, old WARC
files holding no reported capture are deleted, and the reported copies' evidence still exports and
verifies: a copy seen again unchanged keeps pointing at its first full capture, whose file stays.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.fixtures.cli import cli_env, copywatch_cmd
from tests.fixtures.live_web import LiveDemo, config_data, write_toml

from copywatch.config import load_config
from copywatch.pipeline import scan
from copywatch.recheck import recheck
from copywatch.report.bundle import export_bundle, verify_bundle
from copywatch.store import Store

OLD = "2020-01-01T00:00:00Z"


def test_vacuum_drops_old_captures_but_never_reported_evidence(tmp_path):
    live = LiveDemo()
    try:
        data = config_data(live, tmp_path) | {"retention": {"captures_days": 30}}
        path = write_toml(data, tmp_path / "config.toml")
        config = load_config(path)
        scan(config)
        scan(config)  # unchanged pages: the findings now point at revisit records
        time.sleep(1.1)  # WARC file names carry the second: recheck's file must be its own
        with Store(config.store_path) as store:
            recheck(config, store)  # its captures go to a WARC file no finding uses
    finally:
        live.stop()
    warcs = sorted(config.warc_dir.glob("*.warc.gz"))
    assert len(warcs) == 3
    long_ago = time.time() - 400 * 86400
    for w in warcs:
        os.utime(w, (long_ago, long_ago))
    with Store(config.store_path) as store:
        store.db.execute("UPDATE pages SET fetched_at = ?", (OLD,))
        pages_before = store.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        copies = store.db.execute("SELECT COUNT(DISTINCT page_url) FROM findings").fetchone()[0]
        findings_before = store.findings()
        copied = sorted({f.exclusive_url for f in findings_before})
        originals_before = store.exclusive_captures(copied)  # the outlet's own captures, for bundles
        assert len(originals_before) == len(copied) > 0

    done = subprocess.run(
        copywatch_cmd("vacuum", "--config", str(path)), env=cli_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert f"pages dropped {pages_before - copies - len(copied)}" in done.stdout
    # The rescan's revisits and recheck's captures go; the first scan's full responses stay.
    assert "WARC files deleted 2" in done.stdout
    left = sorted(config.warc_dir.glob("*.warc.gz"))
    assert left == warcs[:1]

    with Store(config.store_path) as store:
        assert store.findings() == findings_before
        assert store.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == copies + len(copied)
        # the originals of the copied exclusives stay, with their WARC records: a bundle still has them
        assert store.exclusive_captures(copied) == originals_before
        assert store.integrity() == "ok"
        findings = store.findings()
    bundle = export_bundle(findings, tmp_path / "bundle", warc_dir=config.warc_dir)
    assert verify_bundle(Path(bundle)) == []


def test_vacuum_counts_what_compacting_the_store_gave_back_and_says_retention_is_off(tmp_path):
    from copywatch.config import parse_config
    from copywatch.retention import vacuum

    config = parse_config(
        {"outlet": {"name": "x", "exclusives": ["a.html"]}, "store": {"path": str(tmp_path / "cw.db")}}
    )
    with Store(config.store_path) as store:
        store.db.execute("CREATE TABLE scratch (b BLOB)")
        store.db.executemany("INSERT INTO scratch VALUES (?)", [(os.urandom(4096),) for _ in range(500)])
        store.db.commit()
        store.db.execute("DROP TABLE scratch")  # 2 MB of free pages, given back only by VACUUM
        store.db.commit()
        result = vacuum(config, store)
    assert result.bytes_freed > 1_000_000 and result.pages_dropped == 0
    assert any("captures_days = 0" in n for n in result.notes), result.notes
