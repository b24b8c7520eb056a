"""Notices for a confirmed copy: a courtesy request, a formal takedown, a notice to the host;
in Arabic, French or English.

Templates are jinja2 text files named ``KIND.LANG.txt.j2`` whose first line is ``Subject: ...``.
The bundled ones are in ``cases/templates/``; a newsroom puts its own versions of any of them in
``[cases] templates_dir`` and those win. They render in jinja2's sandbox (a template can read the
values it is given and nothing else), as plain text: a notice is an email, not a web page (the web
app escapes it when it shows it).

Each notice is filled with the exclusive (title, URL, publication time), the copy (URL, capture
time, SHA-256, coverage, the copied passages) and the name of the evidence bundle made for it
(``copywatch export`` for this one copy, under ``[cases] bundles_dir``). Drafting records the notice
and a history entry; sending through the ``[alerts]`` SMTP server records where it went, when and
how, and moves the case to ``notified``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..config import Config
from ..errors import CopywatchError
from ..evidence.export import write_evidence_wacz
from ..mail import MailError, send_message
from ..models import Finding
from ..store import Store
from .rdap import host_of
from .service import Case, CaseBook, now_utc

KINDS = ("courtesy", "takedown", "host")
LANGS = ("ar", "fr", "en")
KIND_LABELS = {
    "courtesy": "courtesy request",
    "takedown": "formal takedown notice",
    "host": "notice to the host",
}
TEMPLATES = Path(__file__).parent / "templates"
MAX_PASSAGES = 8
MAX_PASSAGE_CHARS = 600


class NoticeError(CopywatchError):
    """A notice could not be drafted or sent."""


@dataclass(frozen=True)
class Notice:
    id: int
    case_id: int
    kind: str
    lang: str
    subject: str
    body: str
    bundle: str
    created_at: str
    created_by: str
    sent_to: str = ""
    sent_via: str = ""
    sent_at: str = ""


@cache
def _environment(override_dir: str) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(override_dir)] if override_dir else []
    loaders.append(FileSystemLoader(str(TEMPLATES)))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # noqa: S701 - plain-text email; the web app escapes it when shown
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    # Arabic templates wrap times, percentages and URLs inside a sentence in a left-to-right isolate
    # (U+2066 ... U+2069), so a right-to-left mail client shows 2026-12-01T20:10:18Z and not its
    # pieces reordered. Not the SHA-256 (letters and digits only: nothing to reorder), nor a URL on
    # a line of its own (a paragraph of its own): the isolates are invisible characters that come
    # along when the value is copied, and a hash compared or a URL pasted into a browser must be
    # the value alone.
    env.filters["ltr"] = lambda v: f"\u2066{v}\u2069"
    return env


def passages(f: Finding) -> list[str]:
    """The copied passages, as the exclusive words them, longest first, each cut to a readable size."""
    text = f.exclusive_text or ""
    spans = sorted({(s.exclusive_start, s.exclusive_end) for s in f.spans}, key=lambda s: s[0] - s[1])
    out = []
    for a, b in spans[:MAX_PASSAGES]:
        p = " ".join(text[a:b].split())
        if p:
            out.append(p if len(p) <= MAX_PASSAGE_CHARS else p[: MAX_PASSAGE_CHARS - 1] + "…")
    return out


def _latin_name(name: str, aliases: Sequence[str]) -> str:
    """The first of the outlet's names written without Arabic letters and not a domain ("Kawalis
    Alyaoum"), else its name as configured."""
    for n in (name, *aliases):
        if n and not any("\u0600" <= c <= "\u06ff" for c in n) and "." not in n and n.strip("«»\"' "):
            return n.strip("«»\"' ")
    return name


def context(
    config: Config, case: Case, f: Finding, bundle: str, ip: str | None, recipient: str = ""
) -> dict[str, Any]:
    return {
        "outlet": {
            "name": config.outlet.name,
            # for the French and English notices: the name as the outlet writes it in Latin letters
            "name_latin": _latin_name(config.outlet.name, config.outlet.aliases),
            "domains": list(config.outlet.domains),
        },
        "exclusive": {
            "title": f.exclusive_title,
            "url": f.exclusive_url,
            "published_at": f.exclusive_published_at,
        },
        "copy": {
            "url": f.page_url,
            "title": f.page_title,
            "site": f.site,
            "host": host_of(f.page_url),
            "ip": ip or "",
            "captured_at": f.captured_at,
            "first_seen": f.first_seen,
            "sha256": f.sha256,
            "coverage": f"{f.coverage:.0%}",
            "match_type": f.match_type,
            "http_status": f.http_status,
            "warc_file": f.warc_file,
            "passages": passages(f),
        },
        "bundle": bundle,
        "sender": config.cases.sender or config.outlet.name,
        "recipient": recipient,
        "case_id": case.id,
        "notified_at": case.notified_at,
        "notified_to": case.notified_to,
        "today": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def render(config: Config, kind: str, lang: str, values: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of the template KIND.LANG."""
    if kind not in KINDS:
        raise NoticeError(f"unknown notice kind {kind!r} (kinds: {', '.join(KINDS)})")
    if lang not in LANGS:
        raise NoticeError(f"unknown notice language {lang!r} (languages: {', '.join(LANGS)})")
    name = f"{kind}.{lang}.txt.j2"
    try:
        text = _environment(config.cases.templates_dir).get_template(name).render(**values)
    except TemplateError as e:
        where = config.cases.templates_dir or str(TEMPLATES)
        raise NoticeError(f"notice template {name} ({where}): {e}") from e
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise NoticeError(f"notice template {name}: its first line must be 'Subject: ...'")
    return first.removeprefix("Subject:").strip(), rest.lstrip("\n")


def make_bundle(config: Config, store: Store, case: Case, f: Finding) -> str:
    """Export the evidence bundle of this one copy, as ``copywatch export`` would: a WACZ with the
    copy's capture, the exclusive's own capture (the original), the screenshot and, with
    ``[evidence] tsa_url``, a trusted timestamp. Its file name goes in the notice."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(config.cases.bundles_dir) / f"case-{case.id}-{stamp}.wacz"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_evidence_wacz(config, store, [f], target)
    except (CopywatchError, OSError) as e:  # an export refused, the TSA down, a read-only folder
        raise NoticeError(f"case {case.id}: the evidence bundle could not be made ({e})") from e
    return target.name


def _notice(row: dict[str, Any]) -> Notice:
    return Notice(**row)


class Notices:
    def __init__(self, config: Config, book: CaseBook):
        self.config = config
        self.book = book
        self.store = book.store

    def for_case(self, case_id: int) -> list[Notice]:
        return [_notice(r) for r in self.store.notices(case_id)]

    def get(self, notice_id: int) -> Notice:
        row = self.store.notice(notice_id)
        if row is None:
            raise NoticeError(f"no notice {notice_id}")
        return _notice(row)

    def draft(self, case_id: int, kind: str, lang: str, *, actor: str, recipient: str = "") -> Notice:
        """Render and record a notice (with a fresh evidence bundle) for a confirmed case."""
        case = self.book.get(case_id)
        if case.state not in ("confirmed", "notified", "escalated"):
            raise NoticeError(f"case {case_id} is {case.state!r}: confirm it before drafting a notice")
        f = self.book.finding(case)
        if f is None:
            raise NoticeError(f"case {case_id}: its finding is no longer in the store")
        render(self.config, kind, lang, context(self.config, case, f, "-", None))  # fail before exporting
        bundle = make_bundle(self.config, self.store, case, f)
        subject, body = render(
            self.config,
            kind,
            lang,
            context(self.config, case, f, bundle, self.store.page_ip(f.page_url), recipient),
        )
        at = now_utc()
        notice_id = self.store.add_notice(
            {"case_id": case_id, "kind": kind, "lang": lang, "subject": subject, "body": body,
             "bundle": bundle, "created_at": at, "created_by": actor},
            {"at": at, "actor": actor, "action": "notice_drafted", "from_state": case.state,
             "to_state": case.state, "note": f"{KIND_LABELS[kind]} ({lang})",
             "detail": {"kind": kind, "lang": lang, "bundle": bundle}},
        )  # fmt: skip
        return self.get(notice_id)

    def _unsent(self, notice_id: int) -> Notice:
        """The notice, if it has not been recorded as sent: the same notice sent or recorded twice
        (a form submitted again) is refused, not a second notification."""
        notice = self.get(notice_id)
        if notice.sent_at:
            raise NoticeError(
                f"notice {notice_id} was recorded as sent on {notice.sent_at} to {notice.sent_to}"
                f" ({notice.sent_via}); draft a new one to notify again"
            )
        return notice

    def mark_sent(self, notice_id: int, *, to: str, via: str, actor: str, note: str = "") -> Case:
        """Record that a person sent the notice (to whom, how): the case becomes ``notified``."""
        notice = self._unsent(notice_id)
        case = self.book.get(notice.case_id)
        detail = {"notice": notice_id, "kind": notice.kind, "lang": notice.lang, "bundle": notice.bundle}
        if case.state == "notified":  # a further notice: recorded, the state stays
            self.book.add_event(
                case.id, "notified_again", actor=actor, note=note, detail=detail | {"to": to, "via": via}
            )
        else:
            case = self.book.set_state(
                case.id,
                "notified",
                actor=actor,
                note=note,
                notified_to=to,
                via=via,
                expect=case.state,
                detail=detail,
            )
        self.store.mark_notice_sent(notice_id, to, via, now_utc())
        return self.book.get(case.id)

    def send(self, notice_id: int, *, to: str, actor: str) -> Case:
        """Send the notice through the [alerts] SMTP server, then record it as sent by email."""
        cfg = self.config.alerts
        if not cfg.smtp_host or not cfg.email_from:
            raise NoticeError("no SMTP server configured: set [alerts] smtp_host and email_from")
        to = to.strip()
        if not to or "@" not in to or any(c in to for c in "\r\n,;"):
            raise NoticeError(f"{to!r} is not one email address")
        notice = self._unsent(notice_id)  # never mailed twice
        msg = EmailMessage()
        msg["Subject"] = notice.subject
        msg["From"] = cfg.email_from
        msg["To"] = to
        msg["Message-ID"] = make_msgid(domain="copywatch")
        msg.set_content(notice.body)
        try:
            send_message(cfg, msg)  # TLS verified, the password from the environment (mail.py)
        except MailError as e:
            raise NoticeError(f"the notice could not be sent: {e}") from e
        return self.mark_sent(
            notice_id, to=to, via="email", actor=actor, note=f"sent by copywatch, {msg['Message-ID']}"
        )
