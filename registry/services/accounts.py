"""Accounts: signing up, confirming an email address, signing in and out, passwords, roles and the audit log.

Every function takes the database session; none commits, so a view or command decides when the work is done.
Nothing here says whether an email address has an account: sign-up, sign-in and password reset answer the same
way either way and tell the owner of the address by email instead. Passwords and tokens never reach the audit
log or the application log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from babel.support import LazyProxy
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from registry.domain.language import Language, current_language, speaking, supported
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    spend_verification_time,
    verify_password,
)
from registry.models import AuditEvent, Role, User, UserSession
from registry.models.accounts import password_stamp
from registry.services.email import send_email, site_name_in_language

CONFIRM_SALT = "registry.account.confirm-email"
RESET_SALT = "registry.account.reset-password"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
RESET_MAX_AGE = 60 * 60
# Messages are lazy: made once here, they are worded in the language of the page that shows them.
LINK_NOT_VALID = _l("This link has expired or has already been used")
CONFIRM_PASSWORD_WRONG = _l(
    "Enter the password you chose when you created the account. If you did not create it, someone else used "
    "your email address: create an account again to choose your own password"
)
# How long a sign-in lasts at most, "Keep me signed in" included; then the person signs in again.
SESSION_MAX_AGE = timedelta(days=30)

LinkTo = Callable[[str], str]


class AccountError(ValueError):
    """Something the person has to put right; ``field`` names the form field the message belongs to.

    The message may be made lazy (``LINK_NOT_VALID``): ``error.message`` words it in the language of the page
    that shows it.
    """

    def __init__(self, message: str | LazyProxy, field: str | None = None) -> None:
        super().__init__(message)
        self._message = message
        self.field = field

    @property
    def message(self) -> str:
        return str(self._message)

    def __str__(self) -> str:
        return self.message


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None


@dataclass(frozen=True)
class Links:
    """How to build the absolute links the emails contain (the web layer knows its URLs; this layer does not)."""

    confirm: LinkTo
    reset: LinkTo
    sign_in: str
    request_reset: str


@dataclass(frozen=True)
class Tokens:
    """Signed, timed tokens for emailed links, one salt per purpose so a token for one cannot serve another.

    A reset token carries the time the password last changed: once the password changes (by this link or any
    other way) the token no longer matches, so each link works once.
    """

    secret_key: str

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=salt)

    def confirmation(self, user: User) -> str:
        return self._serializer(CONFIRM_SALT).dumps(
            {"id": user.id, "email": user.email, "stamp": password_stamp(user.password_changed_at)}
        )

    def reset(self, user: User) -> str:
        return self._serializer(RESET_SALT).dumps({"id": user.id, "stamp": password_stamp(user.password_changed_at)})

    def user_for_confirmation(self, session: Session, token: str, max_age: int = CONFIRM_MAX_AGE) -> User | None:
        payload = self._load(CONFIRM_SALT, token, max_age)
        user = _user_by_id(session, payload.get("id")) if payload else None
        if user is None or not payload or payload.get("email") != user.email:
            return None
        # A later sign-up for the same unconfirmed address chose a new password: earlier links stop working.
        if not user.is_confirmed and payload.get("stamp") != password_stamp(user.password_changed_at):
            return None
        return user

    def user_for_reset(self, session: Session, token: str, max_age: int = RESET_MAX_AGE) -> User | None:
        payload = self._load(RESET_SALT, token, max_age)
        user = _user_by_id(session, payload.get("id")) if payload else None
        if user is None or not payload or not user.is_active:
            return None
        if payload.get("stamp") != password_stamp(user.password_changed_at):
            return None
        return user

    def _load(self, salt: str, token: str, max_age: int) -> dict[str, Any] | None:
        try:
            payload = self._serializer(salt).loads(token, max_age=max_age)
        except BadSignature:  # also SignatureExpired
            return None
        return payload if isinstance(payload, dict) else None


def _user_by_id(session: Session, user_id: object) -> User | None:
    return session.get(User, user_id) if isinstance(user_id, int) else None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User) -> UserSession:
    """Start a server-side session for a sign-in; its token goes into the cookies through ``user.get_id()``."""
    token = secrets.token_urlsafe(32)
    now = _now()
    # Each sign-in tidies away the person's ended sessions, so the table holds only live ones and a few more.
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.revoked_at.is_not(None), UserSession.created_at < now - SESSION_MAX_AGE),
        )
    )
    row = UserSession(user_id=user.id, token_hash=_token_hash(token), created_at=now)
    session.add(row)
    session.flush()
    user.session_token = token
    return row


def end_session(session: Session, user: User) -> None:
    """Revoke the session ``user`` was loaded for: its session and remember-me cookies stop working."""
    if user.session_token:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(user.session_token), UserSession.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        user.session_token = None


def end_all_sessions(session: Session, user: User) -> None:
    """Revoke every session of ``user``, in every browser (after a password change or reset)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    user.session_token = None


def user_for_session(session: Session, session_id: str) -> User | None:
    """The user a session or remember-me cookie names, if that session is live and the account active.

    The id is ``"<user id>:<session token>"`` (``User.get_id``); the token must name a session that has not
    been revoked (by signing out, or a password change) and is younger than ``SESSION_MAX_AGE``.
    """
    user_id, _, token = session_id.partition(":")
    if not user_id.isdecimal() or not token:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.user_id != int(user_id) or row.revoked_at is not None:
        return None
    if _aware(row.created_at) < _now() - SESSION_MAX_AGE:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or not user.is_confirmed:
        return None
    user.session_token = token
    return user


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes and PostgreSQL aware ones; both are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def audit(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    subject: User | Any | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Record that something security-relevant happened. ``detail`` must never hold a password or a token."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=_subject_type(subject),
        subject_id=str(subject.id) if subject is not None else None,
        detail=detail or {},
        ip=ip,
    )
    session.add(event)
    session.flush()
    return event


def _subject_type(subject: Any) -> str | None:
    if subject is None:
        return None
    return "user" if isinstance(subject, User) else str(getattr(subject, "__tablename__", type(subject).__name__))


def check_new_password(password: str, email: str, site_name: str) -> None:
    problem = password_problem(password, email=email, site_name=site_name)
    if problem:
        raise AccountError(problem, "password")


def email_language(user: User) -> str:
    """The language to write to ``user`` in: the one they chose, else the one of the request that causes the
    email (someone signing up in Welsh gets their link in Welsh), else English."""
    return supported(user.language) or current_language()


def sign_up(
    session: Session,
    email: str,
    password: str,
    *,
    tokens: Tokens,
    links: Links,
    site_name: str,
    ip: str | None = None,
) -> User | None:
    """Create an unconfirmed account and email a confirmation link.

    Every path costs one password hash and sends one email, so neither the page nor its timing tells whether
    the address had an account. A confirmed account is left alone and its owner is told by email. An
    unconfirmed one takes the new password: whoever signed up first (perhaps not the mailbox's owner) loses
    theirs, and their link stops working. Confirming asks for the password too, so only someone who both
    reads the mailbox and chose the password can confirm. Returns the new user, or None when the address
    already had an account.
    """
    email = normalise_email(email)
    check_new_password(password, email, site_name)
    password_hash = hash_password(password)
    existing = find_user(session, email)
    if existing is not None:
        if existing.is_confirmed:
            _send_already_registered(session, existing, links, site_name)
        else:
            existing.password_hash = password_hash
            existing.password_changed_at = _now()
            _send_confirmation(session, existing, tokens, links, site_name)
        audit(session, "account.sign_up_repeated", subject=existing, ip=ip)
        return None
    user = User(email=email, password_hash=password_hash, role=Role.REPRESENTATIVE.value)
    if current_language() == Language.WELSH:
        # Signing up in Welsh is choosing Welsh: for the emails, and for pages on any browser they sign in on.
        user.language = Language.WELSH.value
    session.add(user)
    session.flush()
    audit(session, "account.signed_up", actor=user, subject=user, ip=ip)
    _send_confirmation(session, user, tokens, links, site_name)
    return user


def confirm_email(session: Session, token: str, password: str, *, tokens: Tokens, ip: str | None = None) -> User:
    """Confirm the address a confirmation link was sent to, given the account's password.

    The link proves the mailbox; the password proves the account is theirs. Raises ``AccountError`` when the
    link is not valid (message ``LINK_NOT_VALID``) or the password is not the account's.
    """
    user = tokens.user_for_confirmation(session, token)
    if user is None or not user.is_active:
        raise AccountError(LINK_NOT_VALID)
    if not verify_password(user.password_hash, password):
        audit(session, "account.confirmation_failed", subject=user, detail={"reason": "wrong_password"}, ip=ip)
        raise AccountError(CONFIRM_PASSWORD_WRONG, "password")
    if not user.is_confirmed:
        user.email_confirmed_at = _now()
        audit(session, "account.email_confirmed", actor=user, subject=user, ip=ip)
    return user


def resend_confirmation(session: Session, user: User, *, tokens: Tokens, links: Links, site_name: str) -> None:
    if not user.is_confirmed:
        _send_confirmation(session, user, tokens, links, site_name)


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    ip: str | None = None,
) -> SignInResult:
    """Check an email address and password. Success records the sign-in and upgrades an outdated hash.

    An unknown address costs the same time as a wrong password. ``UNCONFIRMED`` is only ever returned with the
    right password, so it tells nothing to someone who does not know it.
    """
    user = find_user(session, email)
    if user is None:
        spend_verification_time(password)
        audit(session, "account.sign_in_failed", detail={"reason": "no_account"}, ip=ip)
        return SignInResult(SignInOutcome.FAILED)
    if not verify_password(user.password_hash, password):
        audit(session, "account.sign_in_failed", subject=user, detail={"reason": "wrong_password"}, ip=ip)
        return SignInResult(SignInOutcome.FAILED)
    if not user.is_active:
        audit(session, "account.sign_in_failed", subject=user, detail={"reason": "deactivated"}, ip=ip)
        return SignInResult(SignInOutcome.FAILED)
    if not user.is_confirmed:
        audit(session, "account.sign_in_failed", subject=user, detail={"reason": "unconfirmed"}, ip=ip)
        return SignInResult(SignInOutcome.UNCONFIRMED, user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = _now()
    audit(session, "account.signed_in", actor=user, subject=user, ip=ip)
    return SignInResult(SignInOutcome.SIGNED_IN, user)


def sign_out(session: Session, user: User, *, ip: str | None = None) -> None:
    """End the session ``user`` was loaded for, server-side, and record it."""
    end_session(session, user)
    audit(session, "account.signed_out", actor=user, subject=user, ip=ip)


def change_password(
    session: Session,
    user: User,
    current_password: str,
    new_password: str,
    *,
    links: Links,
    site_name: str,
    ip: str | None = None,
) -> None:
    """Change a signed-in person's password, after checking their current one; tell them by email."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct"), "current_password")
    check_new_password(new_password, user.email, site_name)
    _set_password(user, new_password)
    end_all_sessions(session, user)
    audit(session, "account.password_changed", actor=user, subject=user, ip=ip)
    with speaking(email_language(user)):
        send_email(
            session,
            user.email,
            _("Your password has been changed"),
            _(
                "The password for your %(site_name)s account has been changed.",
                site_name=site_name_in_language(site_name),
            )
            + "\n\n"
            + _("If you did not change it, reset your password now:")
            + f"\n\n{links.request_reset}\n",
        )


def request_password_reset(
    session: Session, email: str, *, tokens: Tokens, links: Links, site_name: str, ip: str | None = None
) -> None:
    """Email a reset link if the address has an active account; otherwise do nothing, visibly the same."""
    user = find_user(session, email)
    if user is None or not user.is_active:
        audit(session, "account.password_reset_requested", detail={"account": False}, ip=ip)
        return
    audit(session, "account.password_reset_requested", subject=user, detail={"account": True}, ip=ip)
    link = links.reset(tokens.reset(user))
    with speaking(email_language(user)):
        send_email(
            session,
            user.email,
            _("Reset your password"),
            _(
                "Someone asked to reset the password for your %(site_name)s account.",
                site_name=site_name_in_language(site_name),
            )
            + "\n\n"
            + _("To choose a new password, open this link:")
            + f"\n\n{link}\n\n"
            + _(
                "The link works once, for 1 hour. If you did not ask for it, you can ignore this email: "
                "your password has not changed."
            )
            + "\n",
        )


def reset_password(
    session: Session,
    token: str,
    new_password: str,
    *,
    tokens: Tokens,
    site_name: str,
    ip: str | None = None,
    max_age: int = RESET_MAX_AGE,
) -> User:
    """Set a new password from a reset link. The link then stops working, as do other signed-in sessions.

    Resetting by email proves the person holds the address, so an unconfirmed account becomes confirmed.
    """
    user = tokens.user_for_reset(session, token, max_age=max_age)
    if user is None:
        raise AccountError(LINK_NOT_VALID)
    check_new_password(new_password, user.email, site_name)
    _set_password(user, new_password)
    end_all_sessions(session, user)
    if not user.is_confirmed:
        user.email_confirmed_at = _now()
    audit(session, "account.password_reset", actor=user, subject=user, ip=ip)
    return user


def create_user(
    session: Session,
    email: str,
    password: str,
    role: Role,
    *,
    site_name: str,
) -> User:
    """Create a confirmed account (for the command line). Refuses a taken address or a weak password."""
    email = normalise_email(email)
    if find_user(session, email) is not None:
        raise AccountError(_l("There is already an account for %(email)s", email=email), "email")
    check_new_password(password, email, site_name)
    user = User(email=email, password_hash=hash_password(password), role=role.value, email_confirmed_at=_now())
    session.add(user)
    session.flush()
    audit(session, "account.created", subject=user, detail={"via": "cli", "role": role.value})
    return user


def change_role(session: Session, user: User, role: Role, *, actor: User | None, ip: str | None = None) -> None:
    """Give someone a different role; recorded with who did it and the old and new roles."""
    if user.role == role.value:
        return
    old = user.role
    user.role = role.value
    audit(session, "account.role_changed", actor=actor, subject=user, detail={"from": old, "to": role.value}, ip=ip)


def choose_language(session: Session, user: User, language: str) -> None:
    """Keep the language a person chose on the switch: their pages on any browser, and their emails."""
    user.language = language
    session.add(user)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = _now()


def _now() -> datetime:
    return datetime.now(UTC)


def _send_confirmation(session: Session, user: User, tokens: Tokens, links: Links, site_name: str) -> None:
    link = links.confirm(tokens.confirmation(user))
    with speaking(email_language(user)):
        send_email(
            session,
            user.email,
            _("Confirm your email address"),
            _(
                "To finish creating your %(site_name)s account, confirm your email address by opening this link:",
                site_name=site_name_in_language(site_name),
            )
            + f"\n\n{link}\n\n"
            + _("The link works for 7 days. If you did not create an account, you can ignore this email.")
            + "\n",
        )


def _send_already_registered(session: Session, user: User, links: Links, site_name: str) -> None:
    with speaking(email_language(user)):
        send_email(
            session,
            user.email,
            _("You already have an account"),
            _(
                "Someone tried to create a %(site_name)s account with this email address, but it already has one.",
                site_name=site_name_in_language(site_name),
            )
            + "\n\n"
            + _("If it was you, sign in:")
            + f"\n\n{links.sign_in}\n\n"
            + _("If you have forgotten your password, you can reset it:")
            + f"\n\n{links.request_reset}\n\n"
            + _("If it was not you, you can ignore this email.")
            + "\n",
        )
