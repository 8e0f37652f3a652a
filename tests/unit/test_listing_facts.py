"""A listing's plain data (``listing_as_dict``'s shape) read as the validator's facts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from registry.domain.listing_facts import facts_from_listing
from registry.domain.structure_json import facts_from_dict

LISTING: dict[str, Any] = {
    "slug": "mutual-support",
    "name": "Mutual Support",
    "trading_names": [],
    "status": "published",
    "legal_form": {"code": "co_operative_society", "label": "Co-operative society"},
    "governance_model": {"code": "multi_stakeholder", "label": "Multi-stakeholder"},
    "description": "Home care owned by the people who give and receive it.",
    "origin": {
        "type": "nhs_spin_out",
        "parent_body": "Sheffield PCT",
        "programme": "right_to_request",
        "spun_out": "2011-04",
    },
    "size": {
        "employees": 40,
        "members": 125,
        "year": 2024,
        "turnover_gbp": 1_200_000,
        "turnover_year": 2024,
        "trading_income_pct": 92,
    },
    "is_public_body": False,
    "members_registered_societies": None,
    "financial_rules": {
        "asset_lock": "constitutional",
        "cic_asset_lock_schedule": None,
        "dissolution_clause": "common_ownership",
        "distribution_basis": "patronage",
        "dividend_cap_pct": 5,
        "share_interest_cap_pct": 2.5,
        "profits_reinvested_pct": None,
    },
    "charity": {"trustees_total": None, "trustees_paid": None},
    "identifiers": [{"scheme": "frn", "value": "12345R", "url": None}],
    "member_classes": [
        {
            "name": "Paid care staff",
            "kind": "staff",
            "description": "Everyone on the payroll",
            "count": 40,
            "voting_rule": "weighted_share",
            "vote_share_pct": 60,
            "votes_on": ["ordinary", "special"],
        }
    ],
    "board_seats": [
        {
            "role": "Staff director",
            "source": "elected_by_class",
            "elected_by": "Paid care staff",
            "whole_membership": None,
            "appointed_by": None,
            "appointer_is_public_body": None,
            "appointer_kind": None,
            "seats": 3,
            "is_non_executive": False,
            "is_chair": True,
        },
        {
            "role": "",
            "source": "appointed",
            "elected_by": None,
            "whole_membership": None,
            "appointed_by": "Sheffield City Council",
            "appointer_is_public_body": True,
            "appointer_kind": "local_authority",
            "seats": 1,
            "is_non_executive": None,
            "is_chair": False,
        },
    ],
    "has_significant_control": None,
    "significant_controls": [],
    "structure_details": {"membership_open": True, "profits": {"pays_share_interest": False}},
    "services": [{"code": "hsc-homecare", "label": "Home care", "description": ""}],
    "updated_at": "2026-01-02T03:04:05+00:00",
}


def test_a_listing_reads_as_the_validators_facts_without_unknowns() -> None:
    assert facts_from_listing(LISTING) == {
        "name": "Mutual Support",
        "legal_form": "co_operative_society",
        "origin": "nhs_spin_out",
        "spin_out_programme": "right_to_request",
        "spin_out_date": "2011-04",
        "parent_body": "Sheffield PCT",
        "is_public_body": False,
        "members_total": 125,
        "trading_income_pct": 92.0,
        "profits": {
            "asset_lock": "constitutional",
            "dissolution_clause": "common_ownership",
            "distribution_basis": "patronage",
            "distribution_cap_pct": 5.0,
            "share_interest_cap_pct": 2.5,
            "pays_share_interest": False,
        },
        "member_classes": [
            {
                "name": "Paid care staff",
                "kind": "staff",
                "count": 40,
                "voting_rule": "weighted_share",
                "vote_share_pct": 60.0,
                "votes_on": ["ordinary", "special"],
            }
        ],
        "board_seats": [
            {
                "source": "elected_by_class",
                "seats": 3,
                "member_class": "Paid care staff",
                "is_chair": True,
                "is_non_executive": False,
            },
            {
                "source": "appointed",
                "seats": 1,
                "appointer": "Sheffield City Council",
                "appointer_is_public_body": True,
                "appointer_kind": "local_authority",
                "is_chair": False,
            },
        ],
        "membership_open": True,
    }


def test_the_facts_are_valid_input_for_the_validator() -> None:
    facts = facts_from_dict(facts_from_listing(LISTING))
    assert facts.members_total == 125
    # The seats elected by a class name it, and the validator finds it among the member classes.
    assert facts.board_seats is not None and facts.board_seats[0].member_class == 0


def test_numbers_are_floats_in_the_facts_whatever_the_listing_holds() -> None:
    facts = facts_from_listing(LISTING)
    for value in (facts["trading_income_pct"], facts["profits"]["distribution_cap_pct"]):
        assert type(value) is float


def test_reading_the_facts_leaves_the_listing_as_it_was() -> None:
    listing = copy.deepcopy(LISTING)
    facts_from_listing(listing)
    assert listing == LISTING


def test_structure_details_win_over_the_columns_and_join_the_profit_facts() -> None:
    listing = {
        **LISTING,
        "charity": {"trustees_total": 7, "trustees_paid": 0},
        "structure_details": {
            "is_public_body": True,
            "profits": {"asset_lock": "none", "max_shareholding_gbp": 1},
            "declarations": ["ICA-P5-P7"],
        },
    }
    facts = facts_from_listing(listing)
    assert facts["is_public_body"] is True
    assert facts["profits"]["asset_lock"] == "none"
    assert facts["profits"]["max_shareholding_gbp"] == 1
    assert facts["declarations"] == ["ICA-P5-P7"]
    assert facts["charity"] == {"trustees_total": 7, "trustees_paid": 0}


CONTROLLER = {
    "name": "Synthetic Fund LP",
    "natures_of_control": ["voting-rights-75-to-100-percent"],
    "is_member": None,
    "is_for_profit": True,
    "is_public_body": None,
    "is_employee_trust": None,
    "is_asset_locked": None,
}


@pytest.mark.parametrize(
    ("has_significant_control", "controls", "expected"),
    [
        (None, [], None),
        (True, [], None),
        (False, [], []),
        (
            None,
            [CONTROLLER],
            [
                {
                    "name": "Synthetic Fund LP",
                    "natures_of_control": ["voting-rights-75-to-100-percent"],
                    "is_for_profit": True,
                }
            ],
        ),
    ],
)
def test_no_controllers_is_not_known_unless_the_listing_says_there_are_none(
    has_significant_control: bool | None, controls: list[dict[str, Any]], expected: list[Any] | None
) -> None:
    listing = {**LISTING, "has_significant_control": has_significant_control, "significant_controls": controls}
    assert facts_from_listing(listing).get("significant_control") == expected


@pytest.mark.parametrize(
    ("spun_out", "spin_out_date"),
    [("2011-04", "2011-04"), ("2011-04-01", "2011-04-01"), ("2011", None), ("April 2011", None), (None, None)],
)
def test_only_a_day_or_month_of_spinning_out_is_a_spin_out_date(spun_out: str | None, spin_out_date: Any) -> None:
    listing = {**LISTING, "origin": {**LISTING["origin"], "spun_out": spun_out}}
    assert facts_from_listing(listing).get("spin_out_date") == spin_out_date


def test_a_listing_that_says_nothing_has_only_its_name_as_facts() -> None:
    empty = {"name": "Nothing Known", "member_classes": [], "board_seats": [], "significant_controls": []}
    assert facts_from_listing(empty) == {"name": "Nothing Known"}
