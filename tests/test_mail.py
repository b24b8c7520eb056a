"""mail.py: STARTTLS verifies the SMTP server's certificate before the password goes, and the
password comes from the environment. A real SMTP server (aiosmtpd) on 127.0.0.1 with a certificate
from a local CA (trustme); the config's refusals of a pasted secret and of an unencrypted login."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from copywatch.config import AlertsConfig, parse_config
from copywatch.errors import ConfigError
from copywatch.mail import MailError, send_message


class Server:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # aiosmtpd's authenticator
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@contextmanager
def tls_server(ca: trustme.CA, name: str, **kw: object) -> Iterator[tuple[int, Server]]:
    """An SMTP server on 127.0.0.1 that requires STARTTLS, with a certificate for ``name``."""
    server = Server()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    with socket.socket() as s:  # a free port (aiosmtpd's controller cannot take port 0)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(
        server, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=server.authenticate, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    try:
        yield port, server
    finally:
        controller.stop()


@pytest.fixture
def smtp(ca: trustme.CA) -> Iterator[tuple[int, Server]]:
    with tls_server(ca, "mail.copywatch.test") as got:  # valid for that name, not 127.0.0.1
        yield got


def _cfg(port: int, host: str = "127.0.0.1") -> AlertsConfig:
    return AlertsConfig(
        smtp_host=host, smtp_port=port, smtp_starttls=True, smtp_user="newsroom",
        smtp_password_env="CW_TEST_SMTP_PASSWORD", email_from="cw@kawalis.example",
        email_to=("legal@kawalis.example",), timeout_seconds=10,
    )  # fmt: skip


def _msg() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "نسخة دون إشارة", "cw@kawalis.example", "legal@kawalis.example"
    msg.set_content("test")
    return msg


def test_an_smtp_server_whose_certificate_is_not_trusted_never_gets_the_password(smtp, monkeypatch) -> None:
    port, server = smtp
    monkeypatch.setenv("CW_TEST_SMTP_PASSWORD", "env-password-123")
    with pytest.raises(MailError, match="certificate is not valid for 127.0.0.1.*nothing was sent"):
        send_message(_cfg(port), _msg())
    assert server.logins == [] and server.messages == []


def test_a_trusted_certificate_for_another_name_is_refused_too(smtp, ca, tmp_path, monkeypatch) -> None:
    port, server = smtp
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # the CA trusted, as a newsroom's own
    monkeypatch.setenv("CW_TEST_SMTP_PASSWORD", "env-password-123")
    with pytest.raises(
        MailError, match="not valid for 127.0.0.1"
    ):  # the certificate names mail.copywatch.test
        send_message(_cfg(port), _msg())
    assert server.logins == []


def test_a_trusted_certificate_for_the_host_gets_the_password_from_the_environment(
    ca, tmp_path, monkeypatch
) -> None:
    with tls_server(ca, "localhost") as (port, server):
        ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        monkeypatch.delenv("CW_TEST_SMTP_PASSWORD", raising=False)
        with pytest.raises(MailError, match="CW_TEST_SMTP_PASSWORD is not set"):
            send_message(_cfg(port, "localhost"), _msg())
        monkeypatch.setenv("CW_TEST_SMTP_PASSWORD", "env-password-123")
        send_message(_cfg(port, "localhost"), _msg())
    assert server.logins == [("newsroom", "env-password-123")] and len(server.messages) == 1


def test_a_secret_pasted_as_a_variable_name_is_refused_without_being_echoed() -> None:
    for table, key in (("alerts", "smtp_password_env"), ("web", "session_secret_env")):
        data = {"outlet": {"name": "x", "exclusives": ["a.html"]}, table: {key: "S3cr3t-In-Config!"}}
        with pytest.raises(ConfigError) as e:
            parse_config(data, source="c.toml")
        assert f"[{table}] key '{key}' must be the NAME of an environment variable" in str(e.value)
        assert "S3cr3t" not in str(e.value)


def test_a_login_needs_a_password_variable_and_an_encrypted_connection() -> None:
    base = {"smtp_host": "smtp.example.org", "email_from": "a@b.c", "email_to": ["d@e.f"], "smtp_user": "u"}

    def parse(**alerts: object) -> None:
        parse_config({"outlet": {"name": "x", "exclusives": ["a.html"]}, "alerts": {**base, **alerts}})

    with pytest.raises(ConfigError, match="'smtp_user' needs 'smtp_password_env'"):
        parse(smtp_starttls=True)
    with pytest.raises(ConfigError, match="would send the SMTP password to smtp.example.org unencrypted"):
        parse(smtp_password_env="PW")
    parse(smtp_password_env="PW", smtp_starttls=True)
    parse(smtp_password_env="PW", smtp_host="127.0.0.1")  # a relay on this machine


def test_a_subject_mixing_latin_and_arabic_words_arrives_as_it_was_written() -> None:
    """Python's header folding at 78 columns moved and dropped the spaces between the encoded
    words of such a subject (a French notice's: "... article  «الدارالبيضاء: ...")."""
    import email
    from email.policy import default

    server = Server()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    subject = (
        "Kawalis Alyaoum : merci de citer ou de retirer notre article « الدار البيضاء: تأخر أشغال"
        " الخط الخامس للترامواي يربك حركة السير بشارع محمد السادس »"
    )
    msg = _msg()
    del msg["Subject"]
    msg["Subject"] = subject
    cfg = AlertsConfig(smtp_host="127.0.0.1", smtp_port=port, email_from="a@b.c", email_to=("d@e.f",))
    try:
        send_message(cfg, msg)
    finally:
        controller.stop()
    (raw,) = server.messages
    assert email.message_from_bytes(raw, policy=default)["Subject"] == subject
