"""Roles: who may open which area. One table; each area the registry grows (``/manage`` for representatives,
``/commission`` for commissioners, ``/moderate`` for moderators) is one more row when its routes exist."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask_login import login_user
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from registry.models import Role
from registry.services.accounts import start_session
from registry.web.authorisation import PERMISSIONS, can, has_role, permission_required, role_required
from tests.support.accounts import make_user, sign_in
from tests.support.pages import checked_page


@dataclass(frozen=True)
class Area:
    path: str
    allowed: frozenset[Role]


AREAS = [
    Area("/account", frozenset(Role)),
    Area("/manage", frozenset({Role.REPRESENTATIVE})),
    Area("/manage/listings/new", frozenset({Role.REPRESENTATIVE})),
    Area("/manage/claim", frozenset({Role.REPRESENTATIVE})),
    # Area("/commission", frozenset({Role.COMMISSIONER})),   # when the commissioner tools exist
    Area("/moderate", frozenset({Role.MODERATOR})),
    Area("/moderate/audit", frozenset({Role.MODERATOR})),
    Area("/moderate/users", frozenset({Role.MODERATOR})),
    Area("/moderate/outbox", frozenset({Role.ADMIN})),
]


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.mark.parametrize("area", AREAS, ids=lambda area: area.path)
def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, session: Session, area: Area) -> None:
    response = app.test_client().get(area.path)
    assert response.status_code == 302
    assert response.location == f"/account/sign-in?next={area.path}"


@pytest.mark.parametrize("area", AREAS, ids=lambda area: area.path)
def test_anonymous_json_clients_get_the_401_envelope(app: Flask, session: Session, area: Area) -> None:
    response = app.test_client().get(area.path, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json == {"error": {"status": 401, "code": "unauthorised", "message": "Sign in to do this."}}


@pytest.mark.parametrize("area", AREAS, ids=lambda area: area.path)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_may_open_only_its_areas(app: Flask, session: Session, area: Area, role: Role) -> None:
    make_user(session, f"{role.value}@example.org", role)
    client = app.test_client()
    assert sign_in(client, f"{role.value}@example.org").status_code == 302
    response = client.get(area.path)
    if role in area.allowed or role is Role.ADMIN:
        checked_page(response, 200)
    else:
        checked_page(response, 403)


def test_role_required_refuses_a_signed_in_person_without_the_role(app: Flask, session: Session) -> None:
    representative = make_user(session, "rep@example.org", Role.REPRESENTATIVE)
    admin = make_user(session, "boss@example.org", Role.ADMIN)
    view = role_required(Role.MODERATOR)(lambda: "moderation queue")
    with app.test_request_context("/moderate"):
        start_session(session, representative)
        login_user(representative)
        with pytest.raises(Forbidden):
            view()
    with app.test_request_context("/moderate"):
        start_session(session, admin)
        login_user(admin)
        assert view() == "moderation queue"
    with app.test_request_context("/moderate"):
        response = view()
        assert response.status_code == 302
        assert response.location == "/account/sign-in?next=/moderate"


def test_permissions_follow_roles_and_admins_have_them_all(session: Session) -> None:
    moderator = make_user(session, "mod@example.org", Role.MODERATOR)
    commissioner = make_user(session, "com@example.org", Role.COMMISSIONER)
    admin = make_user(session, "adm@example.org", Role.ADMIN)
    assert can(moderator, "moderate:listing:verify")
    assert not can(moderator, "commission:export:read")
    assert can(commissioner, "commission:export:read")
    assert not can(commissioner, "moderate:listing:verify")
    assert all(can(admin, permission) for permission in PERMISSIONS)
    assert not has_role(None, Role.REPRESENTATIVE)
    with pytest.raises(KeyError):
        can(admin, "moderate:listing:delete")
    with pytest.raises(KeyError):
        permission_required("no:such:permission")
    assert all(name.count(":") == 2 for name in PERMISSIONS)
