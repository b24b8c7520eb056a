"""The web app's security, over real HTTP (uvicorn on 127.0.0.1 in a thread): no session, a wrong
CSRF token or the wrong role is refused; nothing changes on GET; a scraped <script> title is inert;
headers, cookies, redirects and file paths are what they should be."""

from __future__ import annotations

import httpx
import pytest
from tests.fixtures.cases import PASSWORDS, add_users, browser, login, scanned_demo, served

from copywatch.store import Store
from copywatch.web.app import CSP
from copywatch.web.auth import add_user

EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("websec")
    live, config, _ = scanned_demo(tmp)
    live.stop()
    add_users(config)
    with Store(config.store_path) as store:  # a copier's title, as scraped
        store.db.execute("UPDATE findings SET page_title = ? WHERE site = 'jami-alakhbar'", (EVIL,))
    with served(config) as base:
        yield config, base


def first_case(config) -> int:
    with Store(config.store_path) as store:
        return int(store.db.execute("SELECT MIN(id) FROM cases WHERE state = 'new'").fetchone()[0])


def state_of(config, case_id: int) -> str:
    with Store(config.store_path) as store:
        return str(store.db.execute("SELECT state FROM cases WHERE id = ?", (case_id,)).fetchone()[0])


def test_no_session_is_sent_to_login_or_refused(app):
    config, base = app
    cid = first_case(config)
    with browser(base) as b:
        for path in (
            "/cases",
            f"/cases/{cid}",
            "/reports",
            "/reports/latest/report.html",
            "/escalation",
            "/admin/users",
        ):
            r = b.get(path)
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
        r = b.client.post(f"{base}/cases/{cid}/state", data={"state": "confirmed", "csrf": "x"})
        assert r.status_code == 403
    assert state_of(config, cid) == "new"


def test_login_failures_and_csrf_on_the_login_form(app):
    _, base = app
    with browser(base) as b:
        assert login(b, "edith", "wrong-password!").status_code == 401
        assert login(b, "nobody", "whatever-password").status_code == 401
        r = b.get("/login")
        assert r.status_code == 200 and "Log in" in r.text
        r = b.post("/login", {"name": "edith", "password": "editor-pass-123"}, csrf="forged")
        assert r.status_code == 403


def test_session_renewed_at_login_cookie_flags_and_logout(app):
    _, base = app
    with browser(base) as b:
        r = b.get("/login")
        before = b.client.cookies.get("copywatch_session")
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
        assert login(b, "edith").status_code == 303
        assert b.client.cookies.get("copywatch_session") != before
        assert b.get("/cases").status_code == 200
        assert b.post("/logout", {}).status_code == 303
        assert b.get("/cases").status_code == 303


def test_a_tampered_session_cookie_is_no_session(app):
    _, base = app
    with browser(base) as b:
        login(b, "edith")
        value = b.client.cookies.get("copywatch_session")
        assert value
        b.client.cookies.clear()
        b.client.cookies.set(
            "copywatch_session", value[:-3] + ("aaa" if not value.endswith("aaa") else "bbb")
        )
        assert b.get("/cases").status_code == 303


def test_wrong_or_missing_csrf_token_is_403_and_changes_nothing(app):
    config, base = app
    cid = first_case(config)
    with browser(base) as b:
        login(b, "edith")
        b.get(f"/cases/{cid}")
        assert b.post(f"/cases/{cid}/state", {"state": "confirmed"}, csrf="not-the-token").status_code == 403
        r = b.client.post(f"{base}/cases/{cid}/state", data={"state": "confirmed"})
        assert r.status_code == 403
        assert b.post(f"/cases/{cid}/state", {"state": "confirmed"}, csrf="é" * 43).status_code == 403
        assert state_of(config, cid) == "new"
    with browser(base) as other:  # another user's valid token is not this session's
        login(other, "layla")
        stolen = other.csrf
    with browser(base) as b:
        login(b, "edith")
        assert b.post(f"/cases/{cid}/state", {"state": "confirmed"}, csrf=stolen).status_code == 403
    assert state_of(config, cid) == "new"


def test_roles(app):
    config, base = app
    cid = first_case(config)
    with browser(base) as b:
        login(b, "edith")  # editor: review only
        assert b.get("/admin/users").status_code == 403
        assert (
            b.post("/admin/users", {"name": "mallory", "role": "admin", "password": "x" * 12}).status_code
            == 403
        )
        assert b.post(f"/cases/{cid}/notices", {"kind": "courtesy", "lang": "en"}).status_code == 403
        assert b.post(f"/cases/{cid}/rdap", {}).status_code == 403
        assert b.post(f"/cases/{cid}/state", {"state": "removed"}).status_code == 403  # a legal move
        page = b.get(f"/cases/{cid}").text
        assert (
            "Draft the notice" not in page and 'value="removed"' not in page and 'value="confirmed"' in page
        )
    with browser(base) as b:
        login(b, "layla")  # legal: no users
        assert b.get("/admin/users").status_code == 403
    with browser(base) as b:
        login(b, "adam")
        assert b.get("/admin/users").status_code == 200
        assert (
            b.post(
                "/admin/users", {"name": "Nadia", "role": "editor", "password": "nadia-pass-1"}
            ).status_code
            == 303
        )
        assert "user nadia (editor) saved" in b.get("/admin/users").text
    with browser(base) as b:
        assert login(b, "nadia", "nadia-pass-1").status_code == 303
    with Store(config.store_path) as store:
        assert store.user("mallory") is None
    assert state_of(config, cid) == "new"


def test_nothing_changes_on_get(app):
    config, base = app
    cid = first_case(config)
    with browser(base) as b:
        login(b, "adam")
        for path in (f"/cases/{cid}/state?state=confirmed&csrf={b.csrf}", "/logout", f"/cases/{cid}/notices"):
            assert b.get(path).status_code == 405, path
        assert b.get("/cases").status_code == 200  # still logged in: GET /logout did nothing
    assert state_of(config, cid) == "new"


def test_a_scraped_script_title_is_inert(app):
    config, base = app
    with Store(config.store_path) as store:
        cid = int(store.db.execute("SELECT id FROM cases WHERE site = 'jami-alakhbar' LIMIT 1").fetchone()[0])
    with browser(base) as b:
        login(b, "edith")
        for path in ("/cases", f"/cases/{cid}", "/cases?site=jami-alakhbar"):
            r = b.get(path)
            assert r.status_code == 200
            assert "<script" not in r.text.lower() and "<img" not in r.text.lower(), path
            assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in r.text, path
            assert r.headers["content-security-policy"] == CSP
            assert "script-src" not in CSP and "default-src 'none'" in CSP
        csv = b.get("/cases.csv?site=jami-alakhbar").text
        assert "\n'<script" not in csv and '"<script' in csv  # text, quoted; CSV never runs a formula


def test_security_headers(app):
    _, base = app
    with browser(base) as b:
        for path in ("/login", "/static/app.css", "/nowhere"):
            r = b.get(path)
            assert r.headers["content-security-policy"] == CSP
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["referrer-policy"] == "no-referrer"
        assert b.get("/nowhere").status_code == 404


def test_open_redirects_and_paths_outside_the_app_are_refused(app):
    config, base = app
    with browser(base) as b:
        b.get("/login?next=//evil.example/")
        r = b.post("/login", {"name": "edith", "password": "editor-pass-123", "next": "//evil.example/"})
        assert r.headers["location"] == "/cases"
        b.get("/cases")
        for path in (
            "/reports/..%2F..%2Fcw.db/report.html",
            "/reports/latest/..%2F..%2Fconfig.toml",
            "/reports/latest/config.toml",
            "/bundles/..%2Fcw.db.zip",
            "/bundles/nothing-here.zip",
            "/bundles/..%2Fcw.db",
            "/bundles/..%2F..%2Fcw.db.wacz",
            "/bundles/nothing-here.wacz",
            "/bundles/config.toml",
        ):
            assert b.get(path).status_code == 404, path


def test_a_disabled_user_is_out_at_once(app):
    config, base = app
    with browser(base) as editor, browser(base) as admin:
        login(editor, "edith")
        assert editor.get("/cases").status_code == 200
        login(admin, "adam")
        admin.get("/admin/users")
        assert admin.post("/admin/users/edith/disabled", {"disabled": "1"}).status_code == 303
        assert editor.get("/cases").status_code == 303
        assert login(editor, "edith").status_code == 401
        admin.get("/admin/users")
        admin.post("/admin/users/edith/disabled", {"disabled": "0"})
        assert login(editor, "edith").status_code == 303


def test_a_copied_session_cookie_stops_working_at_logout_and_at_a_new_password(app):
    """The session is a signed cookie: without the user's session epoch in it, a cookie copied
    before a logout (or a password reset) would work on for [web] session_hours."""
    config, base = app
    with browser(base) as b, browser(base) as thief:
        login(b, "layla")
        thief.client.cookies.set("copywatch_session", b.client.cookies.get("copywatch_session") or "")
        assert thief.get("/cases").status_code == 200  # the copy works while the session lasts
        assert b.post("/logout", {}).status_code == 303
        assert thief.get("/cases").status_code == 303  # logged out: the copy too

        login(b, "layla")
        thief.client.cookies.clear()
        thief.client.cookies.set("copywatch_session", b.client.cookies.get("copywatch_session") or "")
        assert thief.get("/cases").status_code == 200
        with Store(config.store_path) as store:  # `copywatch user add layla` again: a new password
            add_user(store, "layla", "legal", PASSWORDS["layla"])
        assert thief.get("/cases").status_code == 303 and b.get("/cases").status_code == 303
        assert login(b, "layla").status_code == 303 and b.get("/cases").status_code == 200


def test_a_short_secret_is_refused():
    from copywatch.errors import CopywatchError
    from copywatch.web.app import create_app

    with pytest.raises(CopywatchError, match="at least 32"):
        create_app(None, "short")  # type: ignore[arg-type]


def test_the_server_does_not_announce_itself(app):
    _, base = app
    r = httpx.get(base + "/login", trust_env=False)
    assert r.status_code == 200 and "server" not in r.headers


def test_failed_logins_are_throttled_per_name(app):
    from copywatch.web.auth import add_user

    config, base = app
    with Store(config.store_path) as store:
        add_user(store, "tariq", "editor", "tariq-pass-123")
    with browser(base) as b:
        for _ in range(5):
            assert login(b, "tariq", "guessing-wrong").status_code == 401
        refused = login(b, "tariq", "tariq-pass-123")
        assert refused.status_code == 429  # even the right one, for a while
        assert 0 < int(refused.headers["retry-after"]) <= 901  # the rest of the 15-minute window
        assert login(b, "edith").status_code == 303  # other names are not affected
