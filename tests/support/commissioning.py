"""Commissioning in tests: the facts of a listing that meets the preferred-provider profile and of one that
does not, and the areas and services listings are given."""

from __future__ import annotations

import copy
from typing import Any

SHEFFIELD = {"code": "E08000039", "name": "Sheffield"}

# Facts that meet the preferred-provider profile: a multi-stakeholder co-operative whose service users, staff and
# carers hold the votes and elect the board, with a common-ownership asset lock and patronage dividends.
PREFERRED_PROVIDER: dict[str, Any] = {
    "legal_form": "co_operative_society",
    "governance_model": "multi_stakeholder",
    "origin": {"type": "independent"},
    "size": {"members": 125, "trading_income_pct": 92, "employees": 40, "turnover_gbp": 1_200_000},
    "member_classes": [
        {"name": "People who need support", "kind": "service_user", "voting_rule": "one_member_one_vote", "count": 60},
        {"name": "Paid care staff", "kind": "staff", "voting_rule": "one_member_one_vote", "count": 40},
        {"name": "Unpaid carers", "kind": "carer", "voting_rule": "one_member_one_vote", "count": 25},
    ],
    "board_seats": [
        {"source": "elected_by_class", "elected_by": "People who need support", "seats": 3},
        {"source": "elected_by_class", "elected_by": "Paid care staff", "seats": 3},
        {"source": "elected_by_class", "elected_by": "Unpaid carers", "seats": 2},
        {"source": "co_opted", "seats": 1, "is_non_executive": True},
    ],
    "financial_rules": {"asset_lock": "constitutional", "distribution_basis": "patronage"},
    "structure_details": {
        "is_public_body": False,
        "registered_charity": False,
        "delivers_public_services": True,
        "member_benefit_only": False,
        "membership_open": True,
        "all_employees_eligible": True,
        "significant_control": [],
        "profits": {"pays_share_interest": False, "min_shareholding_gbp": 1, "max_shareholding_gbp": 1},
        "declarations": ["ICA-P5-P7", "CCBSA-S2-BUSINESS", "CCBSA-S2-RULES", "COOP-COMMON-NEED", "COOP-MUTUAL-BENEFIT"],
    },
}
# A company owned by a for-profit fund: it does not meet the profile.
FUND_OWNED: dict[str, Any] = {
    "legal_form": "company_limited_by_shares",
    "size": {"employees": 900, "turnover_gbp": 60_000_000},
    "member_classes": [{"name": "Shareholders", "kind": "investor", "voting_rule": "votes_follow_shares"}],
    "significant_controls": [
        {"name": "Synthetic Fund LP", "natures_of_control": ["voting-rights-75-to-100-percent"], "is_for_profit": True}
    ],
}


def serves(*areas: dict[str, str]) -> list[dict[str, Any]]:
    return [{"local_authorities": list(areas)}]


def homecare() -> list[dict[str, str]]:
    return [{"code": "hsc-homecare"}]


def with_investors(share: float) -> dict[str, Any]:
    """The preferred provider with an investor class holding ``share``% of the votes (never on conversion)."""
    facts = copy.deepcopy(PREFERRED_PROVIDER)
    facts["member_classes"] = [
        {**m, "voting_rule": "weighted_share", "vote_share_pct": (100 - share) / 3} for m in facts["member_classes"]
    ] + [
        {
            "name": "Investor members",
            "kind": "investor",
            "voting_rule": "weighted_share",
            "vote_share_pct": share,
            "votes_on": ["ordinary", "special"],
            "count": 10,
        }
    ]
    return facts
