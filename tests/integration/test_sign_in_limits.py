"""Sign-in rate limits: per IP address and per account, each a clear 429 page (or the JSON 429 envelope)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.accounts import PASSWORD, csrf_token_from, make_user
from tests.support.pages import checked_page, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def attempt(client: FlaskClient, email: str, password: str, ip: str = "192.0.2.1", **headers: str):  # type: ignore[no-untyped-def]
    environ = {"REMOTE_ADDR": ip}
    token = csrf_token_from(client.get("/account/sign-in", environ_base=environ))
    return client.post(
        "/account/sign-in",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base=environ,
        headers=headers,
    )


def test_the_eleventh_attempt_in_a_minute_from_one_address_is_refused(client: FlaskClient) -> None:
    for number in range(10):
        assert attempt(client, f"person{number}@example.org", "wrong password here").status_code == 400
    page = checked_page(attempt(client, "person10@example.org", "wrong password here"), 429)
    assert page.find("h1").get_text() == "Too many attempts"
    assert "Wait 1 minute, then try again." in text_of(page)
    assert attempt(client, "person11@example.org", "wrong password", ip="192.0.2.2").status_code == 400


def test_the_sixth_failure_for_one_account_from_one_client_is_refused(client: FlaskClient, session: Session) -> None:
    make_user(session, "target@example.org")
    for _ in range(5):
        assert attempt(client, "target@example.org", "wrong password here", ip="198.51.100.7").status_code == 400
    response = attempt(client, "Target@Example.org", PASSWORD, ip="198.51.100.7")
    page = checked_page(response, 429)
    assert "Wait 15 minutes, then try again." in text_of(page)
    assert "Retry-After" in response.headers
    # An address with no account is limited in the same way, so the limit does not reveal which exist.
    for _ in range(5):
        attempt(client, "nobody@example.org", "wrong password here", ip="203.0.113.7")
    checked_page(attempt(client, "nobody@example.org", "wrong password here", ip="203.0.113.7"), 429)
    # Other accounts are unaffected.
    make_user(session, "other@example.org")
    assert attempt(client, "other@example.org", PASSWORD, ip="198.51.100.7").status_code == 302


def test_failures_from_elsewhere_do_not_lock_the_owner_out(client: FlaskClient, session: Session) -> None:
    """Five failures from an attacker's machine used to lock the account's owner out for 15 minutes."""
    make_user(session, "owner@example.org")
    for _ in range(6):
        attempt(client, "owner@example.org", "wrong password here", ip="198.51.100.66")
    assert attempt(client, "owner@example.org", PASSWORD, ip="192.0.2.200").status_code == 302


def test_an_account_has_a_looser_ceiling_across_all_clients(client: FlaskClient, session: Session) -> None:
    """A botnet spreading its guesses over many machines still meets a limit per account."""
    make_user(session, "spread@example.org")
    for number in range(50):
        response = attempt(client, "spread@example.org", "wrong password here", ip=f"10.1.{number // 200}.{number}")
        assert response.status_code == 400
    page = checked_page(attempt(client, "spread@example.org", PASSWORD, ip="192.0.2.201"), 429)
    assert "Wait 1 hour, then try again." in text_of(page)


def test_successful_sign_ins_do_not_use_up_the_account_limit(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(session, "busy@example.org")
    for number in range(7):
        response = attempt(app.test_client(), "busy@example.org", PASSWORD, ip=f"192.0.2.{number + 10}")
        assert response.status_code == 302


def test_json_clients_get_the_429_envelope(client: FlaskClient) -> None:
    for number in range(10):
        attempt(client, f"json{number}@example.org", "wrong password here", ip="192.0.2.77")
    response = attempt(client, "json@example.org", "wrong password", ip="192.0.2.77", Accept="application/json")
    assert response.status_code == 429
    assert response.json == {
        "error": {
            "status": 429,
            "code": "too_many_requests",
            "message": "Too many attempts. Wait 1 minute, then try again.",
        }
    }
