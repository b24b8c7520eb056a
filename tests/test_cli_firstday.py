"""A newcomer's first day: the README's two commands, the repository's layout and .gitignore.

The two commands must work on a system Python that refuses pip installs (PEP 668), so they make
a virtual environment themselves; the generated runs under reports/ and the demo's store are
ignored by git while reports/README.md (what scans write there) is tracked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _two_commands() -> str:
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return section.split("```sh", 1)[1].split("```", 1)[0]


def test_the_two_commands_make_a_virtual_environment_first():
    block = _two_commands()
    lines = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    lines = [line for line in lines if line]
    assert len(lines) == 2, block
    install, tests = lines
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert 'pip install -e ".[dev]"' in install and install.endswith("copywatch demo")
    assert tests.startswith(". .venv/bin/activate && ") and tests.endswith("python -m pytest")


def test_the_readme_says_the_browser_test_needs_chromium_and_how_long_tests_take():
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert "PEP 668" in section
    assert re.search(r"apt-get install -y chromium", section)
    assert re.search(r"\b\d+ minutes?\b", section), "say how long the test suite takes"


def _ignored(path: str) -> bool:
    done = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_gitignore_keeps_generated_files_out_and_reports_readme_in():
    for generated in (
        ".copywatch-demo/copywatch.db",
        ".copywatch-demo/warc/x.warc.gz",
        "reports/20261129T012041569060Z/report.html",
        "reports/latest/evidence.csv",
        "reports/screenshots/report.png",
        "exports/all-sites-20261129T0120Z/SHA256SUMS",
    ):
        assert _ignored(generated), f"{generated} should be ignored by .gitignore"
    assert not _ignored("reports/README.md")
    tracked = subprocess.run(
        ["git", "ls-files", "reports/README.md"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert tracked.stdout.strip() == "reports/README.md", "reports/README.md must be committed"


def test_reports_readme_says_what_scans_write_there():
    text = (ROOT / "reports" / "README.md").read_text(encoding="utf-8")
    for name in ("report.html", "evidence.csv", "evidence.xlsx", "latest", "[report] dir", ".gitignore"):
        assert name in text, name
