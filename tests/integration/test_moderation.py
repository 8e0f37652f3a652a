"""Moderation: new listings, claims and changes to verified facts wait for a moderator, who approves or rejects
them with a reason; the representative is told by email; approved listings are verified and searchable;
suspending hides without deleting; moderators make commissioners; the audit log and outbox can be read."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import (
    AuditEvent,
    ChangeRequest,
    Claim,
    ListingStatus,
    Membership,
    Organisation,
    OutboxEmail,
    Revision,
    Role,
    User,
)
from tests.support.accounts import csrf_token_from, make_user, signed_in_client
from tests.support.moderation import decide, pending_request, published_listing, submit
from tests.support.pages import checked_page, text_of
from tests.support.registration import (
    ABOUT,
    LEGAL,
    REPRESENTATIVE_EMAIL,
    hidden_value,
    listing_by_slug,
    post_step,
    register,
)

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def emails_to(session: Session, address: str) -> list[OutboxEmail]:
    session.expire_all()
    return list(session.scalars(select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id)))


def test_the_queue_lists_a_submitted_listing_and_a_moderator_approves_it_into_search(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    submit(representative, slug)
    queue = checked_page(moderator.get("/moderate"))
    link = queue.find("a", string="Review Riverside Homecare Co-operative")
    assert link is not None
    review = checked_page(moderator.get(link["href"]))
    assert "Care workers" in text_of(review)
    assert "Preferred provider profile" in text_of(review)

    assert decide(moderator, link["href"], "approve").status_code == 302
    org = listing_by_slug(session, slug)
    assert (org.status, org.verification) == (ListingStatus.PUBLISHED, "verified")
    assert org.published_at is not None
    public = checked_page(representative.get(f"/organisations/{slug}"))
    assert "Verified" in text_of(public)
    found = representative.get("/api/v1/organisations?q=Riverside Homecare").get_json()
    assert slug in [item["slug"] for item in found["data"]]
    email = emails_to(session, REPRESENTATIVE_EMAIL)[-1]
    assert email.subject == "Riverside Homecare Co-operative is now listed"
    assert f"/organisations/{slug}" in email.body
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "moderation.change_approved")).first()
    assert "Nothing is waiting for review" in text_of(checked_page(moderator.get("/moderate")))


def test_a_rejection_needs_a_reason_returns_the_listing_to_draft_and_tells_the_representative(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    submit(representative, slug)
    page = f"/moderate/changes/{pending_request(session, slug).id}"
    response = decide(moderator, page, "reject")
    assert "Enter the reason" in text_of(checked_page(response, 400))
    response = decide(moderator, page, "reject", "Add the FCA number exactly as on the register.")
    assert response.status_code == 302
    org = listing_by_slug(session, slug)
    assert org.status == ListingStatus.DRAFT
    email = emails_to(session, REPRESENTATIVE_EMAIL)[-1]
    assert "needs changes" in email.subject
    assert "Add the FCA number exactly as on the register." in email.body
    # The decision is kept and shown; it cannot be made twice.
    decided = checked_page(moderator.get(page))
    assert "Not approved" in text_of(decided)
    assert decided.find("form", action=page) is None


def test_changes_to_verified_facts_wait_for_a_moderator_and_are_not_public_until_approved(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    response = post_step(
        representative,
        f"/manage/listings/{slug}/legal",
        {**LEGAL, "legal_form": "community_benefit_society"},
    )
    assert response.status_code == 302
    assert listing_by_slug(session, slug).legal_form_code == "co_operative_society"
    public = checked_page(representative.get(f"/organisations/{slug}"))
    legal_form = public.find("dt", string="Legal form").find_next_sibling("dd")
    assert legal_form.get_text(strip=True) == "Co-operative society"
    mine = checked_page(representative.get(f"/manage/listings/{slug}"))
    assert "Waiting for review" in text_of(mine)
    # A second change to verified facts waits for the first.
    locked = checked_page(representative.get(f"/manage/listings/{slug}/governance"))
    assert "A change to these facts is waiting for a moderator" in text_of(locked)
    assert locked.find("form", action=f"/manage/listings/{slug}/governance") is None

    request = pending_request(session, slug)
    review = checked_page(moderator.get(f"/moderate/changes/{request.id}"))
    row = review.find("th", string="Legal form").find_parent("tr")
    assert "Co-operative society" in row.get_text() and "Community benefit society" in row.get_text()
    assert decide(moderator, f"/moderate/changes/{request.id}", "approve").status_code == 302
    assert listing_by_slug(session, slug).legal_form_code == "community_benefit_society"
    assert emails_to(session, REPRESENTATIVE_EMAIL)[-1].subject.startswith(
        "Your change to Riverside Homecare Co-operative"
    )
    last = session.scalars(select(Revision).order_by(Revision.id.desc())).first()
    assert last.author == "moderator@registry.example.org"
    assert "proposed by rep@riverside.example.org" in last.summary


def test_a_rejected_change_leaves_the_listing_as_it_was(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    post_step(representative, f"/manage/listings/{slug}/legal", {**LEGAL, "legal_form": "community_benefit_society"})
    request = pending_request(session, slug)
    assert decide(moderator, f"/moderate/changes/{request.id}", "reject", "Your rules say co-op.").status_code == 302
    assert listing_by_slug(session, slug).legal_form_code == "co_operative_society"
    assert "Your rules say co-op." in emails_to(session, REPRESENTATIVE_EMAIL)[-1].body


def test_other_changes_to_a_verified_listing_go_live_at_once(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    description = "Homecare across Sheffield and Rotherham, owned by the people who give and receive care."
    response = post_step(representative, f"/manage/listings/{slug}/about", {**ABOUT, "description": description})
    assert response.location == f"/manage/listings/{slug}"
    assert listing_by_slug(session, slug).description == description
    assert session.scalar(select(ChangeRequest).where(ChangeRequest.status == "pending")) is None


def test_a_representative_claims_an_imported_listing_and_a_moderator_approves_it(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    search = checked_page(representative.get("/manage/claim?q=sunshine"))
    link = search.find(lambda tag: tag.name == "a" and tag.get_text() == "Claim Sunshine Care (Rochdale) C.I.C")
    assert link is not None
    page = link["href"]
    response = representative.post(page, data={"csrf_token": csrf_token_from(representative.get(page))})
    assert "Enter your role at the organisation" in text_of(checked_page(response, 400))
    response = representative.post(
        page,
        data={
            "csrf_token": csrf_token_from(representative.get(page)),
            "role_at_organisation": "Director",
            "evidence": "I am listed as a director at Companies House (07008268).",
        },
    )
    assert response.status_code == 302
    org = listing_by_slug(session, "sunshine-care-rochdale-cic")
    claim = session.scalars(select(Claim).where(Claim.organisation_id == org.id)).one()
    # The same person cannot claim twice while one claim waits.
    assert "You claimed this listing on" in text_of(checked_page(representative.get(page)))

    review = checked_page(moderator.get("/moderate"))
    assert review.find("a", href=f"/moderate/claims/{claim.id}") is not None
    assert decide(moderator, f"/moderate/claims/{claim.id}", "approve").status_code == 302
    org = listing_by_slug(session, "sunshine-care-rochdale-cic")
    user = session.scalars(select(User).where(User.email == REPRESENTATIVE_EMAIL)).one()
    assert session.scalar(select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id))
    assert org.verification == "verified"
    assert emails_to(session, REPRESENTATIVE_EMAIL)[-1].subject == "You now represent Sunshine Care (Rochdale) C.I.C"
    assert "Sunshine Care (Rochdale) C.I.C" in text_of(checked_page(representative.get("/manage")))


def test_a_rejected_claim_gives_no_rights_and_says_why(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    page = "/manage/claim/mutual-support"
    representative.post(
        page,
        data={"csrf_token": csrf_token_from(representative.get(page)), "role_at_organisation": "Fan", "evidence": "x"},
    )
    claim = session.scalars(select(Claim)).one()
    assert (
        decide(moderator, f"/moderate/claims/{claim.id}", "reject", "We could not confirm your role.").status_code
        == 302
    )
    assert representative.get("/manage/listings/mutual-support/about").status_code == 403
    home = text_of(checked_page(representative.get("/manage")))
    assert "Not approved" in home and "We could not confirm your role." in home


def test_suspending_hides_a_listing_keeps_it_and_reinstating_brings_it_back(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    page = f"/moderate/listings/{slug}"
    form = moderator.get(page)
    version = hidden_value(form.get_data(as_text=True), "version")
    response = moderator.post(page, data={"csrf_token": csrf_token_from(form), "version": version})
    assert "Enter the reason" in text_of(checked_page(response, 400))
    response = moderator.post(
        page, data={"csrf_token": csrf_token_from(form), "version": version, "reason": "Reported as closed."}
    )
    assert response.status_code == 302
    assert representative.get(f"/organisations/{slug}").status_code == 404
    found = representative.get("/api/v1/organisations?q=Riverside Homecare").get_json()
    assert slug not in str(found)
    org = listing_by_slug(session, slug)
    assert org.status == ListingStatus.SUSPENDED and len(org.member_classes) == 3
    assert "Reported as closed." in emails_to(session, REPRESENTATIVE_EMAIL)[-1].body
    assert representative.get(f"/manage/listings/{slug}/about").status_code == 302  # read-only while suspended

    form = moderator.get(page)
    response = moderator.post(
        page,
        data={
            "csrf_token": csrf_token_from(form),
            "version": hidden_value(form.get_data(as_text=True), "version"),
            "reason": "Confirmed still trading.",
        },
    )
    assert response.status_code == 302
    checked_page(representative.get(f"/organisations/{slug}"))


def test_a_moderator_makes_a_representative_a_commissioner_but_cannot_change_an_admin(
    moderator: FlaskClient, session: Session
) -> None:
    make_user(session, "buyer@council.example.gov.uk", Role.REPRESENTATIVE)
    make_user(session, "boss@registry.example.org", Role.ADMIN)
    page = "/moderate/users"
    token = csrf_token_from(moderator.get(page))
    response = moderator.post(
        page, data={"csrf_token": token, "email": "buyer@council.example.gov.uk", "grant": "grant"}
    )
    assert response.status_code == 302
    session.expire_all()
    buyer = session.scalars(select(User).where(User.email == "buyer@council.example.gov.uk")).one()
    assert buyer.role == "commissioner"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.role_changed")).one()
    assert event.detail == {"from": "representative", "to": "commissioner"}
    response = moderator.post(page, data={"csrf_token": token, "email": "boss@registry.example.org", "grant": "revoke"})
    assert "only an admin can change their role" in text_of(checked_page(response, 400))


def test_the_audit_log_shows_moderation_and_account_events(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    published_listing(representative, moderator, session)
    log = text_of(checked_page(moderator.get("/moderate/audit")))
    for action in ("Listing or change approved", "Listing sent for review", "Listing draft started", "Signed in"):
        assert action in log
    assert "listing.submitted" not in log
    only = text_of(checked_page(moderator.get("/moderate/audit?action=moderation")))
    assert "Listing or change approved" in only
    assert "Listing draft started" not in only


def test_only_admins_read_the_outbox_which_holds_every_email(
    app: Flask, representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    assert moderator.get("/moderate/outbox").status_code == 403
    admin = signed_in_client(app, session, "admin@registry.example.org", Role.ADMIN)
    slug = register(representative)
    submit(representative, slug)
    page = text_of(checked_page(admin.get("/moderate/outbox")))
    assert f"We have received your listing for Riverside Homecare Co-operative, to {REPRESENTATIVE_EMAIL}" in page


def test_moderators_cannot_approve_twice_or_act_on_a_withdrawn_submission(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    submit(representative, slug)
    request = pending_request(session, slug)
    page = representative.get(f"/manage/listings/{slug}/withdraw")
    representative.post(
        f"/manage/listings/{slug}/withdraw",
        data={
            "csrf_token": csrf_token_from(page),
            "version": hidden_value(page.get_data(as_text=True), "version"),
            "confirm": "y",
        },
    )
    session.expire_all()
    assert session.get(ChangeRequest, request.id).status == "withdrawn"
    checked_page(decide(moderator, f"/moderate/changes/{request.id}", "approve"))  # no form to act on: the outcome
    assert listing_by_slug(session, slug).status == ListingStatus.WITHDRAWN
    assert session.scalar(select(Organisation).where(Organisation.slug == slug)).verification == "unverified"


def test_a_moderator_finds_any_listing_by_name_drafts_included(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = checked_page(moderator.get("/moderate/listings?q=riverside homecare"))
    link = page.find("a", href=f"/moderate/listings/{slug}")
    assert link is not None and link.get_text() == "Riverside Homecare Co-operative"
    assert "Draft" in link.find_parent("li").get_text()
    assert representative.get("/moderate/listings?q=riverside").status_code == 403
