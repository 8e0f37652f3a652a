"""The validator defects issue 16 found with extra probes (item 7), each pinned to the law it breaks, and the
facts the schema could not hold before (item 8) deciding the rules they belong to.

Every test here failed before its fix, except the one marked as a guard against the fix going too far."""

from __future__ import annotations

from typing import Any

import pytest

from registry.domain.structure import StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import Finding, assess, load_rulesets, vote_share_of
from registry.domain.validator.shares import vote_share_range
from registry.domain.vocabulary import MemberClassKind, Outcome, Verdict

RULESETS = {r.id: r for r in load_rulesets()}
STAFF = frozenset({MemberClassKind.STAFF})
INVESTORS = frozenset({MemberClassKind.INVESTOR})


def finding(ruleset_id: str, rule_id: str, data: dict[str, Any]) -> Finding:
    assessment = assess(facts_from_dict(data), RULESETS[ruleset_id])
    return next(f for f in assessment.findings if f.rule_id == rule_id)


def omov(kind: str | None, count: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "count": count, "voting_rule": "one_member_one_vote"}


def weighted(kind: str | None, pct: float) -> dict[str, Any]:
    return {"kind": kind, "voting_rule": "weighted_share", "vote_share_pct": pct}


# --- ICA Principle 4 (autonomy): members' own control is not outside control ------------------------------

THREE_WORKERS: dict[str, Any] = {
    "legal_form": "co_operative_society",
    "member_classes": [omov("staff", 3)],
    "board_seats": [{"source": "elected_by_class", "member_class": 0, "seats": 3}],
    "significant_control": [
        {"name": f"Worker {n}", "natures_of_control": ["voting-rights-25-to-50-percent"], "is_member": True}
        for n in (1, 2, 3)
    ],
}


def test_a_three_worker_co_operative_whose_workers_each_hold_a_third_of_the_votes_meets_principle_4() -> None:
    # ICA Statement 1995, Principle 4 (RFCCBS 4.3.3): autonomy means "democratic control by their members".
    # Each worker is a PSC under CA 2006 Sch 1A (more than 25% of the votes), but as a member.
    found = finding("ica-cooperative-identity", "ICA-P4-AUTONOMY", THREE_WORKERS)

    assert found.outcome is Outcome.PASS, found.reason


def test_a_person_with_significant_control_outside_the_membership_still_fails_principle_4() -> None:
    outsider = {
        **THREE_WORKERS,
        "significant_control": [{**THREE_WORKERS["significant_control"][0], "is_member": False}],
    }

    assert finding("ica-cooperative-identity", "ICA-P4-AUTONOMY", outsider).outcome is Outcome.FAIL


@pytest.mark.parametrize("who", [{"is_public_body": True}, {"is_for_profit": True}])
def test_a_member_that_is_a_public_body_or_an_investor_counts_against_principle_4(who: dict[str, bool]) -> None:
    member = {**THREE_WORKERS["significant_control"][0], **who}

    found = finding("ica-cooperative-identity", "ICA-P4-AUTONOMY", {**THREE_WORKERS, "significant_control": [member]})

    assert found.outcome is Outcome.FAIL


def test_whether_a_controlling_person_is_a_member_is_asked_not_guessed() -> None:
    unknown = {**THREE_WORKERS, "significant_control": [{"natures_of_control": ["voting-rights-25-to-50-percent"]}]}

    found = finding("ica-cooperative-identity", "ICA-P4-AUTONOMY", unknown)

    assert found.outcome is Outcome.NEEDS_INFORMATION
    assert "significant_control[0].is_member" in found.needs


# --- Forms that can never be charities: the rule does not ask --------------------------------------------


@pytest.mark.parametrize(
    ("ruleset_id", "rule_id", "form"),
    [
        # Companies (Audit, Investigations and Community Enterprise) Act 2004 s26(3): a CIC "is not a charity".
        ("community-interest-company", "CIC-NOT-CHARITY", "cic_cls"),
        ("community-interest-company", "CIC-NOT-CHARITY", "cic_clg"),
        ("community-interest-company", "CIC-NOT-CHARITY", "community_interest_company"),
        # Charities Act 2011 s1(1) (charitable purposes only) against CCBSA 2014 s2(2)(a)(i) (mutual benefit).
        ("registered-cooperative-society", "CHAR-NOT-COOP", "co_operative_society"),
    ],
)
def test_a_form_that_can_never_be_a_charity_passes_without_the_charity_flag(
    ruleset_id: str, rule_id: str, form: str
) -> None:
    found = finding(ruleset_id, rule_id, {"legal_form": form})

    assert found.outcome is Outcome.PASS
    assert "cannot be a charity in law" in found.reason
    assert found.needs == ()
    # A record that says otherwise contradicts the law and still fails.
    assert finding(ruleset_id, rule_id, {"legal_form": form, "registered_charity": True}).outcome is Outcome.FAIL


# --- Vote shares: a lone fixed share, and bounds when a kind is unknown ----------------------------------


def test_a_lone_class_with_a_fixed_share_holds_that_share_not_every_vote() -> None:
    facts = facts_from_dict({"member_classes": [weighted("investor", 40)]})

    assert vote_share_of(facts, INVESTORS) is None  # 60% belongs to classes not described
    assert vote_share_range(facts, INVESTORS) == (40.0, 100.0)
    assert vote_share_range(facts, STAFF) == (0.0, 60.0)
    stakeholders = finding(
        "preferred-provider", "PP-T2-STAKEHOLDER-CONTROL", {"member_classes": [weighted("staff", 40)]}
    )
    assert "hold 100% of votes" not in stakeholders.reason
    assert "at least 40%" in stakeholders.reason


def test_a_lone_investor_class_with_a_fixed_40_percent_fails_the_10_percent_cap() -> None:
    found = finding("preferred-provider", "PP-T2-INVESTOR-CAP", {"member_classes": [weighted("investor", 40)]})

    assert found.outcome is Outcome.FAIL
    assert found.reason.startswith("Investors hold at least 40% of votes")


def test_staff_at_60_percent_beside_a_class_of_unknown_kind_hold_at_least_60_percent() -> None:
    facts = facts_from_dict({"member_classes": [weighted("staff", 60), weighted(None, 40)]})

    assert vote_share_range(facts, STAFF) == (60.0, 100.0)
    # Procurement Act 2023 s33(6)(c), read as more than half the votes: decided without the other kind.
    control = finding(
        "public-service-mutual-procurement-act",
        "PA2023-S33-EMPLOYEE-CONTROL",
        {"member_classes": [weighted("staff", 60), weighted(None, 40)]},
    )
    assert control.outcome is Outcome.PASS
    assert "at least 60%" in control.reason


def test_a_known_investor_share_over_the_cap_fails_even_beside_a_class_of_unknown_kind() -> None:
    # A guard: bounding shares must not turn a known 30% investor share into "needs information".
    data = {"member_classes": [weighted("investor", 30), omov(None)]}

    found = finding("preferred-provider", "PP-T2-INVESTOR-CAP", data)

    assert found.outcome is Outcome.FAIL


# --- Preferred-provider distributions: the CIC cap follows from the form, as the lock does ---------------


def test_a_cic_limited_by_shares_is_capped_at_35_percent_without_its_lock_being_recorded() -> None:
    # CIC Regulations 2005 regs 17 and 19: a CIC's dividends are capped at 35% of distributable profits.
    data = {"legal_form": "cic_cls", "profits": {"distribution_basis": "capital"}}

    found = finding("preferred-provider", "PP-T2-DISTRIBUTION", data)

    assert found.outcome is Outcome.PASS
    assert "by law" in found.reason


# --- Asset locks: a CBS's own lock counts as a co-operative's does; the CBS lock is only for a CBS -------


def test_a_community_benefit_society_with_a_lock_in_its_rules_passes_as_a_co_operative_society_does() -> None:
    for form in ("community_benefit_society", "co_operative_society"):
        data = {"origin": "nhs_spin_out", "legal_form": form, "profits": {"asset_lock": "constitutional"}}

        assert finding("preferred-provider", "PP-T2-LEGAL-LOCK", data).outcome is Outcome.PASS, form


@pytest.mark.parametrize(
    ("ruleset_id", "rule_id"),
    [("preferred-provider", "PP-T2-LEGAL-LOCK"), ("social-enterprise", "SEMARK-E-ASSET-LOCK")],
)
def test_a_co_operative_society_cannot_claim_the_statutory_community_benefit_society_lock(
    ruleset_id: str, rule_id: str
) -> None:
    # SI 2006/264: only a community benefit society (not a charity) may adopt the statutory restriction.
    data = {"origin": "nhs_spin_out", "legal_form": "co_operative_society", "profits": {"asset_lock": "cbs_statutory"}}

    found = finding(ruleset_id, rule_id, data)

    assert found.outcome is Outcome.FAIL
    assert "SI 2006/264" in found.reason


# --- CCBSA 2014 s2(2)(b): three members, or two registered societies -------------------------------------


@pytest.mark.parametrize("ruleset_id", ["registered-cooperative-society", "community-benefit-society"])
def test_two_members_that_are_both_registered_societies_meet_the_minimum(ruleset_id: str) -> None:
    form = "co_operative_society" if ruleset_id.startswith("registered") else "community_benefit_society"
    data = {"legal_form": form, "members_total": 2, "members_registered_societies": 2}

    found = finding(ruleset_id, "CCBSA-S2-MIN-MEMBERS", data)

    assert found.outcome is Outcome.PASS
    assert (
        finding(ruleset_id, "CCBSA-S2-MIN-MEMBERS", {**data, "members_registered_societies": 1}).outcome is Outcome.FAIL
    )
    asked = finding(ruleset_id, "CCBSA-S2-MIN-MEMBERS", {"legal_form": form, "members_total": 2})
    assert asked.needs == ("members_registered_societies",)


# --- Facts the schema could not hold (item 8) -------------------------------------------------------------


def test_a_seat_the_whole_membership_elects_belongs_to_the_classes_holding_most_board_election_votes() -> None:
    data = {
        "member_classes": [omov("staff", 70), omov("investor", 30)],
        "board_seats": [{"source": "elected_by_class", "whole_membership": True, "seats": 5}],
    }

    stakeholders = finding("preferred-provider", "PP-T2-STAKEHOLDER-CONTROL", data)
    investors = finding("preferred-provider", "PP-T2-INVESTOR-BOARD", data)

    assert stakeholders.outcome is Outcome.PASS, stakeholders.reason
    assert "They elect 100% of the board" in stakeholders.reason
    assert investors.outcome is Outcome.PASS


def test_a_whole_membership_seat_names_no_class_and_is_an_elected_seat() -> None:
    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict(
            {
                "member_classes": [omov("staff")],
                "board_seats": [
                    {"source": "elected_by_class", "whole_membership": True, "member_class": 0},
                    {"source": "appointed", "whole_membership": True},
                ],
            }
        )

    assert raised.value.errors == {
        "board_seats[0].member_class": "Leave the member class empty for a seat the whole membership elects",
        "board_seats[1].whole_membership": "Say the whole membership elects a seat only for seats that members elect",
    }


def test_paid_trustees_must_be_a_minority_charities_act_2011_s185() -> None:
    charity = RULESETS["charity"]

    six = assess(facts_from_dict({"legal_form": "cio", "charity": {"trustees_total": 6, "trustees_paid": 3}}), charity)
    seven = assess(
        facts_from_dict({"legal_form": "cio", "charity": {"trustees_total": 7, "trustees_paid": 3}}), charity
    )

    assert six.verdict is Verdict.DOES_NOT_MEET
    assert seven.verdict is Verdict.MEETS
    assert charity.rules[0].source.url == "https://www.legislation.gov.uk/ukpga/2011/25/section/185"


def test_the_charity_rule_set_is_only_for_charitable_forms() -> None:
    assessment = assess(facts_from_dict({"legal_form": "co_operative_society"}), RULESETS["charity"])

    assert assessment.verdict is Verdict.NOT_APPLICABLE


def test_the_cic_schedule_decides_the_asset_lock_and_whether_dividends_can_be_paid() -> None:
    locked = finding(
        "community-interest-company",
        "CIC-ASSET-LOCK",
        {"legal_form": "cic_cls", "profits": {"cic_asset_lock_schedule": 3}},
    )
    schedule_1 = {
        "legal_form": "community_interest_company",
        "profits": {"cic_asset_lock_schedule": 1, "distribution_basis": "capital"},
    }

    assert locked.outcome is Outcome.PASS
    assert "Schedule 3" in locked.reason
    assert finding("community-interest-company", "CIC-DIV-AGG-CAP", schedule_1).outcome is Outcome.NOT_APPLICABLE
    assert finding("community-interest-company", "CIC-SCHEDULE-CLG-NO-DIVIDENDS", schedule_1).outcome is Outcome.WARNING


def test_a_cic_schedule_outside_1_to_3_is_refused() -> None:
    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict({"profits": {"cic_asset_lock_schedule": 4}})

    assert raised.value.errors == {
        "profits.cic_asset_lock_schedule": "Choose the Schedule of the CIC Regulations its articles adopt: 1, 2 or 3"
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"charity": {"trustees_total": 3, "trustees_paid": 4}},
            {"charity.trustees_paid": "Enter a number of paid trustees that is no more than the number of trustees"},
        ),
        (
            {"members_total": 2, "members_registered_societies": 3},
            {"members_registered_societies": "Enter a number that is no more than the number of members"},
        ),
        (
            {"profits": {"dissolution_clause": "to_shareholders"}},
            {
                "profits.dissolution_clause": "Choose where residual assets go on dissolution from the list: "
                "to_asset_locked_body, common_ownership, to_members, none"
            },
        ),
        (
            {"profits": {"profits_reinvested_pct": 120}},
            {
                "profits.profits_reinvested_pct": "Enter the share of the year's profits kept for its purpose "
                "rather than paid out between 0 and 100"
            },
        ),
        (
            {"significant_control": [{"is_member": "perhaps"}]},
            {
                "significant_control[0].is_member": "Answer yes or no (true or false) for whether the person is one "
                "of the organisation's members"
            },
        ),
    ],
)
def test_the_new_facts_are_read_with_plain_english_messages(data: dict[str, Any], errors: dict[str, str]) -> None:
    with pytest.raises(StructureFactsError) as raised:
        facts_from_dict(data)

    assert raised.value.errors == errors


def test_profits_actually_reinvested_decide_the_social_enterprise_mark_profits_test() -> None:
    rules = {"distribution_basis": "capital", "distribution_cap_pct": 100}

    kept = finding("social-enterprise", "SEMARK-D-PROFITS", {"profits": {**rules, "profits_reinvested_pct": 60}})
    paid_out = finding("social-enterprise", "SEMARK-D-PROFITS", {"profits": {**rules, "profits_reinvested_pct": 40}})
    unknown = finding("social-enterprise", "SEMARK-D-PROFITS", {"profits": rules})

    assert (kept.outcome, paid_out.outcome, unknown.outcome) == (Outcome.PASS, Outcome.FAIL, Outcome.NEEDS_INFORMATION)
    assert "profits.profits_reinvested_pct" in unknown.needs


def test_a_dissolution_clause_paying_members_undoes_a_lock_in_the_rules() -> None:
    data = {"origin": "nhs_spin_out", "legal_form": "co_operative_society"}
    data |= {"profits": {"asset_lock": "constitutional", "dissolution_clause": "to_members"}}

    assert finding("preferred-provider", "PP-T2-LEGAL-LOCK", data).outcome is Outcome.FAIL
    assert finding("social-enterprise", "SEMARK-E-ASSET-LOCK", data).outcome is Outcome.FAIL
