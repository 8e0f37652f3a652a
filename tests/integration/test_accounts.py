"""Account journeys through the test client: sign up, confirm, sign in, change password, sign out, reset."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import AuditEvent, OutboxEmail, Role, User
from tests.support.accounts import (
    PASSWORD,
    csrf_token_from,
    make_user,
    outbox_to,
    post_form,
    sign_in,
)
from tests.support.pages import checked_page, text_of

NEW_PASSWORD = "lantern orchard velvet quiver"


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def link_in(email: OutboxEmail) -> str:
    match = re.search(r"http://localhost(/account/\S+)", email.body)
    assert match, email.body
    return match.group(1)


def actions_for(session: Session, user: User) -> list[str]:
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
        .order_by(AuditEvent.id)
    )
    return [event.action for event in events]


def test_sign_up_confirm_sign_in_change_password_and_sign_out(client: FlaskClient, session: Session) -> None:
    page = checked_page(client.get("/account/sign-up"))
    assert page.find("h1").get_text() == "Create an account"

    response = post_form(client, "/account/sign-up", {"email": "  Amira@Example.ORG ", "password": PASSWORD})
    page = checked_page(response)
    assert "Check your email" in text_of(page)
    user = session.scalar(select(User).where(User.email == "amira@example.org"))
    assert user is not None
    assert not user.is_confirmed
    assert user.role == Role.REPRESENTATIVE
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash

    # Before confirming, the right password does not sign in; it sends a fresh link instead.
    page = checked_page(sign_in(client, "amira@example.org"))
    assert page.find("h1").get_text() == "Confirm your email address"
    emails = outbox_to(session, "amira@example.org")
    assert [e.subject for e in emails] == ["Confirm your email address", "Confirm your email address"]

    page = checked_page(client.get(link_in(emails[0])))
    assert page.find("h1").get_text() == "Confirm your email address"
    page = checked_page(post_form(client, link_in(emails[0]), {"password": PASSWORD}))
    assert page.find("h1").get_text() == "Email address confirmed"
    assert "you are signed in" in text_of(page)
    post_form(client, "/account", {}, action="/account/sign-out")

    response = sign_in(client, "AMIRA@example.org", remember="y")
    assert response.status_code == 302
    assert response.location == "/manage"  # a representative lands on their listings
    remember = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in remember
    assert "SameSite=Lax" in remember

    page = checked_page(client.get("/account"))
    assert "amira@example.org" in text_of(page)
    nav = page.select_one(".nhsuk-header__navigation-list")
    assert "Your account" in nav.get_text()
    assert "Sign in" not in nav.get_text()
    sign_out_form = nav.find("form")
    assert sign_out_form["action"] == "/account/sign-out"
    assert sign_out_form["method"] == "post"

    response = post_form(client, "/account", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/account"
    page = checked_page(client.get("/account"))  # still signed in on this browser
    assert "Your password has been changed." in text_of(page)
    assert outbox_to(session, "amira@example.org")[-1].subject == "Your password has been changed"

    response = post_form(client, "/account", {}, action="/account/sign-out")
    assert response.status_code == 302
    assert response.location == "/account/sign-in"
    page = checked_page(client.get("/account/sign-in"))
    assert "You have signed out." in text_of(page)
    assert "Sign in" in page.select_one(".nhsuk-header__navigation-list").get_text()
    assert client.get("/account").status_code == 302

    assert sign_in(client, "amira@example.org").status_code == 400  # the old password no longer works
    assert sign_in(client, "amira@example.org", NEW_PASSWORD).status_code == 302

    assert actions_for(session, user) == [
        "account.signed_up",
        "account.sign_in_failed",
        "account.email_confirmed",
        "account.signed_out",
        "account.signed_in",
        "account.password_changed",
        "account.signed_out",
        "account.sign_in_failed",
        "account.signed_in",
    ]
    details = [event.detail for event in session.scalars(select(AuditEvent))]
    assert not any(PASSWORD in str(d) or NEW_PASSWORD in str(d) for d in details)


def test_changing_the_password_signs_out_other_browsers(app: Flask, client: FlaskClient, session: Session) -> None:
    make_user(session, "ben@example.org")
    other = app.test_client()
    assert sign_in(client, "ben@example.org").status_code == 302
    assert sign_in(other, "ben@example.org", remember="y").status_code == 302
    assert (
        post_form(client, "/account", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 302
    )
    checked_page(client.get("/account"))
    response = other.get("/account")  # session and remember-me cookie both name the old password
    assert response.status_code == 302
    assert response.location.startswith("/account/sign-in")


def test_sign_up_with_a_taken_address_looks_the_same_and_tells_the_owner(client: FlaskClient, session: Session) -> None:
    make_user(session, "cara@example.org")
    page = checked_page(post_form(client, "/account/sign-up", {"email": "Cara@example.org", "password": NEW_PASSWORD}))
    assert page.find("h1").get_text() == "Check your email"
    assert [e.subject for e in outbox_to(session, "cara@example.org")] == ["You already have an account"]
    assert session.scalar(select(User).where(User.email == "cara@example.org")).role == Role.REPRESENTATIVE


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("", PASSWORD, "email", "Enter your email address"),
        ("not-an-email", PASSWORD, "email", "Enter an email address in the correct format, like name@example.com"),
        ("dee@example.org", "", "password", "Enter a password"),
        ("dee@example.org", "short pass", "password", "Password must be 12 characters or more"),
        ("dee@example.org", "Password1234!", "password", "Enter a password that is harder to guess"),
        ("dee@example.org", "qwertyuiop12", "password", "Enter a password that is harder to guess"),
        ("deedeedee@example.org", "deedeedee and more", "password", "must not include your email address"),
    ],
)
def test_sign_up_with_bad_input_shows_what_to_fix_and_keeps_the_email(
    client: FlaskClient, email: str, password: str, field: str, message: str
) -> None:
    page = checked_page(post_form(client, "/account/sign-up", {"email": email, "password": password}), 400)
    assert page.title.get_text().startswith("Error: Create an account")
    summary = page.select_one(".nhsuk-error-summary")
    link = summary.find("a", href=f"#{field}")
    assert link is not None
    assert message in link.get_text()
    assert message in page.select_one(f"#{field}-error").get_text()
    assert page.select_one(f"#{field}")["aria-describedby"].endswith(f"{field}-error")
    assert page.select_one("#email").get("value", "") == email
    assert not page.select_one("#password").get("value")


def test_a_failed_sign_in_does_not_say_whether_the_account_exists(client: FlaskClient, session: Session) -> None:
    make_user(session, "eli@example.org")
    wrong_password = checked_page(sign_in(client, "eli@example.org", "not the right password"), 400)
    no_account = checked_page(sign_in(client, "nobody@example.org", "not the right password"), 400)
    for page, email in ((wrong_password, "eli@example.org"), (no_account, "nobody@example.org")):
        assert "The email address or password is not correct" in page.select_one(".nhsuk-error-summary").get_text()
        assert page.select_one("#email")["value"] == email
        assert not page.select_one("#password").get("value")
    assert text_of(wrong_password).replace("eli@", "X@") == text_of(no_account).replace("nobody@", "X@")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/account",
        "https://evil.example/",
        "http://localhost.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\n/evil.example",
        "/\t/evil.example",
    ],
)
def test_sign_in_ignores_an_unsafe_next(client: FlaskClient, session: Session, target: str) -> None:
    make_user(session, "fay@example.org")
    page = checked_page(client.get("/account/sign-in", query_string={"next": target}))
    assert page.find("input", attrs={"name": "next"}) is None
    response = sign_in(client, "fay@example.org", next=target)
    assert response.status_code == 302
    assert response.location == "/manage"  # the unsafe next is dropped: a representative's own landing


def test_sign_in_follows_a_safe_next(client: FlaskClient, session: Session) -> None:
    make_user(session, "gus@example.org")
    response = client.get("/account")
    assert response.status_code == 302
    assert response.location == "/account/sign-in?next=/account"
    page = checked_page(client.get(response.location))
    assert page.find("input", attrs={"name": "next"})["value"] == "/account"
    response = sign_in(client, "gus@example.org", next="/organisations?page=2")
    assert response.location == "/organisations?page=2"


def _request_reset(client: FlaskClient, session: Session, email: str) -> str:
    page = checked_page(post_form(client, "/account/reset-password", {"email": email}))
    assert page.find("h1").get_text() == "Check your email"
    return link_in(outbox_to(session, email)[-1])


def test_a_reset_link_sets_a_new_password_once(client: FlaskClient, session: Session) -> None:
    user = make_user(session, "hal@example.org")
    link = _request_reset(client, session, "HAL@example.org")
    page = checked_page(client.get(link))
    assert page.find("h1").get_text() == "Choose a new password"

    page = checked_page(post_form(client, link, {"password": "password1234"}), 400)
    assert "harder to guess" in page.select_one("#password-error").get_text()

    response = post_form(client, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.location == "/account/sign-in"
    assert "Your password has been changed" in text_of(checked_page(client.get("/account/sign-in")))
    assert sign_in(client, "hal@example.org", NEW_PASSWORD).status_code == 302

    page = checked_page(client.get(link), 400)  # a second use fails
    assert page.find("h1").get_text() == "This link has expired or has already been used"
    token = csrf_token_from(client.get("/account/reset-password"))
    assert client.post(link, data={"csrf_token": token, "password": "another good passphrase"}).status_code == 400
    assert "account.password_reset_requested" in actions_for(session, user)
    assert "account.password_reset" in actions_for(session, user)


def test_an_older_reset_link_stops_working_when_the_password_changes(client: FlaskClient, session: Session) -> None:
    make_user(session, "ida@example.org")
    first = _request_reset(client, session, "ida@example.org")
    second = _request_reset(client, session, "ida@example.org")
    assert post_form(client, second, {"password": NEW_PASSWORD}).status_code == 302
    checked_page(client.get(first), 400)


def test_a_reset_link_expires_after_an_hour(
    client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(session, "jo@example.org")
    an_hour_ago = int(time.time()) - 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_ago)
    link = _request_reset(client, session, "jo@example.org")
    monkeypatch.undo()
    page = checked_page(client.get(link), 400)
    assert "Get a new link" in text_of(page)


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client: FlaskClient, session: Session) -> None:
    page = checked_page(post_form(client, "/account/reset-password", {"email": "nobody@example.org"}))
    assert page.find("h1").get_text() == "Check your email"
    assert outbox_to(session, "nobody@example.org") == []


def test_a_tampered_or_foreign_token_is_refused(client: FlaskClient, session: Session) -> None:
    make_user(session, "kit@example.org")
    link = _request_reset(client, session, "kit@example.org")
    checked_page(client.get(link[:-2] + "xx"), 400)
    token = link.rsplit("/", 1)[1]
    checked_page(client.get(f"/account/confirm/{token}"), 400)  # a reset token is not a confirmation token


def test_a_confirmation_link_expires_after_7_days(
    client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    post_form(client, "/account/sign-up", {"email": "lou@example.org", "password": PASSWORD})
    monkeypatch.undo()
    page = checked_page(client.get(link_in(outbox_to(session, "lou@example.org")[0])), 400)
    assert page.find("h1").get_text() == "This link has expired or has already been used"
    assert not session.scalar(select(User).where(User.email == "lou@example.org")).is_confirmed


def test_change_password_needs_the_current_password(client: FlaskClient, session: Session) -> None:
    make_user(session, "max@example.org")
    sign_in(client, "max@example.org")
    page = checked_page(post_form(client, "/account", {"current_password": "wrong", "new_password": NEW_PASSWORD}), 400)
    assert page.title.get_text().startswith("Error: Your account")
    assert "Your current password is not correct" in page.select_one("#current_password-error").get_text()


def test_sign_out_only_accepts_post(client: FlaskClient, session: Session) -> None:
    make_user(session, "nia@example.org")
    sign_in(client, "nia@example.org")
    assert client.get("/account/sign-out").status_code == 405
    checked_page(client.get("/account"))


def test_a_hash_made_with_old_parameters_is_replaced_at_sign_in(client: FlaskClient, session: Session) -> None:
    from argon2 import PasswordHasher

    user = make_user(session, "ola@example.org")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    session.commit()
    assert sign_in(client, "ola@example.org").status_code == 302
    assert "m=8192" not in session.scalar(select(User.password_hash).where(User.email == "ola@example.org"))
    assert sign_in(client.application.test_client(), "ola@example.org").status_code == 302


def test_create_user_command_makes_a_confirmed_account(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "Pat@Example.org", "--role", "moderator", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created moderator account pat@example.org" in result.output
    user = session.scalar(select(User).where(User.email == "pat@example.org"))
    assert user is not None
    assert user.is_confirmed
    assert user.role == "moderator"
    assert actions_for(session, user) == ["account.created"]

    again = runner.invoke(args=["create-user", "pat@example.org", "--password-stdin"], input=f"{PASSWORD}\n")
    assert again.exit_code != 0
    assert "There is already an account for pat@example.org" in again.output
    weak = runner.invoke(args=["create-user", "quin@example.org", "--password-stdin"], input="password123\n")
    assert weak.exit_code != 0
    assert "12 characters or more" in weak.output


def test_create_user_command_asks_for_the_password_twice(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "ray@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat the password" in result.output
    assert session.scalar(select(User).where(User.email == "ray@example.org")).role == "representative"


def test_changing_a_role_is_audited(session: Session) -> None:
    from registry.services.accounts import change_role

    admin = make_user(session, "sam@example.org", Role.ADMIN)
    user = make_user(session, "tia@example.org")
    change_role(session, user, Role.COMMISSIONER, actor=admin, ip="127.0.0.1")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.role_changed")).one()
    assert event.actor_id == admin.id
    assert event.subject_id == str(user.id)
    assert event.detail == {"from": "representative", "to": "commissioner"}


def test_links_in_emails_are_absolute(client: FlaskClient, session: Session) -> None:
    post_form(client, "/account/sign-up", {"email": "uma@example.org", "password": PASSWORD})
    body = outbox_to(session, "uma@example.org")[0].body
    url = re.search(r"https?://\S+", body).group(0)
    assert urlsplit(url).netloc == "localhost"
