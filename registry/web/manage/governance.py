"""The governance step's answers: a listing's members, board, profits and controllers as the form's data, and the
validator's facts back as listing data (facts with no column of their own are kept in ``structure_details``)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_to_dict
from registry.models import Organisation


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def number_text(value: int | Decimal | float | None) -> str:
    if value is None:
        return ""
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else f"{as_float:g}"


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


# Facts the governance step asks for that have no column of their own: kept in ``structure_details``, in the
# validator's facts shape (``profits`` there holds the profit facts beyond the financial-rules columns).
DETAIL_FACTS = (
    "all_employees_eligible",
    "membership_open",
    "member_benefit_only",
    "registered_charity",
    "delivers_public_services",
    "foundation_trust",
    "employee_ownership",
)
_PROFIT_COLUMNS = frozenset(
    {
        "asset_lock",
        "cic_asset_lock_schedule",
        "dissolution_clause",
        "distribution_basis",
        "distribution_cap_pct",
        "share_interest_cap_pct",
        "profits_reinvested_pct",
    }
)


def _answer(value: Any) -> Any:
    """A stored fact as a form field's data: yes or no, a number as typed, a list of counts as "2, 1"."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float | Decimal):
        return number_text(value)
    if isinstance(value, list) and all(isinstance(item, int) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return {key: _answer(item) for key, item in value.items()}
    return as_text(value)


def governance_initial(org: Organisation) -> dict[str, Any]:
    details = org.structure_details or {}
    has_control = True if org.significant_controls else org.has_significant_control
    return {
        "governance_model": as_text(org.governance_model_code),
        **{key: _answer(details.get(key)) for key in DETAIL_FACTS if key in details},
        "is_public_body": yes_no(org.is_public_body),
        "members_registered_societies": number_text(org.members_registered_societies),
        "has_significant_control": yes_no(has_control),
        "charity": {
            "trustees_total": number_text(org.charity_trustees),
            "trustees_paid": number_text(org.charity_trustees_paid),
        },
        "member_classes": [
            {
                "name": m.name,
                "kind": m.kind_code,
                "description": m.description,
                "count": number_text(m.member_count),
                "voting_rule": as_text(m.voting_rule),
                "vote_share_pct": number_text(m.vote_share_pct),
                "votes_on": list(m.votes_on or []),
            }
            for m in org.member_classes
        ]
        or [{}],
        "board_seats": [
            {
                "role": b.role,
                "source": as_text(b.source),
                "seats": number_text(b.seats),
                "member_class": b.elected_by.name if b.elected_by else "",
                "whole_membership": yes_no(b.whole_membership),
                "appointer": as_text(b.appointed_by),
                "appointer_kind": as_text(b.appointer_kind_code),
                "appointer_is_public_body": yes_no(b.appointer_is_public_body),
                "is_chair": yes_no(b.is_chair),
                "is_non_executive": yes_no(b.is_non_executive),
            }
            for b in org.board_seats
        ]
        or [{}],
        "profits": {
            **_answer(details.get("profits") or {}),
            "asset_lock": as_text(org.asset_lock),
            "cic_asset_lock_schedule": number_text(org.cic_asset_lock_schedule),
            "dissolution_clause": as_text(org.dissolution_clause),
            "distribution_basis": as_text(org.distribution_basis),
            "distribution_cap_pct": number_text(org.dividend_cap_pct),
            "share_interest_cap_pct": number_text(org.share_interest_cap_pct),
            "profits_reinvested_pct": number_text(org.profits_reinvested_pct),
        },
        "significant_control": [
            {
                "name": p.name,
                "natures_of_control": list(p.natures_of_control or []),
                "is_member": yes_no(p.is_member),
                "is_for_profit": yes_no(p.is_for_profit),
                "is_public_body": yes_no(p.is_public_body),
                "is_employee_trust": yes_no(p.is_employee_trust),
                "is_asset_locked": yes_no(p.is_asset_locked),
            }
            for p in org.significant_controls
        ],
    }


def _value(item: Any) -> Any:
    return getattr(item, "value", item)


def _known(value: Any) -> Any:
    """A fact as stored: groups without their unknown (null) facts, and ``None`` for a group with none known."""
    if isinstance(value, dict):
        kept = {key: _known(item) for key, item in value.items()}
        kept = {key: item for key, item in kept.items() if item is not None}
        return kept or None
    return value


def listing_governance(
    facts: StructureFacts,
    descriptions: list[Any],
    roles: list[Any],
    governance_model: str | None,
    details: Mapping[str, Any],
    has_control: bool | None,
) -> dict[str, Any]:
    classes = facts.member_classes or ()
    profits = facts.profits
    plain = facts_to_dict(facts)
    structure_details = {key: value for key, value in details.items() if key not in (*DETAIL_FACTS, "profits")}
    structure_details.update({key: _known(plain[key]) for key in DETAIL_FACTS if _known(plain[key]) is not None})
    more_profits = {key: value for key, value in (_known(plain["profits"]) or {}).items() if key not in _PROFIT_COLUMNS}
    if more_profits:
        structure_details["profits"] = more_profits
    controllers = facts.significant_control
    charity = facts.charity
    return {
        "governance_model": governance_model,
        "is_public_body": facts.is_public_body,
        "members_registered_societies": facts.members_registered_societies,
        "has_significant_control": has_control if not controllers else True,
        "charity": {
            "trustees_total": charity.trustees_total if charity else None,
            "trustees_paid": charity.trustees_paid if charity else None,
        },
        "member_classes": [
            {
                "name": c.name,
                "kind": _value(c.kind),
                "description": descriptions[i] or "",
                "count": c.count,
                "voting_rule": _value(c.voting_rule),
                "vote_share_pct": c.vote_share_pct,
                "votes_on": sorted(_value(d) for d in c.votes_on) if c.votes_on is not None else None,
            }
            for i, c in enumerate(classes)
        ],
        "board_seats": [
            {
                "role": roles[j] or "",
                "source": _value(s.source),
                "elected_by": classes[s.member_class].name if s.member_class is not None else None,
                "whole_membership": s.whole_membership,
                "appointed_by": s.appointer,
                "appointer_is_public_body": s.appointer_is_public_body,
                "appointer_kind": _value(s.appointer_kind),
                "seats": 1 if s.seats is None else s.seats,
                "is_non_executive": s.is_non_executive,
                "is_chair": bool(s.is_chair),
            }
            for j, s in enumerate(facts.board_seats or ())
        ],
        "financial_rules": {
            "asset_lock": _value(profits.asset_lock) if profits else None,
            "cic_asset_lock_schedule": profits.cic_asset_lock_schedule if profits else None,
            "dissolution_clause": _value(profits.dissolution_clause) if profits else None,
            "distribution_basis": _value(profits.distribution_basis) if profits else None,
            "dividend_cap_pct": profits.distribution_cap_pct if profits else None,
            "share_interest_cap_pct": profits.share_interest_cap_pct if profits else None,
            "profits_reinvested_pct": profits.profits_reinvested_pct if profits else None,
        },
        "significant_controls": [
            {
                "name": p.name,
                "natures_of_control": list(p.natures_of_control) if p.natures_of_control is not None else None,
                "is_member": p.is_member,
                "is_for_profit": p.is_for_profit,
                "is_public_body": p.is_public_body,
                "is_employee_trust": p.is_employee_trust,
                "is_asset_locked": p.is_asset_locked,
            }
            for p in facts.significant_control or ()
        ],
        "structure_details": structure_details,
    }
