"""Signing in takes each role where its work is, unless a safe page asked to come back to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role
from registry.web.account.views import landing_for
from tests.support.accounts import make_user, sign_in
from tests.support.pages import checked_page

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

LANDINGS = [
    (Role.REPRESENTATIVE, "/manage", "Your listings"),
    (Role.COMMISSIONER, "/commission", None),
    (Role.MODERATOR, "/moderate", None),
    # An admin holds every role: the moderation queue comes first, then commissioning, then listings.
    (Role.ADMIN, "/moderate", None),
]


@pytest.mark.parametrize(("role", "landing", "heading"), LANDINGS)
def test_sign_in_without_next_lands_where_the_roles_work_is(
    client: FlaskClient, session: Session, role: Role, landing: str, heading: str | None
) -> None:
    make_user(session, f"{role.value}@example.org", role)
    response = sign_in(client, f"{role.value}@example.org")
    assert response.status_code == 302
    assert response.location == landing
    page = checked_page(client.get(landing))
    if heading:
        assert page.find("h1").get_text(strip=True) == heading


@pytest.mark.parametrize(("role", "landing", "heading"), LANDINGS)
def test_opening_sign_in_when_signed_in_goes_to_the_same_landing(
    client: FlaskClient, session: Session, role: Role, landing: str, heading: str | None
) -> None:
    make_user(session, f"{role.value}@example.org", role)
    sign_in(client, f"{role.value}@example.org")
    response = client.get("/account/sign-in")
    assert response.status_code == 302
    assert response.location == landing


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.COMMISSIONER, Role.MODERATOR])
def test_a_safe_next_wins_over_the_roles_landing(client: FlaskClient, session: Session, role: Role) -> None:
    make_user(session, f"{role.value}@example.org", role)
    response = sign_in(client, f"{role.value}@example.org", next="/account")
    assert response.location == "/account"


def test_an_unsafe_next_falls_back_to_the_roles_landing(client: FlaskClient, session: Session) -> None:
    make_user(session, "com@example.org", Role.COMMISSIONER)
    response = sign_in(client, "com@example.org", next="https://evil.example/commission")
    assert response.location == "/commission"


def test_landing_for_someone_no_area_admits_is_their_account(app: Flask) -> None:
    someone = SimpleNamespace(is_authenticated=True, role="none")  # a role no permission grants
    with app.test_request_context():
        assert landing_for(someone) == "/account"  # type: ignore[arg-type]
