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


def test_a_folder_given_as_config_or_a_missing_bundle_is_one_line_not_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["status", "--config", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.output == f"copywatch: error: {tmp_path}: cannot read the config file (Is a directory)\n"
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "nothere.wacz")])
    assert result.exit_code == 1, result.output
    assert result.output == f"copywatch: error: {tmp_path / 'nothere.wacz'}: no such bundle\n"
    result = CliRunner().invoke(main, ["verify", str(tmp_path), "--tsa-cert", str(tmp_path / "tsa.pem")])
    assert result.exit_code == 1 and "tsa.pem: no such TSA certificate" in result.output, result.output


def test_report_before_any_scan_is_a_clear_failure(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[outlet]\nname = "x"\nexclusives = ["a"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--config", str(cfg)])
    assert result.exit_code == 1
    assert "run `copywatch scan` first" in result.output


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


ARTICLE = (
    "<html><head><title>حصري</title></head><body><article><p>"
    + "كشف مصدر مطلع أن المجلس الجماعي قرر تأجيل المشروع إلى السنة المقبلة بسبب نقص التمويل. " * 5
    + "</p></article></body></html>"
)


def test_unusable_store_or_report_folder_is_one_line_naming_it(tmp_path):
    (tmp_path / "a.html").write_text(ARTICLE, encoding="utf-8")  # relative to the config file
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    base = '[outlet]\nname = "x"\nexclusives = ["a.html"]\n'
    store_cfg = tmp_path / "store.toml"
    store_cfg.write_text(base + '[store]\npath = "blocker/cw.db"\n', encoding="utf-8")
    report_cfg = tmp_path / "report.toml"
    report_cfg.write_text(base + '[report]\ndir = "blocker/reports"\n', encoding="utf-8")
    # a stored run, so that `report` gets as far as the report folder (a scan checks it first)
    good_cfg = tmp_path / "good.toml"
    good_cfg.write_text(base + '[report]\ndir = "good"\n', encoding="utf-8")
    good = CliRunner().invoke(main, ["scan", "--config", str(good_cfg)])
    assert good.exit_code == 0, good.output
    runs = [
        ("scan", store_cfg),
        ("status", store_cfg),
        ("report", store_cfg),
        ("vacuum", store_cfg),
        ("scan", report_cfg),
        ("report", report_cfg),
    ]
    for command, cfg in runs:
        result = CliRunner().invoke(main, [command, "--config", str(cfg)])
        assert result.exit_code == 1, (command, cfg.name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("copywatch: error: "), (command, result.output)
        assert str(tmp_path / "blocker") in lines[0], (command, result.output)


def test_no_exclusive_loaded_says_why_for_each_source(tmp_path):
    (tmp_path / "short.html").write_text("<html><body><p>مرحبا</p></body></html>", encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text('[outlet]\nname = "x"\nexclusives = ["short.html", "missing.html"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "--config", str(cfg)])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert f"{tmp_path / 'missing.html'}: no such file" in line
    assert f"{(tmp_path / 'short.html').as_uri()}: fewer than 30 words" in line


@pytest.mark.parametrize("command", ["report", "status", "export", "recheck", "vacuum"])
def test_reading_commands_never_create_a_missing_store(tmp_path, command):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[outlet]\nname = "x"\nexclusives = ["a"]\n[store]\npath = "nowhere/cw.db"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, [command, "--config", str(cfg)])
    assert result.exit_code == 1
    assert "no store here" in result.output and "nowhere" in result.output
    assert not (tmp_path / "nowhere").exists()
