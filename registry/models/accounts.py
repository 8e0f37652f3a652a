"""Accounts: people who sign in, the organisations they represent, the emails we send them, and the audit log.

Passwords are only ever stored as argon2 hashes. ``AuditEvent`` rows are append-only and never hold passwords
or tokens.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from registry.domain.language import Language
from registry.extensions import Model
from registry.models._types import created_at_column, one_of, utcnow
from registry.models.organisation import Organisation


def password_stamp(changed_at: datetime) -> str:
    """``password_changed_at`` as the same text whether it came from Python (aware) or the database.

    SQLite hands back naive datetimes and PostgreSQL aware ones in the connection's time zone; both are UTC.
    """
    if changed_at.tzinfo is not None:
        changed_at = changed_at.astimezone(UTC).replace(tzinfo=None)
    return changed_at.strftime("%Y%m%d%H%M%S%f")


class Role(StrEnum):
    """What an account may do. Admins have every other role's rights as well as their own."""

    REPRESENTATIVE = "representative"
    COMMISSIONER = "commissioner"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(Model):
    """A person with an account. ``email`` is held lower-cased, so it is unique whatever case people type."""

    __tablename__ = "user_account"
    __table_args__ = (
        one_of("role", Role, "role_valid"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        one_of("language", Language, "language_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    role: Mapped[str] = mapped_column(
        String(20), default=Role.REPRESENTATIVE.value, server_default=Role.REPRESENTATIVE.value
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changes with every new password; it is part of reset links and session ids, so changing the password
    # makes earlier reset links and every other signed-in session invalid.
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The language the person last chose ("en" or "cy"): pages follow it on any browser they sign in on, and
    # emails to them are written in it. None until they choose; then pages follow their browser.
    language: Mapped[str | None] = mapped_column(String(2))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @validates("email")
    def _lower_case_email(self, key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    # The secret of the server-side session this object was loaded for (or just signed in with); never stored,
    # so not a mapped column: ``__allow_unmapped__`` lets it be a plain annotated attribute.
    __allow_unmapped__ = True
    session_token: str | None = None

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember cookie: ``"<user id>:<session token>"``.

        The token names a row of ``user_session``; signing out, or changing the password, revokes the row, and
        with it both the session cookie and the remember-me cookie, wherever they have been copied.
        """
        if not self.session_token:
            raise RuntimeError("Start a server-side session (accounts.start_session) before signing in")
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(Model):
    """One signed-in browser. Only a hash of its token is kept, so a copy of this table signs nobody in."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Membership(Model):
    """A user represents an organisation: they may edit its listing."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class OutboxEmail(Model):
    """Every email the registry sends, kept whether or not SMTP is configured, with how the sending went."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Model):
    """Something security-relevant happened: who did it (if anyone signed in), to what, from where."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now(), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject_type}:{self.subject_id}>"
