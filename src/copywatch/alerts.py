"""Tell people when a scan finds new uncredited copies: email (SMTP) and a JSON webhook.

Each copy is alerted once per channel: the ``alerts`` table remembers what was sent, and a copy
is recorded only after its channel accepted the message, so a channel that is down today gets
today's copies on the next scan. Partners and credited copies are never alerted.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage

import httpx

from .config import AlertsConfig
from .errors import CopywatchError
from .mail import MailError, send_message
from .models import Finding
from .store import Store

log = logging.getLogger("copywatch.alerts")


def _payload(findings: Sequence[Finding], report_url: str) -> dict[str, object]:
    return {
        "event": "copywatch.uncredited_copies",
        "report_url": report_url,
        "count": len(findings),
        "copies": [
            {
                "site": f.site,
                "page_url": f.page_url,
                "page_title": f.page_title,
                "exclusive_url": f.exclusive_url,
                "exclusive_title": f.exclusive_title,
                "coverage": f.coverage,
                "match_type": f.match_type,
                "first_seen": f.first_seen,
                "sha256": f.sha256,
            }
            for f in findings
        ],
    }


def _email(findings: Sequence[Finding], report_url: str, cfg: AlertsConfig, outlet: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"copywatch: {len(findings)} new uncredited copies of {outlet}"
    msg["From"] = cfg.email_from
    msg["To"] = ", ".join(cfg.email_to)
    lines = [f"copywatch found {len(findings)} new copies that do not credit {outlet}.", ""]
    for f in findings:
        lines += [
            f"- {f.site}: {f.page_title}",
            f"  {f.page_url}",
            f"  copies {f.coverage:.0%} of: {f.exclusive_title} <{f.exclusive_url}>",
        ]
    lines += ["", f"Report: {report_url}" if report_url else "Report: see reports/latest/report.html"]
    msg.set_content("\n".join(lines))
    return msg


class WebhookError(CopywatchError):
    """The webhook channel has no usable URL."""


def _webhook_url(cfg: AlertsConfig) -> str:
    """The webhook's URL: ``webhook_url``, or the environment variable ``webhook_url_env`` names
    (a Slack or Teams webhook's URL is its secret). An unset or non-http(s) one fails the channel
    (logged; its copies are alerted after the next scan)."""
    url = cfg.webhook_url or os.environ.get(cfg.webhook_url_env, "")
    if not url.startswith(("http://", "https://")):
        raise WebhookError(
            f"[alerts] webhook_url_env: the environment variable {cfg.webhook_url_env} is not set"
            " to an http(s) URL"
        )
    return url


def send_webhook(url: str, findings: Sequence[Finding], report_url: str, timeout: float) -> None:
    with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client:
        r = client.post(url, json=_payload(findings, report_url))
        r.raise_for_status()


def send_email(findings: Sequence[Finding], report_url: str, cfg: AlertsConfig, outlet: str) -> None:
    send_message(cfg, _email(findings, report_url, cfg, outlet))  # TLS verified (mail.py)


def send_alerts(
    store: Store, cfg: AlertsConfig, outlet: str, report_url: str, findings: Sequence[Finding] | None = None
) -> dict[str, int]:
    """Send every uncredited, non-partner copy not yet alerted on each configured channel.

    Returns how many copies each channel was told about. A failing channel is logged, not raised:
    an alert that could not go out must not fail the scan that found the copies.
    """
    pending_all = [f for f in (store.findings() if findings is None else findings) if f.uncredited]
    sent: dict[str, int] = {}
    channels = []
    if cfg.webhook_url or cfg.webhook_url_env:
        channels.append(
            ("webhook", lambda fs: send_webhook(_webhook_url(cfg), fs, report_url, cfg.timeout_seconds))
        )
    if cfg.smtp_host:
        channels.append(("email", lambda fs: send_email(fs, report_url, cfg, outlet)))
    for name, send in channels:
        done = store.alerted(name)
        pending = [f for f in pending_all if (f.page_url, f.exclusive_url) not in done]
        if not pending:
            continue
        try:
            send(pending)
        except (OSError, MailError, WebhookError, httpx.HTTPError) as e:
            log.error("alert channel %s failed (will retry after the next scan): %s", name, e)
            continue
        store.record_alerts(
            name,
            [(f.page_url, f.exclusive_url) for f in pending],
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        sent[name] = len(pending)
    return sent
