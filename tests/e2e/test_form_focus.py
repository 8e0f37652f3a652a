"""Where the focus goes on /check in Chromium: to the error summary after a mistake, and to the row a person
added or the one before the row they removed (with JavaScript; without it the page still lands there)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => ({id: document.activeElement.id, classes: document.activeElement.className,"
        " tag: document.activeElement.tagName})"
    )


def _press(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_a_mistake_moves_the_focus_to_the_error_summary(page: Any, live_server: str) -> None:
    page.goto(live_server + "/check")
    page.locator("#member_classes-0-count").fill("lots")
    _press(page, "Check this structure")
    page.wait_for_function("document.activeElement !== document.body")
    assert "nhsuk-error-summary" in _focused(page)["classes"]
    # The summary's link takes the person to the field.
    page.locator(".nhsuk-error-summary a").first.click()
    assert _focused(page)["id"] == "member_classes-0-count"


def test_add_another_and_remove_move_the_focus_to_the_row(page: Any, live_server: str) -> None:
    page.goto(live_server + "/check")
    page.locator("#member_classes-0-name").fill("Staff")
    _press(page, "Add another member class")
    assert page.url.endswith("/check#member-class-2")
    page.wait_for_function("document.activeElement.id === 'member-class-2'")
    assert _focused(page)["tag"] == "FIELDSET"
    assert page.locator("#member_classes-0-name").input_value() == "Staff"
    # Tab goes on to the new row's first field.
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "member_classes-1-name"
    assert_accessible(page)
    _press(page, "Add another member class")
    page.wait_for_function("document.activeElement.id === 'member-class-3'")
    _press(page, "Remove member class 3")
    page.wait_for_function("document.activeElement.id === 'member-class-2'")
    _press(page, "Remove member class 1")
    page.wait_for_function("document.activeElement.id === 'member_classes'")
    assert page.locator("fieldset[id^=member-class-]").count() == 1
    _press(page, "Add a person or body with significant control")
    page.wait_for_function("document.activeElement.id === 'control-1'")


def test_without_javascript_the_page_lands_on_the_new_row(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(live_server + "/check")
    _press(page, "Add another group of board seats")
    assert page.url.endswith("/check#board-seat-2")
    box = page.locator("#board-seat-2").bounding_box()
    assert box is not None and -1 <= box["y"] < 700, box  # scrolled to it (less a fraction of a pixel)
    context.close()
