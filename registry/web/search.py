"""Reading a search from a request and running it: shared by the search page and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from registry.domain.paging import PageRequest, PagingError, page_request
from registry.domain.search_query import MAX_RADIUS_KM, LocationMatch, SearchQuery, SearchQueryError, parse_search_query
from registry.extensions import cache, db
from registry.services.search import SearchError, SearchHit, SearchResults, search_listings
from registry.services.search_facets import facet_labels
from registry.services.search_refinements import Refinement

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
    # When nothing matched: other searches that find something, and the nearest listings of the service.
    wider: Alternative | None = None
    without_place: Alternative | None = None
    nearest: list[SearchHit] = field(default_factory=list)


@dataclass(frozen=True)
class Alternative:
    """Another search to offer: its arguments (for the page's link) and how many it finds."""

    args: dict[str, Any]
    total: int
    radius_km: float | None = None


def run_search(args: MultiDict[str, str], refinement: Refinement | None = None) -> SearchOutcome:
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
            db.session(), query, paging, current_app.extensions.get("registry.geocoder"), refinement, labels=labels
        )
    except SearchError as error:
        return SearchOutcome(query, None, error.fields, error.suggestions, raw=raw)
    outcome = SearchOutcome(query, results, raw=raw)
    if not results.page.total and refinement is None:
        _offer_alternatives(outcome, results, labels)
    return outcome


def _count(query: SearchQuery, labels: dict[str, dict[str, str]]) -> int:
    found = search_listings(
        db.session(), query, PageRequest(1, 1), current_app.extensions.get("registry.geocoder"), labels=labels
    )
    return found.page.total


def _link_args(query: SearchQuery) -> dict[str, Any]:
    """A query as the page's arguments, empty ones left out."""
    args: dict[str, Any] = {"q": query.text or None, "near": query.near or None}
    if query.near:
        args["radius_km"] = f"{query.radius_km:g}"
        args["match"] = query.match.value if query.match is not LocationMatch.BOTH else None
    args["as_text"] = "yes" if query.text else None
    args["include_closed"] = "yes" if query.include_closed else None
    for facet, values in query.filters.items():
        args[facet] = list(values)
    return {key: value for key, value in args.items() if value}


def _offer_alternatives(outcome: SearchOutcome, results: SearchResults, labels: dict[str, dict[str, str]]) -> None:
    """Zero results as a conversation: a wider radius that finds something (with its count), the nearest
    listings of the service the words name, and the same words without the place."""
    query, place = results.query, results.place
    if place is not None:
        for radius in [r for r in (*RADIUS_CHOICES, MAX_RADIUS_KM) if r > query.radius_km]:
            wider = replace(query, radius_km=float(radius))
            total = _count(wider, labels)
            if total:
                outcome.wider = Alternative(_link_args(wider), total, float(radius))
                break
        reading = results.reading
        if reading is not None and reading.service is not None:
            nearest = replace(
                query,
                text="",
                radius_km=MAX_RADIUS_KM,
                match=LocationMatch.BASED,
                filters={**query.filters, "service": (reading.service.service,)},
            )
            found = search_listings(
                db.session(), nearest, PageRequest(1, 3), current_app.extensions.get("registry.geocoder"), labels=labels
            )
            outcome.nearest = list(found.page.items)
        if query.text:
            words = replace(query, near="", radius_km=25.0)
            try:
                outcome.without_place = Alternative(_link_args(words), _count(words, labels))
            except SearchError:
                # Words that are themselves an unknown place ("A0", read as a postcode) have no search of their own.
                outcome.without_place = None


def map_points(results: SearchResults | None, url_for_listing: Any) -> list[dict[str, Any]]:
    """The results' places to pin on the map: only for a search near a place, only those with a position."""
    if results is None or results.place is None:
        return []
    return [
        {
            "name": hit.organisation.name,
            "url": url_for_listing(hit.organisation.slug),
            "lat": loc.latitude,
            "lon": loc.longitude,
        }
        for hit in results.page.items
        for loc in hit.organisation.locations
        if loc.latitude is not None and loc.longitude is not None
    ]
