"""Who may use the commissioner tools: every route for every role, in one table, and shortlists' privacy.

Anonymous visitors are sent to sign in (HTML) or get the 401 envelope (JSON); signed-in people without the role
get 403; commissioners and admins get the page. Granting the role is for moderators (and admins). Someone else's
shortlist is "not found" on every route, whoever asks, admins included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Organisation, Role, Shortlist, User
from registry.services import shortlists
from tests.support.accounts import csrf_token_from, make_user, sign_in
from tests.support.pages import checked_page

LISTINGS = ("mutual-support", "ripplez-cic")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {shortlist} and {user} are filled in per test
    allowed: frozenset[Role] = frozenset({Role.COMMISSIONER})
    data: dict[str, Any] = field(default_factory=dict)
    success: int = 200

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES = [
    Route("GET", "/commission"),
    Route("GET", "/commission?area=Sheffield&eligible=meets&sort=name"),
    Route("GET", "/commission/results.csv"),
    Route("GET", "/commission/results.json"),
    Route("GET", "/commission/results.xlsx"),
    Route("GET", "/commission/overview"),
    Route("GET", "/commission/shortlists"),
    Route("POST", "/commission/shortlists", data={"name": "Another"}, success=302),
    Route("GET", "/commission/shortlists/{shortlist}"),
    Route("POST", "/commission/shortlists/{shortlist}/rename", data={"name": "Renamed"}, success=302),
    Route("POST", "/commission/shortlists/{shortlist}/delete", success=302),
    Route("POST", "/commission/shortlists/{shortlist}/listings/mutual-support/note", data={"note": "Hi"}, success=302),
    Route("POST", "/commission/shortlists/{shortlist}/listings/mutual-support/remove", success=302),
    Route("GET", "/commission/shortlists/{shortlist}/compare?org=mutual-support&org=ripplez-cic"),
    Route("GET", "/commission/shortlists/{shortlist}/export.csv"),
    Route("GET", "/commission/shortlists/{shortlist}/export.json"),
    Route("GET", "/commission/shortlists/{shortlist}/export.xlsx"),
    Route("GET", "/commission/organisations/mutual-support/shortlist"),
    Route("POST", "/commission/organisations/mutual-support/shortlist", data={"shortlist": "{shortlist}"}, success=302),
    Route("GET", "/commission/commissioners", allowed=frozenset({Role.MODERATOR})),
    Route(
        "POST",
        "/commission/commissioners",
        allowed=frozenset({Role.MODERATOR}),
        data={"email": "someone-else@example.org"},
        success=302,
    ),
    Route("POST", "/commission/commissioners/{user}/revoke", allowed=frozenset({Role.MODERATOR}), success=302),
]
SHORTLIST_ROUTES = [route for route in ROUTES if "{shortlist}" in route.path]


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def _shortlist_for(session: Session, user: User, name: str = "Mine") -> int:
    shortlist = shortlists.create_shortlist(session, user, name)
    for slug in LISTINGS:
        org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
        shortlists.add_to_shortlist(session, shortlist, org)
    session.commit()
    return shortlist.id


def _fill(text: str, shortlist_id: int, user_id: int) -> str:
    return text.replace("{shortlist}", str(shortlist_id)).replace("{user}", str(user_id))


def _request(client: FlaskClient, route: Route, shortlist_id: int, user_id: int, **kwargs: Any) -> Any:
    path = _fill(route.path, shortlist_id, user_id)
    if route.method == "GET":
        return client.get(path, **kwargs)
    # Signed in, every page's header has the sign-out form's token; signed out, the sign-in form has one.
    home = client.get("/")
    token = csrf_token_from(home if b"csrf_token" in home.data else client.get("/account/sign-in"))
    data = {key: _fill(value, shortlist_id, user_id) for key, value in route.data.items()}
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, session: Session, route: Route) -> None:
    client = app.test_client()
    response = _request(client, route, 1, 1)
    assert response.status_code == 302
    assert response.location.startswith("/account/sign-in?next=")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_json_clients_get_the_401_envelope(app: Flask, session: Session, route: Route) -> None:
    client = app.test_client()
    response = _request(client, route, 1, 1, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json == {"error": {"status": 401, "code": "unauthorised", "message": "Sign in to do this."}}


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.COMMISSIONER, Role.MODERATOR, Role.ADMIN], ids=str)
def test_each_role_may_use_only_its_routes(app: Flask, session: Session, route: Route, role: Role) -> None:
    user = make_user(session, f"{role.value}@example.org", role)
    user_id = user.id
    shortlist_id = _shortlist_for(session, user)
    target_id = make_user(session, "target@example.org", Role.COMMISSIONER).id
    make_user(session, "someone-else@example.org")
    client = app.test_client()
    assert sign_in(client, f"{role.value}@example.org").status_code == 302
    response = _request(client, route, shortlist_id, target_id if "{user}" in route.path else user_id)
    if role in route.allowed or role is Role.ADMIN:
        assert response.status_code == route.success, response.get_data(as_text=True)[:400]
        if response.status_code == 200 and response.mimetype == "text/html":
            checked_page(response)
    else:
        checked_page(response, 403)


@pytest.mark.parametrize("route", SHORTLIST_ROUTES, ids=str)
@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMIN], ids=str)
def test_another_persons_shortlist_is_not_found_on_every_route(
    app: Flask, session: Session, route: Route, role: Role
) -> None:
    owner = make_user(session, "owner@example.org", Role.COMMISSIONER)
    theirs = _shortlist_for(session, owner, "Private")
    make_user(session, "nosy@example.org", role)
    client = app.test_client()
    sign_in(client, "nosy@example.org")
    response = _request(client, route, theirs, 0)
    if route.path.startswith("/commission/organisations/"):
        # Adding to someone else's shortlist: it is not one of yours to choose, so the form says so.
        page = checked_page(response, 400)
        assert "Choose one of your shortlists" in page.select_one(".nhsuk-error-summary").get_text()
    else:
        checked_page(response, 404)
    assert [e.organisation.slug for e in session.get(Shortlist, theirs).entries] == list(LISTINGS)


def test_a_post_without_a_csrf_token_is_refused(app: Flask, session: Session) -> None:
    user = make_user(session, "buyer@example.org", Role.COMMISSIONER)
    shortlist_id = _shortlist_for(session, user)
    client = app.test_client()
    sign_in(client, "buyer@example.org")
    for route in ROUTES:
        if route.method == "POST" and Role.COMMISSIONER in route.allowed:
            response = client.post(_fill(route.path, shortlist_id, 0), data=route.data)
            assert response.status_code == 400, route


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (None, False),
        (Role.REPRESENTATIVE, False),
        (Role.MODERATOR, False),
        (Role.COMMISSIONER, True),
        (Role.ADMIN, True),
    ],
    ids=str,
)
def test_the_commission_link_and_the_shortlist_link_show_only_to_commissioners(
    app: Flask, session: Session, role: Role | None, shown: bool
) -> None:
    client = app.test_client()
    if role is not None:
        make_user(session, "person@example.org", role)
        sign_in(client, "person@example.org")
    for path in ("/", "/organisations/mutual-support"):
        page = checked_page(client.get(path))
        links = [a["href"] for a in page.select("a[href]")]
        assert ("/commission" in links) is shown, path
    listing = checked_page(client.get("/organisations/mutual-support"))
    add = listing.select_one('a[href^="/commission/organisations/mutual-support/shortlist"]')
    assert (add is not None) is shown
