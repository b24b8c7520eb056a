"""The newsroom's work in the web app, over real HTTP: filters, review, RDAP contacts from a local
RDAP server, a notice drafted and marked sent, downloads of the report, evidence CSV and bundle,
the report's links into the app, and the app serving while a scan runs."""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from tests.fixtures.cases import add_users, browser, login, scanned_demo, served
from tests.fixtures.rdap_server import standard_server

from copywatch.evidence.export import verify_evidence
from copywatch.pipeline import scan
from copywatch.report.bundle import export_bundle
from copywatch.store import Store
from copywatch.web.app import REPORT_CSP

APP = "https://copywatch.kawalis.example/reports"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("webflow")
    rdap = standard_server()
    live, config, _ = scanned_demo(tmp, cases={"rdap_base_url": rdap.base_url}, report={"base_url": APP})
    add_users(config)
    try:
        with served(config) as base:
            yield live, config, base
    finally:
        live.stop()
        rdap.stop()


def case_ids(config, **where: str) -> list[int]:
    with Store(config.store_path) as store:
        sql = "SELECT id FROM cases" + (" WHERE " + " AND ".join(f"{k} = ?" for k in where) if where else "")
        return [int(r[0]) for r in store.db.execute(sql + " ORDER BY id", tuple(where.values()))]


def test_filters(app):
    _, config, base = app
    with browser(base) as b:
        login(b, "edith")
        everything = b.get("/cases").text
        assert everything.count('<tr>\n  <td><a href="/cases/') == len(case_ids(config))
        only = b.get("/cases?site=sada-achamal").text
        assert only.count('<tr>\n  <td><a href="/cases/') == len(case_ids(config, site="sada-achamal")) >= 1
        assert "jami-alakhbar</td>" not in only
        assert "No case matches." in b.get("/cases?since=2099-01-01").text
        assert "No case matches." in b.get("/cases?exclusive=no-such-exclusive-title").text
        assert "No case matches." not in b.get("/cases?state=new&until=2099-12-31").text


def test_review_notice_and_notified(app, tmp_path):
    _, config, base = app
    cid = case_ids(config, site="jaridat-aljiha")[0]
    with browser(base) as editor:
        login(editor, "edith")
        editor.get(f"/cases/{cid}")
        r = editor.post(f"/cases/{cid}/state", {"state": "confirmed", "note": "clear copy", "expect": "new"})
        assert r.status_code == 303 and r.headers["location"] == f"/cases/{cid}"
        page = editor.get(f"/cases/{cid}").text
        assert "s-confirmed" in page and "clear copy" in page and "edith" in page
    with browser(base) as legal:
        login(legal, "layla")
        legal.get(f"/cases/{cid}")
        assert legal.post(f"/cases/{cid}/rdap", {}).status_code == 303
        page = legal.get(f"/cases/{cid}").text
        assert "LOOPBACK-HOSTING" in page and "abuse@atlas-hosting.example" in page  # the hosting network
        assert "is an IP address, not a domain" in page  # the demo's copiers are served from 127.0.0.1
        r = legal.post(
            f"/cases/{cid}/notices", {"kind": "host", "lang": "fr", "recipient": "Atlas Hosting SARL"}
        )
        assert r.status_code == 303
        notice_url = r.headers["location"]
        assert re.fullmatch(r"/notices/\d+", notice_url)
        page = legal.get(notice_url).text
        assert "Signalement d&#39;abus" in page and "Atlas Hosting SARL" in page
        assert 'value="abuse@atlas-hosting.example"' in page  # suggested from RDAP
        bundle = re.search(r'href="/bundles/(case-[^"]+\.wacz)"', page).group(1)
        r = legal.post(
            notice_url + "/sent", {"action": "record", "to": "abuse@atlas-hosting.example", "via": "web_form"}
        )
        assert r.status_code == 303 and r.headers["location"] == f"/cases/{cid}"
        page = legal.get(f"/cases/{cid}").text
        assert "s-notified" in page and "abuse@atlas-hosting.example" in page and "web_form" in page
        due = legal.get("/escalation")
        assert due.status_code == 200 and "Nothing is due." in due.text  # notified today: not yet due
        z = legal.get(f"/bundles/{bundle}")
        assert z.status_code == 200 and z.headers["content-type"] == "application/wacz+zip"
        # the download is the WACZ as exported: it verifies as it is, and a changed byte fails
        downloaded = tmp_path / bundle
        downloaded.write_bytes(z.content)
        problems, notes = verify_evidence(downloaded)
        assert problems == [] and any("not timestamped" in n for n in notes), (problems, notes)
        data = bytearray(z.content)
        data[len(data) // 2] ^= 0x01
        (tmp_path / "tampered.wacz").write_bytes(bytes(data))
        assert verify_evidence(tmp_path / "tampered.wacz")[0], "a changed byte went unnoticed"
        # a folder bundle of a notice drafted before bundles were WACZ files: zipped, and that verifies
        with Store(config.store_path) as store:
            finding = store.findings()[0]
        old = export_bundle(
            [finding], Path(config.cases.bundles_dir) / "case-1-20260101T000000Z", warc_dir=config.warc_dir
        )
        assert "case-1-20260101T000000Z" in legal.get("/reports").text
        z = legal.get(f"/bundles/{old.name}.zip")
        assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
        (tmp_path / "old.zip").write_bytes(z.content)
        problems, notes = verify_evidence(tmp_path / "old.zip")
        assert problems == [] and notes == [f"folder bundle in a ZIP ({old.name}/; no timestamp)"]
        tampered = tmp_path / "old-tampered.zip"
        with zipfile.ZipFile(tmp_path / "old.zip") as src, zipfile.ZipFile(tampered, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith("evidence.csv"):
                    data = data.replace(b"https", b"http", 1)
                dst.writestr(info, data)
        assert verify_evidence(tampered)[0], "a changed file in the downloaded bundle went unnoticed"
    with Store(config.store_path) as store:
        actions = [(r["actor"], r["action"], r["to_state"]) for r in store.case_history(cid)]
    assert actions == [
        ("copywatch", "opened", "new"),
        ("edith", "state", "confirmed"),
        ("layla", "rdap_lookup", "confirmed"),
        ("layla", "notice_drafted", "confirmed"),
        ("layla", "state", "notified"),
    ]


def test_a_dismissal_needs_a_reason(app):
    _, config, base = app
    cid = case_ids(config, site="muntada-alhiwar")[0]
    with browser(base) as b:
        login(b, "edith")
        b.get(f"/cases/{cid}")
        b.post(f"/cases/{cid}/state", {"state": "dismissed", "expect": "new"})
        page = b.get(f"/cases/{cid}").text
        assert "dismissing needs a reason" in page and "s-new" in page
        # a form that does not say the state it was read in (not the case page's) changes nothing
        b.post(f"/cases/{cid}/state", {"state": "dismissed", "reason": "licensed"})
        page = b.get(f"/cases/{cid}").text
        assert "reload the case" in page and "s-new" in page
        b.post(f"/cases/{cid}/state", {"state": "bogus", "expect": "new"})
        assert "unknown state" in b.get(f"/cases/{cid}").text
        b.post(f"/cases/{cid}/state", {"state": "dismissed", "reason": "licensed", "expect": "new"})
        assert "s-dismissed" in b.get(f"/cases/{cid}").text


def test_downloads_and_the_reports_links_into_the_app(app):
    _, config, base = app
    with Store(config.store_path) as store:
        run_id = store.runs(limit=1)[0].run_id
        row = store.db.execute("SELECT id, page_url, exclusive_url FROM cases ORDER BY id LIMIT 1").fetchone()
    with browser(base) as b:
        login(b, "edith")
        assert f'href="/reports/{run_id}/report.html"' in b.get("/reports").text
        report = b.get(f"/reports/{run_id}/report.html")
        assert report.status_code == 200 and report.headers["content-security-policy"] == REPORT_CSP
        link = f"{APP}/case?page_url={quote(row['page_url'], safe='/')}"
        assert link in report.text  # each pursued copy links to its case in the app
        evidence = b.get(f"/reports/{run_id}/evidence.csv")
        assert evidence.status_code == 200 and "attachment" in evidence.headers["content-disposition"]
        r = b.get(
            "/reports/case", params={"page_url": row["page_url"], "exclusive_url": row["exclusive_url"]}
        )
        assert r.status_code == 303 and r.headers["location"] == f"/cases/{row['id']}"
        rows = list(csv.DictReader(io.StringIO(b.get("/cases.csv").text.lstrip("\ufeff"))))
        assert {r["page_url"] for r in rows} == {
            r["page_url"] for r in rows if r["page_url"].startswith("http://")
        }


def test_serves_while_a_scan_runs(app):
    live, config, base = app
    cid = case_ids(config, site="safahat-alatlas")[0]
    live.delay = 0.05  # a slower web: the scan takes a while
    done: list[object] = []
    scanner = threading.Thread(target=lambda: done.append(scan(config)))
    try:
        with browser(base) as b:
            login(b, "edith")
            scanner.start()
            statuses = []
            while scanner.is_alive() and len(statuses) < 200:
                statuses.append(b.get("/cases").status_code)
            b.get(f"/cases/{cid}")
            assert (
                b.post(
                    f"/cases/{cid}/state", {"state": "ignored", "note": "during a scan", "expect": "new"}
                ).status_code
                == 303
            )
    finally:
        scanner.join(120)
        live.delay = 0.0
    assert done and len(statuses) >= 3 and set(statuses) == {200}
    with Store(config.store_path) as store:
        assert store.db.execute("SELECT state FROM cases WHERE id = ?", (cid,)).fetchone()[0] == "ignored"


def test_the_app_in_arabic(app):
    from dataclasses import replace

    _, config, _ = app
    arabic = replace(config, web=replace(config.web, language="ar"))
    cid = case_ids(config)[0]
    with served(arabic) as base, browser(base) as b:
        page = b.get("/login").text
        assert '<html lang="ar" dir="rtl">' in page and "تسجيل الدخول" in page
        assert login(b, "layla").status_code == 303
        page = b.get(f"/cases/{cid}").text
        assert "تغيير الحالة" in page and "إلى من نكتب" in page and "السجل" in page
        assert 'value="confirmed"' in page or 'value="notified"' in page  # the values stay machine words
        assert "غير موجود" in b.get("/nowhere").text
        for path in ("/escalation", "/reports", "/cases?state=new"):
            r = b.get(path)
            assert r.status_code == 200 and 'dir="rtl"' in r.text, path


def test_escalation_page_lists_notified_copies_still_online(app):
    from dataclasses import replace

    from copywatch.cases import CaseBook

    _, config, _ = app
    cid = case_ids(config, site="portail-maghreb")[0]
    with Store(config.store_path) as store:
        book = CaseBook(store)
        book.set_state(cid, "confirmed", actor="edith")
        book.set_state(cid, "notified", actor="layla", notified_to="redaction@portail.example", via="letter")
    now = replace(config, cases=replace(config.cases, escalate_after_days=0))  # due at once
    with served(now) as base, browser(base) as b:
        login(b, "layla")
        page = b.get("/escalation").text
        assert f'href="/cases/{cid}"' in page and "redaction@portail.example" in page
        assert "notified cases due for escalation" in b.get("/cases").text
