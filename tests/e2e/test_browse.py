"""A member of the public browses the registry in Chromium; every page passes axe's WCAG 2.2 AA rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_home_page_is_accessible_and_offers_a_search(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text().startswith("Find a health or care")
    assert page.get_by_label("Postcode, town or organisation name").is_visible()
    assert_accessible(page)


def test_list_of_organisations_is_accessible_and_links_to_listings(page: Any, live_server: str) -> None:
    page.goto(live_server + "/organisations")
    assert page.locator("h1").inner_text() == "All organisations"
    page.get_by_role("link", name="Mutual Support").click()
    assert page.locator("h1").inner_text() == "Mutual Support"
    assert_accessible(page)


def test_listing_page_shows_ownership_and_is_accessible(page: Any, live_server: str) -> None:
    page.goto(live_server + "/organisations/mutual-support")
    body = page.locator("main").inner_text()
    assert "Registered co-operative society" in body or "Co-operative society" in body
    assert "Paid care staff" in body
    assert "Yorkshire and The Humber" in body
    assert_accessible(page)


def test_ripplez_listing_is_accessible(page: Any, live_server: str) -> None:
    page.goto(live_server + "/organisations/ripplez-cic")
    body = page.locator("main").inner_text()
    assert "Right to Request" in body
    assert "East Midlands" in body
    assert_accessible(page)


def test_pages_work_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/organisations/ripplez-cic")
    assert page.locator("h1").inner_text() == "Ripplez CIC"
    context.close()


def test_missing_page_is_an_accessible_404(page: Any, live_server: str) -> None:
    response = page.goto(live_server + "/no-such-page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)
