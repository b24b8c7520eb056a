"""The report in a real browser: headless Chromium parses it, shows the site table, runs no script.

html.parser in test_report_html is not how a browser parses; this test closes that gap. The
screenshot is kept under reports/screenshots/ as a CI artifact for a human to look at.
"""

from __future__ import annotations

import dataclasses
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from copywatch.report.html import write_report
from copywatch.report.sample import sample_findings, sample_runs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium); browser check skipped"
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    findings = sample_findings(40)
    evil = dataclasses.replace(
        findings[0],
        page_title="<script>document.title='pwned'</script><img src=x onerror=alert(1)>",
        page_url="javascript:alert(1)",
    )
    run, history = sample_runs()
    broken = dataclasses.replace(
        run.sites[0],
        site="broken-site",
        error="robots.txt of https://broken.example/a/long/path/without/breaks is unreachable (HTTP 503)",
    )
    run = dataclasses.replace(run, sites=(*run.sites, broken))
    new = {(f.page_url, f.exclusive_url) for f in findings[-6:]}
    return write_report(
        tmp_path_factory.mktemp("report"),
        [evil, *findings[1:]],
        run,
        history,
        outlet_name="كواليس اليوم",
        new_keys=new,
    )


def test_dom_shows_the_site_table_and_nothing_injected(report: Path, tmp_path: Path) -> None:
    done = chromium(tmp_path, "--dump-dom", report.as_uri())
    dom = done.stdout
    assert "</html>" in dom, done.stderr[-2000:]
    assert '<section id="ranking">' in dom and '<table class="rank unc">' in dom
    assert "hespress-copy.com" in dom and "المواقع التي تنقل دون إشارة إلى المصدر" in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert 'href="javascript:' not in dom.lower()
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]


PHONE_FRAME = """<!doctype html><html><head><title>measuring</title></head><body style="margin:0">
<iframe id="f" src="%s" style="width:390px;height:844px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument;
  const closed = d.documentElement.scrollWidth;
  d.querySelectorAll("details").forEach((x) => { x.open = true; });
  document.title = "closed=" + closed + " open=" + d.documentElement.scrollWidth
    + " viewport=" + d.defaultView.innerWidth;
});
</script></body></html>"""


def test_on_a_phone_the_page_is_no_wider_than_the_screen(report: Path, tmp_path: Path) -> None:
    """A 390 px wide viewport (an iPhone 12-15): the document must not be wider, with every copy
    closed or opened; tables scroll in their own box. The report itself runs no script (its CSP
    forbids it), so a page around it measures it in a 390 px frame."""
    frame = tmp_path / "phone.html"
    frame.write_text(PHONE_FRAME % report.as_uri(), encoding="utf-8")
    done = chromium(tmp_path, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                    "--window-size=800,900", "--dump-dom", frame.as_uri())  # fmt: skip
    title = done.stdout.split("<title>", 1)[1].split("</title>", 1)[0]
    figures = dict(part.split("=") for part in title.split())
    assert figures["viewport"] == "390", title
    assert int(figures["closed"]) <= 390 and int(figures["open"]) <= 390, title


def test_screenshot(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", report.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 50_000, "a blank page compresses to almost nothing; the report did not render"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "report.png")
