"""`copywatch user add`, `copywatch cases list/show/set` and `copywatch serve`, run as a user
would (a subprocess running the CLI) against a store a real scan wrote."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from tests.fixtures.cases import SECRET, free_port, scanned_demo

from copywatch.store import Store
from copywatch.web.auth import authenticate


def cw(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copywatch.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("casescli")
    live, config, path = scanned_demo(tmp)
    live.stop()
    with Store(config.store_path) as store:  # a copier's title that a spreadsheet would run
        store.db.execute(
            "UPDATE findings SET page_title = ? WHERE site = 'sada-achamal'",
            ('=HYPERLINK("http://evil.example")',),
        )
    return config, str(path)


def test_user_add_from_stdin_and_bad_input(scanned):
    config, path = scanned
    done = cw(
        "user",
        "add",
        "Layla",
        "--role",
        "legal",
        "--password-stdin",
        "--config",
        path,
        stdin="legal-pass-456\n",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "user layla: legal"
    with Store(config.store_path) as store:
        row = store.user("layla")
        assert row is not None and row["password_hash"].startswith("$argon2id$")
        assert "legal-pass-456" not in row["password_hash"]
        assert authenticate(store, "layla", "legal-pass-456") is not None
        assert authenticate(store, "layla", "legal-pass-457") is None
    short = cw("user", "add", "x", "--role", "editor", "--password-stdin", "--config", path, stdin="short\n")
    assert (
        short.returncode == 1 and "at least 10 characters" in short.stderr and "Traceback" not in short.stderr
    )
    bad = cw(
        "user", "add", "x", "--role", "boss", "--password-stdin", "--config", path, stdin="long-enough-pw\n"
    )
    assert bad.returncode == 2 and "boss" in bad.stderr


def test_cases_list_formats(scanned):
    config, path = scanned
    table = cw("cases", "list", "--config", path)
    assert table.returncode == 0, table.stderr
    with Store(config.store_path) as store:
        total = store.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    assert f"{total} cases" in table.stdout and "new" in table.stdout

    data = json.loads(cw("cases", "list", "--format", "json", "--config", path).stdout)
    assert len(data) == total and all(d["page_url"].startswith("http://127.0.0.1:") for d in data)
    assert {"id", "state", "site", "page_url", "exclusive_url", "coverage"} <= set(data[0])

    out = cw("cases", "list", "--format", "csv", "--site", "sada-achamal", "--config", path).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["site"] for r in rows} == {"sada-achamal"}
    assert all(r["page_title"].startswith("'=HYPERLINK") for r in rows)  # never a formula
    assert all(r["page_url"] == d["page_url"] for r in rows for d in data if d["id"] == int(r["id"]))
    assert "%D8%" in rows[0]["page_url"]  # sada-achamal's Arabic slugs: the full URL, never shortened

    assert cw("cases", "list", "--state", "bogus", "--config", path).returncode == 2
    assert cw("cases", "list", "--state", "confirmed", "--config", path).stdout.strip() == "no cases"
    typo = cw("cases", "list", "--site", "sada-achamall", "--config", path)  # one letter too many
    assert typo.returncode == 1 and "no site named 'sada-achamall'" in typo.stderr, typo
    assert "sada-achamal" in typo.stderr.split("sites with copies:")[1]


def test_cases_set_and_show(scanned):
    _, path = scanned
    data = json.loads(cw("cases", "list", "--format", "json", "--state", "new", "--config", path).stdout)
    cid = str(data[0]["id"])
    done = cw(
        "cases", "set", cid, "confirmed", "--note", "checked by hand", "--as", "edith", "--config", path
    )
    assert done.returncode == 0 and done.stdout.strip() == f"case {cid}: confirmed"
    refused = cw("cases", "set", cid, "credit_added_typo", "--config", path)
    assert refused.returncode == 2 and "unknown state" in refused.stderr
    refused = cw("cases", "set", cid, "escalated", "--config", path)
    assert refused.returncode == 2 and "cannot become 'escalated'" in refused.stderr
    no_reason = cw("cases", "set", cid, "dismissed", "--config", path)
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr
    ok = cw(
        "cases", "set", cid, "notified", "--to", "contact@copier.example", "--via", "email", "--config", path
    )
    assert ok.returncode == 0, ok.stderr
    shown = cw("cases", "show", cid, "--config", path)
    assert shown.returncode == 0
    assert f"case {cid}: notified" in shown.stdout and data[0]["page_url"] in shown.stdout
    assert "edith" in shown.stdout and "new -> confirmed  (checked by hand)" in shown.stdout
    assert "confirmed -> notified" in shown.stdout and "cli:" in shown.stdout
    missing = cw("cases", "show", "99999", "--config", path)
    assert missing.returncode == 1 and "no case 99999" in missing.stderr and "Traceback" not in missing.stderr


def test_serve_needs_the_secret_then_serves(scanned):
    _, path = scanned
    port = str(free_port())
    env = {"COPYWATCH_SESSION_SECRET": ""}
    refused = cw("serve", "--config", path, "--port", port, env=env)
    assert refused.returncode == 2 and "COPYWATCH_SESSION_SECRET" in refused.stderr
    assert "plain HTTP" not in refused.stderr  # 127.0.0.1: no network between the proxy and it
    wide = cw("serve", "--config", path, "--port", port, "--host", "0.0.0.0", env=env)
    assert "warning: serving on 0.0.0.0 over plain HTTP" in wide.stderr, wide.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "copywatch.cli", "serve", "--config", path, "--port", port],
        env={**os.environ, "COPYWATCH_SESSION_SECRET": SECRET},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", trust_env=False, timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, (
                    proc.stderr.read() if proc.stderr else ""
                )
                time.sleep(0.2)
        assert r.status_code == 200 and "Log in" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/cases", trust_env=False).status_code == 303
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def test_user_add_asks_for_the_password_twice(scanned):
    from click.testing import CliRunner

    from copywatch.cli import main

    config, path = scanned
    result = CliRunner().invoke(
        main,
        ["user", "add", "amina", "--role", "admin", "--config", path],
        input="admin-pass-000\nadmin-pass-000\n",
    )
    assert result.exit_code == 0, result.output
    assert "admin-pass-000" not in result.output  # the prompt hides it
    mismatch = CliRunner().invoke(
        main,
        ["user", "add", "omar", "--role", "editor", "--config", path],
        input="one-password-1\nanother-pass-2\n",
    )
    assert mismatch.exit_code != 0
    with Store(config.store_path) as store:
        assert authenticate(store, "amina", "admin-pass-000") is not None
        assert store.user("omar") is None


def test_cases_show_prints_the_cached_rdap_contacts(scanned):
    from tests.fixtures.rdap_server import standard_server

    from copywatch.cases.rdap import RdapClient
    from copywatch.config import CasesConfig

    config, path = scanned
    data = json.loads(cw("cases", "list", "--format", "json", "--config", path).stdout)
    server = standard_server()
    try:
        with (
            Store(config.store_path) as store,
            RdapClient(store, CasesConfig(rdap_base_url=server.base_url)) as rdap,
        ):
            rdap.ip(store.page_ip(data[0]["page_url"]) or "")
    finally:
        server.stop()
    shown = cw("cases", "show", str(data[0]["id"]), "--config", path).stdout
    assert "network:   LOOPBACK-HOSTING 127.0.0.0/8  abuse: abuse@atlas-hosting.example" in shown
