"""Reading a search from a request and running it: shared by the search page and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from werkzeug.datastructures import MultiDict

from registry.domain.paging import PagingError, page_request
from registry.domain.search_query import SearchQuery, SearchQueryError, parse_search_query
from registry.extensions import cache, db
from registry.services.search import SearchError, SearchResults, facet_labels, search_listings

RADIUS_CHOICES = (5, 10, 25, 50, 100)
REFERENCE_CACHE_SECONDS = 300


@cache.memoize(timeout=REFERENCE_CACHE_SECONDS)
def cached_facet_labels() -> dict[str, dict[str, str]]:
    """Facet values and labels come from the reference vocabularies, which change only when they are
    reloaded: cached (in Redis when configured, so every worker shares it) rather than read per search."""
    return facet_labels(db.session())


@dataclass
class SearchOutcome:
    """A search's results, or the reasons it could not run (one message per parameter)."""

    query: SearchQuery | None
    results: SearchResults | None
    errors: dict[str, str] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)


def run_search(args: MultiDict[str, str]) -> SearchOutcome:
    raw = {key: args.get(key, "") for key in ("q", "near", "radius_km", "match")}
    try:
        paging = page_request(
            args.get("page"), args.get("per_page"), current_app.config["PER_PAGE"], current_app.config["MAX_PER_PAGE"]
        )
        labels = cached_facet_labels()
        known = {facet: frozenset(values) for facet, values in labels.items()}
        query = parse_search_query(args.to_dict(flat=False), known)
    except PagingError as error:
        return SearchOutcome(None, None, {"page": str(error)}, raw=raw)
    except SearchQueryError as error:
        return SearchOutcome(None, None, error.fields, raw=raw)
    try:
        results = search_listings(
            db.session(), query, paging, current_app.extensions.get("registry.geocoder"), labels=labels
        )
    except SearchError as error:
        return SearchOutcome(query, None, error.fields, error.suggestions, raw=raw)
    return SearchOutcome(query, results, raw=raw)
