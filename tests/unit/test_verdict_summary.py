"""The one-sentence verdict summary a listing page starts with."""

from __future__ import annotations

from typing import Any

import pytest

from registry.domain.verdict_summary import plural, verdict_summary


def finding(title: str, outcome: str, severity: str = "fail_policy") -> dict[str, Any]:
    return {"title": title, "outcome": outcome, "severity": severity}


def test_a_listing_not_assessed_has_no_summary() -> None:
    assert verdict_summary(None) is None
    assert verdict_summary({}) is None


def test_a_listing_that_meets_the_profile_says_so() -> None:
    assert verdict_summary({"verdict": "meets", "findings": []}) == "Meets the preferred-provider profile."


def test_a_listing_that_does_not_meet_names_the_first_rule_it_fails() -> None:
    report = {
        "verdict": "does_not_meet",
        "findings": [finding("Has an asset lock", "pass"), finding("Staff own and control it", "fail")],
    }
    assert verdict_summary(report) == (
        "Does not meet the preferred-provider profile: it does not meet the rule “Staff own and control it”."
    )


def test_other_failed_rules_are_counted_once_each_and_warnings_are_not() -> None:
    report = {
        "verdict": "does_not_meet",
        "findings": [
            finding("Staff own and control it", "fail"),
            finding("Trades", "fail", severity="warn"),
            finding("Investors hold at most 10% of votes", "fail"),
            finding("Investors hold at most 10% of votes", "fail"),
            finding("No for-profit controlling interest", "fail", severity="fail"),
        ],
    }
    assert verdict_summary(report) == (
        "Does not meet the preferred-provider profile: it does not meet the rule “Staff own and control it” "
        "and 2 other rules."
    )
    report["findings"] = report["findings"][:2]
    assert verdict_summary(report) == (
        "Does not meet the preferred-provider profile: it does not meet the rule “Staff own and control it”."
    )


def test_one_other_failed_rule_is_singular() -> None:
    report = {"verdict": "does_not_meet", "findings": [finding("A", "fail"), finding("B", "fail")]}
    assert verdict_summary(report) == (
        "Does not meet the preferred-provider profile: it does not meet the rule “A” and 1 other rule."
    )


def test_a_does_not_meet_report_without_findings_still_has_a_sentence() -> None:
    assert verdict_summary({"verdict": "does_not_meet"}) == "Does not meet the preferred-provider profile."


@pytest.mark.parametrize(
    ("facts", "sentence"),
    [
        (["Asset lock"], "1 fact needed to decide whether it meets the preferred-provider profile: Asset lock."),
        (
            ["Asset lock", "Share of income from trading (%)"],
            "2 facts needed to decide whether it meets the preferred-provider profile: Asset lock; "
            "Share of income from trading.",
        ),
        (
            ["A", "B", "C", "D", "E"],
            "5 facts needed to decide whether it meets the preferred-provider profile: A; B and 3 more.",
        ),
        (["A", "B", "C"], "3 facts needed to decide whether it meets the preferred-provider profile: A; B and 1 more."),
    ],
)
def test_a_listing_that_needs_information_names_the_facts_that_would_decide(facts: list[str], sentence: str) -> None:
    assert verdict_summary({"verdict": "needs_information"}, facts) == sentence


def test_needing_information_without_named_facts_still_has_a_sentence() -> None:
    assert verdict_summary({"verdict": "needs_information"}) == (
        "More information is needed to decide whether it meets the preferred-provider profile."
    )


def test_a_profile_that_does_not_apply_says_so() -> None:
    assert verdict_summary({"verdict": "not_applicable"}) == (
        "The preferred-provider profile does not apply to this kind of organisation."
    )


def test_plurals() -> None:
    assert [plural(n, "fact") for n in (0, 1, 2)] == ["0 facts", "1 fact", "2 facts"]
    assert plural(2, "body", "bodies") == "2 bodies"
