"""Registering a listing through /manage: four steps saved as a draft, check your answers with the assessment,
submit; identifiers checked per scheme (an identifier already listed offers a claim); postcodes checked against
the gazetteer; repeatable rows without JavaScript; resuming a draft; withdrawing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ChangeRequest, ListingStatus, Membership, Organisation, OutboxEmail, Revision
from tests.support.accounts import csrf_token_from
from tests.support.pages import checked_page, text_of
from tests.support.registration import (
    ABOUT,
    GOVERNANCE,
    LEGAL,
    REPRESENTATIVE_EMAIL,
    SERVICES,
    hidden_value,
    listing_by_slug,
    post_step,
    register,
)

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_a_representative_registers_a_multi_stakeholder_homecare_co_operative_in_four_steps(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    org = listing_by_slug(session, slug)
    assert org.status == ListingStatus.DRAFT
    assert org.legal_form_code == "co_operative_society"
    assert [(i.scheme_code, i.value) for i in org.identifiers] == [("GB-MPR", "8123R")]
    assert [(m.name, m.kind_code, m.member_count) for m in org.member_classes] == [
        ("Care workers", "staff", 40),
        ("People who receive care", "service_user", 120),
        ("Family carers", "carer", 20),
    ]
    # The carer seats name their class in another case; the listing keeps the class itself.
    assert [(b.role, b.seats, b.elected_by.name if b.elected_by else None) for b in org.board_seats] == [
        ("Worker directors", 3, "Care workers"),
        ("Client directors", 3, "People who receive care"),
        ("Carer director", 1, "Family carers"),
    ]
    assert org.structure_details == {"all_employees_eligible": True}
    assert [s.service_type_code for s in org.services] == ["hsc-homecare", "hsc-reablement"]
    assert [(loc.postcode, loc.local_authority_code, loc.is_registered_office) for loc in org.locations] == [
        ("S1 2HE", "E08000039", True)
    ]
    assert sorted(a.name for a in org.service_areas) == ["Rotherham", "Sheffield"]
    assert org.region_code == "E12000003"
    # Drafts are theirs, owned through a membership, and each step saved a revision.
    assert session.scalar(select(Membership).where(Membership.organisation_id == org.id)) is not None
    revisions = session.scalars(select(Revision).where(Revision.organisation_id == org.id)).all()
    assert [r.number for r in revisions] == [1, 2, 3, 4]
    assert all(r.author == REPRESENTATIVE_EMAIL for r in revisions)
    # Drafts are not public.
    assert representative.get(f"/organisations/{slug}").status_code == 404


def test_check_your_answers_shows_every_answer_and_the_assessment_before_submitting(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = checked_page(representative.get(f"/manage/listings/{slug}"))
    assert page.h1.get_text(strip=True) == "Check your answers: Riverside Homecare Co-operative"
    text = text_of(page)
    seats = "3 \N{MULTIPLICATION SIGN} Worker directors"
    for expected in ("Care workers", "Family carers", seats, "GB-MPR 8123R", "Rotherham", "S1 2HE"):
        assert expected in text
    assert "How it measures up" in text
    assert "Preferred provider profile" in text
    assert page.select_one("#submit-button") is not None


def test_submitting_sends_the_draft_to_the_moderators_and_emails_the_representative(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = representative.get(f"/manage/listings/{slug}")
    response = representative.post(
        f"/manage/listings/{slug}/submit",
        data={"csrf_token": csrf_token_from(page), "version": hidden_value(page.get_data(as_text=True), "version")},
    )
    assert response.status_code == 302
    org = listing_by_slug(session, slug)
    assert org.status == ListingStatus.PENDING
    request = session.scalars(select(ChangeRequest).where(ChangeRequest.organisation_id == org.id)).one()
    assert (request.kind, request.status) == ("new_listing", "pending")
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.to == REPRESENTATIVE_EMAIL)).all()[-1]
    assert "We have received your listing" in email.subject
    # While it waits, the steps cannot be changed.
    response = representative.get(f"/manage/listings/{slug}/about")
    assert response.status_code == 302
    assert "A moderator is reviewing this listing" in text_of(checked_page(representative.get(response.location)))
    # Still not public until a moderator approves it.
    assert representative.get(f"/organisations/{slug}").status_code == 404


def test_a_draft_cannot_be_submitted_until_the_essentials_are_given(
    representative: FlaskClient, session: Session
) -> None:
    response = post_step(
        representative, "/manage/listings/new", {"name": "Half Done Co-op", "action": "save-and-leave"}
    )
    assert response.location == "/manage"
    slug = _listing_slug(session, "Half Done Co-op")
    page = checked_page(representative.get(f"/manage/listings/{slug}"))
    text = text_of(page)
    assert "Before you submit" in text
    assert "Choose the organisation's legal form" in text
    assert page.select_one("#submit-button") is None
    response = representative.post(
        f"/manage/listings/{slug}/submit",
        data={"csrf_token": csrf_token_from(representative.get("/manage")), "version": "1"},
    )
    assert "Describe what the organisation does" in text_of(checked_page(response, 400))
    assert listing_by_slug(session, slug).status == ListingStatus.DRAFT


def _listing_slug(session: Session, name: str) -> str:
    session.expire_all()
    return session.scalars(select(Organisation.slug).where(Organisation.name == name)).one()


def test_a_draft_is_resumed_from_your_listings_with_its_answers(representative: FlaskClient, session: Session) -> None:
    response = post_step(representative, "/manage/listings/new", {**ABOUT, "action": "save-and-leave"})
    assert response.location == "/manage"
    page = checked_page(representative.get("/manage"))
    link = page.find("a", string="Riverside Homecare Co-operative")
    assert link is not None
    slug = link["href"].split("/")[3]
    about = checked_page(representative.get(f"/manage/listings/{slug}/about"))
    assert about.select_one("#name")["value"] == "Riverside Homecare Co-operative"
    assert "owned by the people" in about.select_one("#description").get_text()
    assert "step 1 of 4" in text_of(about)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the organisation's name"),
        ("website", "javascript:alert(1)", "Enter a web address that starts with https://"),
        ("website", "example.org", "Enter a web address that starts with https://"),
        ("email", "not-an-email", "Enter an email address like name@example.org"),
        ("founded", "19th century", "Enter when it was founded as a year"),
        ("founded", "2011-02-30", "Enter when it was founded as a year"),
        ("employees", "forty", "Enter the number of employees as a whole number"),
        ("trading_income_pct", "120", "Enter the share of income from trading as a number from 0 to 100"),
        ("phone", "call us", "Enter a phone number"),
    ],
)
def test_about_answers_are_checked_with_messages_that_say_what_to_do(
    representative: FlaskClient, session: Session, field: str, value: str, message: str
) -> None:
    response = post_step(representative, "/manage/listings/new", {**ABOUT, field: value})
    page = checked_page(response, 400)
    summary = page.select_one(".nhsuk-error-summary")
    assert message in summary.get_text()
    assert summary.find("a")["href"] == f"#{field}"
    assert session.scalar(select(Organisation).where(Organisation.name == ABOUT["name"])) is None


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        ("GB-COH", "123", None),  # padded to 00000123: valid
        ("GB-COH", "not a number!", "Enter a Companies House number of 8 characters"),
        ("GB-MPR", "ABC", None),
        ("GB-CHC", "12", "Enter a charity number of 6 or 7 digits"),
        ("", "07008268", "Choose the register this number or code is on"),
        ("GB-COH", "", "Enter the number or code"),
    ],
)
def test_identifiers_are_checked_against_their_scheme(
    representative: FlaskClient, session: Session, scheme: str, value: str, message: str | None
) -> None:
    slug = register(representative)
    response = post_step(
        representative,
        f"/manage/listings/{slug}/legal",
        {"legal_form": "co_operative_society", "identifiers-0-scheme": scheme, "identifiers-0-value": value},
    )
    if scheme == "GB-MPR":
        message = "FCA"  # the scheme's own message names the register
    if message is None:
        assert response.status_code == 302
        assert [i.value for i in listing_by_slug(session, slug).identifiers] == ["00000123"]
    else:
        page = checked_page(response, 400)
        assert message in page.select_one(".nhsuk-error-summary").get_text()


def test_an_identifier_already_listed_offers_to_claim_that_listing(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    response = post_step(
        representative,
        f"/manage/listings/{slug}/legal",
        {
            "legal_form": "community_interest_company",
            "identifiers-0-scheme": "GB-COH",
            "identifiers-0-value": "7008268",
        },
    )
    page = checked_page(response, 400)
    holder = session.scalars(select(Organisation).where(Organisation.slug == "sunshine-care-rochdale-cic")).one()
    assert f"{holder.name} is already listed with this Companies House number" in text_of(page)
    claim_link = page.find("a", href=f"/manage/claim/{holder.slug}")
    assert claim_link is not None
    assert "claim the listing" in claim_link.get_text()


def test_identifier_rows_are_added_and_removed_without_javascript(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = f"/manage/listings/{slug}/legal"
    response = post_step(representative, page, {**LEGAL, "action": "add-identifier"})
    form = checked_page(response)
    assert form.select_one("#identifiers-1-value") is not None
    assert form.select_one("#identifiers-0-value")["value"] == "8123r"
    response = post_step(
        representative,
        page,
        {**LEGAL, "identifiers-1-scheme": "GB-COH", "identifiers-1-value": "12345678", "action": "remove-identifier-0"},
    )
    form = checked_page(response)
    assert form.select_one("#identifiers-0-value")["value"] == "12345678"
    assert form.select_one("#identifiers-1-value") is None


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("S1", "Enter a full postcode, like S1 2HE"),
        ("ZZ9 9ZZ", "We cannot find the postcode ZZ9 9ZZ"),
        ("", "Enter the postcode"),
    ],
)
def test_postcodes_are_checked_against_the_gazetteer(
    representative: FlaskClient, session: Session, postcode: str, message: str
) -> None:
    slug = register(representative)
    response = post_step(
        representative, f"/manage/listings/{slug}/services", {**SERVICES, "locations-0-postcode": postcode}
    )
    page = checked_page(response, 400)
    assert message in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one(".nhsuk-error-summary a")["href"] == "#locations-0-postcode"


def test_service_areas_must_be_local_authorities(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    response = post_step(
        representative, f"/manage/listings/{slug}/services", {**SERVICES, "service_areas": ["E08000039", "X99"]}
    )
    assert "Choose local authority areas from the list" in text_of(checked_page(response, 400))


def test_a_whole_icb_or_county_is_saved_as_its_districts_described_by_its_name(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    response = post_step(
        representative,
        f"/manage/listings/{slug}/services",
        {**SERVICES, "service_areas": ["E08000039"], "whole_areas": ["E54000061"]},
    )
    assert response.status_code == 302, text_of(checked_page(response, 400))
    org = listing_by_slug(session, slug)
    session.refresh(org)
    served = {a.local_authority_code: a.described_as for a in org.service_areas}
    # Sheffield was chosen on its own too, and keeps no wider description; the rest of the ICB says its name.
    assert set(served) == {"E08000017", "E08000018", "E08000038", "E08000039"}
    assert served["E08000038"] == "NHS South Yorkshire ICB"
    page = checked_page(representative.get(f"/manage/listings/{slug}/services"))
    assert page.select_one("#whole_areas-E54000061") is not None


def test_whole_areas_must_be_from_the_list(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    response = post_step(representative, f"/manage/listings/{slug}/services", {**SERVICES, "whole_areas": ["X99"]})
    assert "Choose whole areas from the list" in text_of(checked_page(response, 400))


def test_governance_answers_get_the_validators_messages_against_the_field(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    response = post_step(
        representative,
        f"/manage/listings/{slug}/governance",
        {
            **GOVERNANCE,
            "member_classes-1-count": "lots",
            "member_classes-2-name": "",
            "board_seats-0-member_class": "Nobody",
        },
    )
    page = checked_page(response, 400)
    links = {a["href"]: a.get_text() for a in page.select(".nhsuk-error-summary a")}
    assert "whole number" in links["#member_classes-1-count"]
    assert links["#member_classes-2-name"] == "Enter the name of member class 3"
    assert "member class" in links["#board_seats-0-member_class"]
    assert page.select_one("#member_classes-1-count")["value"] == "lots"
    # Nothing was saved: the draft still has the three classes from before.
    assert len(listing_by_slug(session, slug).member_classes) == 3


def test_member_classes_are_added_without_javascript(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    response = post_step(
        representative, f"/manage/listings/{slug}/governance", {**GOVERNANCE, "action": "add-member-class"}
    )
    page = checked_page(response)
    assert page.select_one("#member_classes-3-name") is not None
    assert page.select_one("#member_classes-2-name")["value"] == "Family carers"


def test_a_representative_withdraws_a_listing_which_is_hidden_not_deleted(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = representative.get(f"/manage/listings/{slug}/withdraw")
    checked_page(page)
    token, version = csrf_token_from(page), hidden_value(page.get_data(as_text=True), "version")
    response = representative.post(f"/manage/listings/{slug}/withdraw", data={"csrf_token": token, "version": version})
    assert "Confirm that you want to withdraw the listing" in text_of(checked_page(response, 400))
    response = representative.post(
        f"/manage/listings/{slug}/withdraw", data={"csrf_token": token, "version": version, "confirm": "y"}
    )
    assert response.status_code == 302
    org = listing_by_slug(session, slug)
    assert org.status == ListingStatus.WITHDRAWN
    assert len(org.member_classes) == 3
    assert session.scalars(select(Revision).where(Revision.organisation_id == org.id)).all()[-1].summary == (
        "Withdrawn by the organisation"
    )
