"""Recheck (issue 12, item 15): the status does not go stale (a page restored and rescanned is online
again), the time of the recheck is shown in the report and the CSV, and a paginated copy is
rechecked on all its pages. Real local server, real store, the real command line."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from tests.fixtures.arabic import EXCLUSIVE_A, NOTICE
from tests.hostile_server import HostileServer, send

from copywatch.cli import main

PARAS = [p for p in EXCLUSIVE_A.split("\n") if p != NOTICE]
TITLE = "تحلية مياه البحر بسوس ماسة"


def _page(title: str, paragraphs: list[str], extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='ar'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}{extra}</article></body></html>"
    ).encode()


def _config(tmp_path, srv, seed: str):
    excl = tmp_path / "exclusive.html"
    excl.write_bytes(_page(TITLE, PARAS))
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[outlet]\nname = "كواليس اليوم"\nexclusives = ["exclusive.html"]\n'
        "[crawl]\nallow_private_addresses = true\ndelay_seconds = 0\nmax_retries = 0\n"
        f'[[sites]]\nname = "copier"\nseeds = ["{srv.url(seed)}"]\n',
        encoding="utf-8",
    )
    return cfg


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _findings(cfg):
    return json.loads(_run("findings", "--config", str(cfg), "--format", "json").output)


def test_a_restored_page_rescanned_is_online_again_and_the_recheck_time_is_shown(tmp_path):
    state = {"up": True}

    def copy(h):
        if state["up"]:
            send(h, 200, _page("منقول", PARAS))
        else:
            send(h, 404, b"gone")

    with HostileServer(routes={"/copy": copy}) as srv:
        cfg = _config(tmp_path, srv, "/copy")
        _run("scan", "--config", str(cfg))
        assert [f["online_status"] for f in _findings(cfg)] == [""]

        state["up"] = False
        assert "removed 1" in _run("recheck", "--config", str(cfg)).output
        (row,) = _findings(cfg)
        assert row["online_status"] == "removed" and row["rechecked_at"].startswith("20")
        when = row["rechecked_at"]
        # shown in the CSV and the report that recheck wrote
        latest = tmp_path / "reports" / "latest"
        with (latest / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
            (csv_row,) = list(csv.DictReader(f))
        assert csv_row["online_status"] == "removed" and csv_row["rechecked_at"] == when
        html = (latest / "report.html").read_text(encoding="utf-8")
        assert "أُعيد فحصها" in html and f"{when[:10]} {when[11:16]}" in html

        state["up"] = True  # the copier put it back
        _run("scan", "--config", str(cfg))
        (row,) = _findings(cfg)
        assert row["online_status"] == "online", row
        assert row["rechecked_at"] >= when


def test_recheck_fetches_every_page_of_a_paginated_copy(tmp_path):
    state = {"page2": PARAS[3:]}

    def story(h):
        if "page=2" in h.path:
            send(h, 200, _page(f"{TITLE} - الصفحة 2", state["page2"]))
        else:
            send(h, 200, _page(TITLE, PARAS[:3], "<a rel='next' href='/story?page=2'>التالية</a>"))

    with HostileServer(routes={"/story": story}) as srv:
        cfg = _config(tmp_path, srv, "/story")
        _run("scan", "--config", str(cfg))
        (row,) = _findings(cfg)
        assert row["page_url"] == srv.url("/story")

        before = srv.hits("/story?page=2")
        assert "online 1" in _run("recheck", "--config", str(cfg)).output
        assert srv.hits("/story?page=2") == before + 1  # the second page was fetched again too

        state["page2"] = ["صفحة أخرى لا علاقة لها بالمقال. " * 20]  # the copied text left page 2
        _run("recheck", "--config", str(cfg))
        (row,) = _findings(cfg)
        assert row["online_status"] in ("changed", "removed"), row  # not "online": page 2 changed
