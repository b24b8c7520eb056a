"""Reproducible findings (RELIABILITY #21): the same web scanned into two fresh stores gives the same
findings and the same evidence CSV, apart from run and capture times, run ids and WARC locations.
"""

from __future__ import annotations

from tests.fixtures.live_web import LiveDemo, config_data, csv_rows

from copywatch.config import parse_config
from copywatch.pipeline import scan

# What legitimately differs between two scans of the same web: when, and where the WARC record sits.
VARYING = {"first_seen", "captured_at", "run_id", "warc_file", "warc_offset"}


def test_two_fresh_scans_of_the_same_web_agree(tmp_path):
    live = LiveDemo()
    try:
        one = scan(parse_config(config_data(live, tmp_path / "one")))
        two = scan(parse_config(config_data(live, tmp_path / "two")))
    finally:
        live.stop()
    rows = [csv_rows(s.report_dir / "evidence.csv") for s in (one, two)]
    assert rows[0] and rows[0][0].keys() >= {"page_url", "coverage", "sha256", "attribution"}
    stable = [[{k: v for k, v in r.items() if k not in VARYING} for r in rs] for rs in rows]
    assert stable[0] == stable[1]
    assert one.run.run_id != two.run.run_id
    assert (one.findings, one.uncredited) == (two.findings, two.uncredited)
