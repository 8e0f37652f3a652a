"""A member of the public browses the registry in Chromium; every page passes axe's WCAG 2.2 AA rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def test_home_page_is_accessible_and_offers_a_search(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text().startswith("Find a health or care")
    assert page.get_by_label("Postcode, town or organisation name").is_visible()
    assert_accessible(page)


def test_list_of_organisations_is_accessible_and_links_to_listings(page: Any, live_server: str) -> None:
    page.goto(live_server + "/organisations")
    assert page.locator("h1").inner_text() == "All organisations"
    assert_accessible(page)
    # The list is in name order over several pages; its first listing links to that listing's page.
    first = page.locator(".registry-result h2 a").first
    name = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == name
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


PUBLIC_PAGES = [
    "/",
    "/find?q=S1+2HE",
    "/organisations",
    "/organisations/mutual-support",
    "/check",
    "/about/data",
    "/data",
    "/api/docs",
    "/accessibility",
    "/account/sign-in",
]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_public_pages_reflow_at_320_pixels_without_scrolling_sideways(
    browser: Any, live_server: str, javascript: bool
) -> None:
    """WCAG 2.2 1.4.10: at 320 CSS pixels nothing but a data table or code (scrolling in its own box) is wider."""
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    wide = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
    context.close()
    assert not wide, f"pages wider than 320 px: {wide}"
