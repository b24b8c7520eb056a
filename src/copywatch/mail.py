"""Sending one e-mail through the configured SMTP server ([alerts]): the scan's alerts
(alerts.py) and the cases' takedown notices (cases/notices.py) both go this way.

TLS is verified. With ``smtp_starttls = true`` the connection is upgraded before anything else is
said, and the server's certificate must be valid for ``smtp_host`` against the system's
certificate authorities (OpenSSL's defaults; ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` in the
environment add a newsroom's own): a server that cannot prove it is ``smtp_host`` never sees the
password or the message. The password is read from the environment variable ``smtp_password_env``
names, when the message is sent; config.py refuses a login over a connection that would not be
encrypted (but to a server on this machine).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

from .config import AlertsConfig
from .errors import CopywatchError


class MailError(CopywatchError):
    """The message could not be sent (the server, its certificate, the password's variable)."""


def send_message(cfg: AlertsConfig, msg: EmailMessage) -> None:
    """Send ``msg`` through ``cfg``'s SMTP server; MailError says why it could not."""
    password = ""
    if cfg.smtp_user:
        password = os.environ.get(cfg.smtp_password_env, "")
        if not password:
            raise MailError(
                f"[alerts] smtp_password_env: the environment variable {cfg.smtp_password_env} is not set"
                " (it must hold the SMTP password)"
            )
    where = f"{cfg.smtp_host}:{cfg.smtp_port}"
    # Headers unfolded up to RFC 5322's 998 characters: Python's folding at 78 drops or moves the
    # spaces between the encoded words of a subject that mixes Latin and Arabic words ("Kawalis
    # Alyaoum : ... « الدار البيضاء »" arrived as "...  «الدارالبيضاء"). The body was encoded
    # (base64) when it was set, with lines of 78.
    msg.policy = msg.policy.clone(max_line_length=998)
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, password)
            smtp.send_message(msg)
    except ssl.SSLCertVerificationError as e:
        raise MailError(
            f"{where}: the SMTP server's certificate is not valid for {cfg.smtp_host}"
            f" ({e.verify_message}); nothing was sent"
        ) from e
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"{where}: {type(e).__name__}: {e}") from e
