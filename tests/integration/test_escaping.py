"""Output escaping: script and markup typed into every free-text field of the registration journey, a claim
and the moderators' reasons render as inert text on every page that shows them: the listing page, the list
and search, /manage, check your answers, each step's form, /moderate, the audit log, the outbox and history."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ChangeRequest, Claim, Organisation, Role
from tests.support.accounts import csrf_token_from, signed_in_client
from tests.support.moderation import decide, submit
from tests.support.pages import checked_page
from tests.support.registration import ABOUT, GOVERNANCE, LEGAL, SERVICES, hidden_value, post_step


def payload(field: str) -> str:
    """Script, an event handler, markup and quotes, with a marker naming the field it went into."""
    return f"""X{field}X<script>alert("{field}")</script><img src=x onerror=alert(1)><b>B{field}</b>"'&"""


NAME = payload("name")
CLASS = payload("class")
ABOUT_FIELDS = ("name", "trading_names", "description", "origin_parent_body")
GOVERNANCE_FIELDS = {
    "member_classes-0-name": CLASS,
    "member_classes-0-description": payload("classdesc"),
    "board_seats-0-role": payload("seatrole"),
    "board_seats-0-member_class": CLASS,
    "board_seats-1-role": payload("appointed"),
    "board_seats-1-source": "appointed",
    "board_seats-1-member_class": "",
    "board_seats-1-appointer": payload("appointer"),
    "significant_control-0-name": payload("controller"),
}
SERVICES_FIELDS = {"locations-0-name": payload("placename"), "locations-0-address": payload("address")}
WEBSITE = 'https://evil.example.org/"><script>alert("website")</script>'


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def assert_inert(html: str, markers: tuple[str, ...] = ()) -> None:
    """No payload became an element or a script; each marker shows as the text that was typed."""
    page = BeautifulSoup(html, "html5lib")
    for script in page.find_all("script"):
        assert "alert(" not in script.get_text(), f"a payload ran as script: {script}"
    assert not page.find_all(attrs={"onerror": True}), "a payload became an event handler"
    assert not page.find_all("img", src="x"), "a payload became an image"
    assert not [b for b in page.find_all("b") if b.get_text().startswith("B")], "a payload became markup"
    for link in page.find_all(href=True):
        assert not link["href"].strip().lower().startswith(("javascript:", "data:")), link
    # What a person sees: the text, and what the form fields hold.
    text = page.get_text() + " ".join(field.get("value", "") for field in page.find_all("input"))
    for marker in markers:
        assert f"X{marker}X<script>" in text or f"X{marker}X" in text, f"{marker} is not shown"
        assert f"<b>B{marker}</b>" in text, f"{marker}'s markup is not shown as text"


def test_script_and_markup_in_every_text_field_render_inert_everywhere(app: Flask, session: Session) -> None:
    rep = signed_in_client(app, session, "rep@xss.example.org", Role.REPRESENTATIVE)
    moderator = signed_in_client(app, session, "mod@xss.example.org", Role.MODERATOR)
    admin = signed_in_client(app, session, "admin@xss.example.org", Role.ADMIN)
    claimant = signed_in_client(app, session, "claimant@xss.example.org", Role.REPRESENTATIVE)

    about = {**ABOUT, **{field: payload(field) for field in ABOUT_FIELDS}, "website": WEBSITE}
    response = post_step(rep, "/manage/listings/new", about)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    slug = response.location.split("/")[3]
    base = f"/manage/listings/{slug}"
    governance = {**GOVERNANCE, **GOVERNANCE_FIELDS}
    for step, data in (("legal", LEGAL), ("governance", governance), ("services", {**SERVICES, **SERVICES_FIELDS})):
        response = post_step(rep, f"{base}/{step}", data)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])

    listing_markers = ("name", "description", "class", "seatrole", "appointer", "controller", "placename", "address")
    for page, markers in (
        (base, (*listing_markers, "classdesc", "origin_parent_body", "trading_names", "appointed")),
        (f"{base}/about", ABOUT_FIELDS),
        (f"{base}/governance", ("class", "classdesc", "seatrole", "appointer", "controller")),
        (f"{base}/services", ("placename", "address")),
        ("/manage", ("name",)),
        (f"/organisations/{slug}/history", listing_markers),
    ):
        response = rep.get(page)
        checked_page(response)
        assert_inert(response.get_data(as_text=True), markers)

    submit(rep, slug)
    org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
    request_id = session.scalars(select(ChangeRequest.id).where(ChangeRequest.organisation_id == org.id)).one()
    for page, markers in (("/moderate", ("name",)), (f"/moderate/changes/{request_id}", listing_markers)):
        response = moderator.get(page)
        checked_page(response)
        assert_inert(response.get_data(as_text=True), markers)
    assert decide(moderator, f"/moderate/changes/{request_id}", "approve").status_code == 302

    for page, markers in (
        (f"/organisations/{slug}", listing_markers),
        ("/organisations?per_page=100", ("name",)),
        ("/find?q=XnameX", ("name",)),
        (f"/moderate/listings/{slug}", ("name",)),
    ):
        response = (moderator if page.startswith("/moderate") else app.test_client()).get(page)
        checked_page(response)
        assert_inert(response.get_data(as_text=True), markers)

    # A change to verified facts, shown to the moderator as a diff.
    response = post_step(rep, f"{base}/governance", {**governance, "member_classes-1-name": payload("newclass")})
    assert response.status_code == 302
    change_id = session.scalars(
        select(ChangeRequest.id).where(ChangeRequest.organisation_id == org.id, ChangeRequest.status == "pending")
    ).one()
    response = moderator.get(f"/moderate/changes/{change_id}")
    assert_inert(checked_page(response).decode(), ("newclass",))
    assert decide(moderator, f"/moderate/changes/{change_id}", "reject", payload("rejectreason")).status_code == 302

    # A claim, its evidence, and the moderator's reason for turning it down.
    claim_page = "/manage/claim/mutual-support"
    claimant.post(
        claim_page,
        data={
            "csrf_token": csrf_token_from(claimant.get(claim_page)),
            "role_at_organisation": payload("claimrole"),
            "evidence": payload("evidence"),
        },
    )
    claim_id = session.scalars(select(Claim.id)).one()
    response = moderator.get(f"/moderate/claims/{claim_id}")
    assert_inert(checked_page(response).decode(), ("claimrole", "evidence"))
    response = moderator.get("/moderate")
    assert_inert(checked_page(response).decode(), ("claimrole",))
    assert decide(moderator, f"/moderate/claims/{claim_id}", "reject", payload("claimreason")).status_code == 302
    assert_inert(checked_page(claimant.get("/manage")).decode(), ("claimreason",))

    # A suspension's reason is kept in the history; reasons reach the audit log and the emails.
    form = moderator.get(f"/moderate/listings/{slug}")
    moderator.post(
        f"/moderate/listings/{slug}",
        data={
            "csrf_token": csrf_token_from(form),
            "version": hidden_value(form.get_data(as_text=True), "version"),
            "reason": payload("suspendreason"),
        },
    )
    assert_inert(checked_page(moderator.get(f"/organisations/{slug}/history")).decode(), ("suspendreason",))
    assert_inert(checked_page(moderator.get("/moderate/audit")).decode(), ("claimreason", "rejectreason"))
    outbox = checked_page(admin.get("/moderate/outbox?per_page=200")).decode()
    assert_inert(outbox, ("name", "rejectreason", "claimreason", "suspendreason"))
