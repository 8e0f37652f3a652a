"""Every route that touches one listing, claim or change request loads it through one loader that checks the
signed-in person's rights. Each role is tried against each route, by URL and by form field: a representative
of one organisation can neither see another's draft nor change another's listing; only moderators moderate.

A refused person gets 403 for something the public can see anyway and 404 for a draft, so guessing addresses
does not reveal which drafts exist. Anonymous visitors are sent to sign in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ChangeRequest, Claim, Membership, Organisation, Role, User
from registry.services.registration import make_claim, start_draft
from registry.services.registration import submit_for_review as submit_service
from tests.support.accounts import csrf_token_from, make_user, sign_in
from tests.support.factories import make_listing
from tests.support.pages import checked_page

OWNER, OTHER = "owner@first.example.org", "other@second.example.org"
ROLES = ("anonymous", "owner", "other", "commissioner", "moderator", "admin")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    # What each role gets: "ok" (the page, or a redirect after success), "sign-in", 403 or 404.
    expect: dict[str, str | int]


def _owner_only(public: bool) -> dict[str, str | int]:
    refused = 403 if public else 404
    return {
        "anonymous": "sign-in",
        "owner": "ok",
        "other": refused,
        "commissioner": 403,
        "moderator": 403,
        "admin": refused,
    }


MODERATORS: dict[str, str | int] = {
    "anonymous": "sign-in",
    "owner": 403,
    "other": 403,
    "commissioner": 403,
    "moderator": "ok",
    "admin": "ok",
}
ADMINS: dict[str, str | int] = {**MODERATORS, "moderator": 403}
DRAFT_HISTORY: dict[str, str | int] = {
    "anonymous": 404,
    "owner": "ok",
    "other": 404,
    "commissioner": 404,
    "moderator": "ok",
    "admin": "ok",
}

ROUTES = [
    *(
        Route("GET", f"/manage/listings/{{draft}}/{step}", _owner_only(False))
        for step in ("about", "legal", "governance", "services")
    ),
    Route("GET", "/manage/listings/{draft}", _owner_only(False)),
    Route("GET", "/manage/listings/{draft}/withdraw", _owner_only(False)),
    Route("POST", "/manage/listings/{draft}/about", _owner_only(False)),
    Route("POST", "/manage/listings/{draft}/submit", _owner_only(False)),
    Route("POST", "/manage/listings/{draft}/withdraw", _owner_only(False)),
    Route("GET", "/manage/listings/{published}/about", _owner_only(True)),
    Route("POST", "/manage/listings/{published}/governance", _owner_only(True)),
    Route("GET", "/organisations/{draft}/history", DRAFT_HISTORY),
    Route("GET", "/moderate", MODERATORS),
    Route("GET", "/moderate/changes/{change}", MODERATORS),
    Route("POST", "/moderate/changes/{change}", MODERATORS),
    Route("GET", "/moderate/claims/{claim}", MODERATORS),
    Route("POST", "/moderate/claims/{claim}", MODERATORS),
    Route("GET", "/moderate/listings?q=first", MODERATORS),
    Route("GET", "/moderate/listings/{published}", MODERATORS),
    Route("POST", "/moderate/listings/{published}", MODERATORS),
    Route("POST", "/moderate/listings/{draft}/revisions/1/restore", MODERATORS),
    Route("GET", "/moderate/audit", MODERATORS),
    Route("GET", "/moderate/users", MODERATORS),
    Route("POST", "/moderate/users", MODERATORS),
    Route("GET", "/moderate/outbox", ADMINS),
    Route("GET", "/manage", {**_owner_only(True), "other": "ok", "admin": "ok"}),
    Route("GET", "/manage/claim/{published}", {**_owner_only(True), "other": "ok", "admin": "ok"}),
]


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@dataclass
class World:
    ids: dict[str, str]
    clients: dict[str, FlaskClient]


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    owner = make_user(session, OWNER, Role.REPRESENTATIVE)
    other = make_user(session, OTHER, Role.REPRESENTATIVE)
    for role in (Role.COMMISSIONER, Role.MODERATOR, Role.ADMIN):
        make_user(session, f"{role.value}@registry.example.org", role)
    draft = start_draft(session, owner, {"name": "First Draft Co-op", "description": "Ours."})
    waiting = start_draft(session, owner, {"name": "Waiting Co-op", "description": "Ours.", "legal_form": "cio"})
    waiting_request = _submitted(session, waiting, owner)
    published = make_listing(session, "first-published-co-op", verification="verified")
    session.add(Membership(user_id=owner.id, organisation_id=published.id))
    claim = make_claim(session, published, other, role_at_organisation="Chair", evidence="On the register.")
    session.commit()
    ids = {
        "draft": draft.slug,
        "published": published.slug,
        "change": str(waiting_request.id),
        "claim": str(claim.id),
    }
    clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    for role, email in (
        ("owner", OWNER),
        ("other", OTHER),
        ("commissioner", "commissioner@registry.example.org"),
        ("moderator", "moderator@registry.example.org"),
        ("admin", "admin@registry.example.org"),
    ):
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        clients[role] = client
    return World(ids, clients)


def _submitted(session: Session, org: Organisation, user: User) -> ChangeRequest:
    from registry.services.editing import save_change

    save_change(
        session,
        org,
        {"services": [{"code": "hsc-homecare"}], "member_classes": [{"name": "Staff", "kind": "staff"}]},
        editor=user,
        summary="Filled in",
    )
    return submit_service(session, org, user, manage_url="http://localhost/manage", site_name="Registry")


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_each_role_gets_only_what_it_may_on_each_route(session: Session, world: World, route: Route) -> None:
    path = route.path.format(**world.ids)
    for role in ROLES:
        client = world.clients[role]
        if route.method == "GET":
            response = client.get(path)
        else:
            token = csrf_token_from(client.get("/check"))
            response = client.post(path, data={"csrf_token": token, "name": "Taken Over", "reason": "x"})
        expected = route.expect[role]
        where = f"{role}: {route.method} {path} gave {response.status_code}"
        if expected == "sign-in":
            assert response.status_code == 302, where
            assert response.location.startswith("/account/sign-in?next="), where
        elif expected == "ok":
            assert response.status_code in (200, 302, 400, 409), where
            if response.status_code == 302:
                assert not response.location.startswith("/account/sign-in"), where
        else:
            assert response.status_code == expected, where
            checked_page(response, expected)
    session.expire_all()
    names = set(session.scalars(select(Organisation.name).where(Organisation.slug.in_(list(world.ids.values())))))
    assert "Taken Over" not in names or route.expect["owner"] == "ok"


def test_a_representative_cannot_change_another_organisations_listing_by_url(session: Session, world: World) -> None:
    other = world.clients["other"]
    for slug in (world.ids["draft"], world.ids["published"]):
        page = f"/manage/listings/{slug}/about"
        token = csrf_token_from(other.get("/manage"))
        response = other.post(page, data={"csrf_token": token, "name": "Taken Over", "version": "1"})
        assert response.status_code in (403, 404)
    session.expire_all()
    assert session.scalar(select(Organisation).where(Organisation.name == "Taken Over")) is None


def test_a_tampered_hidden_field_cannot_point_a_form_at_another_organisation(session: Session, world: World) -> None:
    """Forms carry no organisation id at all: the listing is the one in the URL, loaded and checked."""
    other_user = session.scalars(select(User).where(User.email == OTHER)).one()
    mine = start_draft(session, other_user, {"name": "Second Draft Co-op"})
    session.commit()
    mine_id, mine_slug, mine_version = mine.id, mine.slug, mine.version
    draft_id = session.scalars(select(Organisation.id).where(Organisation.slug == world.ids["draft"])).one()
    other = world.clients["other"]
    page = f"/manage/listings/{mine_slug}/about"
    response = other.post(
        page,
        data={
            "csrf_token": csrf_token_from(other.get(page)),
            "version": str(mine_version),
            "name": "Renamed By Tampering",
            "organisation_id": str(draft_id),
            "slug": world.ids["draft"],
            "id": str(draft_id),
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, draft_id).name == "First Draft Co-op"
    assert session.get(Organisation, mine_id).name == "Renamed By Tampering"


def test_representatives_see_only_their_own_listings_and_no_moderation_link(session: Session, world: World) -> None:
    owner_home = checked_page(world.clients["owner"].get("/manage"))
    other_home = checked_page(world.clients["other"].get("/manage"))
    assert owner_home.find("a", string="First Draft Co-op") is not None
    assert other_home.find("a", string="First Draft Co-op") is None
    assert owner_home.find("a", href="/moderate") is None
    commissioner = checked_page(world.clients["commissioner"].get("/account"))
    assert commissioner.find("a", href="/moderate") is None
    assert commissioner.find("a", href="/manage") is None
    moderator = checked_page(world.clients["moderator"].get("/moderate"))
    assert moderator.find("a", href="/moderate") is not None


def test_a_commissioner_cannot_moderate_or_claim(session: Session, world: World) -> None:
    commissioner = world.clients["commissioner"]
    token = csrf_token_from(commissioner.get("/account"))
    claim_id = world.ids["claim"]
    response = commissioner.post(f"/moderate/claims/{claim_id}", data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Claim, int(claim_id)).status == "pending"
    assert commissioner.get(f"/manage/claim/{world.ids['published']}").status_code == 403
