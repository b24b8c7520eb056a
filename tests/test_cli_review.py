"""What a first-day review of the README found, each fixed and held here: the demo leaves a config
for the reading commands, `serve` refuses a bad or busy port in one line, a refused case move is one
line, `check-config` counts a site's distinct URLs once."""

from __future__ import annotations

import os
import socket
import subprocess

import pytest
from tests.fixtures.cases import SECRET, scanned_demo
from tests.fixtures.cli import cli_env, copywatch_cmd
from tests.fixtures.live_web import LiveDemo, config_data, write_toml

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        copywatch_cmd(*args), capture_output=True, text=True, env=env or cli_env(), cwd=cwd, timeout=300
    )


def test_the_demo_leaves_a_config_the_reading_commands_use(tmp_path):
    demo = run("demo", "--dir", str(tmp_path))
    assert demo.returncode == 0, demo.stderr
    kept = tmp_path / ".copywatch-demo" / "config.toml"
    assert f"config:   {kept}" in demo.stdout
    found = run("findings", "--config", str(kept), "--format", "csv")
    assert found.returncode == 0, found.stderr
    assert len(found.stdout.strip().splitlines()) == 1 + 22  # the header and the demo's 22 copies
    assert run("status", "--config", str(kept)).returncode == 0


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    live, config, path = scanned_demo(tmp_path_factory.mktemp("review"))
    yield config, path
    live.stop()


def test_serve_refuses_a_port_out_of_range_and_a_busy_one_in_one_line(scanned):
    _, path = scanned
    env = {**cli_env(), "COPYWATCH_SESSION_SECRET": SECRET}
    bad = run("serve", "--config", str(path), "--port", "99999", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "99999" in bad.stderr
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        taken = run("serve", "--config", str(path), "--port", str(port), env=env)
    assert taken.returncode == 1, taken.stderr
    lines = taken.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("copywatch: error: cannot listen on 127.0.0.1:")


def test_serve_without_its_secret_is_one_line(scanned):
    _, path = scanned
    env = {k: v for k, v in cli_env().items() if k != "COPYWATCH_SESSION_SECRET"}
    proc = run("serve", "--config", str(path), env=env)
    assert proc.returncode == 2
    assert "Usage:" not in proc.stderr and proc.stderr.startswith("copywatch: error:")


def test_a_refused_case_move_is_one_line(scanned):
    _, path = scanned
    proc = run("cases", "set", "1", "notified", "--config", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "Usage:" not in proc.stderr and proc.stderr.startswith("copywatch: error:")


def test_check_config_counts_a_sitemap_named_twice_once(tmp_path):
    live = LiveDemo()
    try:
        data = config_data(live, tmp_path)
        site = data["sites"][0]
        site["seeds"] = list(site["seeds"]) * 2  # the same seeds twice: the same URLs
        path = write_toml(data, tmp_path / "config.toml")
        once = run("check-config", "--config", str(path))
        site["seeds"] = site["seeds"][: len(site["seeds"]) // 2]
        write_toml(data, path)
        single = run("check-config", "--config", str(path))
    finally:
        live.stop()
    name = site["name"]
    count = [ln for ln in once.stdout.splitlines() if ln.strip().startswith(name + ":")]
    count1 = [ln for ln in single.stdout.splitlines() if ln.strip().startswith(name + ":")]
    assert count and count1
    assert count[0].split("seed(s), ")[1] == count1[0].split("seed(s), ")[1], (count, count1)
    assert os.path.exists(path)


def test_subcommands_of_groups_take_the_log_options_and_runs_must_be_positive(scanned):
    _, path = scanned
    listed = run("cases", "list", "-v", "--config", str(path))
    assert listed.returncode == 0, listed.stderr
    also = run("cases", "-v", "list", "--config", str(path))  # before the subcommand: click's group option
    assert "Traceback" not in also.stderr
    zero = run("status", "--config", str(path), "--runs", "0")
    assert zero.returncode == 2 and "0" in zero.stderr


def test_a_wrong_dismissal_reason_is_named(scanned):
    _, path = scanned
    proc = run("cases", "set", "1", "dismissed", "--reason", "bogus", "--config", str(path))
    assert proc.returncode == 2
    assert "'bogus' is not one" in proc.stderr
