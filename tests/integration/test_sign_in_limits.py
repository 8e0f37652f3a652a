"""Sign-in rate limits: per IP address and per account, each a clear 429 page (or the JSON 429 envelope)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.extensions import limiter
from tests.support.accounts import PASSWORD, csrf_token_from, make_user
from tests.support.pages import checked_page, text_of


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


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


def test_the_sixth_failure_for_one_account_is_refused_from_any_address(client: FlaskClient, session: Session) -> None:
    make_user(session, "target@example.org")
    for number in range(5):
        response = attempt(client, "target@example.org", "wrong password here", ip=f"198.51.100.{number}")
        assert response.status_code == 400
    response = attempt(client, "Target@Example.org", PASSWORD, ip="198.51.100.99")
    page = checked_page(response, 429)
    assert "Wait 15 minutes, then try again." in text_of(page)
    assert "Retry-After" in response.headers
    # An address with no account is limited in the same way, so the limit does not reveal which exist.
    for number in range(5):
        attempt(client, "nobody@example.org", "wrong password here", ip=f"203.0.113.{number}")
    checked_page(attempt(client, "nobody@example.org", "wrong password here", ip="203.0.113.99"), 429)
    # Other accounts are unaffected.
    make_user(session, "other@example.org")
    assert attempt(client, "other@example.org", PASSWORD, ip="198.51.100.50").status_code == 302


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
