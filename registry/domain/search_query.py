"""What a person asked the search for, read from a query string and checked.

One parser serves the search page, the JSON API and the commissioner tools, so a query means the same
thing everywhere and bad input gets the same plain-English message everywhere.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.postcodes import PostcodeKind, parse_postcode_query

MAX_TEXT_LENGTH = 200
DEFAULT_RADIUS_KM = 25.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 200.0
MAX_FILTER_VALUES = 50

FACETS = ("legal_form", "governance", "region", "service", "member_kind", "eligible")
# Each facet as a message names it ("... is not a legal form we know").
FACET_NAMES = {
    "legal_form": _l("legal form"),
    "governance": _l("governance"),
    "region": _l("region"),
    "service": _l("service"),
    "member_kind": _l("member kind"),
    "eligible": _l("eligible"),
}


class LocationMatch(StrEnum):
    BOTH = "both"
    BASED = "based"
    SERVES = "serves"


class SearchQueryError(ValueError):
    """Input that cannot be a search; ``fields`` maps each bad parameter to what to enter instead."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    near: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    match: LocationMatch = LocationMatch.BOTH
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Closed (dissolved) organisations stay listed but are found only when the searcher asks for them.
    include_closed: bool = False
    # Search ``text`` as the words typed, without reading a place or a service out of it.
    as_text: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.near and not any(self.filters.values())

    def filter_values(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())


def clean_text(value: str) -> str:
    """Normalise what people type: Unicode NFC, no control characters, single spaces."""
    normalised = unicodedata.normalize("NFC", value)
    printable = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in normalised)
    return " ".join(printable.split())


def looks_like_postcode(text: str) -> bool:
    return parse_postcode_query(text).kind in {PostcodeKind.POSTCODE, PostcodeKind.OUTCODE, PostcodeKind.SECTOR}


def _radius(raw: str | None, errors: dict[str, str]) -> float:
    if raw is None or raw.strip() == "":
        return DEFAULT_RADIUS_KM
    try:
        radius = float(raw)
    except ValueError:
        radius = float("nan")
    if not (MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM):  # also false for NaN
        low, high, usual = (f"{km:g}" for km in (MIN_RADIUS_KM, MAX_RADIUS_KM, DEFAULT_RADIUS_KM))
        errors["radius_km"] = _(
            "Enter a distance between %(low)s and %(high)s kilometres, like %(usual)s", low=low, high=high, usual=usual
        )
        return DEFAULT_RADIUS_KM
    return radius


def parse_search_query(
    args: Mapping[str, Sequence[str]], known_values: Mapping[str, frozenset[str]] | None = None
) -> SearchQuery:
    """Read a query from request arguments (each key to its list of values).

    ``q`` is free text; a postcode, partial postcode or place typed into ``q`` alone is moved to ``near``
    by the search service, which knows the place names. Facet filters not in ``known_values`` are refused.
    """
    errors: dict[str, str] = {}

    def first(key: str) -> str | None:
        values = args.get(key) or []
        return values[0] if values else None

    text = clean_text(first("q") or "")
    if len(text) > MAX_TEXT_LENGTH:
        errors["q"] = _("Enter %(most)s characters or fewer", most=MAX_TEXT_LENGTH)
        text = text[:MAX_TEXT_LENGTH]
    near = clean_text(first("near") or "")
    if len(near) > MAX_TEXT_LENGTH:
        errors["near"] = _("Enter a postcode or place name of %(most)s characters or fewer", most=MAX_TEXT_LENGTH)
        near = ""
    radius = _radius(first("radius_km"), errors)
    match_raw = (first("match") or LocationMatch.BOTH.value).strip().lower()
    try:
        match = LocationMatch(match_raw)
    except ValueError:
        errors["match"] = _("Choose based, serves or both")
        match = LocationMatch.BOTH

    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        cleaned = (clean_text(v) for v in args.get(facet, []))
        values = tuple(dict.fromkeys(v for v in cleaned if v))
        if not values:
            continue
        if len(values) > MAX_FILTER_VALUES:
            errors[facet] = _("Choose %(most)s values or fewer", most=MAX_FILTER_VALUES)
            continue
        if known_values is not None:
            unknown = [v for v in values if v not in known_values.get(facet, frozenset())]
            if unknown:
                errors[facet] = _(
                    "%(value)s is not a %(facet)s we know. Choose from the list",
                    value=repr(unknown[0][:40]),
                    facet=str(FACET_NAMES[facet]),
                )
                continue
        filters[facet] = values
    closed_raw = (first("include_closed") or "").strip().lower()
    if closed_raw not in _YES | _NO:
        errors["include_closed"] = _("Choose whether to include closed organisations: yes or no")
    as_text_raw = (first("as_text") or "").strip().lower()
    if as_text_raw not in _YES | _NO:
        errors["as_text"] = _("Choose whether to search the words as typed: yes or no")
    if errors:
        raise SearchQueryError(errors)
    return SearchQuery(
        text=text,
        near=near,
        radius_km=radius,
        match=match,
        filters=filters,
        include_closed=closed_raw in _YES,
        as_text=as_text_raw in _YES,
    )


_YES = frozenset({"1", "true", "yes", "on"})
_NO = frozenset({"", "0", "false", "no", "off"})
