"""Sending email: every message goes into the outbox table; it is also sent over SMTP when SMTP is configured.

With no ``REGISTRY_SMTP_HOST`` (development, tests) nothing leaves the machine and the outbox is the record of
what would have been sent. Sending never raises: a failure is logged and kept on the outbox row, so a broken
mail server cannot stop someone signing up; the outbox shows what to resend.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from registry.domain.language import Language, current_language
from registry.domain.text import clean_line
from registry.models import OutboxEmail, column_limit

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str = "Health & Care Mutuals Registry <noreply@localhost>"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """The settings from the app's ``SMTP_*`` configuration, or None when no SMTP host is set."""
        host = config.get("SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(config.get("SMTP_PORT") or 587),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS", True)),
            sender=config.get("SMTP_FROM") or cls.sender,
        )


def site_name_in_language(site_name: str) -> str:
    """The registry's name for an email's words in the language being spoken: ``SITE_NAME_CY`` in Welsh when
    the app has one, else ``site_name`` (the English name a service was given)."""
    if has_app_context() and current_language() == Language.WELSH and current_app.config.get("SITE_NAME_CY"):
        return str(current_app.config["SITE_NAME_CY"])
    return site_name


def send_email(session: Session, to: str, subject: str, body: str, smtp: SmtpSettings | None = None) -> OutboxEmail:
    """Put a plain-text email in the outbox and, if SMTP is configured, send it and record how that went.

    ``smtp`` defaults to the current app's configuration. The subject is made one clean line, whatever names it
    carries (a listing's name with a line break once made sending fail), and cut to the column's length.
    """
    subject = clean_line(subject)[: column_limit(OutboxEmail.subject)]
    email = OutboxEmail(to=to, subject=subject, body=body)
    session.add(email)
    session.flush()
    if smtp is None and has_app_context():
        smtp = SmtpSettings.from_config(current_app.config)
    if smtp is None:
        log.info("Email %s to %s, %r: in the outbox, not sent (no SMTP host configured)", email.id, to, subject)
        return email
    try:
        _deliver(smtp, _message(smtp.sender, to, subject, body))
    except (smtplib.SMTPException, OSError) as error:
        email.error = f"{type(error).__name__}: {error}"[:2000]
        log.warning("Email %s to %s, %r: sending failed: %s", email.id, to, subject, email.error)
    else:
        email.sent_at = datetime.now(UTC)
        log.info("Email %s to %s, %r: sent through %s", email.id, to, subject, smtp.host)
    session.flush()
    return email


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    message.set_content(body)
    return message


def _deliver(smtp: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_SECONDS) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)
