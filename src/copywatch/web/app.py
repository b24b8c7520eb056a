"""The web app the newsroom shares: findings to review, case pages, notices, downloads.

Starlette, served by uvicorn (``copywatch serve``). Security, as the issue asks and a reviewer
would check it:
- every page but the login needs a session; a session is a cookie signed with the secret from the
  environment variable named by ``[web] session_secret_env`` (Starlette's SessionMiddleware,
  itsdangerous), ``HttpOnly``, ``SameSite=Strict``, ``Secure`` with ``[web] secure_cookies``, and
  it lasts ``[web] session_hours``. The user is read from the store on every request, so a
  disabled user is out at once, and so is every session of a user who logs out or gets a new
  password (the session carries the user's ``session_epoch``, which both move on: a copied cookie
  stops working). The session is renewed at login (no fixation);
- every form carries the session's CSRF token; a POST without the right one gets 403, and so
  does a POST by a role that may not make it (``auth.User.can``);
- nothing changes on GET; every change is a POST answered by a redirect (303);
- jinja2 escapes everything (autoescape), scraped URLs become links only when they are plain
  http(s) (``report.html.safe_href``) and open with ``rel=noreferrer``; a Content-Security-Policy
  allows no script at all, only the app's own stylesheet; frames, ``<base>`` and foreign form
  targets are refused;
- the store is opened per request (SQLite in WAL mode): pages are read while a scan runs, and a
  scan never waits for the app. Blocking work runs in Starlette's thread pool.
"""

from __future__ import annotations

import csv
import functools
import hmac
import io
import re
import secrets
import sqlite3
import threading
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..cases.notices import KIND_LABELS, KINDS, LANGS, NoticeError, Notices, passages
from ..cases.rdap import RdapClient, host_of
from ..cases.rdap import cached as rdap_cached
from ..cases.service import CaseBook, CaseMoved, CaseNotFound
from ..cases.states import DISMISS_REASONS, NOTIFY_CHANNELS, STATES, TRANSITIONS, TransitionError
from ..config import Config
from ..errors import CopywatchError, StoreError
from ..report.evidence_csv import safe_cell
from ..report.html import fmt_time, pct, safe_href
from ..store import Store
from .auth import ROLES, User, UserError, add_user, authenticate, current_user
from .i18n import t, translate

HERE = Path(__file__).parent
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# The reports are self-contained files with an inline stylesheet and inline SVG charts.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_RUN_ID = re.compile(r"[0-9A-Za-z]{8,40}\Z")
_BUNDLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\Z")


def _is_bundle(p: Path) -> bool:
    """A notice's evidence bundle: a WACZ file, or a folder bundle of older notices."""
    if p.is_symlink():
        return False
    return (p.suffix == ".wacz" and p.is_file()) or (p.is_dir() and (p / "manifest.json").is_file())


def bundle_href(name: str) -> str:
    """Where the app serves a notice's bundle: the WACZ as it is, a folder zipped."""
    return f"/bundles/{name}" if name.endswith(".wacz") else f"/bundles/{name}.zip"


CSV_COLUMNS = (
    "id", "state", "site", "page_url", "page_title", "exclusive_url", "exclusive_title", "coverage",
    "attribution", "first_seen", "online_status", "reason", "notified_to", "notified_via", "notified_at",
    "updated_at",
)  # fmt: skip


class SecurityHeaders:
    """Adds the CSP and friends to every answer (pure ASGI: streaming downloads pass untouched)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_report = scope["path"].startswith("/reports/") and scope["path"].endswith(".html")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in (
                    (b"content-security-policy", (REPORT_CSP if is_report else CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                ):
                    if k not in names:
                        headers.append((k, v))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


@cache
def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(time=fmt_time, pct=pct, href=safe_href, bundle_href=bundle_href)
    env.globals.update(KIND_LABELS=KIND_LABELS, t=t)
    return env


class LoginThrottle:
    """At most ``MAX_FAILURES`` failed logins per user name in ``WINDOW`` seconds; then that name is
    refused (429) until the window has passed. In memory: one process serves the app."""

    MAX_FAILURES = 5
    WINDOW = 900.0

    def __init__(self) -> None:
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def wait(self, name: str) -> int:
        """Seconds until ``name`` may try again (0: now)."""
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.failures.get(name, []) if now - t < self.WINDOW]
            self.failures[name] = recent
            if len(recent) < self.MAX_FAILURES:
                return 0
            return max(1, int(recent[-self.MAX_FAILURES] + self.WINDOW - now) + 1)

    def record(self, name: str, ok: bool) -> None:
        with self.lock:
            if ok:
                self.failures.pop(name, None)
            else:
                self.failures.setdefault(name, []).append(time.monotonic())
                if len(self.failures) > 10_000:  # a flood of made-up names cannot grow it without bound
                    self.failures.clear()


class Forbidden(Exception):
    pass


@dataclass
class Ctx:
    """What a handler gets: the request, its form, the user, the store and the case book."""

    request: Request
    form: dict[str, str]
    user: User
    store: Store
    config: Config
    book: CaseBook

    @property
    def csrf(self) -> str:
        return str(self.request.session.get("csrf", ""))

    def render(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        flash = self.request.session.pop("flash", None)
        html = (
            _templates()
            .get_template(name)
            .render(
                user=self.user,
                csrf=self.csrf,
                flash=flash,
                outlet=self.config.outlet.name,
                lang=self.config.web.language,
                **values,
            )
        )
        return HTMLResponse(html, status_code=status)

    def flash(self, text: str, kind: str = "ok") -> None:
        self.request.session["flash"] = {"text": text[:500], "kind": kind}

    def int_param(self, name: str) -> int:
        try:
            return int(self.request.path_params[name])
        except (KeyError, ValueError, TypeError) as e:
            raise CaseNotFound(f"no such {name}") from e

    def need(self, permission: str) -> None:
        if not self.user.can(permission):
            raise Forbidden(permission)


Handler = Callable[[Ctx], Response]


def _form(data: FormData | None) -> dict[str, str]:
    if data is None:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _token_ok(given: str, expected: str) -> bool:
    """The form's CSRF token is the session's (constant time; bytes, so any input is comparable)."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _ensure_csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return str(request.session["csrf"])


def _error_page(
    status: int, title: str, text: str, user: User | None = None, csrf: str = "", lang: str = "en"
) -> HTMLResponse:
    shown = user if csrf else None  # the header's logout form needs the session's token
    html = (
        _templates()
        .get_template("error.html.j2")
        .render(
            status=status, title=title, text=text, user=shown, csrf=csrf, flash=None, outlet="", lang=lang
        )
    )
    return HTMLResponse(html, status_code=status)


def create_app(config: Config, secret: str) -> Starlette:
    """The ASGI app; ``secret`` signs the session cookies (at least 32 characters)."""
    if len(secret) < 32:
        raise CopywatchError("the session secret must have at least 32 characters")
    lang = config.web.language
    error = functools.partial(_error_page, lang=lang)

    def page(permission: str = "review") -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
        def wrap(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                form = await request.form(max_files=0, max_fields=100) if request.method == "POST" else None
                return await run_in_threadpool(run, fn, request, _form(form), permission)

            return endpoint

        return wrap

    def run(fn: Handler, request: Request, form: dict[str, str], permission: str) -> Response:
        try:
            store = Store(config.store_path)
        except StoreError as e:
            return error(503, "Store unavailable", str(e))
        with store:
            user = current_user(store, str(request.session.get("user", "")))
            if user is not None and request.session.get("epoch") != user.epoch:
                user = None  # a session from before a logout or a new password: over
            if user is None:
                request.session.pop("user", None)
                if request.method == "POST":
                    return error(403, "Not logged in", "Log in first.")
                return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
            token = str(request.session.get("csrf", ""))
            if request.method == "POST" and not _token_ok(form.get("csrf", ""), token):
                return error(403, "Refused", "This form is stale or did not come from this app (CSRF).", user)
            ctx = Ctx(request, form, user, store, config, CaseBook(store))
            try:
                ctx.need(permission)
                return fn(ctx)
            except Forbidden:
                return error(403, "Not allowed", f"The role '{user.role}' may not do this.", user, token)
            except CaseNotFound as e:
                return error(404, "Not found", str(e), user, token)
            except sqlite3.OperationalError as e:  # the store stayed locked past its busy timeout
                return error(503, "Busy", f"The store is busy ({e}); try again in a moment.", user, token)

    # --- login ------------------------------------------------------------------------------

    throttle = LoginThrottle()

    async def login_form(request: Request) -> Response:
        token = _ensure_csrf(request)
        nxt = request.query_params.get("next", "/cases")
        html = (
            _templates()
            .get_template("login.html.j2")
            .render(
                user=None,
                csrf=token,
                flash=None,
                outlet=config.outlet.name,
                next=_local(nxt),
                error="",
                lang=lang,
            )
        )
        return HTMLResponse(html)

    async def login(request: Request) -> Response:
        form = _form(await request.form(max_files=0, max_fields=10))
        token = str(request.session.get("csrf", ""))
        if not _token_ok(form.get("csrf", ""), token):
            return error(403, "Refused", "The login form is stale: reload it (CSRF).")

        name = form.get("name", "").strip().lower()[:64]
        wait = throttle.wait(name)
        if wait:
            refused = error(
                429, "Too many attempts", "Too many failed logins for this name: wait a few minutes."
            )
            refused.headers["Retry-After"] = str(wait)  # RFC 9110: when to ask again
            return refused

        def check() -> User | None:
            with Store(config.store_path) as store:
                return authenticate(store, form.get("name", ""), form.get("password", ""))

        user = await run_in_threadpool(check)
        throttle.record(name, ok=user is not None)
        if user is None:
            html = _templates().get_template("login.html.j2").render(
                user=None, csrf=token, flash=None, outlet=config.outlet.name,
                next=_local(form.get("next", "")), error="Wrong name or password.", lang=lang,
            )  # fmt: skip
            return HTMLResponse(html, status_code=401)
        request.session.clear()  # a fresh session at login: no fixation
        request.session.update({"user": user.name, "epoch": user.epoch, "csrf": secrets.token_urlsafe(32)})
        return RedirectResponse(_local(form.get("next", "")), status_code=303)

    @page()
    def logout(ctx: Ctx) -> Response:
        ctx.store.end_sessions(ctx.user.name)  # this cookie, and any copy of it, no longer works
        ctx.request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # --- cases ------------------------------------------------------------------------------

    def _filters(ctx: Ctx) -> dict[str, str]:
        q = ctx.request.query_params
        return {k: q.get(k, "").strip() for k in ("site", "state", "exclusive", "since", "until")}

    @page()
    def cases(ctx: Ctx) -> Response:
        flt = _filters(ctx)
        if flt["state"] and flt["state"] not in STATES:
            flt["state"] = ""
        found = ctx.book.search(**{k: v or None for k, v in flt.items()})
        return ctx.render(
            "cases.html.j2", cases=found, filters=flt, sites=ctx.book.sites(), states=STATES,
            due=len(ctx.book.due_for_escalation(config.cases.escalate_after_days)),
        )  # fmt: skip

    @page()
    def cases_csv(ctx: Ctx) -> Response:
        flt = _filters(ctx)
        found = ctx.book.search(**{k: v or None for k, v in flt.items() if k != "state" or v in STATES})
        out = io.StringIO()
        out.write("\ufeff")
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for c in found:
            w.writerow([safe_cell(getattr(c, k)) for k in CSV_COLUMNS])
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
        )

    @page()
    def escalation(ctx: Ctx) -> Response:
        days = config.cases.escalate_after_days
        return ctx.render("escalation.html.j2", cases=ctx.book.due_for_escalation(days), days=days)

    @page()
    def case_page(ctx: Ctx) -> Response:
        case = ctx.book.get(ctx.int_param("case_id"))
        f = ctx.book.finding(case)
        ip = ctx.store.page_ip(case.page_url)
        domain, network = rdap_cached(ctx.store, host_of(case.page_url), ip)
        targets = [s for s in sorted(TRANSITIONS[case.state]) if ctx.user.can_move_to(s)]
        return ctx.render(
            "case.html.j2", case=case, f=f, history=ctx.book.history(case.id), ip=ip,
            notices=Notices(config, ctx.book).for_case(case.id), domain=domain, network=network,
            targets=targets, reasons=DISMISS_REASONS, channels=NOTIFY_CHANNELS, kinds=KINDS, langs=LANGS,
            passages=passages(f) if f else [], smtp=bool(config.alerts.smtp_host),
        )  # fmt: skip

    @page()
    def case_by_key(ctx: Ctx) -> Response:
        q = ctx.request.query_params
        case = ctx.book.find(q.get("page_url", ""), q.get("exclusive_url", ""))
        if case is None:
            raise CaseNotFound("no case for this copy (credited copies and partners have none)")
        return RedirectResponse(f"/cases/{case.id}", status_code=303)

    @page()
    def set_state(ctx: Ctx) -> Response:
        case_id = ctx.int_param("case_id")
        target = ctx.form.get("state", "")
        if target not in STATES:
            ctx.flash(f"unknown state {target!r}", "error")
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        if not ctx.user.can_move_to(target):
            raise Forbidden(target)
        if not ctx.form.get("expect"):  # the case page's form always says the state it was read in
            ctx.flash("This form does not say which state the case was in: reload the case.", "error")
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        try:
            ctx.book.set_state(
                case_id, target, actor=ctx.user.name, note=ctx.form.get("note", "")[:2000],
                reason=ctx.form.get("reason", ""), notified_to=ctx.form.get("notified_to", "")[:500],
                via=ctx.form.get("via", ""), expect=ctx.form["expect"],
            )  # fmt: skip
            ctx.flash(f"{translate(lang, 'Case')} {case_id}: {translate(lang, target)}")
        except (TransitionError, CaseMoved) as e:
            ctx.flash(str(e), "error")
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @page("legal")
    def draft_notice(ctx: Ctx) -> Response:
        case_id = ctx.int_param("case_id")
        try:
            n = Notices(config, ctx.book).draft(
                case_id, ctx.form.get("kind", ""), ctx.form.get("lang", ""), actor=ctx.user.name,
                recipient=ctx.form.get("recipient", "")[:300],
            )  # fmt: skip
        except NoticeError as e:
            ctx.flash(str(e), "error")
            return RedirectResponse(f"/cases/{case_id}", status_code=303)
        ctx.flash(f"notice {n.id} drafted, evidence bundle {n.bundle}")
        return RedirectResponse(f"/notices/{n.id}", status_code=303)

    @page()
    def notice_page(ctx: Ctx) -> Response:
        notices = Notices(config, ctx.book)
        try:
            n = notices.get(ctx.int_param("notice_id"))
        except NoticeError as e:
            raise CaseNotFound(str(e)) from e
        case = ctx.book.get(n.case_id)
        ip = ctx.store.page_ip(case.page_url)
        domain, network = rdap_cached(ctx.store, host_of(case.page_url), ip)
        return ctx.render(
            "notice.html.j2", n=n, case=case, channels=NOTIFY_CHANNELS, smtp=bool(config.alerts.smtp_host),
            domain=domain, network=network,
        )  # fmt: skip

    @page("legal")
    def notice_sent(ctx: Ctx) -> Response:
        notices = Notices(config, ctx.book)
        notice_id = ctx.int_param("notice_id")
        try:
            if ctx.form.get("action") == "send":
                case = notices.send(notice_id, to=ctx.form.get("to", ""), actor=ctx.user.name)
            else:
                to, via = ctx.form.get("to", "").strip()[:500], ctx.form.get("via", "")
                if not to or via not in NOTIFY_CHANNELS:
                    raise NoticeError(f"say to whom and how (one of {', '.join(NOTIFY_CHANNELS)})")
                case = notices.mark_sent(
                    notice_id, to=to, via=via, actor=ctx.user.name, note=ctx.form.get("note", "")[:2000]
                )
        except (NoticeError, TransitionError, CaseMoved) as e:
            ctx.flash(str(e), "error")
            return RedirectResponse(f"/notices/{notice_id}", status_code=303)
        ctx.flash(f"case {case.id}: notified ({case.notified_to}, {case.notified_via})")
        return RedirectResponse(f"/cases/{case.id}", status_code=303)

    @page("legal")
    def rdap_lookup(ctx: Ctx) -> Response:
        case = ctx.book.get(ctx.int_param("case_id"))
        ip = ctx.store.page_ip(case.page_url)
        with RdapClient(ctx.store, config.cases) as rdap:
            d = rdap.domain(host_of(case.page_url), refresh=True)
            n = rdap.ip(ip, refresh=True) if ip else None
        detail = {"domain": d.domain or d.host, "registrar": d.registrar, "abuse": list(d.abuse_emails)}
        if n is not None:
            detail |= {"network": n.name, "network_abuse": list(n.abuse_emails)}
        errors = "; ".join(e for e in (d.error, n.error if n else "no captured address") if e)
        ctx.book.add_event(case.id, "rdap_lookup", actor=ctx.user.name, note=errors, detail=detail)
        ctx.flash(
            "RDAP: " + (errors or "contacts updated"), "error" if d.error and (n is None or n.error) else "ok"
        )
        return RedirectResponse(f"/cases/{case.id}", status_code=303)

    # --- downloads --------------------------------------------------------------------------

    @page()
    def reports(ctx: Ctx) -> Response:
        base = Path(config.report.dir)
        runs = [(r, (base / r.run_id / "report.html").is_file()) for r in ctx.store.runs(limit=50)]
        bundles_dir = Path(config.cases.bundles_dir)
        bundles = sorted(
            (p.name for p in bundles_dir.iterdir() if _is_bundle(p)), reverse=True
        ) if bundles_dir.is_dir() else []  # fmt: skip
        return ctx.render("reports.html.j2", runs=runs, bundles=bundles[:200])

    @page()
    def report_file(ctx: Ctx) -> Response:
        run_id, name = ctx.request.path_params["run_id"], ctx.request.path_params["name"]
        if name not in ("report.html", "evidence.csv") or not (run_id == "latest" or _RUN_ID.match(run_id)):
            raise CaseNotFound("no such report")
        path = Path(config.report.dir) / run_id / name
        if not path.is_file():
            raise CaseNotFound("no such report")
        if name == "report.html":
            return FileResponse(path, media_type="text/html; charset=utf-8")
        return FileResponse(path, media_type="text/csv; charset=utf-8", filename=f"evidence-{run_id}.csv")

    @page()
    def bundle_file(ctx: Ctx) -> Response:
        """A notice's WACZ, as it was exported (``copywatch verify`` checks it as downloaded)."""
        name = ctx.request.path_params["name"]
        path = Path(config.cases.bundles_dir) / name
        if not _BUNDLE.match(name) or path.suffix != ".wacz" or not _is_bundle(path):
            raise CaseNotFound("no such evidence bundle")
        return FileResponse(path, media_type="application/wacz+zip", filename=name)

    @page()
    def bundle_zip(ctx: Ctx) -> Response:
        """A folder bundle (the notices drafted before bundles were WACZ files), zipped."""
        name = ctx.request.path_params["name"]
        root = Path(config.cases.bundles_dir)
        folder = root / name
        if not _BUNDLE.match(name) or not (folder / "manifest.json").is_file():
            raise CaseNotFound("no such evidence bundle")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(folder.iterdir()):
                if p.is_file() and not p.is_symlink():
                    z.write(p, f"{name}/{p.name}")
        return Response(
            buf.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
        )

    # --- users ------------------------------------------------------------------------------

    @page("admin")
    def users(ctx: Ctx) -> Response:
        return ctx.render("users.html.j2", users=ctx.store.users(), roles=ROLES)

    @page("admin")
    def users_add(ctx: Ctx) -> Response:
        try:
            u = add_user(
                ctx.store, ctx.form.get("name", ""), ctx.form.get("role", ""), ctx.form.get("password", "")
            )
            ctx.flash(f"user {u.name} ({u.role}) saved")
        except UserError as e:
            ctx.flash(str(e), "error")
        return RedirectResponse("/admin/users", status_code=303)

    @page("admin")
    def users_disable(ctx: Ctx) -> Response:
        name = ctx.request.path_params["name"]
        disable = ctx.form.get("disabled", "1") == "1"
        if name == ctx.user.name and disable:
            ctx.flash("you cannot disable yourself", "error")
        elif ctx.store.set_user_disabled(name, disable):
            ctx.flash(f"user {name} {'disabled' if disable else 'enabled'}")
        return RedirectResponse("/admin/users", status_code=303)

    async def home(request: Request) -> Response:
        return RedirectResponse("/cases", status_code=303)

    routes = [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/cases", cases, methods=["GET"]),
        Route("/cases.csv", cases_csv, methods=["GET"]),
        Route("/escalation", escalation, methods=["GET"]),
        Route("/cases/{case_id:int}", case_page, methods=["GET"]),
        Route("/cases/{case_id:int}/state", set_state, methods=["POST"]),
        Route("/cases/{case_id:int}/notices", draft_notice, methods=["POST"]),
        Route("/cases/{case_id:int}/rdap", rdap_lookup, methods=["POST"]),
        Route("/notices/{notice_id:int}", notice_page, methods=["GET"]),
        Route("/notices/{notice_id:int}/sent", notice_sent, methods=["POST"]),
        Route("/reports", reports, methods=["GET"]),
        Route("/reports/case", case_by_key, methods=["GET"]),
        Route("/reports/{run_id}/{name}", report_file, methods=["GET"]),
        Route("/bundles/{name}.zip", bundle_zip, methods=["GET"]),
        Route("/bundles/{name}", bundle_file, methods=["GET"]),
        Route("/admin/users", users, methods=["GET"]),
        Route("/admin/users", users_add, methods=["POST"]),
        Route("/admin/users/{name}/disabled", users_disable, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie="copywatch_session",
                max_age=int(config.web.session_hours * 3600),
                same_site="strict",
                https_only=config.web.secure_cookies,
            ),
        ],
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    app.state.lang = lang
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error_page(404, "Not found", "There is no such page.", lang=request.app.state.lang)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _error_page(
        405,
        "Method not allowed",
        "Changes are made with the page's forms (POST), never by a link.",
        lang=request.app.state.lang,
    )


def _local(target: str) -> str:
    """A redirect target inside the app only (no //host, no scheme): open redirects refused."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and ":" not in target:
        return target
    return "/cases"
