"""Notices: the nine bundled templates (courtesy, takedown, host x Arabic, French, English) filled
from a real scan's finding, drafts recorded with an evidence bundle that verifies, templates the
newsroom overrides, and sending through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import json
import zipfile
from dataclasses import replace
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from tests.fixtures.cases import free_port, scanned_demo

from copywatch.cases import CaseBook
from copywatch.cases.notices import KINDS, LANGS, NoticeError, Notices, context, passages, render
from copywatch.evidence.export import verify_evidence
from copywatch.store import Store

WORDS = {
    ("courtesy", "en"): "kindly ask you",
    ("courtesy", "fr"): "Nous vous prions",
    ("courtesy", "ar"): "نرجو منكم",
    ("takedown", "en"): "FORMAL NOTICE OF COPYRIGHT INFRINGEMENT",
    ("takedown", "fr"): "MISE EN DEMEURE",
    ("takedown", "ar"): "إنذار رسمي بالتعدي على حقوق المؤلف",
    ("host", "en"): "To the abuse team of Atlas Hosting",
    ("host", "fr"): "À l'équipe abuse de Atlas Hosting",
    ("host", "ar"): "إلى فريق معالجة البلاغات لدى Atlas Hosting",
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notices")
    live, config, _ = scanned_demo(
        tmp, cases={"sender": "Legal desk, Kawalis Alyaoum <legal@kawalis.example>"}
    )
    live.stop()
    return config


@pytest.fixture
def book(scanned):
    with Store(scanned.store_path) as store:
        yield CaseBook(store)


def confirmed(book: CaseBook) -> int:
    case = next(c for c in book.search() if c.state in ("new", "confirmed"))
    if case.state == "new":
        book.set_state(case.id, "confirmed", actor="edith")
    return case.id


@pytest.mark.parametrize(("kind", "lang"), [(k, lang) for k in KINDS for lang in LANGS])
def test_each_template_is_filled_with_the_exclusive_the_copy_and_the_bundle(scanned, book, kind, lang):
    case = book.search()[0]
    f = book.finding(case)
    assert f is not None
    values = context(scanned, case, f, "case-1-20261201T100000Z", "127.0.0.1", recipient="Atlas Hosting SARL")
    subject, body = render(scanned, kind, lang, values)
    assert subject and "\n" not in subject
    assert WORDS[(kind, lang)] in body
    for value in (
        f.exclusive_url,
        f.page_url,
        f.sha256,
        f.captured_at,
        f"{f.coverage:.0%}",
        "case-1-20261201T100000Z",
    ):
        assert value in body, value
    assert f.exclusive_title in subject + body
    quoted = passages(f)
    assert quoted and quoted[0][:80] in body  # the copied Arabic passages, as the exclusive words them
    assert "Legal desk, Kawalis Alyaoum" in body
    if kind == "host":
        assert "127.0.0.1" in body
    if lang == "ar":  # left-to-right isolates keep times and inline URLs whole in right-to-left text
        assert f"\u2066{f.captured_at}\u2069" in body
        for url in (f.page_url, f.exclusive_url):
            alone = [ln for ln in body.splitlines() if ln.strip() == url]
            assert alone or f"\u2066{url}\u2069" in body, url
        # but a hash, or a URL on its own line, is the value alone: what is copied is what is compared
        assert f"\u2066{f.sha256}" not in body and f"{f.sha256}\u2069" not in body


def test_drafting_records_the_notice_and_a_bundle_that_verifies(scanned, book):
    cid = confirmed(book)
    notices = Notices(scanned, book)
    n = notices.draft(cid, "takedown", "ar", actor="layla")
    assert n.kind == "takedown" and n.lang == "ar" and n.created_by == "layla" and not n.sent_at
    assert n.bundle.startswith(f"case-{cid}-") and n.bundle.endswith(".wacz") and n.bundle in n.body
    # the bundle is what `copywatch export` writes: a WACZ with the copy and the original
    wacz = scanned.warc_dir.parent / "exports" / n.bundle
    problems, notes = verify_evidence(wacz)
    assert wacz.is_file() and problems == [], problems
    with zipfile.ZipFile(wacz) as z:
        manifest = json.loads(z.read("evidence/manifest.json"))
    assert manifest["format"] == "copywatch-wacz-evidence/1"
    assert len(manifest["copies"]) == 1 and len(manifest["originals"]) == 1, manifest
    assert manifest["timestamp"] == "not timestamped"  # no [evidence] tsa_url here; with one, stamped
    assert notices.for_case(cid)[-1] == n
    last = book.history(cid)[-1]
    assert last.action == "notice_drafted" and last.actor == "layla"
    assert last.detail == {"kind": "takedown", "lang": "ar", "bundle": n.bundle}
    assert book.get(cid).state == "confirmed"  # drafting is not sending


def test_notices_only_for_confirmed_cases_and_known_templates(scanned, book):
    new = next(c for c in book.search() if c.state == "new")
    with pytest.raises(NoticeError, match="confirm it"):
        Notices(scanned, book).draft(new.id, "courtesy", "en", actor="layla")
    cid = confirmed(book)
    with pytest.raises(NoticeError, match="unknown notice language"):
        Notices(scanned, book).draft(cid, "courtesy", "de", actor="layla")
    with pytest.raises(NoticeError, match="unknown notice kind"):
        Notices(scanned, book).draft(cid, "threat", "en", actor="layla")


def test_the_newsroom_overrides_templates_from_its_folder(scanned, book, tmp_path):
    folder = tmp_path / "notice-templates"
    folder.mkdir()
    (folder / "courtesy.en.txt.j2").write_text(
        "Subject: Our own words about {{ exclusive.title }}\n\n"
        "Dear colleague, {{ copy.url }} ({{ bundle }}).\n"
    )
    (folder / "takedown.en.txt.j2").write_text("no subject line {{ copy.url }}\n")
    (folder / "host.en.txt.j2").write_text("Subject: x\n\n{{ copy.nonexistent }}\n")
    (folder / "host.fr.txt.j2").write_text("Subject: x\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    config = replace(scanned, cases=replace(scanned.cases, templates_dir=str(folder)))
    case = book.search()[0]
    f = book.finding(case)
    assert f is not None
    values = context(config, case, f, "B", None)
    subject, body = render(config, "courtesy", "en", values)
    assert subject.startswith("Our own words about") and body.startswith("Dear colleague, " + f.page_url)
    assert "kindly ask you" not in body
    assert "Nous vous prions" in render(config, "courtesy", "fr", values)[1]  # the bundled one still
    with pytest.raises(NoticeError, match="first line must be 'Subject: ...'"):
        render(config, "takedown", "en", values)
    with pytest.raises(NoticeError, match="host.en.txt.j2"):
        render(config, "host", "en", values)
    with pytest.raises(NoticeError, match="host.fr.txt.j2"):  # the sandbox refuses attribute tricks
        render(config, "host", "fr", values)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def test_sending_through_smtp_records_who_when_how(scanned, book):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = replace(
            scanned,
            alerts=replace(
                scanned.alerts, smtp_host="127.0.0.1", smtp_port=port, email_from="legal@kawalis.example"
            ),
        )
        cid = confirmed(book)
        notices = Notices(config, book)
        n = notices.draft(cid, "courtesy", "fr", actor="layla")
        with pytest.raises(NoticeError, match="not one email address"):
            notices.send(n.id, to="a@b.ma, c@d.ma", actor="layla")
        case = notices.send(n.id, to="contact@copycat.example", actor="layla")
    finally:
        controller.stop()
    assert (
        case.state == "notified"
        and case.notified_via == "email"
        and case.notified_to == "contact@copycat.example"
    )
    ((rcpt, raw),) = inbox.messages
    assert rcpt == ["contact@copycat.example"]
    msg = email.message_from_bytes(raw, policy=default_policy)
    assert msg["Subject"] == n.subject and msg["From"] == "legal@kawalis.example"
    assert "Nous vous prions" in msg.get_content()
    sent = notices.get(n.id)
    assert sent.sent_to == "contact@copycat.example" and sent.sent_via == "email" and sent.sent_at
    last = book.history(cid)[-1]
    assert (last.action, last.to_state, last.actor) == ("state", "notified", "layla")
    assert last.detail["notice"] == n.id and "Message-ID" not in last.note.split(",")[0]
    # a second notice to the host while notified: recorded, the state stays
    host = notices.draft(cid, "host", "en", actor="layla", recipient="Atlas Hosting SARL")
    notices.mark_sent(host.id, to="abuse@atlas-hosting.example", via="web_form", actor="layla")
    assert book.get(cid).state == "notified"
    assert book.history(cid)[-1].action == "notified_again"
    # the same notice recorded or sent again (a form submitted twice): refused, nothing added
    events = len(book.history(cid))
    with pytest.raises(NoticeError, match=f"notice {host.id} was recorded as sent on .* draft a new one"):
        notices.mark_sent(host.id, to="abuse@atlas-hosting.example", via="web_form", actor="layla")
    with pytest.raises(NoticeError, match="was recorded as sent"):
        notices.send(n.id, to="contact@copycat.example", actor="layla")  # never mailed twice
    assert len(book.history(cid)) == events and len(inbox.messages) == 1


def test_send_without_smtp_is_refused(scanned, book):
    cid = confirmed(book)
    n = Notices(scanned, book).draft(cid, "courtesy", "en", actor="layla")
    with pytest.raises(NoticeError, match="no SMTP server configured"):
        Notices(scanned, book).send(n.id, to="x@y.ma", actor="layla")
