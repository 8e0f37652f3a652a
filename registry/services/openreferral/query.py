"""Reading the feed's query parameters: its filters, page sizes and flags, with a message for each bad one."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from registry.domain.search_query import MAX_TEXT_LENGTH, SearchQueryError, clean_text, looks_like_postcode
from registry.services.openreferral.ids import parse_uuid
from registry.services.openreferral.taxonomies import Taxonomy, Term, find_taxonomy, find_term

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PROXIMITY_M = 200_000


class FeedQueryError(SearchQueryError):
    """Parameters the feed cannot use; ``fields`` maps each to what to enter instead."""


@dataclass(frozen=True)
class FeedQuery:
    search: str = ""
    term: Term | None = None
    taxonomy: Taxonomy | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None
    postcode: str = ""
    proximity_m: float | None = None


def parse_search_text(value: str | None) -> str:
    text = clean_text(value or "")
    if len(text) > MAX_TEXT_LENGTH:
        raise FeedQueryError({"search": f"Enter search text of {MAX_TEXT_LENGTH} characters or fewer"})
    return text


def parse_term(value: str | None, name: str = "taxonomy_term_id") -> Term | None:
    if not value:
        return None
    if parse_uuid(value) is None:
        raise FeedQueryError({name: f"Enter {name} as a UUID from /openreferral/taxonomy_terms"})
    term = find_term(value)
    if term is None:
        raise FeedQueryError(
            {name: f"There is no taxonomy term with the id {value.strip()}. See /openreferral/taxonomy_terms"}
        )
    return term


def parse_taxonomy(value: str | None) -> Taxonomy | None:
    if not value:
        return None
    if parse_uuid(value) is None:
        raise FeedQueryError({"taxonomy_id": "Enter taxonomy_id as a UUID from /openreferral/taxonomies"})
    taxonomy = find_taxonomy(value)
    if taxonomy is None:
        raise FeedQueryError(
            {"taxonomy_id": f"There is no taxonomy with the id {value.strip()}. See /openreferral/taxonomies"}
        )
    return taxonomy


def parse_feed_query(args: Mapping[str, str]) -> FeedQuery:
    """Read the list endpoints' filters, or raise ``FeedQueryError`` naming every bad one."""
    errors: dict[str, str] = {}

    def attempt(read: Callable[[], Any]) -> Any:
        try:
            return read()
        except FeedQueryError as error:
            errors.update(error.fields)
            return None

    search = attempt(lambda: parse_search_text(args.get("search"))) or ""
    term = attempt(lambda: parse_term(args.get("taxonomy_term_id")))
    taxonomy = attempt(lambda: parse_taxonomy(args.get("taxonomy_id")))

    organisation = None
    if args.get("organization_id"):
        organisation = parse_uuid(args.get("organization_id"))
        if organisation is None:
            errors["organization_id"] = "Enter organization_id as a UUID from /openreferral/organizations"

    modified_after = None
    if args.get("modified_after"):
        modified_after = _moment(args.get("modified_after") or "")
        if modified_after is None:
            errors["modified_after"] = "Enter modified_after as a date and time, like 2024-05-01T09:00:00Z"

    postcode = clean_text(args.get("postcode") or "")
    if postcode and (len(postcode) > 8 or not looks_like_postcode(postcode)):
        errors["postcode"] = "Enter a full or partial postcode, like S1 2HE or S1"

    proximity = None
    if args.get("proximity"):
        proximity = _metres(args.get("proximity") or "")
        if proximity is None:
            errors["proximity"] = (
                f"Enter proximity as a distance in metres between 1 and {MAX_PROXIMITY_M:,}, like 5000"
            )
        elif not postcode and "postcode" not in errors:
            errors["proximity"] = "Enter a postcode to search within a distance of it"

    if errors:
        raise FeedQueryError(errors)
    return FeedQuery(search, term, taxonomy, organisation, modified_after, postcode, proximity)


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _metres(value: str) -> float | None:
    try:
        metres = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(metres) or not 1 <= metres <= MAX_PROXIMITY_M:
        return None
    return metres


def parse_flag(args: Mapping[str, str], name: str) -> bool:
    value = (args.get(name) or "").strip().lower()
    if value in {"", "false"}:
        return False
    if value == "true":
        return True
    raise FeedQueryError({name: f"Enter {name} as true or false"})
