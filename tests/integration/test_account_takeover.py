"""Regression tests for the account-takeover findings of the hostile review (issue 14, items 1, 2, 5 and 6):
emailed links built from the configured base URL with untrusted hosts refused; sign-up before the mailbox's
owner; sign-up timing; sign-out and password changes revoking sessions server-side."""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.config import ConfigurationError, load_config, trusted_hosts
from registry.extensions import limiter
from registry.models import OutboxEmail, User, UserSession
from tests.support.accounts import PASSWORD, csrf_token_from, make_user, outbox_to, post_form, sign_in
from tests.support.pages import checked_page, text_of

OWNER_PASSWORD = "lantern orchard velvet quiver"
ATTACKER_PASSWORD = "crimson harbour mango tilt"


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def account_link(email: OutboxEmail) -> str:
    match = re.search(r"https?://[^/\s]+(/account/\S+)", email.body)
    assert match, email.body
    return match.group(1)


# 1. Emailed links follow the configured base URL, and untrusted hosts are refused.


def test_a_forged_host_header_is_refused_before_anything_is_sent(client: FlaskClient, session: Session) -> None:
    make_user(session, "victim@example.org")
    token = csrf_token_from(client.get("/account/reset-password"))
    response = client.post(
        "/account/reset-password",
        data={"csrf_token": token, "email": "victim@example.org"},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert outbox_to(session, "victim@example.org") == []
    for host in ("evil.example", "localhost.evil.example", "evil.example:80"):
        assert client.get("/", headers={"Host": host}).status_code == 400
    checked_page(client.get("/", headers={"X-Forwarded-Host": "evil.example"}))  # not trusted: ignored


def test_emailed_links_use_the_configured_base_url_whatever_the_host(
    app: Flask, client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(session, "victim2@example.org")
    monkeypatch.setitem(app.config, "BASE_URL", "https://registry.example.org")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["registry.example.org", "localhost", "internal.example"])
    token = csrf_token_from(client.get("/account/reset-password", headers={"Host": "internal.example"}))
    client.post(
        "/account/reset-password",
        data={"csrf_token": token, "email": "victim2@example.org"},
        headers={"Host": "internal.example"},
    )
    [email] = outbox_to(session, "victim2@example.org")
    links = re.findall(r"https?://\S+", email.body)
    assert links
    assert all(link.startswith("https://registry.example.org/account/reset-password/") for link in links)
    listing = client.get("/api/v1/organisations?per_page=1", headers={"Host": "internal.example"}).json
    assert listing["data"][0]["url"].startswith("https://registry.example.org/organisations/")


def test_production_refuses_to_start_without_a_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql+psycopg://registry@db/registry")
    monkeypatch.delenv("REGISTRY_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="REGISTRY_BASE_URL is not set"):
        load_config(tmp_path, "production")
    monkeypatch.setenv("REGISTRY_BASE_URL", "http://registry.example.org")
    with pytest.raises(ConfigurationError, match="must start with https://"):
        load_config(tmp_path, "production")
    monkeypatch.setenv("REGISTRY_BASE_URL", "https://registry.example.org/some/path")
    with pytest.raises(ConfigurationError, match="scheme and host only"):
        load_config(tmp_path, "production")
    monkeypatch.setenv("REGISTRY_BASE_URL", "https://registry.example.org/")
    monkeypatch.setenv("REGISTRY_TRUSTED_HOSTS", "10.0.0.5, .internal.example")
    settings = load_config(tmp_path, "production")
    assert settings["BASE_URL"] == "https://registry.example.org"
    assert settings["TRUSTED_HOSTS"] == ["registry.example.org", "10.0.0.5", ".internal.example"]


def test_development_trusts_only_the_loopback_names() -> None:
    assert trusted_hosts(None, None) == ["localhost", "127.0.0.1"]
    assert trusted_hosts("http://localhost:5000", None) == ["localhost"]


# 2. Sign-up before the owner: the first password must not survive the owner's confirmation.


def test_an_attackers_earlier_sign_up_cannot_take_the_owners_account(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    attacker = app.test_client()
    post_form(attacker, "/account/sign-up", {"email": "owner@nhs.example", "password": ATTACKER_PASSWORD})
    post_form(client, "/account/sign-up", {"email": "owner@nhs.example", "password": OWNER_PASSWORD})
    first, second = outbox_to(session, "owner@nhs.example")

    # The link sent for the attacker's sign-up no longer works: the owner's sign-up replaced it.
    checked_page(client.get(account_link(first)), 400)
    # The owner's link asks for the password, and confirms only the owner's.
    page = checked_page(post_form(client, account_link(second), {"password": ATTACKER_PASSWORD}), 400)
    assert "Enter the password you chose" in page.select_one(".nhsuk-error-summary").get_text()
    page = checked_page(post_form(client, account_link(second), {"password": OWNER_PASSWORD}))
    assert page.find("h1").get_text() == "Email address confirmed"

    assert sign_in(attacker, "owner@nhs.example", ATTACKER_PASSWORD).status_code == 400
    assert sign_in(app.test_client(), "owner@nhs.example", OWNER_PASSWORD).status_code == 302


def test_a_link_from_a_sign_up_the_owner_did_not_make_cannot_confirm_without_its_password(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    """The attacker signs up again after the owner: the newest link in the owner's mailbox is the attacker's,
    and clicking it, the owner cannot confirm the attacker's password (they do not know it)."""
    attacker = app.test_client()
    post_form(client, "/account/sign-up", {"email": "owner2@example.org", "password": OWNER_PASSWORD})
    post_form(attacker, "/account/sign-up", {"email": "owner2@example.org", "password": ATTACKER_PASSWORD})
    owners, attackers = outbox_to(session, "owner2@example.org")
    checked_page(client.get(account_link(owners)), 400)
    checked_page(post_form(client, account_link(attackers), {"password": OWNER_PASSWORD}), 400)
    user = session.scalar(select(User).where(User.email == "owner2@example.org"))
    session.refresh(user)
    assert not user.is_confirmed
    # The owner signs up once more and confirms their own password.
    post_form(client, "/account/sign-up", {"email": "owner2@example.org", "password": OWNER_PASSWORD})
    latest = outbox_to(session, "owner2@example.org")[-1]
    page = checked_page(post_form(client, account_link(latest), {"password": OWNER_PASSWORD}))
    assert page.find("h1").get_text() == "Email address confirmed"


def test_a_commissioner_domain_account_is_not_made_from_an_attackers_password(
    app: Flask, client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "COMMISSIONER_DOMAINS", "nhs.example")
    post_form(app.test_client(), "/account/sign-up", {"email": "lead@nhs.example", "password": ATTACKER_PASSWORD})
    post_form(client, "/account/sign-up", {"email": "lead@nhs.example", "password": OWNER_PASSWORD})
    link = account_link(outbox_to(session, "lead@nhs.example")[-1])
    checked_page(post_form(client, link, {"password": OWNER_PASSWORD}))
    attacker = app.test_client()
    assert sign_in(attacker, "lead@nhs.example", ATTACKER_PASSWORD).status_code == 400
    assert attacker.get("/commission").status_code == 302


def test_sign_up_for_a_confirmed_address_says_the_same_and_emails_the_owner(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "taken@example.org")
    new = checked_page(post_form(client, "/account/sign-up", {"email": "fresh@example.org", "password": PASSWORD}))
    taken = checked_page(post_form(client, "/account/sign-up", {"email": "taken@example.org", "password": PASSWORD}))
    assert text_of(new).replace("fresh@", "X@") == text_of(taken).replace("taken@", "X@")
    assert [e.subject for e in outbox_to(session, "taken@example.org")] == ["You already have an account"]
    assert sign_in(client, "taken@example.org", PASSWORD).status_code == 302  # the password was not replaced


# 5. Sign-up timing does not tell whether an account exists.


def test_sign_up_costs_the_same_whether_or_not_the_address_has_an_account(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "exists@example.org")

    def timed(email: str) -> float:
        token = csrf_token_from(client.get("/account/sign-up"))
        started = time.perf_counter()
        client.post("/account/sign-up", data={"csrf_token": token, "email": email, "password": PASSWORD})
        return time.perf_counter() - started

    new = statistics.median(timed(f"new{number}@example.org") for number in range(5))
    limiter.reset()
    existing = statistics.median(timed("exists@example.org") for _ in range(5))
    # Before the fix: about 6 ms against 160 ms (only a new account hashed a password). Both now hash once.
    assert existing > new * 0.5, (existing, new)
    assert new > existing * 0.5, (existing, new)


# 6. Signing out and changing the password end sessions on the server.


def _cookies(client: FlaskClient) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _client_with(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    copy = app.test_client()
    for key, value in cookies.items():
        copy.set_cookie(key, value)
    return copy


def test_signing_out_revokes_the_session_and_remember_me_cookies_wherever_they_were_copied(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_user(session, "leaver@example.org")
    assert sign_in(client, "leaver@example.org", remember="y").status_code == 302
    stolen = _cookies(client)
    assert {"session", "remember_token"} <= set(stolen)
    remembered_only = {"remember_token": stolen["remember_token"]}
    checked_page(_client_with(app, stolen).get("/account"))
    checked_page(_client_with(app, remembered_only).get("/account"))

    assert post_form(client, "/account", {}, action="/account/sign-out").status_code == 302
    assert _client_with(app, stolen).get("/account").status_code == 302
    assert _client_with(app, remembered_only).get("/account").status_code == 302
    sessions = session.scalars(select(UserSession).join(User).where(User.email == "leaver@example.org")).all()
    assert [row.revoked_at is not None for row in sessions] == [True]


def test_changing_the_password_revokes_copied_cookies_but_keeps_this_browser(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_user(session, "mover@example.org")
    sign_in(client, "mover@example.org", remember="y")
    stolen = _cookies(client)
    post_form(client, "/account", {"current_password": PASSWORD, "new_password": OWNER_PASSWORD})
    checked_page(client.get("/account"))
    assert _client_with(app, stolen).get("/account").status_code == 302
    assert _client_with(app, {"remember_token": stolen["remember_token"]}).get("/account").status_code == 302


def test_a_session_token_works_only_for_its_own_user(app: Flask, client: FlaskClient, session: Session) -> None:
    from registry.services.accounts import user_for_session

    first = make_user(session, "first@example.org")
    sign_in(client, "first@example.org", remember="y")
    session_id = _cookies(client)["remember_token"].split("|")[0]
    _, token = session_id.split(":")
    assert user_for_session(session, session_id).id == first.id
    assert user_for_session(session, f"{first.id}:not-the-token") is None
    assert user_for_session(session, f"{first.id + 1}:{token}") is None
