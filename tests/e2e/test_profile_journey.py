"""A commissioner's own profile in Chromium, with axe on every page: they compose a profile with a 20% investor
cap (a number outside its range first, corrected from the error summary), save it, find the providers that meet
it (one the published 10% cap would reject), rank the plausible, check a structure against it and download the
results with the profile's name and version.

The listings are made for this test in the live server's database and removed afterwards, with the account.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from registry.extensions import db, limiter
from registry.models import Organisation, Role
from registry.services.accounts import create_user
from registry.services.assessments import reassess
from registry.services.listing_data import apply_listing_data
from registry.services.search_index import reindex
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, delete_users
from tests.support.commissioning import PREFERRED_PROVIDER, SHEFFIELD, serves, with_investors

pytestmark = pytest.mark.e2e

COMMISSIONER = "e2e-profiles@sheffield.nhs.example"
CAP = "#preferred-provider--PP-T2-INVESTOR-CAP--max_vote_pct"
LISTINGS = {
    "e2e-profile-no-investors": ("E2E Profile Care Co-operative", PREFERRED_PROVIDER),
    "e2e-profile-investors-15": ("E2E Profile Homecare, 15% investors", with_investors(15)),
    "e2e-profile-investors-30": ("E2E Profile Homecare, 30% investors", with_investors(30)),
}


@pytest.fixture
def market(app: Flask) -> Iterator[None]:
    with app.app_context():
        session = db.session()
        for slug, (name, facts) in LISTINGS.items():
            org = Organisation(slug=slug)
            session.add(org)
            data = {
                **copy.deepcopy(facts),
                "name": name,
                "status": "published",
                "services": [{"code": "hsc-homecare"}],
                "service_areas": serves(SHEFFIELD),
            }
            apply_listing_data(session, org, data)
            reassess(session, org)
        create_user(session, COMMISSIONER, PASSWORD, Role.COMMISSIONER, site_name=SITE_NAME)
        session.commit()
    limiter.reset()
    try:
        yield
    finally:
        with app.app_context():
            session = db.session()
            orgs = session.scalars(select(Organisation).where(Organisation.slug.in_(LISTINGS))).all()
            for org in orgs:
                org.status = "withdrawn"
            reindex(session, orgs)
            for org in orgs:
                session.delete(org)
            delete_users(session, [COMMISSIONER])
            session.commit()
        limiter.reset()


def _click(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_commissioner_composes_a_20_percent_investor_cap_profile_and_finds_shortlists_and_downloads_by_it(
    page: Any, live_server: str, market: None
) -> None:
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Email address").fill(COMMISSIONER)
    page.get_by_label("Password").fill(PASSWORD)
    _click(page, page.get_by_role("button", name="Sign in"))

    page.goto(live_server + "/commission")
    _click(page, page.get_by_role("link", name="Your profiles"))
    assert_accessible(page)
    _click(page, page.get_by_role("link", name="Compose a profile"))
    assert_accessible(page)
    page.get_by_label("Name of the profile").fill("E2E Sheffield, 20% investors")
    page.locator(CAP).fill("30")
    _click(page, page.get_by_role("button", name="Save profile"))
    assert page.title().startswith("Error:")
    summary = page.locator(".nhsuk-error-summary")
    assert "enter a value from 0 to 25" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == CAP[1:] or page.url.endswith(CAP)
    page.locator(CAP).fill("20")
    _click(page, page.get_by_role("button", name="Save profile"))
    assert page.locator("h1").inner_text() == "E2E Sheffield, 20% investors"
    assert "(version 1)" in page.locator(".nhsuk-lede-text").inner_text()
    assert_accessible(page)

    _click(page, page.get_by_role("link", name="Providers meeting E2E Sheffield, 20% investors"))
    page.get_by_label("Name or keyword").fill("E2E Profile")
    _click(page, page.get_by_role("button", name="Apply filters"))
    names = page.locator(".registry-results-table tbody th > a:first-child").all_inner_texts()
    assert "E2E Profile Homecare, 15% investors" in names
    assert "E2E Profile Care Co-operative" in names
    assert "E2E Profile Homecare, 30% investors" not in names
    assert_accessible(page)

    download = page.request.get(live_server + page.locator("a", has_text="CSV").first.get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(download.text().lstrip("\ufeff"))))
    assert {row["Profile"] for row in rows} == {"E2E Sheffield, 20% investors (version 1)"}
    assert {row["Verdict against the profile"] for row in rows} == {"Meets"}

    page.goto(live_server + "/check")
    page.get_by_label("Also check against one of your profiles").select_option(
        label="E2E Sheffield, 20% investors (version 1)"
    )
    _click(page, page.get_by_role("button", name="Check this structure"))
    assert "Your profile: E2E Sheffield, 20% investors (version 1)" in page.locator("table").first.inner_text()
    assert_accessible(page)
