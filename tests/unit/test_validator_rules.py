"""Each rule, table-driven: every row names the source (and, where there is one, the published example) it
encodes. Then the arithmetic the rules share (vote and board shares), the verdict, and rule set loading."""

from __future__ import annotations

import dataclasses
import json
import typing
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from registry.domain.structure import MemberClassFacts, StructureFacts
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import (
    Finding,
    RuleSet,
    RuleSetError,
    assess,
    board_share,
    load_rulesets,
    parse_ruleset,
    vote_share_of,
    vote_shares,
)
from registry.domain.validator.checks import CHECKS, DECLARATION
from registry.domain.validator.loading import DEFAULT_PATH
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import elected_by, public_appointee
from registry.domain.vocabulary import MemberClassKind, Outcome, Verdict, VoteDecision, VotingRule

RULESETS = {r.id: r for r in load_rulesets()}

# The legal form each row starts from, so the rule set applies; a row can override it.
FORM = {
    "preferred-provider": "company_limited_by_guarantee",
    "ica-cooperative-identity": "co_operative_society",
    "registered-cooperative-society": "co_operative_society",
    "community-benefit-society": "community_benefit_society",
    "community-interest-company": "cic_cls",
    "social-enterprise": "company_limited_by_guarantee",
    "public-service-mutual": "cic_clg",
    "public-service-mutual-procurement-act": "cic_clg",
    "nhs-foundation-trust": "nhs_foundation_trust",
    "employee-ownership-trust": "company_limited_by_shares",
    "charity": "cio",
}

PASS, FAIL, WARNING = Outcome.PASS, Outcome.FAIL, Outcome.WARNING
NEEDS, NA = Outcome.NEEDS_INFORMATION, Outcome.NOT_APPLICABLE


def omov(kind: str, count: int | None = None, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "count": count, "voting_rule": "one_member_one_vote", **more}


def weighted(kind: str, pct: float, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "voting_rule": "weighted_share", "vote_share_pct": pct, **more}


def capped(kind: str, pct: float, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "voting_rule": "capped_share", "vote_share_pct": pct, **more}


def elected(index: int, seats: int = 1, **more: Any) -> dict[str, Any]:
    return {"source": "elected_by_class", "member_class": index, "seats": seats, **more}


def appointed(seats: int = 1, **more: Any) -> dict[str, Any]:
    return {"source": "appointed", "seats": seats, **more}


def psc(*natures: str, **more: Any) -> dict[str, Any]:
    return {"name": "Example Holdings Ltd", "natures_of_control": list(natures), **more}


def ft(**counts: Any) -> dict[str, Any]:
    council = {
        "governors_total": 30,
        "public_governors_elected": 14,
        "patient_governors_elected": 2,
        "staff_governors_elected": 6,
        "local_authority_governors": 1,
        "has_medical_or_dental_school": False,
        "nhs_income_pct": 90,
        "longest_ned_tenure_years": 4,
    }
    return {"foundation_trust": {**council, **counts}}


def eot(**values: Any) -> dict[str, Any]:
    trust = {
        "trustee_shares_pct": 100,
        "trustee_votes_pct": 100,
        "trustee_profits_pct": 100,
        "trustee_assets_pct": 100,
        "defeating_provisions": False,
        "is_trading_company": True,
        "all_employees_same_terms": True,
        "participators": 0,
        "employees": 40,
        "trustees_total": 3,
        "trustees_connected_to_former_owners": 1,
        "trustees_uk_resident": True,
        "disposal_date": "2025-01-15",
    }
    return {"employee_ownership": {**trust, **values}}


STAKEHOLDERS = [omov("staff", 40), omov("service_user", 60)]
STAKEHOLDER_BOARD = [elected(0, 3), elected(1, 3)]


def row(ruleset: str, rule: str, data: dict[str, Any], outcome: Outcome, source: str, says: str | None = None) -> Any:
    return pytest.param(ruleset, rule, data, outcome, source, says, id=f"{rule}:{outcome.value}:{source}"[:110])


PP, ICA, COOP, CBS, CIC = (
    "preferred-provider",
    "ica-cooperative-identity",
    "registered-cooperative-society",
    "community-benefit-society",
    "community-interest-company",
)
SE, PSM, S33, FT, EOT, CHARITY = (
    "social-enterprise",
    "public-service-mutual",
    "public-service-mutual-procurement-act",
    "nhs-foundation-trust",
    "employee-ownership-trust",
    "charity",
)
SPUN_OUT = {"origin": "nhs_spin_out"}

CASES = [
    # --- Preferred-provider profile: the policy brief (June 2014) and Vernon's article, all [D] -------------
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "legal_form": "cic_clg"},
        PASS,
        "brief: 'legally committed'; any CIC is locked",
        "by law",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "profits": {"asset_lock": "constitutional"}},
        PASS,
        "brief; CLG with dissolution clause",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "profits": {"dissolution_clause": "common_ownership"}},
        PASS,
        "brief; a common-ownership dissolution clause locks a CLG's residual assets",
        "a dissolution clause sending residual assets to common ownership",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "profits": {"asset_lock": "constitutional", "dissolution_clause": "to_members"}},
        FAIL,
        "brief; a lock whose dissolution clause pays members is not binding",
        "send what is left on dissolution to its members",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "legal_form": "company_limited_by_shares", "profits": {"asset_lock": "constitutional"}},
        FAIL,
        "brief: a lock in the articles of a company limited by shares is not listed",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "profits": {"asset_lock": "none"}},
        FAIL,
        "brief: 'legally committed'",
        "no asset lock",
    ),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {**SPUN_OUT, "legal_form": "community_benefit_society", "profits": {"asset_lock": "cbs_statutory"}},
        PASS,
        "brief; CBS with the SI 2006/264 lock",
    ),
    row(PP, "PP-T2-LEGAL-LOCK", SPUN_OUT, NEEDS, "brief, lock unknown"),
    row(
        PP,
        "PP-T2-LEGAL-LOCK",
        {"origin": "independent", "profits": {"asset_lock": "none"}},
        NA,
        "brief: the legal commitment is asked of 'right to provide' spin-outs only",
        "only for spin-outs",
    ),
    row(PP, "PP-T2-LEGAL-LOCK", {}, NEEDS, "brief: spin-outs only, origin unknown", "spun out"),
    row(PP, "PP-T2-DISTRIBUTION", {"profits": {"distribution_basis": "none"}}, PASS, "s11 PP-T2-DISTRIBUTION"),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {
            "legal_form": "co_operative_society",
            "profits": {"distribution_basis": "capital", "distribution_cap_pct": 50},
        },
        FAIL,
        "registry reading: 35% for every form, co-operatives included",
        "Up to 50% of profits may be distributed",
    ),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {"legal_form": "cic_cls", "profits": {"distribution_basis": "capital"}},
        PASS,
        "CIC Regs regs 17, 19: a CIC limited by shares is capped at 35% by law",
        "as a community interest company limited by shares, by law",
    ),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {"legal_form": "co_operative_society", "profits": {"distribution_basis": "patronage"}},
        PASS,
        "s11: patronage is not a return on capital",
    ),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {"profits": {"distribution_basis": "capital", "distribution_cap_pct": 35}},
        PASS,
        "s11: 35% default, the CIC statutory cap",
    ),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {"profits": {"distribution_basis": "capital", "distribution_cap_pct": 36}},
        FAIL,
        "s11: above the 35% default",
        "Up to 36% of profits may be distributed",
    ),
    row(
        PP,
        "PP-T2-DISTRIBUTION",
        {"legal_form": "cic_cls", "profits": {"distribution_basis": "capital", "asset_lock": "cic_statutory"}},
        PASS,
        "s11 with s3 CIC-DIV-AGG-CAP: a CIC's lock caps dividends at 35%",
    ),
    row(PP, "PP-T2-DISTRIBUTION", {"profits": {"distribution_basis": "capital"}}, NEEDS, "s11, no cap known"),
    row(PP, "PP-T2-TRADING", {**SPUN_OUT, "trading_income_pct": 50}, PASS, "brief 'trading'; SE Mark C: 50%"),
    row(PP, "PP-T2-TRADING", {**SPUN_OUT, "trading_income_pct": 49.9}, FAIL, "SE Mark C", "49.9% of its income"),
    row(PP, "PP-T2-TRADING", SPUN_OUT, NEEDS, "brief 'trading', income unknown"),
    row(PP, "PP-T2-TRADING", {"origin": "independent", "trading_income_pct": 10}, NA, "brief: spin-outs only"),
    row(
        PP,
        "PP-T2-INDEPENDENT",
        {
            "is_public_body": False,
            "board_seats": [elected(0, 2), appointed(1, appointer_is_public_body=True)],
            "member_classes": [omov("staff")],
            "significant_control": [],
        },
        PASS,
        "s11 PP-T2-INDEPENDENT: public appointees under half",
    ),
    row(
        PP,
        "PP-T2-INDEPENDENT",
        {
            "is_public_body": False,
            "board_seats": [elected(0, 2), appointed(2, appointer_kind="local_authority")],
            "member_classes": [omov("staff")],
            "significant_control": [],
        },
        FAIL,
        "s11 PP-T2-INDEPENDENT: public appointees must be below 50%",
        "Public bodies appoint 50% of the board",
    ),
    row(PP, "PP-T2-INDEPENDENT", {"is_public_body": True}, FAIL, "s11 PP-T2-INDEPENDENT", "a public body"),
    row(
        PP,
        "PP-T2-INDEPENDENT",
        {
            "is_public_body": False,
            "board_seats": [elected(0)],
            "member_classes": [omov("staff")],
            "significant_control": [
                psc("voting-rights-25-to-50-percent", is_public_body=True, name="Kirklees Council")
            ],
        },
        FAIL,
        "s11 PP-T2-INDEPENDENT: no public body as PSC",
        "Kirklees Council, a public body, has significant control",
    ),
    row(PP, "PP-T2-INDEPENDENT", {"is_public_body": False}, NEEDS, "s11, board and PSCs unknown"),
    row(
        PP,
        "PP-T2-STAKEHOLDER-CONTROL",
        {"member_classes": STAKEHOLDERS, "board_seats": STAKEHOLDER_BOARD},
        PASS,
        "s11 / s8 MS-USER-CONTROL",
        "hold 100% of votes",
    ),
    row(
        PP,
        "PP-T2-STAKEHOLDER-CONTROL",
        {"member_classes": [weighted("staff", 50), weighted("investor", 50)], "board_seats": [elected(0, 4)]},
        FAIL,
        "s11: more than 50% needed; exactly half is not control",
        "hold 50% of votes; more than 50% is needed",
    ),
    row(
        PP,
        "PP-T2-STAKEHOLDER-CONTROL",
        {"member_classes": [*STAKEHOLDERS, omov("supporter")], "board_seats": [elected(0, 2), elected(2, 2)]},
        FAIL,
        "s11: stakeholders must elect more than half the board",
        "They elect 50% of the board",
    ),
    row(
        PP,
        "PP-T2-STAKEHOLDER-CONTROL",
        {"member_classes": [omov("staff"), omov("investor")], "board_seats": [elected(0, 3)]},
        NEEDS,
        "s11: shares between mixed classes need member counts",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-CAP",
        {"member_classes": [*STAKEHOLDERS, capped("investor", 10)]},
        PASS,
        "s11 / Equal Care 10%",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-CAP",
        {"member_classes": [omov("staff"), weighted("investor", 40)]},
        FAIL,
        "s11 PP-T2-INVESTOR-CAP (Equal Care bylaws)",
        "Investors hold 40% of votes; the rule allows at most 10%.",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-CAP",
        {"member_classes": [omov("staff", 60), omov("investor", 40)]},
        FAIL,
        "s11: one member one vote investors by numbers",
        "Investors hold 40% of votes",
    ),
    row(PP, "PP-T2-INVESTOR-CAP", {"member_classes": STAKEHOLDERS}, PASS, "s11: no investor class"),
    row(PP, "PP-T2-INVESTOR-CAP", {"member_classes": [omov("staff"), omov("investor")]}, NEEDS, "s11, counts unknown"),
    row(
        PP,
        "PP-T2-INVESTOR-BOARD",
        {
            "member_classes": [*STAKEHOLDERS, capped("investor", 10)],
            "board_seats": [elected(0, 5), elected(1, 5), elected(2, 2)],
        },
        PASS,
        "s8 MS-BOARD-CLASS-CAPS: Equal Care 5 + 5 + 2",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-BOARD",
        {"board_seats": [elected(0, 6), appointed(3, appointer_kind="investor")], "member_classes": [omov("staff")]},
        FAIL,
        "s8 MS-BOARD-CLASS-CAPS: at most 2 investor seats",
        "elect or appoint 3 of the board seats",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-BOARD",
        {"board_seats": [elected(0, 2), {"source": None, "seats": 3}], "member_classes": [omov("staff")]},
        NEEDS,
        "s8, seats filled in unknown ways",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-CONVERSION",
        {"member_classes": [omov("staff"), capped("investor", 10, votes_on=["ordinary", "board_election"])]},
        PASS,
        "s8 MS-ANTI-DEMUTUALISATION (Signalise)",
    ),
    row(
        PP,
        "PP-T2-INVESTOR-CONVERSION",
        {"member_classes": [omov("staff"), capped("investor", 10, votes_on=["ordinary", "conversion"])]},
        FAIL,
        "s8 MS-ANTI-DEMUTUALISATION (Signalise)",
        "can vote on conversion or dissolution",
    ),
    row(PP, "PP-T2-INVESTOR-CONVERSION", {"member_classes": [capped("investor", 10)]}, NEEDS, "s8, rights unrecorded"),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("ownership-of-shares-75-to-100-percent", is_for_profit=True)]},
        FAIL,
        "s11 PP-T2-NO-VC-PSC / CA 2006 Sch 1A",
        "a for-profit person with significant control, holds more than 75% of the shares",
    ),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("voting-rights-25-to-50-percent", is_for_profit=True)]},
        FAIL,
        "s10d: the 25-50% band is more than 25%",
    ),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("right-to-appoint-and-remove-directors", is_for_profit=True)]},
        FAIL,
        "s10d: the right to appoint a board majority",
        "the right to appoint or remove a majority of the board",
    ),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("ownership-of-shares-75-to-100-percent-as-trust", is_employee_trust=True)]},
        PASS,
        "s11: employee trusts are the exception",
    ),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("ownership-of-shares-50-to-75-percent", is_for_profit=False)]},
        PASS,
        "s11: not for profit",
    ),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("significant-influence-or-control", is_for_profit=True)]},
        PASS,
        "s11: influence alone is not over 25% or a board majority",
    ),
    row(PP, "PP-T2-NO-VC-PSC", {"significant_control": []}, PASS, "s11: nobody has significant control"),
    row(PP, "PP-T2-NO-VC-PSC", {}, NEEDS, "s11, PSC register not recorded"),
    row(
        PP,
        "PP-T2-NO-VC-PSC",
        {"significant_control": [psc("voting-rights-50-to-75-percent")]},
        NEEDS,
        "s11, profit unknown",
    ),
    row(PP, "PP-SPINOUT", {"origin": "independent"}, NA, "s11 PP-SPINOUT applies to spin-outs"),
    row(
        PP,
        "PP-SPINOUT",
        {"origin": "nhs_spin_out", "member_classes": [weighted("staff", 30), weighted("community_public", 70)]},
        PASS,
        "s11 PP-SPINOUT: White Rose 25%",
    ),
    row(
        PP,
        "PP-SPINOUT",
        {
            "origin": "local_authority_spin_out",
            "member_classes": [weighted("staff", 20), weighted("community_public", 80)],
            "board_seats": [elected(1, 5)],
            "all_employees_eligible": True,
        },
        FAIL,
        "s11 PP-SPINOUT: under 25% and no staff-elected seat",
        "Staff hold 20% of votes",
    ),
    row(
        PP,
        "PP-SPINOUT",
        {
            "origin": "nhs_spin_out",
            "member_classes": [weighted("staff", 20), weighted("community_public", 80)],
            "board_seats": [elected(0, 1), elected(1, 5)],
            "all_employees_eligible": True,
        },
        PASS,
        "s11 PP-SPINOUT: a staff-elected seat with every employee eligible",
    ),
    row(PP, "PP-SPINOUT", {}, NEEDS, "s11, origin unknown"),
    # --- ICA co-operative identity (section 1) --------------------------------------------------------
    row(ICA, "ICA-P1-OPEN", {"membership_open": True, "profits": {"min_shareholding_gbp": 1}}, PASS, "ICA P1"),
    row(ICA, "ICA-P1-OPEN", {"membership_open": False}, WARNING, "ICA P1: open to all who use its services"),
    row(
        ICA,
        "ICA-P1-OPEN",
        {"membership_open": True, "profits": {"min_shareholding_gbp": 5000}},
        WARNING,
        "Community Shares Handbook 3.2.7: a high minimum may bar membership",
        "The smallest shareholding is £5,000",
    ),
    row(ICA, "ICA-P1-OPEN", {}, NEEDS, "ICA P1, unknown"),
    row(ICA, "ICA-P2-OMOV", {"member_classes": STAKEHOLDERS}, PASS, "ICA Guidance Notes P2"),
    row(
        ICA,
        "ICA-P2-OMOV",
        {"member_classes": [{"kind": "investor", "voting_rule": "votes_follow_shares"}]},
        FAIL,
        "ICA Guidance Notes P2; fixture 6",
        "Votes follow shareholdings",
    ),
    row(
        ICA,
        "ICA-P2-OMOV",
        {"member_classes": [weighted("staff", 50), weighted("service_user", 50)]},
        PASS,
        "ICA Guidance Notes P2: multi-stakeholder weighting",
        "multi-stakeholder",
    ),
    row(
        ICA,
        "ICA-P2-OMOV",
        {"member_classes": [{"kind": "partner_org", "voting_rule": "votes_follow_shares"}]},
        NA,
        "ICA P2: secondary co-operatives",
    ),
    row(ICA, "ICA-P2-OMOV", {"member_classes": [{"kind": "staff"}]}, NEEDS, "ICA P2, rule unknown"),
    row(
        ICA,
        "ICA-P2-NOT-CAPITAL-CONTROL",
        {"member_classes": [omov("staff", count=90), weighted("investor", 30, count=10)]},
        FAIL,
        "Community Shares Handbook 2.2.7",
        "30% of the votes but is 10% of the members",
    ),
    row(
        ICA,
        "ICA-P2-NOT-CAPITAL-CONTROL",
        {"member_classes": [omov("staff", count=90), weighted("investor", 5, count=10)]},
        PASS,
        "Community Shares Handbook 2.2.7",
    ),
    row(ICA, "ICA-P2-NOT-CAPITAL-CONTROL", {"member_classes": STAKEHOLDERS}, PASS, "Handbook 2.2.7: no investors"),
    row(
        ICA,
        "ICA-P2-NOT-CAPITAL-CONTROL",
        {"member_classes": [omov("staff"), weighted("investor", 5)]},
        NEEDS,
        "Handbook 2.2.7, member counts unknown",
    ),
    row(ICA, "ICA-P3-LIMITED-COMP", {"profits": {"distribution_basis": "capital"}}, FAIL, "ICA P3 (RFCCBS 4.3.3)"),
    row(ICA, "ICA-P3-LIMITED-COMP", {"profits": {"distribution_basis": "patronage"}}, PASS, "ICA P3"),
    row(ICA, "ICA-P3-LIMITED-COMP", {"profits": {"distribution_basis": "mixed"}}, PASS, "ICA P3: limited return"),
    row(ICA, "ICA-P3-LIMITED-COMP", {}, NEEDS, "ICA P3, unknown"),
    row(
        ICA,
        "ICA-P4-AUTONOMY",
        {"member_classes": STAKEHOLDERS, "board_seats": STAKEHOLDER_BOARD, "significant_control": []},
        PASS,
        "ICA P4 proxy [D]",
    ),
    row(
        ICA,
        "ICA-P4-AUTONOMY",
        {
            "member_classes": [omov("staff"), weighted("local_authority", 30)],
            "board_seats": [elected(0)],
            "significant_control": [],
        },
        FAIL,
        "ICA P4 proxy [D]: CA 2006 Sch 1A 25% threshold",
        "Investors and local authorities hold 30% of votes, over 25%.",
    ),
    row(
        ICA,
        "ICA-P4-AUTONOMY",
        {
            "member_classes": STAKEHOLDERS,
            "board_seats": [elected(0, 1), appointed(2, appointer_is_public_body=True)],
            "significant_control": [],
        },
        FAIL,
        "ICA P4 proxy [D]: a public body appointing a board majority",
    ),
    row(ICA, "ICA-P4-AUTONOMY", {"member_classes": STAKEHOLDERS}, NEEDS, "ICA P4, board and PSCs unknown"),
    # --- Registered co-operative society (section 2) ----------------------------------------------------
    row(COOP, "CCBSA-S2-MIN-MEMBERS", {"members_total": 3}, PASS, "CCBSA 2014 s2(2)(b)"),
    row(
        COOP,
        "CCBSA-S2-MIN-MEMBERS",
        {"members_total": 2, "members_registered_societies": 1},
        FAIL,
        "CCBSA 2014 s2(2)(b)",
        "It has 2 members",
    ),
    row(COOP, "CCBSA-S2-MIN-MEMBERS", {"members_total": 1}, FAIL, "CCBSA 2014 s2(2)(b): one member is never enough"),
    row(
        COOP,
        "CCBSA-S2-MIN-MEMBERS",
        {"members_total": 2, "members_registered_societies": 2},
        PASS,
        "CCBSA 2014 s2(2)(b): two registered societies are enough",
        "all of them registered societies",
    ),
    row(
        COOP,
        "CCBSA-S2-MIN-MEMBERS",
        {"members_total": 2},
        NEEDS,
        "CCBSA 2014 s2(2)(b): two members, whether registered societies unknown",
        "whether they are all registered societies is not known",
    ),
    row(
        COOP,
        "CCBSA-S2-MIN-MEMBERS",
        {"member_classes": [omov("staff", 1), omov("service_user", 1)], "members_registered_societies": 0},
        FAIL,
        "CCBSA 2014 s2(2)(b), counted from the classes",
    ),
    row(
        COOP,
        "CCBSA-S2-MIN-MEMBERS",
        {"member_classes": [omov("staff", 5), omov("service_user")]},
        PASS,
        "CCBSA 2014 s2(2)(b): one class alone has enough",
    ),
    row(COOP, "CCBSA-S2-MIN-MEMBERS", {"member_classes": [omov("staff")]}, NEEDS, "CCBSA s2(2)(b), unknown"),
    row(COOP, "COOP-NOT-INVESTMENT-VEHICLE", {"profits": {"distribution_basis": "capital"}}, FAIL, "CCBSA s2(3)"),
    row(COOP, "COOP-NOT-INVESTMENT-VEHICLE", {"profits": {"distribution_basis": "patronage"}}, PASS, "RFCCBS 4.2.1"),
    row(
        COOP,
        "COOP-EQUAL-CONTROL",
        {"member_classes": [{"kind": "service_user", "voting_rule": "votes_follow_shares"}]},
        FAIL,
        "CTM40507 'one man, one vote'",
    ),
    row(COOP, "COOP-EQUAL-CONTROL", {"member_classes": [omov("staff"), capped("investor", 10)]}, PASS, "CTM40507 + s8"),
    row(
        COOP,
        "FCA-SHARES-NO-CAPITAL-VOTES",
        {"member_classes": [omov("staff"), {"kind": "investor", "voting_rule": "votes_follow_shares"}]},
        FAIL,
        "RFCCBS 6.1.3(5); fixture 6",
    ),
    row(
        COOP,
        "FCA-SHARES-NO-CAPITAL-VOTES",
        {"member_classes": [{"kind": "partner_org", "voting_rule": "votes_follow_shares"}]},
        FAIL,
        "RFCCBS 6.1.3(5) applies to secondary societies too",
    ),
    row(COOP, "FCA-SHARES-NO-CAPITAL-VOTES", {"member_classes": STAKEHOLDERS}, PASS, "RFCCBS 6.1.3"),
    row(COOP, "COOP-PATRONAGE", {"profits": {"distribution_basis": "mixed"}}, WARNING, "CTM40507 patronage"),
    row(COOP, "COOP-PATRONAGE", {"profits": {"distribution_basis": "patronage"}}, PASS, "CTM40507 patronage"),
    row(COOP, "COOP-INTEREST-CAP", {"profits": {"pays_share_interest": False}}, PASS, "CTM40507 interest"),
    row(
        COOP,
        "COOP-INTEREST-CAP",
        {"profits": {"pays_share_interest": True, "share_interest_cap_pct": 5}},
        PASS,
        "CTM40507: a declared maximum",
    ),
    row(COOP, "COOP-INTEREST-CAP", {"profits": {"pays_share_interest": True}}, NEEDS, "CTM40507, no declared maximum"),
    row(
        COOP,
        "COOP-INVESTOR-CAP-25",
        {"member_classes": [omov("staff"), weighted("investor", 30)]},
        WARNING,
        "SCE Reg Art 59(3) [M]",
        "This rule is unverified",
    ),
    row(
        COOP, "COOP-INVESTOR-CAP-25", {"member_classes": [omov("staff"), capped("investor", 25)]}, PASS, "SCE 59(3) [M]"
    ),
    row(COOP, "CCBSA-S24-MAX-WITHDRAWABLE", {"profits": {"max_shareholding_gbp": 100000}}, PASS, "CCBSA s24"),
    row(
        COOP,
        "CCBSA-S24-MAX-WITHDRAWABLE",
        {"profits": {"max_shareholding_gbp": 120000}},
        FAIL,
        "CCBSA s24; fixture 9 (£120,000 individual holding)",
        "£120,000",
    ),
    row(COOP, "CCBSA-S24-MAX-WITHDRAWABLE", {}, NEEDS, "CCBSA s24, maximum unknown"),
    row(COOP, "CHAR-NOT-COOP", {"registered_charity": True}, FAIL, "section 9 CHAR-NOT-COOP"),
    row(COOP, "CHAR-NOT-COOP", {"registered_charity": False}, PASS, "section 9 CHAR-NOT-COOP"),
    # --- Community benefit society (sections 2a, 2c) ---------------------------------------------------
    row(CBS, "CCBSA-S2-MIN-MEMBERS", {"members_total": 250}, PASS, "CCBSA 2014 s2(2)(b)"),
    row(CBS, "CCBSA-S2-MIN-MEMBERS", {"members_total": 0}, FAIL, "CCBSA 2014 s2(2)(b)"),
    row(CBS, "CBS-NOT-MEMBER-BENEFIT", {"member_benefit_only": True}, FAIL, "RFCCBS 5.1.5"),
    row(CBS, "CBS-NOT-MEMBER-BENEFIT", {"member_benefit_only": False}, PASS, "RFCCBS 5.1.5"),
    row(
        CBS,
        "CBS-OMOV",
        {"member_classes": [weighted("staff", 50), weighted("community_public", 50)]},
        WARNING,
        "Handbook 2.1.1",
    ),
    row(CBS, "CBS-OMOV", {"member_classes": [omov("community_public")]}, PASS, "Handbook 2.1.1"),
    row(
        CBS,
        "FCA-SHARES-NO-CAPITAL-VOTES",
        {"member_classes": [{"kind": "community_public", "voting_rule": "votes_follow_shares"}]},
        FAIL,
        "RFCCBS 6.1.3(5)",
    ),
    row(
        CBS,
        "FCA-SHARES-NO-CAPITAL-VOTES",
        {"member_classes": [weighted("staff", 50), weighted("carer", 50)]},
        PASS,
        "RFCCBS 6.1.3",
    ),
    row(
        CBS, "CBS-NO-DISTRIBUTION", {"profits": {"distribution_basis": "patronage"}}, FAIL, "Handbook 2.1.1; fixture 7"
    ),
    row(CBS, "CBS-NO-DISTRIBUTION", {"profits": {"distribution_basis": "none"}}, PASS, "Handbook 2.1.1"),
    row(CBS, "CCBSA-S24-MAX-WITHDRAWABLE", {"profits": {"max_shareholding_gbp": 100001}}, FAIL, "CCBSA s24"),
    row(CBS, "CCBSA-S24-MAX-WITHDRAWABLE", {"profits": {"max_shareholding_gbp": 20000}}, PASS, "CCBSA s24"),
    row(CBS, "COOP-NAME", {"name": "Holmfirth Care Co-operative"}, WARNING, "Handbook 3.1.1 sensitive words"),
    row(CBS, "COOP-NAME", {"name": "Co-op Care Calderdale"}, WARNING, "Handbook 3.1.1 sensitive words"),
    row(CBS, "COOP-NAME", {"name": "Holmfirth Community Care"}, PASS, "Handbook 3.1.1"),
    row(CBS, "COOP-NAME", {}, NEEDS, "Handbook 3.1.1, name unknown"),
    # --- Community interest company (section 3) -------------------------------------------------------
    row(CIC, "CIC-NOT-CHARITY", {"registered_charity": True}, FAIL, "C(AICE)A 2004 s26(3)"),
    row(CIC, "CIC-NOT-CHARITY", {"registered_charity": False}, PASS, "C(AICE)A 2004 s26(3)"),
    row(CIC, "CIC-CIT-NOT-MEMBERS-ONLY", {"member_benefit_only": True}, FAIL, "CIC Regs 2005 reg 4"),
    row(CIC, "CIC-CIT-NOT-MEMBERS-ONLY", {"member_benefit_only": False}, PASS, "CIC Regs 2005 reg 4"),
    row(CIC, "CIC-ASSET-LOCK", {"profits": {"asset_lock": "cic_statutory"}}, PASS, "CIC Regs 2005 Schedules 1-3"),
    row(CIC, "CIC-ASSET-LOCK", {"profits": {"asset_lock": "none"}}, FAIL, "CIC Regs 2005 Schedules 1-3"),
    row(CIC, "CIC-ASSET-LOCK", {}, NEEDS, "CIC Regs 2005, lock unknown"),
    row(
        CIC,
        "CIC-SCHEDULE-CLG-NO-DIVIDENDS",
        {"legal_form": "cic_clg", "profits": {"distribution_basis": "capital"}},
        WARNING,
        "CIC Regs 2005 Schedule 1 [M]",
        "unverified",
    ),
    row(
        CIC,
        "CIC-SCHEDULE-CLG-NO-DIVIDENDS",
        {"legal_form": "cic_clg", "profits": {"distribution_basis": "none"}},
        PASS,
        "Sch 1 [M]",
    ),
    row(CIC, "CIC-SCHEDULE-CLG-NO-DIVIDENDS", {"legal_form": "cic_cls"}, NA, "Sch 1 [M]: shares may pay dividends"),
    row(
        CIC,
        "CIC-SCHEDULE-CLG-NO-DIVIDENDS",
        {"legal_form": "community_interest_company", "profits": {"distribution_basis": "capital"}},
        NEEDS,
        "Sch 1 [M]: CIC type unknown",
    ),
    row(
        CIC,
        "CIC-DIV-AGG-CAP",
        {"profits": {"distributable_profits_gbp": 100000, "dividends_declared_gbp": 35000, "dividends_exempt_gbp": 0}},
        PASS,
        "CIC Regs regs 17, 19; fixture 1 (£35,000 of £100,000)",
    ),
    row(
        CIC,
        "CIC-DIV-AGG-CAP",
        {"profits": {"distributable_profits_gbp": 100000, "dividends_declared_gbp": 35001, "dividends_exempt_gbp": 0}},
        FAIL,
        "CIC Regs regs 17, 19; fixture 1 (£35,001 of £100,000)",
        "Dividends of £35,001 (not exempt) are 35.001% of distributable profits of £100,000; the cap is 35%.",
    ),
    row(
        CIC,
        "CIC-DIV-AGG-CAP",
        {
            "profits": {
                "distributable_profits_gbp": 100000,
                "dividends_declared_gbp": 40000,
                "dividends_exempt_gbp": 10000,
            }
        },
        PASS,
        "CIC Regs reg 17(5); fixture 1: exempt dividends are not counted",
    ),
    row(
        CIC,
        "CIC-DIV-AGG-CAP",
        {"profits": {"distributable_profits_gbp": 100000, "dividends_declared_gbp": 40000}},
        NEEDS,
        "CIC Regs reg 17(5): over the cap unless some are exempt",
    ),
    row(CIC, "CIC-DIV-AGG-CAP", {"legal_form": "cic_clg"}, NA, "CIC Regs: no shares, no dividends"),
    # --- Social enterprise (section 4) -------------------------------------------------------------------
    row(
        SE,
        "SEMARK-B-INDEPENDENT",
        {
            "is_public_body": False,
            "member_classes": [omov("staff")],
            "significant_control": [],
            "board_seats": [elected(0, 2), appointed(2, appointer_is_public_body=True)],
        },
        PASS,
        "SE Mark criterion B: half is not a majority",
    ),
    row(
        SE,
        "SEMARK-B-INDEPENDENT",
        {
            "is_public_body": False,
            "member_classes": [omov("staff")],
            "significant_control": [],
            "board_seats": [elected(0, 1), appointed(2, appointer_is_public_body=True)],
        },
        FAIL,
        "SE Mark criterion B: a public body appoints a majority",
    ),
    row(
        SE,
        "SEMARK-B-INDEPENDENT",
        {"legal_form": "nhs_foundation_trust"},
        FAIL,
        "SE Mark criterion B; s6 FT-IS-PUBLIC",
        "an NHS foundation trust, a public body",
    ),
    row(SE, "SEMARK-C-TRADING", {"trading_income_pct": 50}, PASS, "SE Mark criterion C"),
    row(SE, "SEMARK-C-TRADING", {"trading_income_pct": 49}, FAIL, "SE Mark criterion C"),
    row(
        SE,
        "SEMARK-D-PROFITS",
        {"profits": {"distribution_basis": "capital", "distribution_cap_pct": 49}},
        PASS,
        "SE Mark D: 51%+",
    ),
    row(
        SE,
        "SEMARK-D-PROFITS",
        {"profits": {"distribution_basis": "capital", "distribution_cap_pct": 50}},
        NEEDS,
        "SE Mark D: rules allowing 50% out need the share actually kept",
        "could leave only 50% for its purpose",
    ),
    row(
        SE,
        "SEMARK-D-PROFITS",
        {"profits": {"distribution_basis": "capital", "profits_reinvested_pct": 50}},
        FAIL,
        "SE Mark D: 51%+ (the 2010 'at least 50%' wording is superseded)",
        "It kept 50% of the latest year's profits",
    ),
    row(
        SE,
        "SEMARK-D-PROFITS",
        {"profits": {"distribution_basis": "capital", "distribution_cap_pct": 100, "profits_reinvested_pct": 80}},
        PASS,
        "SE Mark D: profits actually reinvested decide",
    ),
    row(
        SE,
        "SEMARK-D-PROFITS",
        {"legal_form": "cic_cls", "profits": {"distribution_basis": "capital", "asset_lock": "cic_statutory"}},
        PASS,
        "SE Mark D with the CIC 35% cap",
        "At least 65% of profits",
    ),
    row(SE, "SEMARK-D-PROFITS", {"profits": {"distribution_basis": "none"}}, PASS, "SE Mark D"),
    row(SE, "SEMARK-D-PROFITS", {"profits": {"distribution_basis": "capital"}}, NEEDS, "SE Mark D, no cap known"),
    row(SE, "SEMARK-E-ASSET-LOCK", {"profits": {"asset_lock": "constitutional"}}, PASS, "SE Mark criterion E"),
    row(SE, "SEMARK-E-ASSET-LOCK", {"profits": {"asset_lock": "none"}}, FAIL, "SE Mark criterion E"),
    row(
        SE,
        "SEMARK-E-ASSET-LOCK",
        {"profits": {"asset_lock": "none", "dissolution_clause": "to_asset_locked_body"}},
        PASS,
        "SE Mark criterion E: the dissolution clause itself",
    ),
    row(
        SE,
        "SEMARK-E-ASSET-LOCK",
        {"profits": {"asset_lock": "constitutional", "dissolution_clause": "to_members"}},
        FAIL,
        "SE Mark criterion E: residual assets to members",
        "to its members",
    ),
    row(SE, "SEMARK-E-ASSET-LOCK", {"legal_form": "cio"}, PASS, "SE Mark E: a charity's assets are locked by law"),
    # --- Public service mutuals (section 5) --------------------------------------------------------------
    row(
        PSM,
        "PSM-SPUN-OUT",
        {"origin": "nhs_spin_out", "spin_out_date": "2011-04"},
        PASS,
        "GOV.UK PSM (1)",
        "in April 2011",
    ),
    row(PSM, "PSM-SPUN-OUT", {"origin": "independent"}, FAIL, "GOV.UK PSM (1)"),
    row(PSM, "PSM-SPUN-OUT", {"origin": "nhs_spin_out", "is_public_body": True}, FAIL, "GOV.UK PSM (1)"),
    row(PSM, "PSM-SPUN-OUT", {}, NEEDS, "GOV.UK PSM (1), origin unknown"),
    row(PSM, "PSM-PUBLIC-SERVICES", {"delivers_public_services": True}, PASS, "GOV.UK PSM (2)"),
    row(PSM, "PSM-PUBLIC-SERVICES", {"delivers_public_services": False}, FAIL, "GOV.UK PSM (2)"),
    row(
        PSM,
        "PSM-STAFF-INFLUENCE",
        {"member_classes": [weighted("staff", 25), weighted("community_public", 75)]},
        PASS,
        "GOV.UK PSM (3) with the White Rose 25% default",
    ),
    row(
        PSM,
        "PSM-STAFF-INFLUENCE",
        {"member_classes": [weighted("staff", 24), weighted("community_public", 76)], "board_seats": [elected(1, 5)]},
        FAIL,
        "GOV.UK PSM (3) with the White Rose 25% default",
        "Staff hold 24% of votes",
    ),
    row(
        PSM,
        "PSM-STAFF-INFLUENCE",
        {"legal_form": "company_limited_by_shares", **eot(trustee_shares_pct=30), "member_classes": [omov("investor")]},
        PASS,
        "White Rose: 25% employee ownership",
    ),
    row(PSM, "PSM-STAFF-INFLUENCE", {}, NEEDS, "GOV.UK PSM (3), unknown"),
    row(S33, "PA2023-S33-PUBLIC-SERVICES", {"delivers_public_services": True}, PASS, "PA 2023 s33(6)(a)"),
    row(S33, "PA2023-S33-PUBLIC-SERVICES", {"delivers_public_services": False}, FAIL, "PA 2023 s33(6)(a)"),
    row(S33, "PA2023-S33-NOT-FOR-PROFIT", {"profits": {"distribution_basis": "none"}}, PASS, "PA 2023 s33(6)(b)"),
    row(S33, "PA2023-S33-NOT-FOR-PROFIT", {"profits": {"distribution_basis": "patronage"}}, PASS, "PA 2023 s33(6)(b)"),
    row(
        S33,
        "PA2023-S33-NOT-FOR-PROFIT",
        {"profits": {"distribution_basis": "capital", "distributions_only_to_members": True}},
        PASS,
        "PA 2023 s33(6)(b): distribution only to members",
    ),
    row(
        S33,
        "PA2023-S33-NOT-FOR-PROFIT",
        {"profits": {"distribution_basis": "capital", "distributions_only_to_members": False}},
        FAIL,
        "PA 2023 s33(6)(b)",
    ),
    row(S33, "PA2023-S33-NOT-FOR-PROFIT", {"profits": {"distribution_basis": "mixed"}}, NEEDS, "PA 2023 s33(6)(b)"),
    row(
        S33,
        "PA2023-S33-EMPLOYEE-CONTROL",
        {"member_classes": [weighted("staff", 51), weighted("community_public", 49)]},
        PASS,
        "PA 2023 s33(6)(c) [D]: more than half the votes",
    ),
    row(
        S33,
        "PA2023-S33-EMPLOYEE-CONTROL",
        {"member_classes": [omov("staff"), omov("service_user")], "board_seats": [elected(0, 3), elected(1, 2)]},
        PASS,
        "PA 2023 s33(6)(c) [D]: staff elect a board majority",
    ),
    row(
        S33,
        "PA2023-S33-EMPLOYEE-CONTROL",
        {
            "member_classes": [weighted("staff", 50), weighted("community_public", 50)],
            "board_seats": [elected(0, 2), elected(1, 2)],
        },
        FAIL,
        "PA 2023 s33(6)(c) [D]: half is not control",
    ),
    row(S33, "PA2023-S33-EMPLOYEE-CONTROL", {}, NEEDS, "PA 2023 s33(6)(c), unknown"),
    # --- NHS foundation trusts (section 6) ---------------------------------------------------------------
    row(FT, "FT-COG-PUBLIC-MAJORITY", ft(), PASS, "NHS Act 2006 Sch 7 para 9(1); fixture 4 (14 + 2 of 30)"),
    row(
        FT,
        "FT-COG-PUBLIC-MAJORITY",
        ft(public_governors_elected=13),
        FAIL,
        "NHS Act 2006 Sch 7 para 9(1); fixture 4 (13 + 2 of 30)",
        "13 public and 2 patient governors are 15 of 30",
    ),
    row(FT, "FT-COG-PUBLIC-MAJORITY", {}, NEEDS, "para 9(1), council unknown"),
    row(FT, "FT-COG-STAFF-3", ft(staff_governors_elected=3), PASS, "Sch 7 para 9(2)"),
    row(FT, "FT-COG-STAFF-3", ft(staff_governors_elected=2), FAIL, "Sch 7 para 9(2)"),
    row(FT, "FT-COG-STAFF-3", ft(staff_class_governors=[5, 0]), FAIL, "Sch 7 para 9(2): one per staff class"),
    row(FT, "FT-COG-LA-1", ft(), PASS, "Sch 7 para 9(4)"),
    row(FT, "FT-COG-LA-1", ft(local_authority_governors=0), FAIL, "Sch 7 para 9(4)"),
    row(FT, "FT-COG-UNI", ft(), NA, "Sch 7 para 9(6): no medical school"),
    row(FT, "FT-COG-UNI", ft(has_medical_or_dental_school=True, university_governors=1), PASS, "Sch 7 para 9(6)"),
    row(FT, "FT-COG-UNI", ft(has_medical_or_dental_school=True, university_governors=0), FAIL, "Sch 7 para 9(6)"),
    row(FT, "FT-PRINCIPAL-PURPOSE", ft(nhs_income_pct=51), PASS, "NHS Act 2006 s43(2A)"),
    row(FT, "FT-PRINCIPAL-PURPOSE", ft(nhs_income_pct=50), FAIL, "NHS Act 2006 s43(2A): greater than other income"),
    row(
        FT,
        "FT-BOARD-NED-BALANCE",
        {
            "board_seats": [
                {"source": "independent", "is_chair": True},
                {"source": "independent", "seats": 5},
                {"source": "executive", "seats": 5},
            ]
        },
        PASS,
        "Code of governance 2023: half, excluding the chair",
    ),
    row(
        FT,
        "FT-BOARD-NED-BALANCE",
        {
            "board_seats": [
                {"source": "independent", "is_chair": True},
                {"source": "independent", "seats": 4},
                {"source": "executive", "seats": 6},
            ]
        },
        WARNING,
        "Code of governance 2023",
    ),
    row(FT, "FT-NED-TENURE", ft(longest_ned_tenure_years=9), PASS, "Code of governance 2023 s4.3"),
    row(FT, "FT-NED-TENURE", ft(longest_ned_tenure_years=10), WARNING, "Code of governance 2023 s4.3"),
    # --- Employee ownership trusts (section 7a) -----------------------------------------------------------
    row(EOT, "EOT-TRADING", eot(), PASS, "TCGA 1992 s236I"),
    row(EOT, "EOT-TRADING", eot(is_trading_company=False), FAIL, "TCGA 1992 s236I"),
    row(EOT, "EOT-CONTROL", eot(trustee_shares_pct=51), PASS, "TCGA 1992 s236M"),
    row(
        EOT,
        "EOT-CONTROL",
        eot(trustee_shares_pct=50),
        FAIL,
        "TCGA 1992 s236M: more than 50%",
        "50% of ordinary share capital",
    ),
    row(
        EOT,
        "EOT-CONTROL",
        eot(trustee_shares_pct=70, defeating_provisions=True),
        FAIL,
        "CG67850 Wasat: 70% with a £1 winding-up cap",
    ),
    row(EOT, "EOT-CONTROL", eot(trustee_profits_pct=None), NEEDS, "s236M, profits share unknown"),
    row(EOT, "EOT-ALL-EMPLOYEE", eot(), PASS, "TCGA 1992 s236J(1)(a)"),
    row(EOT, "EOT-ALL-EMPLOYEE", eot(all_employees_same_terms=False), FAIL, "TCGA 1992 s236J(1)(a)"),
    row(EOT, "EOT-LIMITED-PARTICIPATION", eot(participators=8, employees=21), PASS, "CG67856 Yildun Widgets 8/21"),
    row(EOT, "EOT-LIMITED-PARTICIPATION", eot(participators=5, employees=12), FAIL, "RM2 Briggs Ltd 5/12"),
    row(EOT, "EOT-LIMITED-PARTICIPATION", eot(participators=2, employees=5), PASS, "s236N: exactly 2/5 is allowed"),
    row(EOT, "EOT-TRUSTEE-INDEPENDENCE", eot(), PASS, "TCGA s236LA (FA 2025)"),
    row(
        EOT,
        "EOT-TRUSTEE-INDEPENDENCE",
        eot(trustees_total=4, trustees_connected_to_former_owners=2),
        FAIL,
        "s236LA: half or more",
    ),
    row(EOT, "EOT-TRUSTEE-INDEPENDENCE", eot(trustees_uk_resident=False), FAIL, "s236LA: UK resident trustees"),
    row(EOT, "EOT-TRUSTEE-INDEPENDENCE", eot(disposal_date="2024-10-29"), NA, "s236LA: disposals from 30 October 2024"),
    # --- Charities (Charities Act 2011) -------------------------------------------------------------------
    row(
        CHARITY,
        "CHAR-TRUSTEE-UNPAID",
        {"charity": {"trustees_total": 6, "trustees_paid": 3}},
        FAIL,
        "Charities Act 2011 s185 Condition C; fixture 8 (3 of 6 is not a minority)",
        "3 of 6 trustees",
    ),
    row(CHARITY, "CHAR-TRUSTEE-UNPAID", {"charity": {"trustees_total": 7, "trustees_paid": 3}}, PASS, "s185 C"),
    row(CHARITY, "CHAR-TRUSTEE-UNPAID", {"charity": {"trustees_total": 6}}, NEEDS, "s185 C, paid trustees unknown"),
    row(
        CHARITY,
        "CHAR-DISSOLUTION",
        {"profits": {"dissolution_clause": "to_asset_locked_body"}},
        PASS,
        "Charities Act 2011 ss1-4 [M]",
    ),
    row(CHARITY, "CHAR-DISSOLUTION", {"profits": {"dissolution_clause": "to_members"}}, WARNING, "ss1-4 [M]"),
]


def finding_for(ruleset_id: str, rule_id: str, data: dict[str, Any]) -> Finding:
    facts = facts_from_dict({"legal_form": FORM[ruleset_id], **data})
    assessment = assess(facts, RULESETS[ruleset_id])
    return next(f for f in assessment.findings if f.rule_id == rule_id)


@pytest.mark.parametrize(("ruleset_id", "rule_id", "data", "outcome", "source", "says"), CASES)
def test_rule(
    ruleset_id: str, rule_id: str, data: dict[str, Any], outcome: Outcome, source: str, says: str | None
) -> None:
    found = finding_for(ruleset_id, rule_id, data)

    assert found.outcome is outcome, f"{source}: {found.reason}"
    assert found.reason
    if says:
        assert says in found.reason


# Rules whose shipped parameters cannot fail; their checks are tested with other parameters below.
CANNOT_FAIL_AS_SHIPPED = {"COOP-INTEREST-CAP"}


def test_every_checked_rule_has_a_passing_and_a_failing_row() -> None:
    outcomes: dict[tuple[str, str], set[Outcome]] = defaultdict(set)
    for case in CASES:
        ruleset_id, rule_id, _, outcome, _, _ = case.values
        outcomes[(ruleset_id, rule_id)].add(outcome)
    missing = [
        (ruleset.id, rule.id)
        for ruleset in RULESETS.values()
        for rule in ruleset.rules
        if rule.check != DECLARATION
        and rule.id not in CANNOT_FAIL_AS_SHIPPED
        and not (PASS in outcomes[(ruleset.id, rule.id)] and outcomes[(ruleset.id, rule.id)] & {FAIL, WARNING})
    ]
    assert missing == []


def test_interest_on_shares_above_a_chosen_benchmark_fails_the_check() -> None:
    facts = facts_from_dict({"profits": {"pays_share_interest": True, "share_interest_cap_pct": 6}})

    outcome, reason = CHECKS["share_interest_declared"].function(facts, Parameters({"benchmark_pct": 5.0}))

    assert outcome is FAIL
    assert reason == "Its rules allow interest on shares of up to 6%, above the 5% benchmark."


def test_a_declared_rule_is_self_declared_either_way_and_says_whether_it_was_declared() -> None:
    declared = finding_for(ICA, "ICA-P5-P7", {"declarations": ["ICA-P5-P7"]})
    silent = finding_for(ICA, "ICA-P5-P7", {})

    assert declared.outcome is silent.outcome is Outcome.SELF_DECLARED
    assert "declares that it meets this" in declared.reason
    assert "has not declared" in silent.reason


# --- Vote shares -------------------------------------------------------------------------------------------


def shares_of(*classes: dict[str, Any]) -> dict[int, float] | None:
    return vote_shares(facts_from_dict({"member_classes": list(classes)}))


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        pytest.param([omov("staff")], {0: 100.0}, id="one class holds every vote whatever its count"),
        pytest.param([omov("staff"), omov("carer")], None, id="several classes need their counts"),
        pytest.param([omov("staff", 60), omov("carer", 40)], {0: 60.0, 1: 40.0}, id="shared by member counts"),
        pytest.param(
            [omov("service_user", 60), omov("staff", 40), omov("carer", 25)],
            {0: 48.0, 1: 32.0, 2: 20.0},
            id="three classes by counts",
        ),
        pytest.param(
            [omov("staff", 50), omov("service_user", 50), capped("investor", 10)],
            {0: 45.0, 1: 45.0, 2: 10.0},
            id="a capped class counts at its cap",
        ),
        pytest.param([weighted("investor", 40), omov("staff")], {0: 40.0, 1: 60.0}, id="fixed share and remainder"),
        pytest.param([weighted("staff", 50), weighted("carer", 50)], {0: 50.0, 1: 50.0}, id="fixed shares only"),
        pytest.param([weighted("staff", 50), weighted("carer", 30)], None, id="fixed shares short of 100"),
        pytest.param([weighted("staff", 100), omov("carer", 10)], {0: 100.0, 1: 0.0}, id="nothing left to share"),
        pytest.param([{"kind": "investor", "voting_rule": "votes_follow_shares"}], {0: 100.0}, id="lone shareholder"),
        pytest.param(
            [omov("staff", 10), {"kind": "investor", "voting_rule": "votes_follow_shares"}],
            None,
            id="votes by shares alongside members",
        ),
        pytest.param([weighted("investor", 10), {"kind": "staff"}], {0: 10.0, 1: 90.0}, id="the one other class"),
        pytest.param([{"kind": "staff"}, {"kind": "carer"}], None, id="voting rules unknown"),
        pytest.param([{"kind": "staff", "voting_rule": "weighted_share"}], None, id="fixed share not given"),
        pytest.param([omov("staff", 0), omov("carer", 0)], None, id="no members counted"),
        pytest.param([], None, id="no classes"),
    ],
)
def test_vote_shares(classes: list[dict[str, Any]], expected: dict[int, float] | None) -> None:
    shares = shares_of(*classes)

    if expected is None:
        assert shares is None
    else:
        assert shares == pytest.approx(expected)


def test_vote_shares_are_unknown_when_there_are_no_member_classes_recorded() -> None:
    assert vote_shares(StructureFacts()) is None


def test_vote_shares_are_unknown_when_fixed_shares_add_up_to_more_than_all_the_votes() -> None:
    # facts_from_dict refuses this, but facts built in code can hold it.
    classes = (
        MemberClassFacts(kind=MemberClassKind.STAFF, voting_rule=VotingRule.WEIGHTED_SHARE, vote_share_pct=70.0),
        MemberClassFacts(kind=MemberClassKind.CARER, voting_rule=VotingRule.WEIGHTED_SHARE, vote_share_pct=40.0),
    )

    assert vote_shares(StructureFacts(member_classes=classes)) is None


def test_a_class_that_does_not_vote_on_a_decision_has_no_share_of_it() -> None:
    facts = facts_from_dict(
        {"member_classes": [omov("staff", 90), omov("investor", 10, votes_on=["ordinary", "special"])]}
    )

    assert vote_shares(facts, VoteDecision.CONVERSION) == {0: 100.0, 1: 0.0}
    assert vote_shares(facts) == pytest.approx({0: 90.0, 1: 10.0})


@pytest.mark.parametrize(
    ("classes", "kinds", "expected"),
    [
        pytest.param(
            [omov("service_user"), omov("staff"), omov("carer")],
            {"staff", "service_user", "carer"},
            100.0,
            id="every class on one side: counts do not matter",
        ),
        pytest.param(
            [omov("service_user"), omov("staff"), capped("investor", 10)],
            {"staff", "service_user"},
            90.0,
            id="the remainder after an investor cap",
        ),
        pytest.param(
            [omov("service_user"), omov("staff"), capped("investor", 10)], {"investor"}, 10.0, id="the capped class"
        ),
        pytest.param([omov("staff"), omov("investor")], {"staff"}, None, id="sides split, counts unknown"),
        pytest.param([omov("staff", 3), omov("investor", 1)], {"staff"}, 75.0, id="sides split, counts known"),
        pytest.param(
            [omov("staff"), {"voting_rule": "one_member_one_vote"}], {"staff"}, None, id="a class of unknown kind"
        ),
        pytest.param([omov("staff")], {"investor"}, 0.0, id="no class of the kinds"),
    ],
)
def test_vote_share_of_kinds(classes: list[dict[str, Any]], kinds: set[str], expected: float | None) -> None:
    facts = facts_from_dict({"member_classes": classes})

    share = vote_share_of(facts, frozenset(MemberClassKind(k) for k in kinds))

    assert share == (None if expected is None else pytest.approx(expected))


def test_board_share_gives_a_range_when_some_seats_are_unknown() -> None:
    facts = facts_from_dict(
        {
            "member_classes": [omov("staff"), omov("investor")],
            "board_seats": [elected(0, 4), elected(1, 2), {"seats": 2}, appointed(2, appointer_is_public_body=True)],
        }
    )

    assert board_share(facts, elected_by(frozenset({MemberClassKind.STAFF}))) == (40.0, 60.0)
    assert board_share(facts, public_appointee) == (20.0, 40.0)
    assert board_share(facts_from_dict({"board_seats": [{"seats": None}]}), public_appointee) is None
    assert board_share(StructureFacts(), public_appointee) is None


# --- Verdicts ---------------------------------------------------------------------------------------------


def test_a_failed_rule_decides_the_verdict_whatever_else_is_unknown() -> None:
    assessment = assess(facts_from_dict({"legal_form": "cic_cls", "registered_charity": True}), RULESETS[CIC])

    assert assessment.verdict is Verdict.DOES_NOT_MEET
    assert assessment.reason == "Does not meet the rule “Not a charity”."


def test_warnings_and_declarations_never_block_a_verdict() -> None:
    data = {
        "legal_form": "community_benefit_society",
        "name": "Holmfirth Care Co-operative",
        "members_total": 40,
        "member_benefit_only": False,
        "member_classes": [weighted("staff", 50), weighted("community_public", 50)],
        "profits": {"distribution_basis": "none", "max_shareholding_gbp": 1},
    }

    assessment = assess(facts_from_dict(data), RULESETS[CBS])

    assert {f.outcome for f in assessment.findings} == {PASS, WARNING, Outcome.SELF_DECLARED}
    assert assessment.verdict is Verdict.MEETS
    assert assessment.reason == "Meets every rule that decides the verdict (5 checked; 2 warnings)."


def test_a_warning_rule_that_lacks_facts_asks_for_them_without_blocking() -> None:
    data = {"legal_form": "community_benefit_society", "members_total": 40, "member_benefit_only": False}
    data |= {"member_classes": [omov("community_public")], "profits": {"distribution_basis": "none"}}
    data |= {"profits": {"distribution_basis": "none", "max_shareholding_gbp": 1}}

    assessment = assess(facts_from_dict(data), RULESETS[CBS])

    assert next(f for f in assessment.findings if f.rule_id == "COOP-NAME").outcome is NEEDS
    assert assessment.verdict is Verdict.MEETS


def test_a_rule_set_for_other_legal_forms_is_not_applicable_and_says_why() -> None:
    assessment = assess(facts_from_dict({"legal_form": "co_operative_society"}), RULESETS[CIC])

    assert assessment.verdict is Verdict.NOT_APPLICABLE
    assert assessment.findings == ()
    assert assessment.reason == (
        "This rule set is for a community interest company limited by shares, a community interest company "
        "limited by guarantee or a community interest company; the organisation is a registered co-operative "
        "society."
    )


def test_an_excluded_form_gets_the_rule_sets_own_reason() -> None:
    assessment = assess(facts_from_dict({"legal_form": "nhs_foundation_trust"}), RULESETS[PP])

    assert assessment.verdict is Verdict.NOT_APPLICABLE
    assert "'Any Qualified Provider' is replaced with the NHS as preferred provider" in assessment.reason


def test_a_rule_set_that_needs_facts_not_recorded_is_not_applicable() -> None:
    assessment = assess(facts_from_dict({"legal_form": "company_limited_by_shares"}), RULESETS[EOT])

    assert assessment.verdict is Verdict.NOT_APPLICABLE
    assert assessment.reason == "No employee ownership trust is recorded for this organisation."


def test_an_unknown_legal_form_asks_for_it_and_still_runs_the_rules() -> None:
    facts = facts_from_dict({"profits": {"asset_lock": "cic_statutory"}, "registered_charity": False})

    assessment = assess(facts, RULESETS[CIC])

    assert assessment.verdict is Verdict.NEEDS_INFORMATION
    assert assessment.findings[0].rule_id == "LEGAL-FORM"
    assert assessment.findings[0].outcome is NEEDS
    assert next(f for f in assessment.findings if f.rule_id == "CIC-ASSET-LOCK").outcome is PASS


def test_an_unverified_rule_says_so_in_its_finding_and_its_dict() -> None:
    found = finding_for(COOP, "COOP-INVESTOR-CAP-25", {"member_classes": [omov("staff")]})

    assert found.unverified
    assert found.reason.endswith(
        "This rule is unverified: it was recorded from memory and not yet checked against its source."
    )
    written = found.to_dict()
    assert written["unverified"] is True
    assert written["confidence"] == "M"
    assert written["confidence_note"].startswith("Unverified")


def test_an_assessment_is_a_plain_dict_for_json_html_and_csv() -> None:
    facts = facts_from_dict({"legal_form": "cic_cls", "profits": {"asset_lock": "cic_statutory"}})

    written = assess(facts, RULESETS[CIC]).to_dict()

    assert json.loads(json.dumps(written)) == written
    assert set(written) == {"ruleset_id", "ruleset_title", "ruleset_version", "verdict", "reason", "findings"}
    lock = next(f for f in written["findings"] if f["rule_id"] == "CIC-ASSET-LOCK")
    assert lock == {
        "rule_id": "CIC-ASSET-LOCK",
        "title": "The statutory asset lock",
        "outcome": "pass",
        "reason": "It has the statutory community interest company asset lock.",
        "severity": "fail",
        "source": {
            "title": "Community Interest Company Regulations 2005 (SI 2005/1788)",
            "section": "reg 2 (asset-locked body); asset-lock provisions of Schedules 1 to 3",
            "url": "https://www.legislation.gov.uk/uksi/2005/1788",
            "date": "2005, as amended",
            "publisher": None,
            "quote": None,
        },
        "citation": "Community Interest Company Regulations 2005 (SI 2005/1788), reg 2 (asset-locked body); "
        "asset-lock provisions of Schedules 1 to 3 (2005, as amended)",
        "confidence": "V1",
        "confidence_note": "Checked against the source's own text.",
        "unverified": False,
        "explanation": lock["explanation"],
        "needs": [],
    }


# --- Loading rule sets ------------------------------------------------------------------------------------


def test_the_shipped_rule_sets_load_with_every_rule_sourced() -> None:
    rulesets = load_rulesets()

    assert [r.id for r in rulesets] == [
        "preferred-provider",
        "ica-cooperative-identity",
        "registered-cooperative-society",
        "community-benefit-society",
        "community-interest-company",
        "social-enterprise",
        "public-service-mutual",
        "public-service-mutual-procurement-act",
        "nhs-foundation-trust",
        "charity",
        "employee-ownership-trust",
    ]
    for ruleset in rulesets:
        assert ruleset.sources
        assert ruleset.summary
        for rule in ruleset.rules:
            assert rule.source.title, rule.id
            assert rule.explanation, rule.id
    assert load_rulesets() is rulesets
    assert load_rulesets(DEFAULT_PATH) is rulesets
    assert json.dumps([r.to_dict() for r in rulesets])


def test_the_default_path_is_the_repositorys_data_folder() -> None:
    assert Path(__file__).resolve().parents[2] / "data" / "rulesets" == DEFAULT_PATH


VALID = """
id: example-set
title: Example
summary: An example rule set.
applies_to: [co_operative_society]
sources:
  act: {title: An Act, url: "https://www.legislation.gov.uk/ukpga/2014/14"}
rules:
  - id: EX-1
    title: A rule
    check: trading_income
    parameters: {min_pct: 50}
    severity: fail
    confidence: V1
    source: {ref: act, section: s2}
    explanation: Why it matters.
"""


def test_a_valid_rule_set_parses_with_its_citation_resolved() -> None:
    order, ruleset = parse_ruleset(VALID, "example.yaml")

    assert order == 100
    assert isinstance(ruleset, RuleSet)
    assert ruleset.rules[0].source.cite() == "An Act, s2"
    assert ruleset.rules[0].parameters.number("min_pct") == 50.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("check: trading_income", "check: trading_incme"),
            "rule EX-1: unknown check 'trading_incme'; the checks are:",
        ),
        (("    source: {ref: act, section: s2}\n", ""), "rule EX-1: every rule needs a source"),
        (("{ref: act, section: s2}", "{ref: law}"), "the source ref 'law' is not one of the rule set's sources"),
        (("{ref: act, section: s2}", "{section: s2}"), "title is missing or empty"),
        (("parameters: {min_pct: 50}", "parameters: {}"), "the parameter 'min_pct' (number) is missing"),
        (("parameters: {min_pct: 50}", "parameters: {min_pct: lots}"), "parameter 'min_pct' must be a number"),
        (("parameters: {min_pct: 50}", "parameters: {min_pct: 50, max: 2}"), "unexpected parameters max"),
        (("severity: fail", "severity: fatal"), "severity must be one of: fail, fail_policy, warn, attest"),
        (("severity: fail", "severity: attest"), "rules with severity 'attest' (and only they) use the 'declaration'"),
        (("confidence: V1", "confidence: V3"), "confidence must be one of: V1, V2, M, D"),
        (("applies_to: [co_operative_society]", "applies_to: [co_op]"), "applies_to: 'co_op' is not one of:"),
        (("id: EX-1", "id: ex 1"), "rule id 'ex 1' must be upper case letters, digits and hyphens"),
        (
            ('sources:\n  act: {title: An Act, url: "https://www.legislation.gov.uk/ukpga/2014/14"}\n', ""),
            "a rule set needs its sources",
        ),
        (("https://", "http://"), "the url must start with https://"),
        (("explanation: Why it matters.", "colour: blue"), "unexpected fields colour"),
    ],
)
def test_a_broken_rule_set_is_refused_with_a_clear_error(change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in VALID

    with pytest.raises(RuleSetError) as raised:
        parse_ruleset(VALID.replace(old, new), "example.yaml")

    assert message in str(raised.value)
    assert str(raised.value).startswith("example.yaml")


def test_a_folder_with_two_rule_sets_of_one_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID)

    with pytest.raises(RuleSetError, match=r"rule set id 'example-set' is already used by a\.yaml"):
        load_rulesets(tmp_path)


def test_a_folder_without_rule_sets_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="No rule set files"):
        load_rulesets(tmp_path)


# --- What would decide a finding that needs information ----------------------------------------------------


def _is_fact_path(path: str) -> bool:
    """Whether ``path`` (``profits.asset_lock``, ``member_classes[1].count``) names a field of the facts shape."""
    kind: Any = StructureFacts
    for part in path.split("."):
        name = part.split("[", 1)[0]
        fields = {f.name: f for f in dataclasses.fields(kind)}
        if name not in fields:
            return False
        hints = typing.get_type_hints(kind)[name]
        inner = [a for a in typing.get_args(hints) if a is not type(None)]
        nested = [a for a in (*inner, *(b for a in inner for b in typing.get_args(a))) if dataclasses.is_dataclass(a)]
        kind = nested[0] if nested else None
        if kind is None and part != path.split(".")[-1]:
            return False
    return True


@pytest.mark.parametrize(
    ("ruleset_id", "rule_id", "data", "outcome", "source", "says"), [c for c in CASES if c.values[3] is NEEDS]
)
def test_a_finding_that_needs_information_names_the_facts_that_would_decide_it(
    ruleset_id: str, rule_id: str, data: dict[str, Any], outcome: Outcome, source: str, says: str | None
) -> None:
    found = finding_for(ruleset_id, rule_id, data)

    assert found.needs, f"{rule_id}: {found.reason}"
    assert all(_is_fact_path(path) for path in found.needs), found.needs
    assert found.to_dict()["needs"] == list(found.needs)


def test_needs_name_the_unknown_facts_a_rule_reads_and_no_others() -> None:
    found = finding_for(PP, "PP-T2-INDEPENDENT", {"is_public_body": False, "member_classes": [omov("staff")]})

    assert found.needs == ("board_seats", "significant_control")


def test_needs_look_inside_a_group_left_out_and_into_each_row() -> None:
    lock = finding_for(CIC, "CIC-ASSET-LOCK", {})
    stakeholders = finding_for(PP, "PP-T2-STAKEHOLDER-CONTROL", {"member_classes": [omov("staff"), {"kind": None}]})

    assert lock.needs == ("profits.asset_lock", "profits.cic_asset_lock_schedule")
    assert "member_classes[1].kind" in stakeholders.needs
    assert "member_classes[0].name" not in stakeholders.needs  # a label is never asked for


def test_findings_that_do_not_need_information_need_nothing() -> None:
    assessment = assess(facts_from_dict({"legal_form": "cic_cls", "registered_charity": True}), RULESETS[CIC])

    assert all(f.needs == () for f in assessment.findings if f.outcome is not NEEDS)
