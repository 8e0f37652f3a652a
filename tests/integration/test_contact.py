"""The contact page: how to get a listing corrected, complain or report an accessibility problem, and a form whose
messages reach the people who run the registry."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import OutboxEmail, Role
from tests.support.accounts import make_user, outbox_to, post_form
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

GOOD = {
    "kind": "correction",
    "listing": "Riverside Homecare",
    "message": "Its board has five seats, not four:\nsee the 2026 annual report.",
    "name": "Sam Lee",
    "email": "sam@example.org",
}


def test_the_page_says_how_to_correct_complain_and_report_accessibility(client: FlaskClient) -> None:
    page = checked_page(client.get("/contact"))
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings[:3] == ["Get a listing corrected", "Make a complaint", "Report an accessibility problem"]
    links = {a["href"] for a in page.select("main a")}
    assert {"/manage", "/manage/claim", "/accessibility"} <= links
    form = page.select_one("main form")
    assert form["method"] == "post" and form.select_one("input[name=csrf_token]")


def test_a_message_is_emailed_to_the_moderators_when_no_contact_address_is_set(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    make_user(session, "rep@example.org", Role.REPRESENTATIVE)
    page = checked_page(post_form(client, "/contact", GOOD))
    assert page.find("h1").get_text(strip=True) == "Message sent"
    assert "sam@example.org" in text_of(page)
    [email] = outbox_to(session, "mod@example.org")
    assert email.subject.endswith("A listing is wrong or out of date (Riverside Homecare)")
    assert "Sam Lee <sam@example.org>" in email.body
    assert "five seats, not four:\nsee the 2026 annual report." in email.body
    assert outbox_to(session, "rep@example.org") == []


def test_with_nobody_to_read_it_a_message_stays_on_the_page(client: FlaskClient, session: Session) -> None:
    make_user(session, "rep@example.org", Role.REPRESENTATIVE)
    response = post_form(client, "/contact", GOOD)
    assert response.status_code == 503
    page = checked_page(response, status=503)
    assert "nobody is set up to read them" in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one("textarea[name=message]").get_text().strip().startswith("Its board has five seats")
    assert page.select_one("input[name=email]")["value"] == "sam@example.org"
    assert session.scalars(select(OutboxEmail)).all() == []


def test_each_listing_links_to_report_a_problem_with_it(client: FlaskClient, session: Session) -> None:
    make_listing(session, "brook-care")
    session.commit()
    page = checked_page(client.get("/organisations/brook-care"))
    [link] = page.select('main a[href="/contact?listing=brook-care"]')
    assert link.get_text(" ", strip=True) == "Report a problem with this listing : Brook Care"


def test_a_message_goes_to_the_configured_contact_addresses(app: Flask, client: FlaskClient, session: Session) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    app.config["CONTACT_EMAIL"] = "help@registry.example.org, editor@registry.example.org"
    try:
        assert post_form(client, "/contact", GOOD).status_code == 200
    finally:
        app.config["CONTACT_EMAIL"] = None
    sent = [e.to for e in session.scalars(select(OutboxEmail).order_by(OutboxEmail.id))]
    assert sent[-2:] == ["help@registry.example.org", "editor@registry.example.org"]
    assert outbox_to(session, "mod@example.org") == []


def test_a_listings_report_link_names_the_listing_and_links_it_in_the_email(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    make_listing(session, "brook-care")
    session.commit()
    page = checked_page(client.get("/contact?listing=brook-care"))
    assert "You are reporting a problem with Brook Care" in text_of(page)
    assert page.select_one("input[name=listing]")["value"] == "Brook Care"
    assert page.select_one("input[name=kind][value=correction]").has_attr("checked")
    assert page.select_one("main form")["action"] == "/contact?listing=brook-care"
    data = {**GOOD, "listing": "Brook Care"}
    post_form(client, "/contact?listing=brook-care", data)
    [email] = outbox_to(session, "mod@example.org")
    assert "/organisations/brook-care" in email.body


def test_an_unknown_listing_in_the_link_is_ignored(client: FlaskClient) -> None:
    page = checked_page(client.get("/contact?listing=no-such-listing"))
    assert "You are reporting" not in text_of(page)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": ""}, "kind", "Select what your message is about"),
        ({"kind": "spam"}, "kind", "Not a valid choice."),
        ({"message": "  "}, "message", "Enter your message"),
        ({"message": "x" * 5001}, "message", "Your message must be 5,000 characters or fewer"),
        ({"email": ""}, "email", "Enter your email address, so we can reply"),
        ({"email": "sam at example"}, "email", "Enter an email address in the correct format, like name@example.com"),
        ({"name": "n" * 101}, "name", "Your name must be 100 characters or fewer"),
        ({"listing": "l" * 201}, "listing", "Listing must be 200 characters or fewer"),
    ],
)
def test_bad_input_is_shown_against_its_field(
    client: FlaskClient, session: Session, change: dict[str, Any], field: str, message: str
) -> None:
    page = checked_page(post_form(client, "/contact", {**GOOD, **change}), status=400)
    summary = page.select_one(".nhsuk-error-summary")
    assert summary is not None
    assert summary.select_one(f'a[href="#{field}"]').get_text(strip=True) == message
    assert message in page.select_one(f"#{field}-error").get_text()
    assert session.scalars(select(OutboxEmail)).first() is None


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, session: Session) -> None:
    response = client.post("/contact", data=GOOD)
    assert response.status_code == 400
    assert session.scalars(select(OutboxEmail)).first() is None


def test_messages_are_rate_limited_per_client(app: Flask, client: FlaskClient, session: Session) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    app.config["CONTACT_RATE_LIMIT"] = "2 per hour"
    try:
        for _ in range(2):
            assert post_form(client, "/contact", GOOD).status_code == 200
        response = post_form(client, "/contact", GOOD)
    finally:
        app.config["CONTACT_RATE_LIMIT"] = "5 per hour"
    assert response.status_code == 429
    assert client.get("/contact").status_code == 200  # reading the page is never limited


# The model statement's headings (the page has typographic apostrophes; compared as straight ones).
MODEL_STATEMENT_SECTIONS = [
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website's accessibility",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that's not within the scope of the accessibility regulations",
    "What we're doing to improve accessibility",
    "Preparation of this accessibility statement",
]


def test_the_accessibility_statement_has_the_model_statements_sections_and_sends_problems_here(
    client: FlaskClient,
) -> None:
    page = checked_page(client.get("/accessibility"))
    headings = [h.get_text(strip=True).replace("\u2019", "'") for h in page.select("main h2, main h3, main h4")]
    assert headings == MODEL_STATEMENT_SECTIONS
    text = text_of(page)
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "Equality Advisory and Support Service (EASS)" in text
    assert "Equality Commission for Northern Ireland (ECNI)" in text
    assert "This statement was prepared on 6 December 2026" in text
    assert "/contact" in {a["href"] for a in page.select("main a")}
