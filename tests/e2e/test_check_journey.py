"""Describing Mutual Support on /check in Chromium, adding member classes without JavaScript, with axe."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

CLASSES = [
    ("People who need support", "Service users and patients"),
    ("Paid care staff", "Staff"),
    ("Unpaid carers, friends and family", "Unpaid carers"),
]


def _describe_mutual_support(page: Any) -> None:
    page.get_by_label("Organisation name").fill("Mutual Support")
    page.get_by_label("Legal form").select_option("co_operative_society")
    for index, (name, kind) in enumerate(CLASSES):
        if index:
            with page.expect_navigation():
                page.get_by_role("button", name="Add another member class").click()
        page.locator(f"#member_classes-{index}-name").fill(name)
        page.locator(f"#member_classes-{index}-kind").select_option(label=kind)
        page.locator(f"#member_classes-{index}-voting_rule").select_option("one_member_one_vote")
    page.locator("#profits-asset_lock").select_option("constitutional")
    page.locator("#profits-distribution_basis").select_option("patronage")
    with page.expect_navigation():
        page.get_by_role("button", name="Check this structure").click()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_person_checks_mutual_support_rule_by_rule(browser: Any, live_server: str, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server + "/check")
    assert_accessible(page) if javascript else None
    _describe_mutual_support(page)
    assert page.locator("h1").inner_text() == "Structure check: Mutual Support"
    summary = page.locator("table").first.inner_text()
    assert "Co-operative identity (ICA principles)" in summary
    assert "Preferred provider profile" in summary
    assert "Does not meet" not in page.locator("tr", has_text="Co-operative identity").inner_text()
    page.locator("details", has_text="Co-operative identity").first.locator("summary").click()
    assert "Source:" in page.locator("details", has_text="Co-operative identity").first.inner_text()
    if javascript:
        assert_accessible(page)
    context.close()


def test_bad_answers_are_explained_accessibly(page: Any, live_server: str) -> None:
    page.goto(live_server + "/check")
    page.locator("#member_classes-0-count").fill("lots")
    with page.expect_navigation():
        page.get_by_role("button", name="Check this structure").click()
    assert page.title().startswith("Error: ")
    assert "whole number" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.locator("#member_classes-0-count").input_value() == "lots"
    assert_accessible(page)
