"""Accounts in tests: users made through the same service as the CLI, and the CSRF token a page's form carries."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from registry.models import AuditEvent, OutboxEmail, Role, User
from registry.services.accounts import create_user

PASSWORD = "pepper camel rowing frost"
SITE_NAME = "Health & Care Mutuals Registry"


def make_user(session: Session, email: str, role: Role = Role.REPRESENTATIVE, password: str = PASSWORD) -> User:
    """A confirmed account, committed (to the test's savepoint) and loaded, so it stays readable after requests."""
    user = create_user(session, email, password, role, site_name=SITE_NAME)
    session.commit()
    session.refresh(user)
    return user


def signed_in_client(app: Flask, session: Session, email: str, role: Role = Role.REPRESENTATIVE) -> FlaskClient:
    """A test client signed in to a new confirmed account with ``role``."""
    make_user(session, email, role)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def outbox_to(session: Session, email: str) -> list[OutboxEmail]:
    """The emails sent to ``email``, oldest first."""
    return list(session.scalars(select(OutboxEmail).where(OutboxEmail.to == email.lower()).order_by(OutboxEmail.id)))


def csrf_token_from(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, **form: Any) -> TestResponse:
    token = csrf_token_from(client.get("/account/sign-in"))
    return client.post("/account/sign-in", data={"csrf_token": token, "email": email, "password": password, **form})


def post_form(
    client: FlaskClient, page: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
) -> TestResponse:
    """Open ``page``, take its CSRF token, and post ``data`` to ``action`` (default: the same page)."""
    token = csrf_token_from(client.get(page))
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


def delete_users(session: Session, emails: list[str]) -> None:
    """Remove accounts a live-server test made, with the audit events about them (the e2e database is shared)."""
    users = session.scalars(select(User).where(User.email.in_(emails))).all()
    session.execute(delete(AuditEvent).where(AuditEvent.subject_id.in_([str(u.id) for u in users])))
    for user in users:
        session.delete(user)


def sign_in_in_browser(page: Any, live_server: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page in a Playwright ``page``, as a person would."""
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
