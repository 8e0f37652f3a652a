"""A listing's facts in the validator's input shape, read from the listing as plain data.

A listing is serialised once, by ``listing_as_dict`` (the API's listing, a revision's snapshot, the exports'
row); the validator's facts (the JSON the API's structure checks and ``check`` accept) are derived from that
here. What the model has no column for (Foundation Trust councils, employee ownership trusts, declarations, ...)
is kept in the listing's ``structure_details`` already in the facts' shape, and wins over what the columns say.
An empty list of member classes, seats or controllers means "not known", never "none", so the validator says it
needs information rather than guessing; the one "none" a listing can say is that no person or body has
significant control (``has_significant_control`` false).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

DATE_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# Each fact of a member class or board seat, and the listing's key it is read from.
_MEMBER_CLASS = {key: key for key in ("name", "kind", "count", "voting_rule", "vote_share_pct", "votes_on")}
_BOARD_SEAT = {
    "source": "source",
    "seats": "seats",
    "member_class": "elected_by",
    "whole_membership": "whole_membership",
    "appointer": "appointed_by",
    "appointer_is_public_body": "appointer_is_public_body",
    "appointer_kind": "appointer_kind",
    "is_chair": "is_chair",
    "is_non_executive": "is_non_executive",
}


def _renamed(item: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    return {fact: item.get(key) for fact, key in keys.items()}


def _member_class(item: Mapping[str, Any]) -> dict[str, Any]:
    return {**_renamed(item, _MEMBER_CLASS), "vote_share_pct": _float(item.get("vote_share_pct"))}


def facts_from_listing(listing: Mapping[str, Any]) -> dict[str, Any]:
    """The validator's facts (``facts_from_dict``'s input, without unknown facts) of a listing in
    ``listing_as_dict``'s shape; groups the listing does not hold count as not known."""
    details = dict(listing.get("structure_details") or {})
    origin = listing.get("origin") or {}
    size = listing.get("size") or {}
    rules = listing.get("financial_rules") or {}
    profits = {
        "asset_lock": rules.get("asset_lock"),
        "dissolution_clause": rules.get("dissolution_clause"),
        "cic_asset_lock_schedule": rules.get("cic_asset_lock_schedule"),
        "distribution_basis": rules.get("distribution_basis"),
        "distribution_cap_pct": _float(rules.get("dividend_cap_pct")),
        "share_interest_cap_pct": _float(rules.get("share_interest_cap_pct")),
        "profits_reinvested_pct": _float(rules.get("profits_reinvested_pct")),
        **details.pop("profits", {}),
    }
    charity = listing.get("charity") or {}
    controllers: list[Any] | None = list(listing.get("significant_controls") or ())
    if not controllers:
        # No rows is "not known", unless the listing says no person or body has significant control.
        controllers = [] if listing.get("has_significant_control") is False else None
    spun_out = origin.get("spun_out")
    facts: dict[str, Any] = {
        "name": listing.get("name"),
        "legal_form": (listing.get("legal_form") or {}).get("code"),
        "origin": origin.get("type"),
        "spin_out_programme": origin.get("programme"),
        "spin_out_date": spun_out if spun_out and DATE_OR_MONTH.match(spun_out) else None,
        "parent_body": origin.get("parent_body"),
        "is_public_body": listing.get("is_public_body"),
        "members_total": size.get("members"),
        "members_registered_societies": listing.get("members_registered_societies"),
        "trading_income_pct": _float(size.get("trading_income_pct")),
        "profits": {key: value for key, value in profits.items() if value is not None} or None,
        "member_classes": [_member_class(m) for m in listing.get("member_classes") or ()] or None,
        "board_seats": [_renamed(b, _BOARD_SEAT) for b in listing.get("board_seats") or ()] or None,
        "significant_control": controllers,
        "charity": {key: value for key, value in charity.items() if value is not None} or None,
        **details,
    }
    known: dict[str, Any] = _without_nones(facts)
    return known


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nones(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value
