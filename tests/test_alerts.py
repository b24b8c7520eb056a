"""Alerts: new uncredited copies reach a real local SMTP server and a real local webhook, once."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest
from aiosmtpd.controller import Controller
from tests.fixtures.findings import scan_results, stored_finding
from tests.fixtures.http_server import LocalServer

from copywatch.alerts import send_alerts
from copywatch.config import AlertsConfig
from copywatch.store import Store


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as s:  # a free port (aiosmtpd's controller cannot take port 0)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def webhook():
    received: list[dict] = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if status["code"] == 200:
                received.append(json.loads(body))
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *a):
            pass

    with LocalServer(Handler) as server:
        yield server.url("/hook"), received, status


def seeded_store(tmp_path) -> Store:
    store = Store(tmp_path / "cw.db")
    store.commit_scan(
        scan_results(
            "r1",
            "2026-01-01T00:00:00Z",
            [
                stored_finding(page_url="http://copier/1", page_title="نسخة بلا مصدر"),
                stored_finding(page_url="http://copier/2", attribution="link"),  # credited: no alert
                stored_finding(page_url="http://copier/3", partner=True),  # a partner: no alert
            ],
        )
    )
    return store


def test_email_and_webhook_each_alert_a_copy_once(tmp_path, smtp, webhook):
    port, inbox = smtp
    url, received, _ = webhook
    cfg = AlertsConfig(
        webhook_url=url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        email_from="cw@example.org",
        email_to=("legal@example.org",),
    )
    with seeded_store(tmp_path) as store:
        assert send_alerts(store, cfg, "كواليس اليوم", "https://reports.example/r1/report.html") == {
            "webhook": 1,
            "email": 1,
        }
        assert send_alerts(store, cfg, "كواليس اليوم", "https://reports.example/r2/report.html") == {}
    assert len(received) == 1 and received[0]["count"] == 1
    assert received[0]["copies"][0]["page_url"] == "http://copier/1"
    assert received[0]["report_url"] == "https://reports.example/r1/report.html"
    assert len(inbox.messages) == 1
    assert b"http://copier/1" in inbox.messages[0]


def test_a_failing_channel_retries_on_the_next_scan(tmp_path, webhook):
    url, received, status = webhook
    cfg = AlertsConfig(webhook_url=url)
    with seeded_store(tmp_path) as store:
        status["code"] = 503
        assert send_alerts(store, cfg, "x", "") == {}
        status["code"] = 200
        assert send_alerts(store, cfg, "x", "") == {"webhook": 1}
    assert len(received) == 1


def test_a_webhook_url_kept_in_the_environment(tmp_path, webhook, monkeypatch):
    """A Slack or Teams webhook's URL is its secret: [alerts] webhook_url_env names the variable."""
    url, received, _ = webhook
    cfg = AlertsConfig(webhook_url_env="CW_TEST_WEBHOOK")
    with seeded_store(tmp_path) as store:
        monkeypatch.delenv("CW_TEST_WEBHOOK", raising=False)
        assert send_alerts(store, cfg, "x", "") == {}  # unset: the channel fails, the copy waits
        monkeypatch.setenv("CW_TEST_WEBHOOK", url)
        assert send_alerts(store, cfg, "x", "") == {"webhook": 1}
    assert len(received) == 1


def test_webhook_url_and_its_variable_are_one_or_the_other():
    from copywatch.config import parse_config
    from copywatch.errors import ConfigError

    base = {"outlet": {"name": "x", "exclusives": ["a.html"]}}
    with pytest.raises(ConfigError, match="both 'webhook_url' and 'webhook_url_env'"):
        parse_config({**base, "alerts": {"webhook_url": "https://h.example/x", "webhook_url_env": "HOOK"}})
    with pytest.raises(ConfigError, match="'webhook_url_env' must be the NAME of an environment variable"):
        parse_config({**base, "alerts": {"webhook_url_env": "https://hooks.slack.com/services/T0/B0/secret"}})
