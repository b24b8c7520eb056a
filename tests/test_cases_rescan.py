"""Cases across real scans of a small local web (the demo web, served on 127.0.0.1): a dismissed
copy stays dismissed when rescanned, and when its page changes a little; it comes back as new
when the page becomes a different copy. The recheck moves notified cases to removed and to credit
added, and lists the ones still online as due for escalation."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from tests.fixtures.cases import scanned_demo
from tests.fixtures.live_web import drop_last_paragraphs

from copywatch.cases import CaseBook
from copywatch.pipeline import scan
from copywatch.recheck import recheck
from copywatch.store import Store

SITE, THREAD = "muntada-alhiwar", "/threads/1040/"


def test_dismissed_stays_dismissed_across_rescans_until_the_copy_changes(tmp_path):
    live, config, _ = scanned_demo(tmp_path)
    try:
        url = live.url(SITE, THREAD)
        with Store(config.store_path) as store:
            book = CaseBook(store)
            case = next(c for c in book.search(site=SITE) if c.page_url == url)
            assert case.state == "new" and case.coverage > 0.9
            book.set_state(case.id, "dismissed", actor="edith", reason="licensed", note="forum licence")
            entries = len(book.history(case.id))

        scan(config)  # the same web again
        with Store(config.store_path) as store:
            book = CaseBook(store)
            assert book.get(case.id).state == "dismissed"
            assert len(book.history(case.id)) == entries

        original = live.body(SITE, THREAD)
        assert "</body>" in original
        time.sleep(1.1)  # the demo's sitemap lastmod has one-second resolution
        live.edit(
            SITE,
            THREAD,
            lambda h: h.replace("</body>", "<aside><p>إعلان: تخفيضات الشتاء</p></aside></body>", 1),
        )
        scan(config)  # the page changed, the copy did not
        with Store(config.store_path) as store:
            book = CaseBook(store)
            f = book.finding(book.get(case.id))
            assert f is not None and f.sha256 != case.sha256 and abs(f.coverage - case.coverage) < 0.05
            assert book.get(case.id).state == "dismissed"
            assert len(book.history(case.id)) == entries

        time.sleep(1.1)  # a new Last-Modified second: the incremental crawl must see the page changed
        live.edit(SITE, THREAD, lambda h: drop_last_paragraphs(original, 2))
        scan(config)  # now a much smaller copy: a different one
        with Store(config.store_path) as store:
            book = CaseBook(store)
            now = book.get(case.id)
            assert now.state == "new"
            assert now.coverage < case.coverage - 0.2
            last = book.history(case.id)[-1]
            assert (last.actor, last.from_state, last.to_state) == ("copywatch", "dismissed", "new")
            assert "coverage 9" in last.note and f"-> {now.coverage:.0%}" in last.note
            assert [e.to_state for e in book.history(case.id)] == ["new", "dismissed", "new"]
    finally:
        live.stop()


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


def test_recheck_moves_cases_removed_and_credit_added(tmp_path):
    live, config, _ = scanned_demo(tmp_path)
    try:
        with Store(config.store_path) as store:
            book = CaseBook(store)
            gone, credited, still = (
                next(c for c in book.search(site=s) if c.coverage > 0.7)
                for s in ("jami-alakhbar", "jaridat-aljiha", "portail-maghreb")
            )
            for c in (gone, credited):
                book.set_state(c.id, "confirmed", actor="edith")
                book.set_state(
                    c.id, "notified", actor="layla", notified_to="contact@site.example", via="email"
                )
            book.set_state(still.id, "confirmed", actor="edith")
            book.set_state(
                still.id, "notified", actor="layla", notified_to="x@portail.example", via="web_form"
            )

        live.remove("jami-alakhbar", _path(gone.page_url))
        assert "</div></main>" in live.body("jaridat-aljiha", _path(credited.page_url))
        credit = f'<p>المصدر: <a href="{credited.exclusive_url}">كواليس اليوم</a></p>'
        live.edit(
            "jaridat-aljiha",
            _path(credited.page_url),
            lambda h: h.replace("</div></main>", credit + "</div></main>", 1),
        )
        with Store(config.store_path) as store:
            counts = recheck(config, store)
            book = CaseBook(store)
            assert counts["removed"] >= 1 and counts["changed"] >= 1
            assert book.get(gone.id).state == "removed"
            assert book.get(credited.id).state == "credit_added"
            assert book.get(still.id).state == "notified"
            for c in (gone, credited):
                last = book.history(c.id)[-1]
                assert last.actor == "copywatch" and last.from_state == "notified"
            later = datetime.now(UTC) + timedelta(days=config.cases.escalate_after_days + 1)
            assert [c.id for c in book.due_for_escalation(config.cases.escalate_after_days, now=later)] == [
                still.id
            ]
            assert book.due_for_escalation(config.cases.escalate_after_days) == []  # not yet
    finally:
        live.stop()
