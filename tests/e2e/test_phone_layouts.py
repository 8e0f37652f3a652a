"""Pages on a phone (375 px, and 320 px for the charts) and on a wide screen (1280 px), in Chromium with axe:
search results come before the collapsed filters, the market charts' text is drawn at 12 px or more, and the audit
log fits the screen with its events in words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from registry.extensions import db, limiter
from registry.models import Role
from registry.services.accounts import create_user
from tests.support.accessibility import assert_accessible
from tests.support.accounts import PASSWORD, SITE_NAME, delete_users, sign_in_in_browser

pytestmark = pytest.mark.e2e

PHONE, NARROWEST, WIDE = 375, 320, 1280
COMMISSIONER = "e2e-phone-commissioner@sheffield.nhs.example"
MODERATOR = "e2e-phone-moderator@registry.example.org"

# The smallest text drawn in the visible charts, in CSS pixels: each text's computed font size times the scale
# its SVG is drawn at (its rendered width over its viewBox width), beside the height of the text's box.
SMALLEST_CHART_TEXT = """() => {
  const sizes = [];
  for (const text of document.querySelectorAll("figure.registry-chart svg text")) {
    const box = text.getBoundingClientRect();
    if (!box.width) continue;  // in a chart hidden at this width
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    sizes.push({size: parseFloat(getComputedStyle(text).fontSize) * scale, height: box.height, text: text.textContent});
  }
  sizes.sort((a, b) => a.size - b.size);
  return {count: sizes.length, smallest: sizes[0]};
}"""


@pytest.fixture
def accounts(app: Flask) -> Iterator[None]:
    with app.app_context():
        session = db.session()
        create_user(session, COMMISSIONER, PASSWORD, Role.COMMISSIONER, site_name=SITE_NAME)
        create_user(session, MODERATOR, PASSWORD, Role.MODERATOR, site_name=SITE_NAME)
        session.commit()
    limiter.reset()
    try:
        yield
    finally:
        with app.app_context():
            session = db.session()
            delete_users(session, [COMMISSIONER, MODERATOR])
            session.commit()
        limiter.reset()


def _at(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})


def _page_width(page: Any) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_on_a_phone_the_results_come_before_the_collapsed_filters(page: Any, live_server: str) -> None:
    _at(page, PHONE)
    page.goto(live_server + "/find?near=Sheffield")
    results = page.locator("#results-heading").bounding_box()
    filters = page.locator("details.registry-filters")
    assert results["y"] < filters.bounding_box()["y"]
    assert results["y"] < 800, "the number of results is on the first screen"
    assert filters.evaluate("details => details.open") is False
    assert page.locator("details.registry-search-options").evaluate("details => details.open") is False
    register = page.get_by_role("link", name="Register your organisation").first
    assert register.get_attribute("href") == "/account/sign-up"
    assert page.locator("main").get_by_role("link", name="What the words mean").get_attribute("href") == "/explain"
    assert _page_width(page) <= PHONE
    assert_accessible(page)
    # The link by the count opens the filters (the browser opens a details holding the target).
    page.locator(".registry-filters-link a").click()
    assert filters.evaluate("details => details.open") is True
    assert page.get_by_role("button", name="Apply filters").is_visible()
    verdicts = page.get_by_role("link", name="How to read the verdicts")
    assert verdicts.get_attribute("href") == "/explain/reading-verdicts"


def test_on_a_wide_screen_the_filters_and_search_options_start_open(page: Any, live_server: str) -> None:
    _at(page, WIDE)
    page.goto(live_server + "/find?near=Sheffield")
    assert page.locator("details.registry-filters").evaluate("details => details.open") is True
    assert page.get_by_label("Distance").is_visible()
    assert not page.locator(".registry-filters-link").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [NARROWEST, PHONE, WIDE])
def test_the_market_charts_text_is_drawn_at_12px_or_more(
    page: Any, live_server: str, accounts: None, width: int
) -> None:
    _at(page, width)
    sign_in_in_browser(page, live_server, COMMISSIONER)
    page.goto(live_server + "/commission/overview")
    measured = page.evaluate(SMALLEST_CHART_TEXT)
    assert measured["count"] > 40, measured
    assert measured["smallest"]["size"] >= 12, measured
    assert measured["smallest"]["height"] >= 12, measured
    visible = [svg.is_visible() for svg in page.locator("figure.registry-chart svg").all()]
    # Four bar charts at either width; the tile map of the regions only where it is readable.
    assert visible.count(True) == (4 if width < WIDE else 5)
    assert _page_width(page) <= width
    assert_accessible(page)


def test_the_audit_log_fits_a_phone_and_names_its_events_in_words(page: Any, live_server: str, accounts: None) -> None:
    _at(page, PHONE)
    sign_in_in_browser(page, live_server, MODERATOR)
    page.goto(live_server + "/moderate/audit?action=account")
    table = page.locator("table").inner_text()
    assert "Signed in" in table
    assert "account.signed_in" not in table
    assert _page_width(page) <= PHONE
    assert_accessible(page)
