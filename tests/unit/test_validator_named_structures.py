"""Named structures, and the verdicts the research says they should get.

Mutual Support and Ripplez are real names used as examples; every other name here is synthetic. Facts not
stated in a structure's description are left unknown on purpose, so the tests show that unknown facts give
"needs information" and never a guessed pass or fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import Assessment, Finding, assess_all, vote_share_of, vote_shares
from registry.domain.vocabulary import MemberClassKind, Outcome, Verdict

USERS_STAFF_CARERS = [
    {"name": "People who need support", "kind": "service_user", "voting_rule": "one_member_one_vote"},
    {"name": "Paid care staff", "kind": "staff", "voting_rule": "one_member_one_vote"},
    {"name": "Unpaid carers, friends and family", "kind": "carer", "voting_rule": "one_member_one_vote"},
]

# Mutual Support as described: a registered co-operative society with three member classes voting one member,
# one vote, member counts unknown. Nothing else is stated, so nothing else is entered.
MUTUAL_SUPPORT_AS_DESCRIBED: dict[str, Any] = {
    "name": "Mutual Support",
    "legal_form": "co_operative_society",
    "member_classes": USERS_STAFF_CARERS,
}

# Mutual Support with full, plausible facts (our assumptions, not published figures): member counts; a common
# ownership asset lock in its rules; surpluses shared by patronage; no interest on its £1 membership share;
# each class elects board members, plus one co-opted director; open membership; nobody with significant
# control; mostly trading income; and declarations for the rules no fact can show.
MUTUAL_SUPPORT_IN_FULL: dict[str, Any] = {
    "name": "Mutual Support",
    "legal_form": "co_operative_society",
    "origin": "independent",
    "is_public_body": False,
    "registered_charity": False,
    "delivers_public_services": True,
    "member_benefit_only": False,
    "membership_open": True,
    "all_employees_eligible": True,
    "members_total": 125,
    "trading_income_pct": 92,
    "member_classes": [
        {**USERS_STAFF_CARERS[0], "count": 60},
        {**USERS_STAFF_CARERS[1], "count": 40},
        {**USERS_STAFF_CARERS[2], "count": 25},
    ],
    "board_seats": [
        {"source": "elected_by_class", "member_class": "People who need support", "seats": 3},
        {"source": "elected_by_class", "member_class": "Paid care staff", "seats": 3},
        {"source": "elected_by_class", "member_class": "Unpaid carers, friends and family", "seats": 2},
        {"source": "co_opted", "seats": 1, "is_non_executive": True},
    ],
    "profits": {
        "asset_lock": "constitutional",
        "distribution_basis": "patronage",
        "pays_share_interest": False,
        "min_shareholding_gbp": 1,
        "max_shareholding_gbp": 1,
    },
    "significant_control": [],
    "declarations": ["ICA-P5-P7", "CCBSA-S2-BUSINESS", "CCBSA-S2-RULES", "COOP-COMMON-NEED", "COOP-MUTUAL-BENEFIT"],
}

# Ripplez CIC: a staff-led community interest company with the statutory asset lock, spun out of the NHS
# under Right to Request in April 2011. Its type (by guarantee) is given in one test and left as "a CIC" in
# another; everything else is unknown.
RIPPLEZ: dict[str, Any] = {
    "name": "Ripplez CIC",
    "legal_form": "cic_clg",
    "origin": "nhs_spin_out",
    "spin_out_programme": "right_to_request",
    "spin_out_date": "2011-04",
    "member_classes": [{"name": "Staff members", "kind": "staff", "voting_rule": "one_member_one_vote"}],
    "profits": {"asset_lock": "cic_statutory"},
}

# A synthetic CIC limited by shares, 80% owned by a synthetic private-equity fund.
FUND_OWNED_CIC: dict[str, Any] = {
    "name": "Synthetic Homecare Holdings CIC",
    "legal_form": "cic_cls",
    "profits": {"asset_lock": "cic_statutory", "distribution_basis": "capital"},
    "member_classes": [{"name": "Shareholders", "kind": "investor", "voting_rule": "votes_follow_shares"}],
    "significant_control": [
        {
            "name": "Synthetic Growth Equity Fund LP",
            "natures_of_control": ["ownership-of-shares-75-to-100-percent", "voting-rights-75-to-100-percent"],
            "is_for_profit": True,
        }
    ],
}


def assessments(data: dict[str, Any]) -> dict[str, Assessment]:
    return {a.ruleset_id: a for a in assess_all(facts_from_dict(data))}


def finding(assessment: Assessment, rule_id: str) -> Finding:
    return next(f for f in assessment.findings if f.rule_id == rule_id)


def outcomes(assessment: Assessment) -> dict[str, Outcome]:
    return {f.rule_id: f.outcome for f in assessment.findings}


# --- Mutual Support ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset_id", ["ica-cooperative-identity", "registered-cooperative-society"])
def test_mutual_support_as_described_needs_information_but_never_fails_the_co_operative_rules(ruleset_id: str) -> None:
    assessment = assessments(MUTUAL_SUPPORT_AS_DESCRIBED)[ruleset_id]

    assert assessment.verdict is Verdict.NEEDS_INFORMATION
    assert Outcome.FAIL not in outcomes(assessment).values()
    assert Outcome.WARNING not in outcomes(assessment).values()


def test_mutual_support_as_described_passes_what_its_classes_show_and_asks_for_the_rest() -> None:
    found = assessments(MUTUAL_SUPPORT_AS_DESCRIBED)

    ica, coop, pp = (
        found["ica-cooperative-identity"],
        found["registered-cooperative-society"],
        found["preferred-provider"],
    )
    assert finding(ica, "ICA-P2-OMOV").outcome is Outcome.PASS
    assert finding(ica, "ICA-P2-NOT-CAPITAL-CONTROL").outcome is Outcome.PASS
    assert finding(coop, "COOP-EQUAL-CONTROL").outcome is Outcome.PASS
    assert finding(coop, "CCBSA-S2-MIN-MEMBERS").outcome is Outcome.NEEDS_INFORMATION
    assert finding(coop, "CCBSA-S2-MIN-MEMBERS").reason == "The number of members is not known; at least 3 are needed."
    assert finding(ica, "ICA-P3-LIMITED-COMP").outcome is Outcome.NEEDS_INFORMATION
    # Every class is a user or worker class, so they hold every vote whatever their counts.
    stakeholders = finding(pp, "PP-T2-STAKEHOLDER-CONTROL")
    assert stakeholders.outcome is Outcome.NEEDS_INFORMATION
    assert stakeholders.reason.startswith(
        "Staff, service users and patients, carers and community and public members hold 100% of votes"
    )
    assert finding(pp, "PP-T2-INVESTOR-CAP").outcome is Outcome.PASS


def test_mutual_support_vote_shares_need_counts_per_class_but_not_for_the_classes_together() -> None:
    facts = facts_from_dict(MUTUAL_SUPPORT_AS_DESCRIBED)

    assert vote_shares(facts) is None
    assert (
        vote_share_of(facts, frozenset({MemberClassKind.STAFF, MemberClassKind.SERVICE_USER, MemberClassKind.CARER}))
        == 100.0
    )


@pytest.mark.parametrize(
    "ruleset_id", ["ica-cooperative-identity", "registered-cooperative-society", "preferred-provider"]
)
def test_mutual_support_with_full_facts_meets_the_co_operative_and_preferred_provider_rules(ruleset_id: str) -> None:
    assessment = assessments(MUTUAL_SUPPORT_IN_FULL)[ruleset_id]

    assert assessment.verdict is Verdict.MEETS, [(f.rule_id, f.reason) for f in assessment.findings]
    assert Outcome.NEEDS_INFORMATION not in outcomes(assessment).values()


def test_mutual_support_with_full_facts_explains_its_votes_and_board() -> None:
    pp = assessments(MUTUAL_SUPPORT_IN_FULL)["preferred-provider"]

    assert finding(pp, "PP-T2-STAKEHOLDER-CONTROL").reason == (
        "Staff, service users and patients, carers and community and public members hold 100% of votes "
        "(more than 50% is needed). They elect 88.889% of the board (more than 50% is needed)."
    )
    # The brief asks spin-outs, not every co-operative, to be "legally committed" (its asset-lock reading).
    assert finding(pp, "PP-T2-LEGAL-LOCK").outcome is Outcome.NOT_APPLICABLE
    assert finding(pp, "PP-T2-LEGAL-LOCK").reason == "It started independently; this rule is only for spin-outs."
    assert finding(pp, "PP-SPINOUT").outcome is Outcome.NOT_APPLICABLE


def test_mutual_support_the_briefs_own_example_fails_no_rule_the_brief_never_sets() -> None:
    # The brief's case study says nothing of an asset lock, trading income or a dissolution clause; a
    # multi-stakeholder co-operative without a lock, sharing surpluses by patronage, is what it describes.
    pp = assessments(
        {
            **MUTUAL_SUPPORT_AS_DESCRIBED,
            "origin": "independent",
            "trading_income_pct": 20,
            "profits": {"asset_lock": "none", "distribution_basis": "patronage", "dissolution_clause": "to_members"},
        }
    )["preferred-provider"]

    assert pp.verdict is not Verdict.DOES_NOT_MEET, pp.reason
    assert Outcome.FAIL not in outcomes(pp).values()
    assert outcomes(pp)["PP-T2-LEGAL-LOCK"] is Outcome.NOT_APPLICABLE
    assert outcomes(pp)["PP-T2-TRADING"] is Outcome.NOT_APPLICABLE
    assert outcomes(pp)["PP-T2-DISTRIBUTION"] is Outcome.PASS


def test_mutual_support_is_not_assessed_against_other_legal_forms_rule_sets() -> None:
    found = assessments(MUTUAL_SUPPORT_IN_FULL)

    for ruleset_id in ("community-benefit-society", "community-interest-company", "nhs-foundation-trust"):
        assert found[ruleset_id].verdict is Verdict.NOT_APPLICABLE
        assert "the organisation is a registered co-operative society" in found[ruleset_id].reason


# --- Ripplez CIC -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("legal_form", ["cic_clg", "community_interest_company"])
def test_ripplez_meets_the_cic_asset_lock_and_needs_information_where_facts_are_unknown(legal_form: str) -> None:
    cic = assessments({**RIPPLEZ, "legal_form": legal_form})["community-interest-company"]

    assert finding(cic, "CIC-ASSET-LOCK").outcome is Outcome.PASS
    assert finding(cic, "CIC-ASSET-LOCK").reason == "It has the statutory community interest company asset lock."
    # A CIC cannot be a charity (C(AICE)A 2004 s26(3)): its form decides it without asking.
    assert finding(cic, "CIC-NOT-CHARITY").outcome is Outcome.PASS
    assert finding(cic, "CIC-CIT-NOT-MEMBERS-ONLY").outcome is Outcome.NEEDS_INFORMATION
    assert cic.verdict is Verdict.NEEDS_INFORMATION
    assert Outcome.FAIL not in outcomes(cic).values()


def test_ripplez_limited_by_guarantee_declares_no_dividends_to_cap() -> None:
    cic = assessments(RIPPLEZ)["community-interest-company"]

    assert finding(cic, "CIC-DIV-AGG-CAP").outcome is Outcome.NOT_APPLICABLE


def test_ripplez_is_a_staff_led_nhs_spin_out() -> None:
    found = assessments(RIPPLEZ)

    psm, pp = found["public-service-mutual"], found["preferred-provider"]
    assert finding(psm, "PSM-SPUN-OUT").reason == "It spun out of the NHS in April 2011."
    assert finding(psm, "PSM-STAFF-INFLUENCE").outcome is Outcome.PASS
    assert finding(psm, "PSM-PUBLIC-SERVICES").outcome is Outcome.NEEDS_INFORMATION
    assert finding(pp, "PP-T2-LEGAL-LOCK").outcome is Outcome.PASS
    assert finding(pp, "PP-SPINOUT").reason.startswith("Staff hold 100% of votes")
    assert pp.verdict is Verdict.NEEDS_INFORMATION


# --- A CIC controlled by a private-equity fund -------------------------------------------------------------


def test_a_cic_owned_by_a_private_equity_fund_fails_the_preferred_provider_profile_and_says_why() -> None:
    pp = assessments(FUND_OWNED_CIC)["preferred-provider"]

    assert pp.verdict is Verdict.DOES_NOT_MEET
    control = finding(pp, "PP-T2-NO-VC-PSC")
    assert control.outcome is Outcome.FAIL
    assert control.reason.startswith(
        "Synthetic Growth Equity Fund LP, a for-profit person with significant control, holds more than 75% of the "
        "shares; the rule allows no for-profit person with more than 25% of shares or votes"
    )
    assert finding(pp, "PP-T2-INVESTOR-CAP").reason == "Investors hold 100% of votes; the rule allows at most 10%."
    assert "No for-profit controlling interest" in pp.reason


def test_a_fund_owned_cic_still_meets_the_cic_asset_lock_it_is_lawful() -> None:
    cic = assessments(FUND_OWNED_CIC)["community-interest-company"]

    assert finding(cic, "CIC-ASSET-LOCK").outcome is Outcome.PASS
    assert cic.verdict is not Verdict.DOES_NOT_MEET


# --- A co-operative whose votes follow shareholdings (fixture 6) ------------------------------------------


def test_a_co_operative_whose_votes_follow_shareholdings_fails_one_member_one_vote() -> None:
    found = assessments(
        {
            "name": "Synthetic Shareholders Co-operative",
            "legal_form": "co_operative_society",
            "member_classes": [{"name": "Members", "kind": "service_user", "voting_rule": "votes_follow_shares"}],
        }
    )

    for ruleset_id, rule_id in [
        ("ica-cooperative-identity", "ICA-P2-OMOV"),
        ("registered-cooperative-society", "COOP-EQUAL-CONTROL"),
        ("registered-cooperative-society", "FCA-SHARES-NO-CAPITAL-VOTES"),
    ]:
        assessment = found[ruleset_id]
        assert assessment.verdict is Verdict.DOES_NOT_MEET
        assert finding(assessment, rule_id).reason.startswith('Votes follow shareholdings for "Members"')


# --- An Equal Care-style multi-stakeholder co-operative (fixture 5) ---------------------------------------


def test_an_equal_care_style_co_operative_passes_the_investor_caps() -> None:
    pp = assessments(
        {
            "name": "Synthetic Care Platform Co-op",
            "legal_form": "co_operative_society",
            "member_classes": [
                {"name": "Supported", "kind": "service_user", "voting_rule": "one_member_one_vote"},
                {"name": "Advocates", "kind": "carer", "voting_rule": "one_member_one_vote"},
                {"name": "Workers", "kind": "staff", "voting_rule": "one_member_one_vote"},
                {
                    "name": "Investors",
                    "kind": "investor",
                    "voting_rule": "capped_share",
                    "vote_share_pct": 10,
                    "votes_on": ["ordinary", "special", "board_election"],
                },
            ],
            "board_seats": [
                {"source": "elected_by_class", "member_class": 0, "seats": 3},
                {"source": "elected_by_class", "member_class": 1, "seats": 2},
                {"source": "elected_by_class", "member_class": 2, "seats": 5},
                {"source": "elected_by_class", "member_class": 3, "seats": 2},
            ],
        }
    )["preferred-provider"]

    assert outcomes(pp)["PP-T2-INVESTOR-CAP"] is Outcome.PASS
    assert outcomes(pp)["PP-T2-INVESTOR-BOARD"] is Outcome.PASS
    assert outcomes(pp)["PP-T2-INVESTOR-CONVERSION"] is Outcome.PASS
    assert outcomes(pp)["PP-T2-STAKEHOLDER-CONTROL"] is Outcome.PASS


# --- An NHS foundation trust (fixture 4) -------------------------------------------------------------------


def foundation_trust(public: int) -> dict[str, Any]:
    return {
        "name": "Synthetic Valley NHS Foundation Trust",
        "legal_form": "nhs_foundation_trust",
        "is_public_body": True,
        "foundation_trust": {
            "governors_total": 30,
            "public_governors_elected": public,
            "patient_governors_elected": 2,
            "staff_governors_elected": 6,
            "local_authority_governors": 1,
            "has_medical_or_dental_school": False,
            "nhs_income_pct": 94,
        },
    }


def test_a_foundation_trust_with_16_public_and_patient_governors_of_30_meets_the_governance_rules() -> None:
    ft = assessments(foundation_trust(public=14))["nhs-foundation-trust"]

    assert ft.verdict is Verdict.MEETS
    assert finding(ft, "FT-COG-PUBLIC-MAJORITY").reason == (
        "14 public and 2 patient governors are 16 of 30: more than 50% of the council."
    )


def test_a_foundation_trust_with_15_public_and_patient_governors_of_30_fails() -> None:
    ft = assessments(foundation_trust(public=13))["nhs-foundation-trust"]

    assert ft.verdict is Verdict.DOES_NOT_MEET
    assert finding(ft, "FT-COG-PUBLIC-MAJORITY").reason == (
        "13 public and 2 patient governors are 15 of 30; more than 50% of the council (more than 15) is needed."
    )


def test_a_foundation_trust_is_tier_one_not_a_second_tier_provider_and_not_independent() -> None:
    found = assessments(foundation_trust(public=14))

    assert found["preferred-provider"].verdict is Verdict.NOT_APPLICABLE
    assert found["public-service-mutual"].verdict is Verdict.NOT_APPLICABLE
    assert found["social-enterprise"].verdict is Verdict.DOES_NOT_MEET


# --- Employee ownership trusts -------------------------------------------------------------------------


def eot_company(share: float) -> dict[str, Any]:
    return {
        "name": "Synthetic Engineering Services Ltd",
        "legal_form": "company_limited_by_shares",
        "employee_ownership": {
            "trustee_shares_pct": share,
            "trustee_votes_pct": share,
            "trustee_profits_pct": share,
            "trustee_assets_pct": share,
            "defeating_provisions": False,
            "is_trading_company": True,
            "all_employees_same_terms": True,
            "participators": 8,
            "employees": 21,
            "trustees_total": 3,
            "trustees_connected_to_former_owners": 1,
            "trustees_uk_resident": True,
            "disposal_date": "2025-03-01",
        },
    }


def test_an_employee_ownership_trust_holding_exactly_half_does_not_control_the_company() -> None:
    eot = assessments(eot_company(50))["employee-ownership-trust"]

    assert eot.verdict is Verdict.DOES_NOT_MEET
    assert finding(eot, "EOT-CONTROL").reason.endswith("it needs more than 50% of each.")


def test_an_employee_ownership_trust_holding_more_than_half_meets_the_conditions() -> None:
    eot = assessments(eot_company(51))["employee-ownership-trust"]

    assert eot.verdict is Verdict.MEETS
    assert finding(eot, "EOT-LIMITED-PARTICIPATION").reason == (
        "8 of 21 employees (0.381) are participators or connected with them; at most 2/5 may be."
    )


def test_every_named_structure_has_sourced_findings() -> None:
    for data in (MUTUAL_SUPPORT_AS_DESCRIBED, MUTUAL_SUPPORT_IN_FULL, RIPPLEZ, FUND_OWNED_CIC):
        for assessment in assess_all(facts_from_dict(data)):
            assert assessment.reason
            for found in assessment.findings:
                assert found.source.title
                assert found.reason


def test_structure_facts_with_nothing_known_need_information_everywhere_that_applies() -> None:
    for assessment in assess_all(StructureFacts()):
        assert assessment.verdict in {Verdict.NEEDS_INFORMATION, Verdict.NOT_APPLICABLE}
