"""The main journeys in Welsh, in Chromium: searching and reading a listing, checking a structure, and
registering an organisation. Every page they pass through must say ``lang="cy"``, hold no English but what is
marked to stay English (``tests.support.welsh``), and pass axe.

The words the tests look for are the catalogue's Welsh for the English the pages are written in, so a better
translation does not break them; the codes they choose by (legal form, service, area) never change."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask

from registry.domain.language import gettext, speaking
from registry.extensions import db
from registry.models import Role
from registry.services.accounts import create_user
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, sign_in_in_browser
from tests.support.welsh import english_left

pytestmark = pytest.mark.e2e


def cy(message: str, **variables: Any) -> str:
    """The Welsh the pages show for ``message``."""
    with speaking("cy"):
        welsh = gettext(message, **variables)
    assert welsh != message or not any(c.isalpha() for c in message), f"no Welsh for {message!r}"
    return welsh


def assert_welsh(page: Any) -> None:
    assert page.locator("html").get_attribute("lang") == "cy", page.url
    left = english_left(page.content())
    assert not left, f"{page.url} has English left: {left[:8]}"
    assert_accessible(page)


def _press(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_searching_in_welsh_finds_mutual_support_and_its_listing(page: Any, live_server: str) -> None:
    page.goto(live_server + "/?lang=cy")
    assert page.get_by_role("link", name="English").get_attribute("lang") == "en"
    assert_welsh(page)
    page.get_by_label(cy("Postcode, town or organisation name")).fill("S1 2HE")
    _press(page, cy("Search"))
    assert page.locator(".registry-result", has_text="Mutual Support").count() == 1
    assert_welsh(page)
    page.get_by_role("link", name="Mutual Support").click()
    assert page.locator("h1").inner_text() == "Mutual Support"
    assert_welsh(page)
    # The switch goes back to the same listing in English.
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Mutual Support"


def test_a_welsh_place_name_finds_what_its_english_name_finds(page: Any, live_server: str) -> None:
    page.goto(live_server + "/find?q=Swansea&lang=en")
    english = page.locator(".registry-result").count()
    page.goto(live_server + "/find?q=Abertawe&lang=cy")
    assert page.locator(".registry-result").count() == english
    assert_welsh(page)


def test_an_unknown_postcode_is_explained_in_welsh(page: Any, live_server: str) -> None:
    page.goto(live_server + "/?lang=cy")
    page.get_by_label(cy("Postcode, town or organisation name")).fill("ZZ9 9ZZ")
    _press(page, cy("Search"))
    assert page.title().startswith("Gwall: ")
    assert "ZZ9 9ZZ" in page.locator(".nhsuk-error-summary").inner_text()
    assert_welsh(page)


def test_checking_a_structure_in_welsh(page: Any, live_server: str) -> None:
    page.goto(live_server + "/check?lang=cy")
    assert_welsh(page)
    page.locator("#member_classes-0-count").fill("llawer")
    _press(page, cy("Check this structure"))
    assert page.title().startswith("Gwall: ")
    assert_welsh(page)
    page.locator("#member_classes-0-count").fill("")
    page.locator("#name").fill("Mutual Support")
    page.locator("#legal_form").select_option("co_operative_society")
    page.locator("#member_classes-0-name").fill("Pobl sydd angen cymorth")
    page.locator("#member_classes-0-kind").select_option("service_user")
    page.locator("#member_classes-0-voting_rule").select_option("one_member_one_vote")
    page.locator("#profits-asset_lock").select_option("constitutional")
    page.locator("#profits-distribution_basis").select_option("patronage")
    _press(page, cy("Check this structure"))
    assert "Mutual Support" in page.locator("h1").inner_text()
    assert page.locator("table").count() >= 1
    assert_welsh(page)


def test_registering_an_organisation_in_welsh(app: Flask, page: Any, live_server: str) -> None:
    tag = uuid.uuid4().hex[:8]
    email = f"cymraeg-{tag}@journey.example.org"
    with app.app_context():
        create_user(db.session, email, PASSWORD, Role.REPRESENTATIVE, site_name=SITE_NAME)
        db.session.commit()
    sign_in_in_browser(page, live_server, email)
    page.goto(live_server + "/manage?lang=cy")
    assert_welsh(page)
    _press(page, cy("Register an organisation"))
    assert_welsh(page)

    # Step 1: about the organisation.
    page.locator("#name").fill(f"Cwmni Gofal Cartref {tag}")
    page.locator("#description").fill("Gofal cartref yn Sheffield, dan berchnogaeth y gweithwyr a'r bobl a gefnogir.")
    page.locator("#origin").select_option("independent")
    _press(page, cy("Save and continue"))

    # Step 2: legal form, with a bad register number first.
    assert_welsh(page)
    page.locator("#legal_form").select_option("co_operative_society")
    page.locator("#identifiers-0-scheme").select_option("GB-MPR")
    page.locator("#identifiers-0-value").fill("dim rhif")
    _press(page, cy("Save and continue"))
    assert page.title().startswith("Gwall: ")
    assert_welsh(page)
    page.locator("#identifiers-0-value").fill(f"{int(tag, 16) % 900000 + 1000}R")
    _press(page, cy("Save and continue"))

    # Step 3: members, board and profits.
    assert_welsh(page)
    page.locator("#member_classes-0-name").fill("Gweithwyr gofal")
    page.locator("#member_classes-0-kind").select_option("staff")
    page.locator("#member_classes-0-voting_rule").select_option("one_member_one_vote")
    page.locator("#profits-asset_lock").select_option("constitutional")
    page.locator("#profits-distribution_basis").select_option("patronage")
    _press(page, cy("Save and continue"))

    # Step 4: services and where it works.
    assert_welsh(page)
    page.locator('input[name="services"][value="hsc-homecare"]').check()
    page.locator("#locations-0-address").fill("1 Example Street, Sheffield")
    page.locator("#locations-0-postcode").fill("S1 2HE")
    _press(page, cy("Save and continue"))

    # Check your answers, with the assessment in Welsh, then submit.
    assert_welsh(page)
    _press(page, cy("Submit for review"))
    assert_welsh(page)
