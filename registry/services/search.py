"""Find listings: free text, facets and location, one function behind the pages, the API and the feeds.

``search_listings`` takes a checked ``SearchQuery`` and returns a page of results, each saying why it is
there ("based 2.1 km away", "serves Sheffield"), with facet counts. The database finds what the text
(``search_text``), the place (``search_places``) and any refinements (``search_refinements``) admit, with the
full-text rank and the distance; filtering by facets, counting the results and each facet's values
(``search_facets``), and choosing the page are done on the in-memory ``FacetIndex``, because a database pass
per facet over tens of thousands of matches was most of a search's time. ``matching_listings`` gives the same
listings in the same order as one SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from geopy.distance import great_circle
from sqlalchemy import ColumnElement, Select, bindparam, func, select, union
from sqlalchemy.orm import Session, defer, selectinload

from registry.domain.distances import kilometres
from registry.domain.language import gettext as _
from registry.domain.paging import Page, PageRequest
from registry.domain.postcodes import loose_storage_key
from registry.domain.query_reading import QueryReading, read_query
from registry.domain.search_query import FACETS, LocationMatch, SearchQuery, looks_like_postcode
from registry.models import Assessment, ListingStatus, MemberClass, Organisation, RegisteredStatus, Service
from registry.services.gazetteer.lookup import (
    MalformedPostcode,
    PlaceNotResolved,
    ResolvedPlace,
    UnknownPlace,
    resolve_place,
    suggest_places,
)
from registry.services.geocoding import OnlineGeocoder, geocode_place
from registry.services.reading import read_search_text, service_vocabulary
from registry.services.search_facets import FacetValue, all_of, facet_conditions, facet_counts, facet_labels
from registry.services.search_index import CLOSED as CLOSED_FACET
from registry.services.search_index import FacetIndex, facet_index
from registry.services.search_places import indexed_points_within, published_based_within, serving
from registry.services.search_refinements import (
    PLAUSIBLE,
    Refinement,
    profile_arrays,
    refinement_conditions,
    refinement_order,
)
from registry.services.search_text import ids_and_scores, text_matches, text_scores


class SearchError(ValueError):
    """The search cannot run as asked; ``fields`` maps each parameter to a message, ``suggestions`` helps."""

    def __init__(self, fields: dict[str, str], suggestions: list[str] | None = None) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields
        self.suggestions = suggestions or []


@dataclass
class SearchHit:
    organisation: Organisation
    distance_km: float | None = None
    serves: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    query: SearchQuery
    page: Page[SearchHit]
    facets: dict[str, list[FacetValue]]
    place: ResolvedPlace | None = None
    place_suggestions: list[str] = field(default_factory=list)
    corrected_terms: dict[str, str] = field(default_factory=dict)
    reading: QueryReading | None = None


# ---------------------------------------------------------------------------------------------------
# Reading the query


def interpret(
    session: Session, query: SearchQuery, geocoder: OnlineGeocoder | None = None
) -> tuple[SearchQuery, ResolvedPlace | None, QueryReading | None]:
    """Resolve ``near``; or, when only ``q`` is given, read it as what and where (``read_search_text``).

    An address in ``near`` that the gazetteer does not know goes to the online geocoder when one is
    configured (never ``q``, which may be an organisation's name). Returns the query to run, the place (or
    None), and how ``q`` was read (None when it was not read: ``near`` was given, or
    ``as_text`` asked for the words as typed).
    """
    if query.near:
        try:
            place = resolve_place(session, query.near)
        except (UnknownPlace, MalformedPostcode) as error:
            found = geocode_place(session, geocoder, query.near) if geocoder is not None else None
            if found is None:
                raise SearchError({"near": error.message}, getattr(error, "suggestions", [])) from error
            place = found
        except PlaceNotResolved as error:
            raise SearchError({"near": error.message}, getattr(error, "suggestions", [])) from error
        reading = None
        if query.text and not query.as_text:
            # The place is given: only the service is read from the words.
            reading = read_query(query.text, lambda _: False, service_vocabulary())
            reading = reading if reading.service else None
        return query, place, reading
    if not query.text:
        return query, None, None
    if looks_like_postcode(query.text) or loose_storage_key(query.text) is not None:
        try:
            place = resolve_place(session, query.text)
        except PlaceNotResolved as error:
            raise SearchError({"q": error.message}, getattr(error, "suggestions", [])) from error
        return replace(query, near=query.text, text=""), place, None
    if query.as_text:
        return query, None, None
    reading = read_search_text(session, query.text)
    if reading.where is not None:
        try:
            # The reader found the place's name: suggestions are never needed here.
            found_place = resolve_place(session, reading.where, suggest=False)
        except PlaceNotResolved:
            found_place = None
        if found_place is not None:
            return replace(query, near=reading.where, text=reading.what), found_place, reading
        reading = replace(reading, what=reading.words, where=None, place_typed=None)
    return query, None, reading if reading.split else None


# ---------------------------------------------------------------------------------------------------
# The search


@dataclass
class _Plan:
    conditions: list[ColumnElement[bool]]
    text_ids: Any | None
    near: Any | None
    serves: Any | None
    refinements: list[ColumnElement[bool]] = field(default_factory=list)


def search_listings(
    session: Session,
    query: SearchQuery,
    paging: PageRequest,
    geocoder: OnlineGeocoder | None = None,
    refinement: Refinement | None = None,
    labels: dict[str, dict[str, str]] | None = None,
) -> SearchResults:
    """Run a search. Raises ``SearchError`` (with a message per parameter) for a place it cannot find.

    ``refinement`` adds the commissioner tools' filters and sort order to the same search. ``labels`` are the
    facet labels (``facet_labels``), passed in by callers that cache them; read from the database otherwise.
    """
    prepared = _prepare(session, query, geocoder, refinement)
    query, place = prepared.query, prepared.place
    index = facet_index(session)
    admitted, keys, served = _admitted(session, index, prepared)
    chosen = {facet: index.having(facet, query.filter_values(facet)) for facet in FACETS if query.filter_values(facet)}
    matched = all_of(admitted, chosen.values())
    total = int(matched.sum())
    if refinement is not None and refinement.sort and refinement.sort != PLAUSIBLE:
        # Sorting by a listing's fields is the database's job; only the page is read.
        ids: list[int] = list(session.scalars(prepared.ordered_ids.offset(paging.offset).limit(paging.per_page)))
    else:
        page = _page_of(matched, keys, paging.offset, paging.per_page)
        ids = [int(i) for i in index.listing_ids[page]]

    serving_ids: set[int] = set()
    if served is not None and ids:
        pos, found = index.positions(np.array(ids, dtype=np.int64))
        serving_ids = {i for i, at, known in zip(ids, pos, found, strict=True) if known and served[at]}
    hits = _hits(session, ids, place, query, serving_ids, for_commissioners=refinement is not None)
    suggestions = suggest_places(session, query.text) if not total and query.text and place is None else []
    return SearchResults(
        query=query,
        page=Page(hits, total, paging.page, paging.per_page),
        facets=facet_counts(index, admitted, chosen, query, labels if labels is not None else facet_labels(session)),
        place=place,
        place_suggestions=suggestions,
        corrected_terms=prepared.corrected,
        reading=prepared.reading,
    )


def _admitted(
    session: Session, index: FacetIndex, prepared: _Prepared
) -> tuple[np.ndarray[Any, np.dtype[np.bool_]], list[np.ndarray[Any, Any]], np.ndarray[Any, np.dtype[np.bool_]] | None]:
    """The published listings the text, place and refinements admit (before facet filters); the keys that
    order them, most significant first, as ``_prepare``'s ORDER BY (nearest, best rank, name, id); and for a
    place, the listings that serve it."""
    plan, query = prepared.plan, prepared.query
    status, closed = CLOSED_FACET
    admitted = ~index.having(status, [closed]) if not query.include_closed else np.ones(len(index), dtype=bool)
    keys: list[np.ndarray[Any, Any]] = []
    served = None
    if plan.near is not None and plan.serves is not None:
        assert prepared.place is not None
        ids, d2 = ids_and_scores(session, indexed_points_within(prepared.place, query.radius_km))
        pos, found = index.positions(ids)
        nearest = np.full(len(index), np.inf)  # not based within the radius: after those that are
        np.minimum.at(nearest, pos[found], d2[found])
        based = np.isfinite(nearest)
        served = index.mask(ids_and_scores(session, select(plan.serves.c.organisation_id))[0])
        if query.match is LocationMatch.BASED:
            admitted &= based
        elif query.match is LocationMatch.SERVES:
            admitted &= served
        else:
            admitted &= based | served
        keys.append(nearest)
    if plan.text_ids is not None:
        ids, ranks = text_scores(session, index, select(plan.text_ids.c.organisation_id, plan.text_ids.c.rank))
        pos, found = index.positions(ids)
        rank = np.full(len(index), np.inf)
        rank[pos[found]] = ranks[found]
        admitted &= np.isfinite(rank)
        keys.append(rank)
    if plan.refinements:
        admitted &= index.mask(ids_and_scores(session, select(Organisation.id).where(*plan.refinements))[0])
    if prepared.profile_keys:
        admitted &= prepared.profile_keys[0]
        keys[:0] = prepared.profile_keys[1:]
    keys.append(index.name_order)
    return admitted, keys, served


def _page_of(
    selected: np.ndarray[Any, np.dtype[np.bool_]], keys: list[np.ndarray[Any, Any]], offset: int, limit: int
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Positions of the page's listings, in order: only those that can be on it are fully sorted."""
    listings = np.flatnonzero(selected)
    wanted = offset + limit
    if wanted > 0:
        listings = _contenders(listings, keys, wanted)
    order = np.lexsort([key[listings] for key in reversed(keys)])
    return listings[order][offset:wanted]


def _contenders(
    listings: np.ndarray[Any, np.dtype[np.intp]], keys: list[np.ndarray[Any, Any]], wanted: int
) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Those of ``listings`` that can be among the first ``wanted`` by ``keys``: those ahead of the cutoff on
    the first key, and of those tied at it, the contenders by the next keys (a coarse rank ties most of a
    common word's 144,000 matches: sorting them all took 9 ms)."""
    if len(listings) <= wanted or not keys:
        return listings
    first = keys[0][listings]
    cutoff = np.partition(first, wanted - 1)[wanted - 1]
    ahead = listings[first < cutoff]
    tied = listings[first == cutoff]
    return np.concatenate([ahead, _contenders(tied, keys[1:], wanted - len(ahead))])


@dataclass(frozen=True)
class MatchingListings:
    """Every listing a search matches: ``ids`` SELECTs their ids in the search's order, whose ORDER BY terms
    are ``order``, so that rows related to the listings (services, places) can be ranked the same way."""

    ids: Select[int]
    order: tuple[Any, ...]


def matching_listings(
    session: Session,
    query: SearchQuery,
    geocoder: OnlineGeocoder | None = None,
    refinement: Refinement | None = None,
) -> MatchingListings:
    """Every listing a search matches, as one SELECT of ids in the search's order: for exports, counts and
    feeds, which need neither a page nor facet counts. Raises ``SearchError`` as ``search_listings`` does."""
    prepared = _prepare(session, query, geocoder, refinement)
    return MatchingListings(prepared.ordered_ids, prepared.order)


@dataclass
class _Prepared:
    query: SearchQuery
    place: ResolvedPlace | None
    corrected: dict[str, str]
    reading: QueryReading | None
    plan: _Plan
    ordered_ids: Select[int]
    order: tuple[Any, ...]
    # With a profile: the listings whose verdict is wanted, then any ranking keys (``profile_arrays``).
    profile_keys: list[np.ndarray[Any, Any]] = field(default_factory=list)


def _prepare(
    session: Session, query: SearchQuery, geocoder: OnlineGeocoder | None, refinement: Refinement | None
) -> _Prepared:
    query, place, reading = interpret(session, query, geocoder)
    plan = _Plan(conditions=[Organisation.status == ListingStatus.PUBLISHED], text_ids=None, near=None, serves=None)
    if not query.include_closed:
        plan.conditions.append(Organisation.registered_status != RegisteredStatus.DISSOLVED)
    corrected: dict[str, str] = {}

    if query.text:
        text_ids, corrected = text_matches(session, query.text, reading.service if reading else None)
        if text_ids is not None:
            plan.text_ids = text_ids.subquery("text_match")
            plan.conditions.append(Organisation.id.in_(select(plan.text_ids.c.organisation_id)))

    if place is not None:
        plan.near = published_based_within(place, query.radius_km).subquery("near")
        plan.serves = serving(place).subquery("serves")
        if query.match is LocationMatch.BASED:
            plan.conditions.append(Organisation.id.in_(select(plan.near.c.organisation_id)))
        elif query.match is LocationMatch.SERVES:
            plan.conditions.append(Organisation.id.in_(select(plan.serves.c.organisation_id)))
        else:
            plan.conditions.append(
                Organisation.id.in_(union(select(plan.near.c.organisation_id), select(plan.serves.c.organisation_id)))
            )

    profile_keys: list[np.ndarray[Any, Any]] = []
    if refinement is not None:
        plan.refinements = refinement_conditions(session, refinement)
        plan.conditions += plan.refinements
        if refinement.profile is not None:
            index = facet_index(session)
            profile_keys = profile_arrays(session, index, refinement)
            # For the SELECT of ids (exports, counts): the wanted listings' ids, written into the statement.
            wanted = [int(i) for i in index.listing_ids[profile_keys[0]]]
            plan.conditions.append(
                Organisation.id.in_(bindparam("profile_ids", wanted, expanding=True, literal_execute=True))
            )

    statement = select(Organisation.id).where(*plan.conditions, *facet_conditions(query))
    order: list[Any] = []
    if plan.near is not None:
        statement = statement.outerjoin(plan.near, plan.near.c.organisation_id == Organisation.id)
        order += [plan.near.c.d2.is_(None), plan.near.c.d2]
    if plan.text_ids is not None:
        statement = statement.join(plan.text_ids, plan.text_ids.c.organisation_id == Organisation.id)
        order.append(plan.text_ids.c.rank)
    order += [func.lower(Organisation.name), Organisation.id]
    if refinement is not None and refinement.sort:
        order = [*refinement_order(refinement), *order]
    return _Prepared(query, place, corrected, reading, plan, statement.order_by(*order), tuple(order), profile_keys)


def _hits(
    session: Session,
    ids: list[int],
    place: ResolvedPlace | None,
    query: SearchQuery,
    serving_ids: set[int],
    for_commissioners: bool,
) -> list[SearchHit]:
    """The page's listings with what their results show, a query per kind of child row: the public results
    show member classes and services (and, for a place, locations: distances and the map); the commissioner
    tools show services, areas served and verdicts. ``serving_ids`` are those that serve the place."""
    if not ids:
        return []
    options = [selectinload(Organisation.services).joinedload(Service.service_type)]
    if place is not None:
        options.append(selectinload(Organisation.locations))
    if for_commissioners:
        options += [
            selectinload(Organisation.service_areas),
            # The verdicts, not the stored reports (tens of kB each).
            selectinload(Organisation.assessments).options(defer(Assessment.report)),
        ]
    else:
        options.append(selectinload(Organisation.member_classes).joinedload(MemberClass.kind))
    loaded = {
        org.id: org for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids)).options(*options))
    }
    hits = []
    for org_id in ids:
        org = loaded[org_id]
        hit = SearchHit(org)
        if place is not None:
            distances = [
                great_circle((place.latitude, place.longitude), (loc.latitude, loc.longitude)).km
                for loc in org.locations
                if loc.latitude is not None and loc.longitude is not None
            ]
            hit.distance_km = round(min(distances), 1) if distances else None
            served_name = place.served_local_name
            hit.serves = org_id in serving_ids
            if hit.distance_km is not None and hit.distance_km <= query.radius_km:
                hit.reasons.append(_("Based %(distance)s away", distance=kilometres(hit.distance_km)))
            if hit.serves and served_name:
                serves = _("Serves part of %(area)s", area=served_name) if place.districts else None
                hit.reasons.append(serves or _("Serves %(area)s", area=served_name))
        hits.append(hit)
    return hits


__all__ = [
    "MatchingListings",
    "SearchError",
    "SearchHit",
    "SearchResults",
    "interpret",
    "matching_listings",
    "search_listings",
]
