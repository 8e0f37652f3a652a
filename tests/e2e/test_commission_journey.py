"""The commissioner's journey in Chromium, with axe on every page: a commissioner for Sheffield finds every listing
that serves Sheffield with a homecare service and meets the preferred-provider profile, shortlists two, compares
them side by side, downloads the shortlist as CSV and sees the market overview; the public reaches none of it.

The listings are made for this test in the live server's database through the same services as real ones, with
names no other test searches for, and removed afterwards (with the accounts and the shortlist).
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from registry.extensions import db, limiter
from registry.models import Assessment, Organisation, Role, Service, ServiceArea
from registry.services.accounts import create_user
from registry.services.assessments import reassess
from registry.services.listing_data import apply_listing_data
from registry.services.search_index import reindex
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, delete_users, sign_in_in_browser
from tests.support.commissioning import FUND_OWNED, PREFERRED_PROVIDER, SHEFFIELD, serves

pytestmark = pytest.mark.e2e

COMMISSIONER = "e2e-commissioner@sheffield.nhs.example"
MEMBER_OF_PUBLIC = "e2e-public@example.org"
LISTINGS = {
    "e2e-commission-hallam-care-co-op": ("E2E Hallam Care Co-operative", PREFERRED_PROVIDER),
    "e2e-commission-don-valley-homecare": ("E2E Don Valley Homecare Mutual", PREFERRED_PROVIDER),
    "e2e-commission-fund-homecare": ("E2E Fund Homecare Ltd", FUND_OWNED),
}


@pytest.fixture
def sheffield_market(app: Flask) -> Iterator[list[str]]:
    """Two preferred providers of homecare serving Sheffield and one that does not meet the profile."""
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
        create_user(session, MEMBER_OF_PUBLIC, PASSWORD, Role.REPRESENTATIVE, site_name=SITE_NAME)
        session.commit()
        expected = sorted(
            session.scalars(
                select(Organisation.name)
                .join(ServiceArea)
                .join(Service)
                .join(Assessment)
                .where(
                    Organisation.status == "published",
                    ServiceArea.local_authority_code == SHEFFIELD["code"],
                    Service.service_type_code == "hsc-homecare",
                    Assessment.ruleset_id == "preferred-provider",
                    Assessment.verdict == "meets",
                )
            )
        )
    limiter.reset()
    try:
        yield expected
    finally:
        with app.app_context():
            session = db.session()
            orgs = session.scalars(select(Organisation).where(Organisation.slug.in_(LISTINGS))).all()
            for org in orgs:
                org.status = "withdrawn"
            reindex(session, orgs)  # takes them out of the search index
            for org in orgs:
                session.delete(org)
            delete_users(session, [COMMISSIONER, MEMBER_OF_PUBLIC])
            session.commit()
        limiter.reset()


def _adding(name: str) -> re.Pattern[str]:
    # The organisation's name is visually hidden text in the link; browsers may put a space before it.
    return re.compile(rf"^Add to shortlist\s*:\s*{re.escape(name)}$")


def _click(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_sheffield_commissioner_shortlists_compares_and_exports_preferred_homecare_providers(
    page: Any, live_server: str, sheffield_market: list[str]
) -> None:
    assert len(sheffield_market) >= 2
    sign_in_in_browser(page, live_server, COMMISSIONER)
    _click(page, page.get_by_role("link", name="Commission", exact=True))
    assert page.locator("h1").inner_text() == "Find preferred providers"
    assert_accessible(page)

    # Filter: serves Sheffield, offers homecare, meets the preferred-provider profile.
    page.get_by_label("Areas served").fill("Sheffield")
    page.locator("summary", has_text="Service types").click()
    page.get_by_label("Homecare (domiciliary care)").check()
    page.get_by_label("Meets the preferred-provider profile").check()
    _click(page, page.get_by_role("button", name="Apply filters"))
    assert "area=Sheffield" in page.url
    names = page.locator(".registry-results-table tbody th > a:first-child").all_inner_texts()
    assert sorted(names) == sheffield_market
    assert "E2E Fund Homecare Ltd" not in names
    assert_accessible(page)
    results_url = page.url

    # Shortlist two: the first into a new shortlist, the second into the same one.
    first, second = "E2E Don Valley Homecare Mutual", "E2E Hallam Care Co-operative"
    _click(page, page.get_by_role("link", name=_adding(first)))
    assert page.locator("h1").inner_text() == f"Add {first} to a shortlist"
    assert_accessible(page)
    page.get_by_label("A new shortlist", exact=True).check()
    page.get_by_label("Or start a new shortlist called").fill("E2E Sheffield homecare")
    page.get_by_label("Note (optional)").fill("Strong service-user voice on the board")
    _click(page, page.get_by_role("button", name="Add to shortlist"))
    assert page.url == results_url
    assert (
        f"You added {first} to E2E Sheffield homecare."
        in page.locator(".nhsuk-inset-text", has_text="You added").inner_text()
    )
    _click(page, page.get_by_role("link", name=_adding(second)))
    page.get_by_label("E2E Sheffield homecare").check()
    _click(page, page.get_by_role("button", name="Add to shortlist"))

    # Compare them side by side.
    _click(page, page.get_by_role("link", name="Your shortlists"))
    assert_accessible(page)
    _click(page, page.get_by_role("link", name="E2E Sheffield homecare"))
    assert page.locator("h1").inner_text() == "E2E Sheffield homecare"
    assert page.get_by_label(f"Your note on {first}").input_value() == "Strong service-user voice on the board"
    assert_accessible(page)
    page.get_by_role("group", name="Compare side by side").get_by_label(first).check()
    page.get_by_role("group", name="Compare side by side").get_by_label(second).check()
    _click(page, page.get_by_role("button", name="Compare"))
    assert page.locator("h1").inner_text() == "Compare 2 organisations"
    headers = page.locator("table.registry-compare thead th").all_inner_texts()
    assert headers == [first, second]
    assert page.locator("table.registry-compare tbody th", has_text="Member classes and votes").count() == 1
    assert_accessible(page)

    # Download the shortlist as CSV.
    _click(page, page.get_by_role("link", name="Back to E2E Sheffield homecare"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [row["Name"] for row in rows] == [first, second]
    assert rows[0]["Shortlist note"] == "Strong service-user voice on the board"
    assert all(row["Preferred-provider verdict"] == "Meets" for row in rows)
    assert all("ODC-By" in row["Licence"] and row["Exported at"] for row in rows)

    # The market overview.
    _click(page, page.get_by_role("link", name="Market overview"))
    assert page.locator("h1").inner_text() == "Market overview"
    assert page.locator("svg.registry-chart__svg[role=img]").count() == 5
    assert page.get_by_role("img", name="Listings in the twelve regions and nations").count() == 1
    assert page.locator("#overview-regions-table tbody tr").count() >= 12
    assert_accessible(page)
    shortlist_url = page.url.replace("/overview", "/shortlists")

    # Signed out, none of it is reachable.
    _click(page, page.get_by_role("button", name="Sign out"))
    for path in ("/commission", "/commission/overview", "/commission/shortlists", "/commission/results.csv"):
        page.goto(live_server + path)
        assert page.locator("h1").inner_text() == "Sign in", path
    page.goto(shortlist_url)
    assert page.locator("h1").inner_text() == "Sign in"


def test_a_member_of_the_public_cannot_reach_the_commissioner_tools(
    page: Any, live_server: str, sheffield_market: list[str]
) -> None:
    page.goto(live_server + "/")
    assert page.get_by_role("link", name="Commission", exact=True).count() == 0
    page.goto(live_server + "/commission")
    assert page.locator("h1").inner_text() == "Sign in"
    sign_in_in_browser(page, live_server, MEMBER_OF_PUBLIC)
    assert page.get_by_role("link", name="Commission", exact=True).count() == 0
    for path in ("/commission", "/commission/overview", "/commission/shortlists", "/commission/results.csv"):
        response = page.goto(live_server + path)
        assert response.status == 403, path
        assert page.locator("h1").inner_text() == "You do not have permission to see this page"
    assert_accessible(page)
    page.goto(live_server + "/organisations/e2e-commission-hallam-care-co-op")
    assert page.get_by_role("link", name="Add to a shortlist").count() == 0
