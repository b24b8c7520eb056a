"""`copywatch recheck` after a real scan: one copy taken down (404), one edited but still copying,
the rest intact: the store and the report's online_status column say removed / changed / online.
"""

from __future__ import annotations

import subprocess

from tests.fixtures.cli import cli_env, copywatch_cmd
from tests.fixtures.live_web import LiveDemo, config_data, csv_rows, drop_last_paragraphs, write_toml

from copywatch.config import load_config
from copywatch.pipeline import scan
from copywatch.report.html import ONLINE_LABELS
from copywatch.store import Store

SITE, GONE, EDITED = "muntada-alhiwar", "/threads/1040/", "/threads/1041/"


def test_recheck_records_removed_changed_and_online(tmp_path):
    live = LiveDemo()
    try:
        path = write_toml(config_data(live, tmp_path), tmp_path / "config.toml")
        summary = scan(load_config(path))
        live.remove(SITE, GONE)
        live.edit(SITE, EDITED, drop_last_paragraphs)
        done = subprocess.run(
            copywatch_cmd("recheck", "--config", str(path)), env=cli_env(), capture_output=True, text=True
        )
    finally:
        live.stop()
    assert done.returncode == 0, done.stderr
    with Store(tmp_path / "cw.db") as store:
        status = {f.page_url: f.online_status for f in store.findings()}
        when = {r[0] for r in store.db.execute("SELECT rechecked_at FROM findings")}
    gone, edited = live.url(SITE, GONE), live.url(SITE, EDITED)
    assert status.pop(gone) == "removed"
    assert status.pop(edited) == "changed"
    assert set(status.values()) == {"online"}
    assert "" not in when
    assert "removed 1" in done.stdout and "changed 1" in done.stdout
    assert f"online {len(status)}" in done.stdout

    rows = {r["page_url"]: r["online_status"] for r in csv_rows(summary.report_dir / "evidence.csv")}
    assert rows[gone] == "removed" and rows[edited] == "changed"
    assert {rows[u] for u in status} == {"online"}
    html = (summary.report_dir / "report.html").read_text(encoding="utf-8")
    for status_word in (ONLINE_LABELS["removed"], ONLINE_LABELS["changed"], ONLINE_LABELS["online"]):
        assert status_word in html
