"""The registration journey in Chromium, with axe on every step: a new user signs up, confirms their email
from the outbox, registers a multi-stakeholder homecare co-operative in four steps with three member classes,
sees its assessment before submitting, and a moderator approves it; it then appears in search. Editing it
twice at once loses nothing.

The live server's database is shared with the other end-to-end tests, so every name here is our own."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask

from registry.extensions import db
from registry.models import Role
from registry.services.accounts import create_user
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, sign_in_in_browser

pytestmark = pytest.mark.e2e

CO_OP = "Brightside Homecare Co-operative"
CLASSES = [
    ("Care workers", "Staff"),
    ("People who receive care", "Service users and patients"),
    ("Family carers", "Unpaid carers"),
]


def _staff_account(app: Flask, email: str, role: Role) -> None:
    """A moderator or admin made the way the create-user command makes them, in the live server's database."""
    with app.app_context():
        create_user(db.session, email, PASSWORD, role, site_name=SITE_NAME)
        db.session.commit()


def _continue(page: Any, button: str = "Save and continue") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _confirm_link_from_outbox(browser: Any, live_server: str, admin: str, to: str) -> str:
    context = browser.new_context()
    page = context.new_page()
    sign_in_in_browser(page, live_server, admin)
    page.goto(live_server + "/moderate/outbox")
    assert_accessible(page)
    email = page.locator("details", has_text=f"Confirm your email address, to {to}").first
    email.locator("summary").click()
    body = email.locator("pre").inner_text()
    context.close()
    match = re.search(r"https?://\S+/account/confirm/\S+", body)
    assert match, body
    return match.group(0)


def test_a_new_user_registers_a_homecare_co_operative_and_a_moderator_publishes_it(
    app: Flask, browser: Any, page: Any, live_server: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    person, moderator, admin = (f"{who}-{tag}@journey.example.org" for who in ("founder", "moderator", "admin"))
    _staff_account(app, moderator, Role.MODERATOR)
    _staff_account(app, admin, Role.ADMIN)
    name = f"{CO_OP} {tag}"

    # Sign up and confirm the address from the outbox.
    page.goto(live_server + "/account/sign-up")
    assert_accessible(page)
    page.get_by_label("Email address").fill(person)
    page.get_by_label("Create a password").fill(PASSWORD)
    _continue(page, "Create account")
    assert "Check your email" in page.locator("h1").inner_text()
    page.goto(_confirm_link_from_outbox(browser, live_server, admin, person))
    assert person in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    _continue(page, "Confirm and sign in")
    assert "Email address confirmed" in page.locator("h1").inner_text()

    # Step 1 of 4.
    page.get_by_role("link", name="Your listings").click()
    assert_accessible(page)
    page.get_by_role("button", name="Register an organisation").click()
    assert "step 1 of 4" in page.locator(".nhsuk-caption-l").inner_text()
    assert_accessible(page)
    page.get_by_label("Organisation name").fill(name)
    page.get_by_label("What the organisation does").fill(
        "Homecare in Sheffield, owned together by care workers, the people they support and family carers."
    )
    page.get_by_label("Website (optional)").fill("https://brightside.example.org")
    page.get_by_label("How it started").select_option(label="Started independently")
    _continue(page)

    # Step 2 of 4: legal form and identifiers (a bad number first, to see the message).
    assert page.locator("h1").inner_text() == "Legal form and identifiers"
    assert_accessible(page)
    page.get_by_label("Legal form").select_option(label="Co-operative society")
    page.locator("#identifiers-0-scheme").select_option("GB-MPR")
    page.locator("#identifiers-0-value").fill("not a number")
    _continue(page)
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.locator("#identifiers-0-value").fill(f"{int(tag, 16) % 900000 + 1000}R")
    _continue(page)

    # Step 3 of 4: three member classes, added without JavaScript's help; the board; profits.
    assert page.locator("h1").inner_text() == "Members, board and profits"
    assert_accessible(page)
    page.get_by_label("Governance model").select_option(label="Multi-stakeholder co-operative")
    for index, (class_name, kind) in enumerate(CLASSES):
        if index:
            _continue(page, "Add another member class")
        page.locator(f"#member_classes-{index}-name").fill(class_name)
        page.locator(f"#member_classes-{index}-kind").select_option(label=kind)
        page.locator(f"#member_classes-{index}-voting_rule").select_option("one_member_one_vote")
    page.locator("#board_seats-0-source").select_option("elected_by_class")
    page.locator("#board_seats-0-seats").fill("6")
    page.locator("#board_seats-0-member_class").select_option("Care workers")
    page.locator("#profits-asset_lock").select_option("constitutional")
    page.locator("#profits-distribution_basis").select_option("patronage")
    assert_accessible(page)
    _continue(page)

    # Step 4 of 4: services, a place checked against the gazetteer, and the areas served.
    assert page.locator("h1").inner_text() == "Services and where it works"
    assert_accessible(page)
    page.get_by_label("Homecare (domiciliary care)").check()
    page.locator("#locations-0-address").fill("1 Example Street, Sheffield")
    page.locator("#locations-0-postcode").fill("S1 2HE")
    page.locator("details", has_text="Yorkshire and The Humber").locator("summary").click()
    page.get_by_label("Sheffield", exact=True).check()
    _continue(page)

    # Check your answers, with the assessment, then submit.
    assert page.locator("h1").inner_text() == f"Check your answers: {name}"
    main = page.locator("main").inner_text()
    for class_name, _ in CLASSES:
        assert class_name in main
    assert "How it measures up" in main and "Preferred provider profile" in main
    assert_accessible(page)
    _continue(page, "Submit for review")
    assert "A moderator will check it" in page.locator("main").inner_text()
    assert_accessible(page)

    # A moderator approves it.
    context = browser.new_context()
    review = context.new_page()
    sign_in_in_browser(review, live_server, moderator)
    review.get_by_role("link", name="Moderation").click()
    assert_accessible(review)
    review.get_by_role("link", name=f"Review {name}").click()
    assert_accessible(review)
    review.get_by_label("Approve").check()
    _continue(review, "Record decision")
    assert "Your decision" in review.locator("main").inner_text()
    context.close()

    # It appears in search, verified.
    page.goto(live_server + "/find?q=" + tag)
    assert_accessible(page)
    page.get_by_role("link", name=name).click()
    assert page.locator("h1").inner_text() == name
    assert "Verified" in page.locator(".registry-tag-list").inner_text()
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]

    # Editing it twice at once loses nothing: the second save is refused, showing both versions.
    about = f"{live_server}/manage/listings/{slug}/about"
    second = page.context.new_page()
    for tab in (page, second):
        tab.goto(about)
    assert_accessible(page)
    page.get_by_label("What the organisation does").fill("Homecare across Sheffield, owned by all who share in it.")
    _continue(page, "Save changes")
    second.get_by_label("When it was founded (optional)").fill("2018")
    _continue(second, "Save changes")
    assert second.locator("h1").inner_text() == "Someone else changed this listing while you were editing it"
    table = second.locator("table").inner_text()
    assert "owned by all who share in it" in table and "2018" in table
    assert_accessible(second)
    second.get_by_role("button", name="Edit the saved version").click()
    assert "owned by all who share in it" in second.get_by_label("What the organisation does").input_value()
    second.get_by_label("When it was founded (optional)").fill("2018")
    _continue(second, "Save changes")
    page.goto(f"{live_server}/organisations/{slug}")
    listing = page.locator("main").inner_text()
    assert "owned by all who share in it" in listing and "2018" in listing
