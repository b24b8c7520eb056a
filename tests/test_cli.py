"""The command line: every command has help text and a README entry; errors are one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from copywatch.cli import main

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)


def test_the_commands_we_document_exist():
    assert {"demo", "scan", "report", "export", "verify", "recheck", "status", "schedule", "vacuum"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_a_readme_entry(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert len(main.commands[name].help or "") > 20, f"{name} has no real help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"`copywatch {name}\b", readme), f"README does not document `copywatch {name}`"


def test_a_broken_config_exits_2_naming_file_and_key(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[outlet]\nname = "x"\nexclusives = ["a"]\n[crawl]\nmax_depth = "deep"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["scan", "--config", str(cfg)])
    assert result.exit_code == 2
    assert str(cfg) in result.output and "'max_depth' must be an integer" in result.output


def test_report_before_any_scan_is_a_clear_failure(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[outlet]\nname = "x"\nexclusives = ["a"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--config", str(cfg)])
    assert result.exit_code == 1
    assert "no scan has run yet" in result.output


def test_demo_writes_report_csv_and_latest(tmp_path):
    result = CliRunner().invoke(main, ["demo", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "uncredited copies" in result.output
    runs = [p for p in (tmp_path / "reports").iterdir() if p.name != "latest"]
    assert len(runs) == 1
    for name in ("report.html", "evidence.csv"):
        assert (runs[0] / name).exists() and (tmp_path / "reports" / "latest" / name).exists()
    assert f"report:   {runs[0] / 'report.html'}" in result.output


def test_progress_off_a_terminal_is_plain_or_json_log_lines(tmp_path):
    import json
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "copywatch.cli", "--log-format", "json", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    messages = [line["message"] for line in lines]
    assert any(m.endswith("10 pages") for m in messages)  # progress, every 10 pages of a site
    assert any(m.startswith("site ") and "copies" in m for m in messages)  # a line per site when done
    assert {"time", "level", "logger", "message"} <= set(lines[0])
