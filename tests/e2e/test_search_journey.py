"""The public's main journey in Chromium: from the home page to local mutuals, with axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def _search_from_home(page: Any, live_server: str, text: str) -> None:
    page.goto(live_server + "/")
    page.get_by_label("Postcode, town or organisation name").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()


def test_a_derby_postcode_finds_ripplez(page: Any, live_server: str) -> None:
    _search_from_home(page, live_server, "DE1 3QT")
    assert page.locator("h1").inner_text() == "Health and care mutuals near DE1 3QT"
    result = page.locator(".registry-result", has_text="Ripplez CIC")
    assert "Serves Derby" in result.inner_text()
    assert_accessible(page)


def test_a_sheffield_postcode_finds_mutual_support_and_filters_narrow_it(page: Any, live_server: str) -> None:
    _search_from_home(page, live_server, "S1 2HE")
    assert page.locator(".registry-result", has_text="Mutual Support").count() == 1
    assert_accessible(page)
    # Other journeys may have published more Sheffield carers' co-operatives: the facet's count must match.
    carers = page.get_by_label(re.compile(r"^Unpaid carers \(\d+\)$"))
    expected = int(re.search(r"\((\d+)\)", carers.evaluate("e => e.labels[0].innerText")).group(1))
    carers.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "member_kind=carer" in page.url
    assert page.locator(".registry-result").count() == expected
    assert_accessible(page)
    page.get_by_role("link", name="Mutual Support").click()
    assert page.locator("h1").inner_text() == "Mutual Support"


def test_place_name_and_outcode_searches_work(page: Any, live_server: str) -> None:
    for text in ("Sheffield", "S1"):
        _search_from_home(page, live_server, text)
        assert page.locator(".registry-result", has_text="Mutual Support").count() == 1


def test_an_unknown_postcode_gets_an_accessible_error(page: Any, live_server: str) -> None:
    _search_from_home(page, live_server, "ZZ9 9ZZ")
    summary = page.locator(".nhsuk-error-summary")
    assert "ZZ9 9ZZ" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_a_typo_still_finds_the_organisation(page: Any, live_server: str) -> None:
    _search_from_home(page, live_server, "Ripplze")
    assert page.locator(".registry-result", has_text="Ripplez CIC").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize(
    ("typed", "reading", "found"),
    [
        ("homecare Sheffield", "Showing homecare near Sheffield", "Mutual Support"),
        ("home care near Sheffield", "Showing homecare near Sheffield", "Mutual Support"),
        ("homecare Sheffeild", "Showing homecare near Sheffield (you typed Sheffeild)", "Mutual Support"),
        ("Ripplez Derby", "Showing Ripplez near Derby", "Ripplez CIC"),
        ("homecare NHS South Yorkshire ICB", "Showing homecare in NHS South Yorkshire ICB", "Mutual Support"),
        ("South Yorkshire", "Showing organisations in South Yorkshire", "Mutual Support"),
    ],
)
def test_one_box_reads_what_and_where(page: Any, live_server: str, typed: str, reading: str, found: str) -> None:
    _search_from_home(page, live_server, typed)
    said = page.locator(".registry-reading")
    assert said.inner_text().startswith(reading)
    assert page.locator(".registry-result", has_text=found).count() == 1
    assert_accessible(page)
    # The words as typed, read as text alone: the page no longer says it read a place.
    with page.expect_navigation():
        said.get_by_role("link").click()
    assert "as_text=yes" in page.url
    assert page.locator(".registry-reading").count() == 0


def test_home_care_near_leeds_keeps_leeds(page: Any, live_server: str) -> None:
    _search_from_home(page, live_server, "home care near Leeds")
    assert page.locator(".registry-reading").inner_text().startswith("Showing homecare near Leeds")
    assert "led" not in page.locator(".registry-reading").inner_text().replace("Leeds", "")


def test_on_a_phone_the_results_come_before_the_collapsed_filters(page: Any, live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    _search_from_home(page, live_server, "S1 2HE")
    results = page.locator("#results-heading").bounding_box()
    filters = page.locator("details.registry-filters").bounding_box()
    assert results["y"] < filters["y"]
    assert page.locator("details.registry-filters").get_attribute("open") is None
    assert not page.get_by_role("button", name="Apply filters").is_visible()
    assert_accessible(page)
