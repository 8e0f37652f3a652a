"""Email: every message lands in the outbox; with SMTP configured it is also sent (to aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import OutboxEmail
from registry.services.email import SmtpSettings, send_email
from tests.support.accounts import PASSWORD, post_form
from tests.support.pages import checked_page


class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            {"from": envelope.mail_from, "to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8")}
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"registry", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=_authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_without_smtp_the_email_is_kept_in_the_outbox_and_not_sent(app: Flask, session: Session) -> None:
    with app.app_context():  # the app's configuration has no SMTP host
        email = send_email(session, "ann@example.org", "Hello", "Body text")
        stored = session.scalars(select(OutboxEmail).where(OutboxEmail.to == "ann@example.org")).one()
        assert stored is email
        assert (stored.subject, stored.body) == ("Hello", "Body text")
        assert stored.sent_at is None
        assert stored.error is None
        assert stored.created_at is not None


def test_with_smtp_the_email_is_sent_and_recorded(session: Session, smtp_server: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp_server
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=port,
        username="registry",
        password="s3cret",
        starttls=False,
        sender="Registry <noreply@registry.example>",
    )
    email = send_email(session, "bea@example.org", "Confirm your email address", "Open this link", smtp=smtp)
    assert email.sent_at is not None
    assert email.error is None
    [message] = mailbox.messages
    assert message["from"] == "noreply@registry.example"
    assert message["to"] == ["bea@example.org"]
    assert "Subject: Confirm your email address" in message["data"]
    assert "Open this link" in message["data"]


def test_an_unreachable_smtp_server_is_recorded_not_raised(session: Session) -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False)
    email = send_email(session, "dan@example.org", "Subject", "Body", smtp=smtp)
    assert email.sent_at is None
    assert "ConnectionRefusedError" in (email.error or "")
    assert session.scalars(select(OutboxEmail).where(OutboxEmail.to == "dan@example.org")).one() is email


def test_sign_up_sends_through_the_configured_smtp_server(
    app: Flask, client: FlaskClient, session: Session, smtp_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, port = smtp_server
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_USERNAME": "registry",
        "SMTP_PASSWORD": "s3cret",
        "SMTP_STARTTLS": False,
        "SMTP_FROM": "Registry <noreply@registry.example>",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    checked_page(post_form(client, "/account/sign-up", {"email": "eve@example.org", "password": PASSWORD}))
    [message] = mailbox.messages
    assert message["to"] == ["eve@example.org"]
    assert "http://localhost/account/confirm/" in message["data"]
    stored = session.scalars(select(OutboxEmail).where(OutboxEmail.to == "eve@example.org")).one()
    assert stored.sent_at is not None


def test_smtp_settings_come_from_the_configuration() -> None:
    assert SmtpSettings.from_config({"SMTP_HOST": None}) is None
    settings = SmtpSettings.from_config(
        {"SMTP_HOST": "mail.example", "SMTP_PORT": "2525", "SMTP_STARTTLS": False, "SMTP_FROM": "x <a@b.example>"}
    )
    assert settings == SmtpSettings(host="mail.example", port=2525, starttls=False, sender="x <a@b.example>")
