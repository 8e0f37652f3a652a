"""The moderators' and admins' pages in Welsh: the review queue, a new listing's and a change's review, a claim, a
rejection without a reason, a listing's moderation page and its flash, finding listings, the audit log, the
commissioners page and the outbox. What people wrote (names, emails, reasons, evidence) is marked not to
translate, so only the registry's own words are read for English."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from registry.domain.language import speaking
from registry.models import Claim, Role
from tests.support.accounts import csrf_token_from, signed_in_client
from tests.support.moderation import decide, pending_request
from tests.support.pages import checked_page, text_of
from tests.support.registration import LEGAL, hidden_value, post_step, register, submit
from tests.support.welsh import english_left

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

# What the representative wrote that a new listing's answers show inside lines of the registry's own words (a member
# class's name, a board seat's role: registry.services.editing's readable lines), so not marked apart.
WRITTEN_IN_LINES = ("People who receive care", "Client directors")


def welsh(response: TestResponse, status: int = 200) -> BeautifulSoup:
    """The page, checked, in Welsh and with no English left."""
    page = checked_page(response, status)
    assert page.html is not None and page.html.get("lang") == "cy"
    left = [piece for piece in english_left(page) if not any(written in piece for written in WRITTEN_IN_LINES)]
    assert not left, f"English left in Welsh: {left[:8]}"
    return page


def cy(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=cy"


def test_reviewing_a_new_listing_a_change_and_a_claim_in_welsh(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    welsh(moderator.get(cy("/moderate")))  # nothing waiting
    slug = register(representative)
    submit(representative, slug)
    request = pending_request(session, slug)
    queue = welsh(moderator.get(cy("/moderate")))
    assert "Rhestriadau newydd (1)" in text_of(queue)
    assert queue.find("a", string="Adolygu Riverside Homecare Co-operative") is not None

    page = f"/moderate/changes/{request.id}"
    review = welsh(moderator.get(cy(page)))
    assert review.find("h1").get_text() == "Rhestriad newydd: Riverside Homecare Co-operative"
    # Rejecting without a reason is refused, in Welsh.
    refused = welsh(decide(moderator, page, "reject"), 400)
    assert "Rhowch y rheswm, fel bod y cynrychiolydd yn gwybod beth i'w newid" in text_of(refused)
    assert refused.title is not None and refused.title.get_text().startswith("Gwall: ")
    approved = decide(moderator, page, "approve")
    assert approved.status_code == 302
    after = welsh(moderator.get(cy("/moderate")))
    assert "Mae eich penderfyniad ar Riverside Homecare Co-operative wedi'i gofnodi" in text_of(after)
    decided = welsh(moderator.get(cy(page)))
    assert "Wedi'i gymeradwyo" in text_of(decided) and "gan moderator@registry.example.org" in text_of(decided)

    # A change to verified facts.
    post_step(representative, f"/manage/listings/{slug}/legal", {**LEGAL, "legal_form": "community_benefit_society"})
    change = pending_request(session, slug)
    queue = welsh(moderator.get(cy("/moderate")))
    assert "Newidiadau i ffeithiau wedi'u dilysu (1)" in text_of(queue)
    review = welsh(moderator.get(cy(f"/moderate/changes/{change.id}")))
    assert review.find("h1").get_text() == "Newid i Riverside Homecare Co-operative"

    # A claim, and a rejection with the reason the moderator wrote.
    claim_page = "/manage/claim/mutual-support"
    representative.post(
        claim_page,
        data={
            "csrf_token": csrf_token_from(representative.get(claim_page)),
            "role_at_organisation": "Director of the board",
            "evidence": "I am listed as a director at Companies House.",
        },
    )
    claim = session.scalars(select(Claim)).one()
    queue = welsh(moderator.get(cy("/moderate")))
    assert "Hawliadau (1)" in text_of(queue)
    welsh(moderator.get(cy(f"/moderate/claims/{claim.id}")))
    assert decide(moderator, f"/moderate/claims/{claim.id}", "reject", "We could not find you on the register.")
    decided = welsh(moderator.get(cy(f"/moderate/claims/{claim.id}")))
    assert "Rheswm: We could not find you on the register." in text_of(decided)


def test_a_listing_finding_listings_the_audit_log_and_commissioners_in_welsh(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    submit(representative, slug)
    welsh(moderator.get(cy("/moderate")))  # the moderator chooses Welsh, so what they are told next is in Welsh
    assert decide(moderator, f"/moderate/changes/{pending_request(session, slug).id}", "approve").status_code == 302

    found = welsh(moderator.get(cy("/moderate/listings?q=riverside")))
    assert found.find("h1").get_text() == "Rhestriadau o'r enw riverside"
    welsh(moderator.get(cy("/moderate/listings")))
    welsh(moderator.get(cy("/moderate/listings?q=nothing-like-it")))

    page = f"/moderate/listings/{slug}"
    form = moderator.get(cy(page))
    welsh(form)
    version = hidden_value(form.get_data(as_text=True), "version")
    refused = welsh(moderator.post(page, data={"csrf_token": csrf_token_from(form), "version": version}), 400)
    assert "Rhowch y rheswm" in text_of(refused)
    response = moderator.post(
        page, data={"csrf_token": csrf_token_from(form), "version": version, "reason": "Reported as closed."}
    )
    assert response.status_code == 302
    suspended = welsh(moderator.get(cy(page)))
    assert "Mae Riverside Homecare Co-operative wedi'i atal" in text_of(suspended)
    assert "Adfer y rhestriad" in text_of(suspended)

    log = welsh(moderator.get(cy("/moderate/audit")))
    assert "Log archwilio" in text_of(log)
    welsh(moderator.get(cy("/moderate/audit?action=moderation")))
    welsh(moderator.get(cy("/moderate/audit?action=listing.sub")))
    welsh(moderator.get(cy("/moderate/audit?action=nothing")))

    users = welsh(moderator.get(cy("/moderate/users")))
    assert "Comisiynwyr" in text_of(users)
    token = csrf_token_from(moderator.get(cy("/moderate/users")))
    refused = welsh(moderator.post("/moderate/users", data={"csrf_token": token}), 400)
    assert "Rhowch gyfeiriad e-bost y cyfrif" in text_of(refused)
    refused = welsh(
        moderator.post("/moderate/users", data={"csrf_token": token, "email": "nobody@example.org", "grant": "grant"}),
        400,
    )
    assert "Does dim cyfrif ar gyfer nobody@example.org" in text_of(refused)
    made = moderator.post(
        "/moderate/users", data={"csrf_token": token, "email": "rep@riverside.example.org", "grant": "grant"}
    )
    assert made.status_code == 302
    assert "Mae rep@riverside.example.org yn gomisiynydd nawr." in text_of(welsh(moderator.get(cy("/moderate/users"))))


def test_the_outbox_in_welsh(app: Flask, representative: FlaskClient, session: Session) -> None:
    admin = signed_in_client(app, session, "admin@registry.example.org", Role.ADMIN)
    welsh(admin.get(cy("/moderate/outbox")))
    slug = register(representative)
    submit(representative, slug)
    outbox = welsh(admin.get(cy("/moderate/outbox")))
    assert "Blwch e-byst allan" in text_of(outbox)
    assert "Heb ei anfon" in text_of(outbox)


def test_the_facts_a_finding_needs_are_named_in_welsh(app: Flask) -> None:
    from registry.web.needs import fact_label

    with app.test_request_context("/"), speaking("cy"):
        assert fact_label("member_classes") == "Dosbarthiadau aelodau"
        assert fact_label("board_seats") == "Seddi'r bwrdd"
        assert fact_label("board_seats[0]") == "Seddi ar y bwrdd, grŵp 1"
        assert fact_label("significant_control[2]") == "Person neu gorff 3"
        assert fact_label("member_classes[1].kind").startswith("Dosbarth aelodau 2: ")
        assert isinstance(fact_label("profits.asset_lock"), str)
    with app.test_request_context("/"), speaking("en"):
        assert fact_label("member_classes[1].kind") == "Member class 2: Who the members are"
        assert fact_label("board_seats") == "The board's seats"
