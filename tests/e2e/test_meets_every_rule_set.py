"""Every rule set can be met through the forms alone (issue 16): for each, a structure that meets it is entered
in Chromium only through /check's form, and again only through the registration wizard, and the verdict is
"Meets". Every legal form these structures have is one the wizard offers, so every rule set is reached both
ways. axe checks the pages that changed: /check with its report, and the wizard's governance step.

The live server's database is shared with the other end-to-end tests, so every name here is our own."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from registry.extensions import db, limiter
from registry.models import Role
from registry.services.accounts import create_user
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, sign_in_in_browser
from tests.support.structures import MEETING, form_answers, wizard_answers

pytestmark = pytest.mark.e2e

ADD_BUTTONS = {
    "member_classes": "add-member-class",
    "board_seats": "add-board-seat",
    "significant_control": "add-control",
}


def _rows_needed(answers: dict[str, Any]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for field in answers:
        name, _, rest = field.partition("-")
        if name in ADD_BUTTONS and rest:
            rows[name] = max(rows.get(name, 0), int(rest.split("-")[0]) + 1)
    return rows


def _add_rows(page: Any, answers: dict[str, Any]) -> None:
    """Add member classes, board seat groups and controllers until there is a row for every answer."""
    for name, wanted in _rows_needed(answers).items():
        while page.locator(f"[id^='{name}-'][id$='-{'source' if name == 'board_seats' else 'name'}']").count() < wanted:
            with page.expect_navigation():
                page.locator(f"button[value={ADD_BUTTONS[name]}]").click()


def _fill(page: Any, answers: dict[str, Any]) -> None:
    """Answer each field by its id, whatever kind of field it is; groups that open on demand are opened."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    for field, value in answers.items():
        element = page.locator(f"[id='{field}']")
        tag = element.evaluate("e => e.tagName.toLowerCase()")
        if tag == "select":
            element.select_option(str(value))
        elif tag == "fieldset":
            for item in value if isinstance(value, list) else [value]:
                element.locator(f"input[value='{item}']").check()
        else:
            element.fill(str(value))


def _verdict(page: Any, ruleset_id: str) -> str:
    section = page.locator("section", has=page.locator(f"[id='ruleset-{ruleset_id}']"))
    return str(section.locator(".nhsuk-tag").first.inner_text())


@pytest.mark.parametrize("ruleset_id", sorted(MEETING))
def test_a_structure_entered_only_through_check_meets_the_rule_set(
    page: Any, live_server: str, ruleset_id: str
) -> None:
    answers = form_answers(MEETING[ruleset_id])
    page.goto(live_server + "/check")
    _add_rows(page, answers)
    _fill(page, answers)
    with page.expect_navigation():
        page.get_by_role("button", name="Check this structure").click()

    assert page.locator("h1").inner_text().startswith("Structure check: ")
    assert _verdict(page, ruleset_id) == "Meets"
    if ruleset_id == "preferred-provider":
        assert_accessible(page)


def test_check_names_the_facts_that_would_decide_and_links_to_their_fields(page: Any, live_server: str) -> None:
    answers = form_answers(MEETING["preferred-provider"])
    del answers["has_significant_control"]
    page.goto(live_server + "/check")
    _add_rows(page, answers)
    _fill(page, answers)
    with page.expect_navigation():
        page.get_by_role("button", name="Check this structure").click()

    section = page.locator("section", has=page.locator("[id='ruleset-preferred-provider']"))
    section.locator("summary").first.click()
    link = section.get_by_role("link", name="Does any person or body have significant control?").first
    link.click()
    assert page.url.endswith("#has_significant_control")
    assert_accessible(page)


def _representative(app: Flask, email: str) -> None:
    with app.app_context():
        create_user(db.session, email, PASSWORD, Role.REPRESENTATIVE, site_name=SITE_NAME)
        db.session.commit()
        # Eleven sign-ins from one address in a minute is what the sign-in limit is there to stop.
        limiter.reset()


def _continue(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


@pytest.mark.parametrize("ruleset_id", sorted(MEETING))
def test_a_structure_entered_only_through_the_wizard_meets_the_rule_set(
    app: Flask, page: Any, live_server: str, ruleset_id: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    email = f"rules-{tag}@journey.example.org"
    _representative(app, email)
    sign_in_in_browser(page, live_server, email)
    steps = wizard_answers({**MEETING[ruleset_id], "name": f"{MEETING[ruleset_id]['name']} {tag}"})

    page.goto(live_server + "/manage/listings/new")
    _fill(page, steps["about"])
    _continue(page)
    assert page.locator("h1").inner_text() == "Legal form and identifiers"
    _fill(page, steps["legal"])
    _continue(page)
    assert page.locator("h1").inner_text() == "Members, board and profits"
    _add_rows(page, steps["governance"])
    _fill(page, steps["governance"])
    if ruleset_id == "preferred-provider":
        assert_accessible(page)
    _continue(page)
    assert page.locator("h1").inner_text() == "Services and where it works"
    _continue(page)

    assert _verdict(page, ruleset_id) == "Meets"
