"""The web app in a real browser: Debian's headless Chromium, driven by Playwright (its
``executable_path``; Playwright never downloads a browser of its own here). A legal user logs in,
confirms a finding, drafts a notice and marks it notified; a scraped <script> title never runs.

Screenshots of each step go to reports/screenshots/ (a CI artifact; docs/ holds the README's copies).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.fixtures.cases import PASSWORDS, add_users, scanned_demo, served

from copywatch.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent.parent / "reports" / "screenshots"
EVIL = "<script>document.title='pwned';alert('pwned')</script>"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[browser]')"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("webbrowser")
    live, config, _ = scanned_demo(tmp, cases={"sender": "قسم الشؤون القانونية، كواليس اليوم"})
    live.stop()
    add_users(config)
    with Store(config.store_path) as store:
        store.db.execute("UPDATE findings SET page_title = ? WHERE site = 'jami-alakhbar'", (EVIL,))
    with served(config) as base:
        yield config, base


def test_log_in_confirm_draft_a_notice_and_mark_it_notified(app):
    config, base = app
    SHOTS.mkdir(parents=True, exist_ok=True)
    with Store(config.store_path) as store:
        cid = int(
            store.db.execute("SELECT id FROM cases WHERE site = 'jaridat-aljiha' ORDER BY id").fetchone()[0]
        )
        evil_id = int(store.db.execute("SELECT id FROM cases WHERE site = 'jami-alakhbar'").fetchone()[0])
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            page.goto(base + "/cases")
            assert page.url.startswith(base + "/login")  # no session: the login page
            page.fill("input[name=name]", "layla")
            page.fill("input[name=password]", PASSWORDS["layla"])
            page.screenshot(path=str(SHOTS / "web-login.png"))
            page.click("button:has-text('Log in')")
            page.wait_for_url(base + "/cases")
            assert page.locator("table.cases tbody tr").count() >= 5
            assert page.title() == "Cases · copywatch"  # the scraped title did not run
            assert page.locator("text=" + EVIL).count() >= 1  # shown as text
            page.screenshot(path=str(SHOTS / "web-cases.png"), full_page=True)

            page.goto(f"{base}/cases/{evil_id}")
            assert page.title() == f"Case {evil_id} · copywatch"

            page.goto(f"{base}/cases/{cid}")
            page.select_option("#new-state", "confirmed")
            page.fill("textarea[name=note]", "نسخ حرفي دون إشارة إلى المصدر")
            page.click("#state-submit")
            page.wait_for_selector("h1 .s-confirmed")
            assert page.locator(".flash").inner_text() == f"Case {cid}: confirmed"

            page.select_option("#notice-kind", "courtesy")
            page.select_option("#notice-lang", "ar")
            page.click("#draft-submit")
            page.wait_for_url(base + "/notices/*")
            body = page.locator("#notice-body").inner_text()
            assert "نرجو منكم" in body and "قسم الشؤون القانونية" in body
            assert page.locator("#notice-body").get_attribute("dir") == "rtl"
            page.screenshot(path=str(SHOTS / "web-notice.png"), full_page=True)

            page.fill("#sent-to", "contact@jaridat-aljiha.example")
            page.select_option("#sent-via", "email")
            page.click("#sent-submit")
            page.wait_for_url(f"{base}/cases/{cid}")
            page.wait_for_selector("h1 .s-notified")
            assert "contact@jaridat-aljiha.example" in page.content()
            page.screenshot(path=str(SHOTS / "web-case.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == []  # no alert() ever ran
    with Store(config.store_path) as store:
        history = [(r["actor"], r["action"], r["to_state"]) for r in store.case_history(cid)]
    assert history == [
        ("copywatch", "opened", "new"),
        ("layla", "state", "confirmed"),
        ("layla", "notice_drafted", "confirmed"),
        ("layla", "state", "notified"),
    ]
    for name in ("web-login.png", "web-cases.png", "web-notice.png", "web-case.png"):
        assert (SHOTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
