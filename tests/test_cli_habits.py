"""CLI habits (issue 12, item 17): global options after the subcommand, config errors without
click's usage preamble, full descriptions in the top-level help, PATH/SECONDS metavars, and the
`check-config` and `findings` commands, against a real local server and a real SQLite store."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner
from tests.fixtures.cli import run_cli
from tests.fixtures.findings import make_finding

from copywatch.cli import main
from copywatch.models import RunInfo
from copywatch.store import ScanResults, Store
from hostile_server import HostileServer, send

ARTICLE = (
    "<html><head><title>حصري</title></head><body><article><p>"
    + "كشف مصدر مطلع أن المجلس الجماعي قرر تأجيل المشروع إلى السنة المقبلة بسبب نقص التمويل. " * 5
    + "</p></article></body></html>"
)


def _config(tmp_path: Path, body: str = "", exclusives: str = '["a.html"]') -> Path:
    (tmp_path / "a.html").write_text(ARTICLE, encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[outlet]\nname = "x"\nexclusives = {exclusives}\n{body}', encoding="utf-8")
    return cfg


def test_log_options_are_accepted_after_the_subcommand(tmp_path):
    cfg = _config(tmp_path)
    done = run_cli("scan", "--config", str(cfg), "--log-format", "json", "-v")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert any(line["level"] == "info" for line in lines)  # -v after the subcommand: info lines too
    # before it, as always, and mixed: -v before, --log-format after
    done = run_cli("-v", "scan", "--config", str(cfg), "--log-format", "json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert any(line["level"] == "info" for line in lines)


def test_a_config_error_is_one_line_without_the_usage_preamble(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[outlet]\nname = "x"\nexclusives = ["a"]\n[crawl]\ndealy_seconds = 1\n', encoding="utf-8")
    for command in ("scan", "status", "check-config", "findings"):
        result = CliRunner().invoke(main, [command, "--config", str(cfg)])
        assert result.exit_code == 2, (command, result.output)
        (line,) = result.output.strip().splitlines()
        assert line.startswith("copywatch: error: ") and "unknown key 'dealy_seconds'" in line
        assert "Usage:" not in result.output and "Try " not in result.output


def test_top_level_help_shows_every_description_in_full():
    result = CliRunner().invoke(main, ["--help"], terminal_width=100)
    shown = " ".join(result.output.split())
    for name, cmd in main.commands.items():
        first = " ".join((cmd.help or "").split("\n\n")[0].split())
        assert first in shown, f"{name}: the help cuts its description ({first!r})"


CORE = ("demo", "scan", "report", "export", "verify", "status", "recheck", "schedule", "vacuum",
        "check-config", "findings")  # fmt: skip


def test_options_name_what_they_take():
    for name in CORE:
        text = CliRunner().invoke(main, [name, "--help"]).output
        assert not re.search(r"--\S+ (TEXT|FLOAT|INTEGER|DIRECTORY|FILE)\b", text), (name, text)
        if "--config" in text:
            assert "--config PATH" in text, name
    assert "--wait SECONDS" in CliRunner().invoke(main, ["scan", "--help"]).output
    assert "--out DIR" in CliRunner().invoke(main, ["export", "--help"]).output


def _site(robots: str, urls: int):
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>/p/{i}</loc></url>" for i in range(urls))
        + "</urlset>"
    ).encode()
    return {
        "/robots.txt": lambda h: send(h, 200, robots.encode(), "text/plain"),
        "/sitemap.xml": lambda h: send(h, 200, sitemap, "application/xml"),
        "/": lambda h: send(h, 200, b"<html><body><a href='/p/1'>1</a></body></html>"),
    }


def test_check_config_shows_what_a_scan_would_do(tmp_path):
    good = HostileServer(routes=_site("User-agent: *\nDisallow: /private/\n", 3))
    broken = HostileServer(routes={"/robots.txt": lambda h: send(h, 503, b"down", "text/plain")})
    with good, broken:
        body = (
            "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\nmax_retries = 0\n"
            f'[[sites]]\nname = "good"\nseeds = ["{good.url("/")}", "{good.url("/sitemap.xml")}"]\n'
        )
        cfg = _config(tmp_path, body)
        result = CliRunner().invoke(main, ["check-config", "--config", str(cfg)])
        assert result.exit_code == 0, result.output
        out = result.output
        assert "config " in out and "valid" in out
        assert "good: 2 seed(s)" in out and "robots.txt: allowed" in out
        assert "urlset, 3 URLs" in out
        assert "1 local .html file(s)" in out
        assert good.hits("/p/") == 0  # pages are not fetched: only robots.txt and sitemaps

        body += f'[[sites]]\nname = "down"\nseeds = ["{broken.url("/")}"]\n'
        cfg = _config(tmp_path, body)
        result = CliRunner().invoke(main, ["check-config", "--config", str(cfg)])
        assert result.exit_code == 1, result.output
        assert "robots.txt: unreachable" in result.output and "ERROR: robots.txt of" in result.output

        # the network policy of a scan: private addresses refused unless allowed
        cfg = _config(
            tmp_path, body.replace("allow_private_addresses = true", "allow_private_addresses = false")
        )
        result = CliRunner().invoke(main, ["check-config", "--config", str(cfg)])
        assert result.exit_code == 1 and good.hits("/robots.txt") == 2  # not a third time


def test_check_config_warns_of_no_sites_and_of_an_empty_sitemap(tmp_path):
    srv = HostileServer(routes=_site("", 0))
    with srv:
        body = "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\n"
        result = CliRunner().invoke(main, ["check-config", "--config", str(_config(tmp_path, body))])
        assert result.exit_code == 0 and "no [[sites]] table" in result.output
        body += f'[[sites]]\nname = "empty"\nseeds = ["{srv.url("/sitemap.xml")}"]\n'
        result = CliRunner().invoke(main, ["check-config", "--config", str(_config(tmp_path, body))])
        assert "warning: this urlset lists no URL" in result.output


def _store_with_findings(cfg: Path) -> None:
    rows = [
        make_finding(site="a", page_url="https://a.ma/1", attribution="none"),
        make_finding(site="a", page_url="https://a.ma/2", attribution="link", page_title="=HYPERLINK(1)"),
        make_finding(site="b", page_url="https://b.ma/1", attribution="name"),
        make_finding(site="p", page_url="https://p.ma/1", attribution="none", partner=True),
    ]
    run = RunInfo("20261129T070000000000Z", "2026-11-29T07:00:00Z", "2026-11-29T07:01:00Z", "success")
    with Store(cfg.parent / "copywatch.db") as store:
        store.commit_scan(ScanResults(run=run, exclusives=[], pages=[], findings=rows))


def test_findings_lists_the_stored_copies_filtered(tmp_path):
    cfg = _config(tmp_path, '[attribution]\naccept = ["link"]\n')
    _store_with_findings(cfg)
    table = CliRunner().invoke(main, ["findings", "--config", str(cfg)])
    assert table.exit_code == 0 and "4 copies" in table.output and "https://b.ma/1" in table.output

    result = CliRunner().invoke(
        main, ["findings", "--config", str(cfg), "--credit", "uncredited", "--format", "json"]
    )
    rows = json.loads(result.output)
    # "name" does not suffice under accept = ["link"]; the partner is left out
    assert sorted(r["page_url"] for r in rows) == ["https://a.ma/1", "https://b.ma/1"]

    args = ["findings", "--config", str(cfg), "--site", "a", "--credit", "credited", "--format", "csv"]
    result = CliRunner().invoke(main, args)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["page_url"] for r in rows] == ["https://a.ma/2"]
    assert rows[0]["page_title"] == "'=HYPERLINK(1)"  # formula-safe, as in evidence.csv

    # a misspelt site: an error that names the sites with copies
    result = CliRunner().invoke(main, ["findings", "--config", str(cfg), "--site", "zzz"])
    assert result.exit_code == 1, result.output
    assert "no site named 'zzz'" in result.output and "(sites with copies: a, b, p)" in result.output
    # a site of the config with no copies yet: said, not an error (the same config file, now listing it)
    sites = '[[sites]]\nname = "zzz"\nseeds = ["https://z.ma/"]\n'
    listed = _config(tmp_path, '[attribution]\naccept = ["link"]\n' + sites)
    result = CliRunner().invoke(main, ["findings", "--config", str(listed), "--site", "zzz"])
    assert result.exit_code == 0 and "no copies stored for site 'zzz'" in result.output, result.output
