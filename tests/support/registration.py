"""The registration journey in tests: the four steps' answers for a multi-stakeholder homecare co-operative,
helpers that post a step with its CSRF token and the version it was loaded at and submit the listing, and the
listing as the database holds it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Organisation
from tests.support.accounts import csrf_token_from

REPRESENTATIVE_EMAIL = "rep@riverside.example.org"  # who registers Riverside Homecare (the ``representative`` fixture)
ABOUT = {
    "name": "Riverside Homecare Co-operative",
    "description": "Homecare in Sheffield, owned by the people who give and receive care.",
    "website": "https://riverside-homecare.example.org",
    "email": "hello@riverside-homecare.example.org",
    "phone": "0114 496 0000",
    "founded": "2019",
    "origin": "independent",
    "employees": "42",
    "members": "180",
}
LEGAL = {
    "legal_form": "co_operative_society",
    "identifiers-0-scheme": "GB-MPR",
    "identifiers-0-value": "8123r",
}
GOVERNANCE = {
    "governance_model": "multi_stakeholder",
    "all_employees_eligible": "yes",
    "member_classes-0-name": "Care workers",
    "member_classes-0-kind": "staff",
    "member_classes-0-count": "40",
    "member_classes-0-voting_rule": "one_member_one_vote",
    "member_classes-1-name": "People who receive care",
    "member_classes-1-kind": "service_user",
    "member_classes-1-count": "120",
    "member_classes-1-voting_rule": "one_member_one_vote",
    "member_classes-2-name": "Family carers",
    "member_classes-2-kind": "carer",
    "member_classes-2-count": "20",
    "member_classes-2-voting_rule": "one_member_one_vote",
    "board_seats-0-role": "Worker directors",
    "board_seats-0-source": "elected_by_class",
    "board_seats-0-seats": "3",
    "board_seats-0-member_class": "Care workers",
    "board_seats-1-role": "Client directors",
    "board_seats-1-source": "elected_by_class",
    "board_seats-1-seats": "3",
    "board_seats-1-member_class": "People who receive care",
    "board_seats-2-role": "Carer director",
    "board_seats-2-source": "elected_by_class",
    "board_seats-2-seats": "1",
    "board_seats-2-member_class": "family carers",
    "profits-asset_lock": "constitutional",
    "profits-distribution_basis": "patronage",
}
SERVICES = {
    "services": ["hsc-homecare", "hsc-reablement"],
    "locations-0-name": "Office",
    "locations-0-address": "1 Example Street\nSheffield",
    "locations-0-postcode": "s12he",
    "locations-0-is_registered_office": "y",
    "service_areas": ["E08000039", "E08000018"],
}


def post_step(client: FlaskClient, page: str, data: dict[str, Any], **extra: Any) -> Any:
    """Open a step, carry its CSRF token and the version it was loaded at, and post the answers."""
    response = client.get(page)
    token = csrf_token_from(response)
    form: dict[str, Any] = {"csrf_token": token, "action": "continue", **data, **extra}
    version = hidden_value(response.get_data(as_text=True), "version")
    if version is not None and "version" not in data:
        form["version"] = version
    return client.post(page, data=form)


def hidden_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


def register(client: FlaskClient, **overrides: dict[str, Any]) -> str:
    """Walk the four steps; returns the listing's slug."""
    response = post_step(client, "/manage/listings/new", overrides.get("about", ABOUT))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    slug = response.location.split("/")[3]
    assert response.location == f"/manage/listings/{slug}/legal"
    for step, data in (("legal", LEGAL), ("governance", GOVERNANCE), ("services", SERVICES)):
        response = post_step(client, f"/manage/listings/{slug}/{step}", overrides.get(step, data))
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])
    assert response.location == f"/manage/listings/{slug}"
    return slug


def submit(client: FlaskClient, slug: str) -> None:
    """Submit a registered listing for moderation from its check-your-answers page."""
    page = client.get(f"/manage/listings/{slug}")
    response = client.post(
        f"/manage/listings/{slug}/submit",
        data={"csrf_token": csrf_token_from(page), "version": hidden_value(page.get_data(as_text=True), "version")},
    )
    assert response.status_code == 302


def listing_by_slug(session: Session, slug: str) -> Organisation:
    """The listing as the database now holds it (after requests wrote to it)."""
    session.expire_all()
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
