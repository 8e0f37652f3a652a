"""Merging the sources of one listing: each fact from the source that knows it best, the lists joined."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.models import ListingProvenance, ListingStatus, Verification
from registry.services.seed import data_digest

# When two sources give the same fact, the first here wins: the FCA keeps the register of societies itself;
# Co-operatives UK curates names and classifications; CQC knows where care is given, not who owns it.
SOURCE_PRIORITY = ("fca-mpr", "coops-uk", "cqc")

# Imported listings carry these; anything else (a moderator's suspension, a claim) is made by a person and
# stops imports from overwriting the listing.
IMPORTED_STATE = {
    "status": ListingStatus.PUBLISHED.value,
    "verification": Verification.UNVERIFIED.value,
    "provenance": ListingProvenance.IMPORTED.value,
}


_LIST_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "identifiers": lambda i: (i["scheme"], i["value"]),
    "services": lambda s: s["code"],
    "locations": lambda loc: (loc.get("name"), loc.get("address"), loc.get("postcode")),
    "sources": lambda s: (s["title"], s.get("published")),
}


def merge_contributions(contributions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One listing's data from every source's contribution: facts by source priority, lists joined.

    Every list key is present (empty when no source gives one), so applying the merge replaces the listing's
    lists whole and nothing a source no longer says lingers.
    """
    ordered = [contributions[s] for s in SOURCE_PRIORITY if s in contributions]
    ordered += [data for s, data in sorted(contributions.items()) if s not in SOURCE_PRIORITY]
    merged: dict[str, Any] = {key: [] for key in _LIST_KEYS}
    merged["trading_names"] = []
    for data in ordered:
        for key, value in data.items():
            if key in _LIST_KEYS:
                seen = {_LIST_KEYS[key](item) for item in merged[key]}
                merged[key] += [item for item in value if _LIST_KEYS[key](item) not in seen]
            elif key == "trading_names":
                merged[key] += [name for name in value if name not in merged[key]]
            elif isinstance(value, dict):
                group = merged.setdefault(key, {})
                for inner, inner_value in value.items():
                    if group.get(inner) is None:
                        group[inner] = inner_value
            elif merged.get(key) is None:
                merged[key] = value
    merged["trading_names"] = [n for n in merged["trading_names"] if n != merged.get("name")]
    merged.setdefault("description", "")
    # The registered office first: it is the listing's address.
    merged["locations"].sort(key=lambda loc: not loc.get("is_registered_office"))
    return merged


def imported_listing_data(contributions: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """An imported listing's data merged from every source's contribution, and its fingerprint."""
    data = {**merge_contributions(contributions), **IMPORTED_STATE}
    return data, data_digest(data)
