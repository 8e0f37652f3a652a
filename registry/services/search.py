"""Find listings: free text, facets and location, one function behind the pages, the API and the feeds.

``search_listings`` takes a checked ``SearchQuery`` and returns a page of results, each saying why it is
there ("based 2.1 km away", "serves Sheffield"), with facet counts. Location search has two halves: listings
*based* within the radius (any of their locations) and listings whose service areas *serve* the place's local
authority. The radius prefilter and ordering use an equirectangular distance computed in SQL (plain
arithmetic, so SQLite and PostgreSQL agree and the (latitude, longitude) index is used); the distance shown
is geopy's great-circle distance (within 0.5% of the geodesic, a tenth of a kilometre at 25 km, and
a tenth of its cost: the geodesic was a tenth of a radius search's time).

The database finds what the text, the place and any refinements admit (with the full-text rank and the
distance); filtering by facets, counting the results and each facet's values, and choosing the page are done
on the in-memory ``FacetIndex``, because a database pass per facet over tens of thousands of matches was
most of a search's time. ``matching_listings`` gives the same listings in the same order as one SELECT.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from geopy.distance import great_circle
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import Session, defer, selectinload

from registry.domain.paging import Page, PageRequest
from registry.domain.areas import PlaceKind
from registry.domain.postcodes import loose_storage_key
from registry.domain.query_reading import QueryReading, ServiceTerm, read_query
from registry.domain.search_query import FACETS, LocationMatch, SearchQuery, looks_like_postcode
from registry.models import (
    Assessment,
    GovernanceModel,
    LegalForm,
    ListingStatus,
    LocalAuthority,
    Location,
    MemberClass,
    MemberClassKind,
    Organisation,
    Region,
    RegisteredStatus,
    SearchFacet,
    Service,
    ServiceArea,
    ServiceType,
)
from registry.services.driver import driver_cursor
from registry.services.gazetteer.lookup import (
    AreaRef,
    MalformedPostcode,
    PlaceNotResolved,
    ResolvedPlace,
    UnknownPlace,
    resolve_place,
    suggest_places,
)
from registry.services.geocoding import OnlineGeocoder, geocode_place
from registry.services.profiles import ChosenProfile, verdicts_over
from registry.services.reading import is_place_name, read_search_text, service_vocabulary
from registry.services.search_index import CLOSED as CLOSED_FACET
from registry.services.search_index import PREFERRED_PROVIDER_RULESET, FacetIndex, facet_index, latitude_strip
from registry.services.text_postings import Clause, clause_postings

KM_PER_DEGREE = 111.195  # mean Earth radius 6371.0088 km * pi / 180
MAX_TOKENS = 12
_TOKEN = re.compile(r"\w+", re.UNICODE)
_NON_WORD = re.compile(r"\W", re.UNICODE)

VERDICT_LABELS = {
    "meets": "Meets the preferred-provider profile",
    "needs_information": "Needs more information",
    "does_not_meet": "Does not meet the profile",
    "not_applicable": "Not applicable",
}


class SearchError(ValueError):
    """The search cannot run as asked; ``fields`` maps each parameter to a message, ``suggestions`` helps."""

    def __init__(self, fields: dict[str, str], suggestions: list[str] | None = None) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


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
# Text


def _tokens(value: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(value)][:MAX_TOKENS]


def _fts5_clauses(tokens: list[str], corrections: dict[str, list[str]], service: list[tuple[str, ...]]) -> list[str]:
    parts = []
    if service:
        parts.append("(" + " OR ".join(f'"{" ".join(words)}"*' for words in service) + ")")
    for token in tokens:
        options = [f'"{token}"*', *(f'"{c}"' for c in corrections.get(token, []))]
        parts.append("(" + " OR ".join(options) + ")" if len(options) > 1 else options[0])
    return parts


def _fts5_query(tokens: list[str], corrections: dict[str, list[str]], service: list[tuple[str, ...]]) -> str:
    return " AND ".join(_fts5_clauses(tokens, corrections, service))


# A search whose every clause (a word typed, or a service's phrases) may match at least this many listings is
# ranked coarsely: by how many of its clauses the listing's name matches (more first), then by name, as the
# listings it admits are. Ranking tens of thousands of matches with bm25 or ts_rank was most of such a
# search's time, and for words most listings have it orders little that matters. Its clauses' matches are
# held in memory (``registry.services.text_postings``), kept up to date as the index changes. Below it, the
# database ranks the matches (bm25 on SQLite, ts_rank on PostgreSQL). Counted from the index's vocabulary:
# the listings with a word each clause's words start, an upper bound of the clause's matches.
COMMON_MATCHES = 5_000
_CLAUSES_OPTION = "registry_text_clauses"


# Per database: the index version the counts were made at, and the counts (SQLite's fts5vocab reads a word's
# whole doclist to count it: 2.6 ms for a word in 144,000 listings).
_vocabulary_counts_kept: dict[str, tuple[tuple[int, str], dict[str, int]]] = {}


def _vocabulary_counts(session: Session, words: list[str]) -> dict[str, int]:
    """For each word, how many listings have an indexed word it starts (summed over those words), from
    ``organisation_search_vocab``; kept until the index changes. Only a word's presence is needed by
    ``_corrections``, its count by ``_is_common``."""
    bind_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    version = tuple(session.execute(text("SELECT version, token FROM organisation_search_state WHERE id = 1")).one())
    with _text_cache_lock:
        held_version, held = _vocabulary_counts_kept.get(bind_key, (None, {}))
        kept = dict(held) if held_version == version else {}
    distinct = sorted({word for word in words if word not in kept})
    if not distinct:
        return {word: kept[word] for word in words}
    parts = ", ".join(
        f"(SELECT coalesce(sum(doc), 0) FROM organisation_search_vocab WHERE term >= :t{i} AND term < :e{i})"  # noqa: S608 (numbered parameters)
        for i in range(len(distinct))
    )
    params = {f"t{i}": word for i, word in enumerate(distinct)}
    params |= {f"e{i}": word + "\uffff" for i, word in enumerate(distinct)}
    counts = session.execute(text(f"SELECT {parts}"), params).one()
    kept |= {word: int(count or 0) for word, count in zip(distinct, counts, strict=True)}
    with _text_cache_lock:
        _vocabulary_counts_kept[bind_key] = ((int(version[0]), str(version[1])), kept)
    return {word: kept[word] for word in words}


def _is_common(
    session: Session,
    tokens: list[str],
    service: list[tuple[str, ...]],
    counts: dict[str, int],
    corrections: dict[str, list[str]],
) -> bool:
    """Whether every clause of the search may match ``COMMON_MATCHES`` listings or more (see there);
    ``counts`` are the tokens' (``_vocabulary_counts``). A misspelt word's clause matches its corrections."""
    corrected = _vocabulary_counts(session, [c for options in corrections.values() for c in options])
    bounds = [counts[token] + sum(corrected[c] for c in corrections.get(token, [])) for token in tokens]
    if bounds and min(bounds) < COMMON_MATCHES:
        return False
    if service:
        counts = _vocabulary_counts(session, [word for words in service for word in words])
        bounds.append(sum(min(counts[word] for word in words) for words in service if words))
    return bool(bounds) and min(bounds) >= COMMON_MATCHES


def _held_clauses(statement: Select[Any]) -> tuple[Clause, ...] | None:
    """The clauses of a coarsely ranked text match (``text_matches``) that ``statement`` selects from."""
    for selected in statement.get_final_froms():
        element = getattr(selected, "element", None)
        if isinstance(element, Select):
            clauses = element.get_execution_options().get(_CLAUSES_OPTION)
            if clauses:
                return tuple(clauses)
    return None


def _service_clause(tokens: list[str], term: ServiceTerm | None) -> tuple[list[str], list[tuple[str, ...]]]:
    """The tokens without the service's phrase, and the service's phrases as word tuples (any may match);
    the tokens unchanged and no phrases when the text holds none of them."""
    if term is None:
        return tokens, []
    phrases = sorted({tuple(_tokens(p)) for p in term.phrases if _tokens(p)}, key=len, reverse=True)
    for words in phrases:
        for start in range(len(tokens) - len(words) + 1):
            if tuple(tokens[start : start + len(words)]) == words:
                rest = tokens[:start] + tokens[start + len(words) :]
                return rest, [tuple(_tokens(" ".join(w))) for w in term.alternatives()]
    return tokens, []


def _corrections(session: Session, tokens: list[str], counts: dict[str, int]) -> tuple[dict[str, list[str]], set[str]]:
    """For each token that starts no indexed word (a typo), up to three of the closest indexed words, from
    ``organisation_search_vocab`` (SQLite's fts5vocab table; PostgreSQL's kept by the search index). Returns
    those corrections and the tokens found nowhere (``counts``: ``_vocabulary_counts``). A place's name is
    never corrected into another word ("Leeds" is not "led"): it matches only as typed."""
    corrections: dict[str, list[str]] = {}
    unknown: set[str] = set()
    for token in tokens:
        if counts[token]:
            continue
        unknown.add(token)
        if len(token) < 4 or is_place_name(session, token):  # too short to correct, or a place
            continue
        candidates = session.execute(
            text("SELECT term FROM organisation_search_vocab WHERE term >= :a AND term < :b"),
            {"a": token[:2], "b": token[:2] + "\uffff"},
        ).scalars()
        words = [term for term in candidates if _TOKEN.fullmatch(term)]  # not "co-op", "nhs.uk"
        close = difflib.get_close_matches(token, words, n=3, cutoff=0.75)
        if close:
            corrections[token] = close
    return corrections, unknown


def _sqlite_text_ids(
    session: Session, tokens: list[str], service: list[tuple[str, ...]]
) -> tuple[Select[int, Any], dict[str, str]]:
    """Ids matching every token (as a prefix) and, for a service, one of its phrases; a token found nowhere
    also matches its closest indexed words."""
    counts = _vocabulary_counts(session, tokens)
    corrections, _ = _corrections(session, tokens, counts)
    match = _fts5_query(tokens, corrections, service)
    rank: ColumnElement[Any] = literal_column("bm25(organisation_search, 10.0, 1.0)")
    clauses: list[Clause] = []
    if _is_common(session, tokens, service, counts, corrections):
        clauses = [Clause(clause, f"{{names}} : {clause}") for clause in _fts5_clauses(tokens, corrections, service)]
        in_names = [
            cast(
                literal_column("organisation_search.rowid").in_(
                    select(literal_column("named.rowid"))
                    .select_from(text("organisation_search AS named"))
                    .where(
                        text(f"named.organisation_search MATCH :names_{i}").bindparams(**{f"names_{i}": clause.names})
                    )
                ),
                Integer,
            )
            for i, clause in enumerate(clauses)
        ]
        rank = cast(-sum(in_names[1:], in_names[0]), Float)
    ids: Select[int, Any] = (
        select(
            literal_column("organisation_search.rowid", Integer).label("organisation_id"),
            rank.label("rank"),
        )
        .select_from(text("organisation_search"))
        .where(text("organisation_search MATCH :match").bindparams(match=match))
    )
    if clauses:
        ids = ids.execution_options(**{_CLAUSES_OPTION: tuple(clauses)})
    shown = {token: options[0] for token, options in corrections.items()}
    return ids, shown


def _postgresql_text_ids(
    session: Session, tokens: list[str], service: list[tuple[str, ...]]
) -> tuple[Select[int, Any], dict[str, str]]:
    """Full-text match on every token as a prefix and, for a service, one of its phrases; a token found
    nowhere also matches its closest indexed words, as on SQLite, and brings in trigram similarity on the
    names."""
    words = [word for word in (_NON_WORD.sub("", t) for t in tokens) if word]
    counts = _vocabulary_counts(session, words)
    corrections, unknown = _corrections(session, words, counts)
    clauses = [
        "(" + " | ".join([f"{word}:*", *corrections[word]]) + ")" if word in corrections else f"{word}:*"
        for word in words
    ]
    if service:
        clauses.insert(0, "(" + " | ".join("(" + " <-> ".join(w) + ":*)" for w in service) + ")")
    tsquery = " & ".join(clauses)
    common: list[Clause] = []
    if _is_common(session, words, service, counts, corrections):
        # The same clauses matching names only: weight A, as the document weighs them (migration 0002).
        named = [
            "(" + " | ".join([f"{word}:*A", *(f"{c}:A" for c in corrections[word])]) + ")"
            if word in corrections
            else f"{word}:*A"
            for word in words
        ]
        if service:
            phrases = ("(" + " <-> ".join([*(f"{x}:A" for x in w[:-1]), f"{w[-1]}:*A"]) + ")" for w in service)
            named.insert(0, "(" + " | ".join(phrases) + ")")
        common = [Clause(clause, names) for clause, names in zip(clauses, named, strict=True)]
    phrase = " ".join(tokens)
    document: ColumnElement[Any] = literal_column("organisation_search.document")
    names: ColumnElement[str] = literal_column("organisation_search.names", String)
    matches: ColumnElement[bool] = document.op("@@")(func.to_tsquery("simple", tsquery))
    rank: ColumnElement[Any] = -func.ts_rank(document, func.to_tsquery("simple", tsquery))
    # The similarity operators cannot use an index for a common word and cost a pass over every name, which
    # was most of a search's time at 150,000 listings: they are added only when a word needs them. So is
    # similarity in the rank: for "care", matching 84,000 of 150,000 listings, it tripled the query's time.
    # A misspelt word whose corrections are very common matches them alone, as on SQLite: the similarity of
    # every name was most of such a search's time (a quarter of a second for "homecre" at 150,000 listings).
    if unknown and not common:
        matches = or_(
            matches,
            literal(phrase).op("<%")(names),
            # Whole-name similarity catches a misspelt name of several words ("Mutaul Suport").
            names.op("%")(literal(phrase)),
        )
        rank = rank - func.word_similarity(phrase, names)
    if common:
        in_names = [cast(document.op("@@")(func.to_tsquery("simple", clause.names)), Integer) for clause in common]
        rank = cast(-sum(in_names[1:], in_names[0]), Float)
    ids = (
        select(
            literal_column("organisation_search.organisation_id", Integer).label("organisation_id"),
            rank.label("rank"),
        )
        .select_from(text("organisation_search"))
        .where(matches)
    )
    if common:
        ids = ids.execution_options(**{_CLAUSES_OPTION: tuple(common)})
    shown = {token: options[0] for token, options in corrections.items()}
    return ids, shown


def text_matches(
    session: Session, value: str, service: ServiceTerm | None = None
) -> tuple[Select[int, Any] | None, dict[str, str]]:
    """A SELECT of (organisation_id, rank) for the text, lower rank first; None when it has no words.
    With ``service``, its phrase in the text matches any of the service's phrases ("home care" finds
    "homecare" and "domiciliary care")."""
    tokens, phrases = _service_clause(_tokens(value), service)
    if not tokens and not phrases:
        return None, {}
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_text_ids(session, tokens, phrases)
    return _postgresql_text_ids(session, tokens, phrases)


# ---------------------------------------------------------------------------------------------------
# Location


# Published listings' points and the areas they serve, as the search index files them (migration 0004).
_INDEXED_POINT = table(
    "organisation_search_location",
    column("organisation_id", Integer),
    column("strip", Integer),
    column("latitude", Float),
    column("longitude", Float),
)
_INDEXED_AREA = table(
    "organisation_search_area", column("local_authority_code", String), column("organisation_id", Integer)
)


def _distance2_degrees(
    place: ResolvedPlace, latitude: Any = Location.latitude, longitude: Any = Location.longitude
) -> ColumnElement[Any]:
    """Squared equirectangular distance in degrees of latitude from the place to a point."""
    k = math.cos(math.radians(place.latitude))
    dlat = latitude - place.latitude
    dlon = (longitude - place.longitude) * k
    squared: ColumnElement[Any] = dlat * dlat + dlon * dlon
    return squared


def based_within(place: ResolvedPlace, radius_km: float) -> Select[int, Any]:
    """(organisation_id, d2) of listings with a location within the radius, d2 their nearest one's, from the
    ``location`` table (any listing, published or not; callers may narrow it to location rows)."""
    degrees = radius_km / KM_PER_DEGREE
    lon_degrees = degrees / max(math.cos(math.radians(place.latitude)), 0.01)
    d2 = _distance2_degrees(place)
    return (
        select(Location.organisation_id.label("organisation_id"), func.min(d2).label("d2"))
        .where(
            Location.latitude.between(place.latitude - degrees, place.latitude + degrees),
            Location.longitude.between(place.longitude - lon_degrees, place.longitude + lon_degrees),
            d2 <= degrees * degrees,
        )
        .group_by(Location.organisation_id)
    )


def _indexed_points_within(place: ResolvedPlace, radius_km: float) -> Select[Any]:
    """(organisation_id, d2) of every point of a published listing within the radius: one index range per
    strip of latitude the radius spans, read from the index alone."""
    degrees = radius_km / KM_PER_DEGREE
    lon_degrees = degrees / max(math.cos(math.radians(place.latitude)), 0.01)
    points = _INDEXED_POINT.c
    d2 = _distance2_degrees(place, points.latitude, points.longitude)
    strips = range(latitude_strip(place.latitude - degrees), latitude_strip(place.latitude + degrees) + 1)
    return select(points.organisation_id.label("organisation_id"), d2.label("d2")).where(
        points.strip.in_(list(strips)),
        points.longitude.between(place.longitude - lon_degrees, place.longitude + lon_degrees),
        points.latitude.between(place.latitude - degrees, place.latitude + degrees),
        d2 <= degrees * degrees,
    )


def published_based_within(place: ResolvedPlace, radius_km: float) -> Select[int, Any]:
    """(organisation_id, d2) of published listings with a location within the radius, d2 their nearest one's."""
    near = _indexed_points_within(place, radius_km).subquery()
    return select(near.c.organisation_id, func.min(near.c.d2).label("d2")).group_by(near.c.organisation_id)


def serving(place: ResolvedPlace) -> Select[int]:
    """Published listings that serve the place's local authority, or one of an area's districts."""
    codes = place.served_codes
    served = select(_INDEXED_AREA.c.organisation_id.label("organisation_id"))
    if len(codes) == 1:
        return served.where(_INDEXED_AREA.c.local_authority_code == codes[0])
    return served.where(_INDEXED_AREA.c.local_authority_code.in_(codes)).distinct()


# ---------------------------------------------------------------------------------------------------
# Filters and facets


def _facet_filter(facet: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    return Organisation.id.in_(
        select(SearchFacet.organisation_id).where(SearchFacet.facet == facet, SearchFacet.value.in_(values))
    )


@dataclass
class _Plan:
    conditions: list[ColumnElement[bool]]
    text_ids: Any | None
    near: Any | None
    serves: Any | None
    refinements: list[ColumnElement[bool]] = field(default_factory=list)


def _conditions(plan: _Plan, query: SearchQuery, except_facet: str | None = None) -> list[ColumnElement[bool]]:
    conditions = list(plan.conditions)
    for facet in FACETS:
        values = query.filter_values(facet)
        if values and facet != except_facet:
            conditions.append(_facet_filter(facet, values))
    return conditions


def facet_labels(session: Session) -> dict[str, dict[str, str]]:
    """Every facet's values and their labels, from the reference tables, in their order (one query)."""
    vocabularies: list[tuple[str, Any, Any, Any]] = [
        ("legal_form", LegalForm.code, LegalForm.label, LegalForm.position),
        ("governance", GovernanceModel.code, GovernanceModel.label, GovernanceModel.position),
        ("region", Region.code, Region.name, Region.position),
        ("service", ServiceType.code, ServiceType.label, ServiceType.position),
        ("member_kind", MemberClassKind.code, MemberClassKind.label, MemberClassKind.position),
    ]
    every = union_all(
        *(
            select(
                literal(facet, String).label("facet"),
                code.label("code"),
                label.label("label"),
                position.label("position"),
            )
            for facet, code, label, position in vocabularies
        )
    ).subquery()
    labels: dict[str, dict[str, str]] = {facet: {} for facet, *_ in vocabularies}
    for facet, code, label in session.execute(
        select(every.c.facet, every.c.code, every.c.label).order_by(every.c.facet, every.c.position)
    ):
        labels[facet][code] = label
    labels["eligible"] = dict(VERDICT_LABELS)
    return labels


def known_facet_values(session: Session) -> dict[str, frozenset[str]]:
    return {facet: frozenset(labels) for facet, labels in facet_labels(session).items()}


def _facet_counts(
    index: FacetIndex,
    admitted: np.ndarray[Any, np.dtype[np.bool_]],
    chosen: dict[str, np.ndarray[Any, np.dtype[np.bool_]]],
    query: SearchQuery,
    labels: dict[str, dict[str, str]],
) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each facet counted with every filter but its own (so choices can widen)."""
    everything = _all_of(admitted, chosen.values())
    shared = index.value_counts(everything)
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        if facet in chosen:
            others = _all_of(admitted, (mask for other, mask in chosen.items() if other != facet))
            counts = index.value_counts(others).get(facet, {})
        else:
            counts = shared.get(facet, {})
        selected = set(query.filter_values(facet))
        facets[facet] = [
            FacetValue(value, label, counts.get(value, 0), value in selected)
            for value, label in labels[facet].items()
            if counts.get(value) or value in selected
        ]
    return facets


def _all_of(
    first: np.ndarray[Any, np.dtype[np.bool_]], others: Iterable[np.ndarray[Any, np.dtype[np.bool_]]]
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    result = first.copy()
    for mask in others:
        result &= mask
    return result


# ---------------------------------------------------------------------------------------------------
# The search


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
    matched = _all_of(admitted, chosen.values())
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
        facets=_facet_counts(index, admitted, chosen, query, labels if labels is not None else facet_labels(session)),
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
        ids, d2 = _id_and_score(session, _indexed_points_within(prepared.place, query.radius_km))
        pos, found = index.positions(ids)
        nearest = np.full(len(index), np.inf)  # not based within the radius: after those that are
        np.minimum.at(nearest, pos[found], d2[found])
        based = np.isfinite(nearest)
        served = index.mask(_id_and_score(session, select(plan.serves.c.organisation_id))[0])
        if query.match is LocationMatch.BASED:
            admitted &= based
        elif query.match is LocationMatch.SERVES:
            admitted &= served
        else:
            admitted &= based | served
        keys.append(nearest)
    if plan.text_ids is not None:
        ids, ranks = _text_scores(session, index, select(plan.text_ids.c.organisation_id, plan.text_ids.c.rank))
        pos, found = index.positions(ids)
        rank = np.full(len(index), np.inf)
        rank[pos[found]] = ranks[found]
        admitted &= np.isfinite(rank)
        keys.append(rank)
    if plan.refinements:
        admitted &= index.mask(_id_and_score(session, select(Organisation.id).where(*plan.refinements))[0])
    if prepared.profile_keys:
        admitted &= prepared.profile_keys[0]
        keys[:0] = prepared.profile_keys[1:]
    keys.append(index.name_order)
    return admitted, keys, served


def profile_arrays(session: Session, index: FacetIndex, refinement: Refinement | None) -> list[np.ndarray[Any, Any]]:
    """For a refinement with a profile: the listings whose verdict it wants, then (sorting by ``plausible``)
    the keys that rank them: the verdict (meets first), then how many facts are unknown. Empty without one."""
    if refinement is None or refinement.profile is None:
        return []
    from registry.domain.validator.profiles import verdict_mask
    from registry.domain.vocabulary import Verdict

    verdicts, unknown = verdicts_over(session, index, refinement.profile)
    arrays: list[np.ndarray[Any, Any]] = [verdict_mask(verdicts, [Verdict(v) for v in refinement.profile.verdicts])]
    if refinement.sort == PLAUSIBLE:
        sign = -1 if refinement.descending else 1
        arrays += [sign * verdicts.astype(np.int64), sign * unknown.astype(np.int64)]
    return arrays


def ordered_ids(session: Session, prepared_ids: Select[int], refinement: Refinement | None) -> list[int]:
    """The ids a ``matching_listings`` SELECT gives, ranked by ``plausible`` when the refinement asks."""
    ids = list(session.scalars(prepared_ids))
    if refinement is None or refinement.sort != PLAUSIBLE or refinement.profile is None or not ids:
        return ids
    index = facet_index(session)
    arrays = profile_arrays(session, index, refinement)
    pos, found = index.positions(np.array(ids, dtype=np.int64))
    rank = np.where(found, arrays[1][np.minimum(pos, len(index) - 1)], 99) if len(index) else np.zeros(len(ids))
    unknown = np.where(found, arrays[2][np.minimum(pos, len(index) - 1)], 0) if len(index) else np.zeros(len(ids))
    order = np.lexsort([np.arange(len(ids)), unknown, rank])
    return [ids[i] for i in order]


# A common word matches most listings ("care": 84,000 of 150,000 synthetic ones), and ranking every match was
# most of such a search's time (a quarter of a second). Those matches are kept, per database and search-index
# version, so each common search is ranked once per change to the index; few matches are cheap, and not kept.
TEXT_CACHE_MIN_MATCHES = 2_000
TEXT_CACHE_ENTRIES = 32
_text_cache: OrderedDict[tuple[str, int, str, str], tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = OrderedDict()
_text_cache_lock = threading.Lock()


def clear_text_cache() -> None:
    """Forget the kept rankings and vocabulary counts (benchmarks time a word's first search with it)."""
    with _text_cache_lock:
        _text_cache.clear()
        _vocabulary_counts_kept.clear()


def _text_scores(
    session: Session, index: FacetIndex, statement: Select[Any]
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """``_id_and_score`` for the text match, from the cache when the index has not changed since; for a
    search of very common clauses (``COMMON_MATCHES``), from their matches held in memory, ranked as its
    SELECT ranks them."""
    clauses = _held_clauses(statement)
    if clauses is not None:
        matched = np.ones(len(index), dtype=bool)
        named = np.zeros(len(index), dtype=np.int64)
        for clause in clauses:
            postings = clause_postings(session, index, clause)
            matched &= postings.matches
            named += postings.named
        return index.listing_ids[matched], -named[matched].astype(np.float64)
    bind = session.get_bind()
    compiled = statement.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    query = f"{compiled}|{sorted(compiled.params.items())!r}"
    key = (bind.engine.url.render_as_string(hide_password=True), index.version, index.token, query)
    with _text_cache_lock:
        cached = _text_cache.get(key)
        if cached is not None:
            _text_cache.move_to_end(key)
            return cached
    ids, scores = _id_and_score(session, statement)
    if len(ids) >= TEXT_CACHE_MIN_MATCHES:
        ids.flags.writeable = scores.flags.writeable = False  # shared between searches: never changed
        with _text_cache_lock:
            _text_cache[key] = (ids, scores)
            while len(_text_cache) > TEXT_CACHE_ENTRIES:
                _text_cache.popitem(last=False)
    return ids, scores


def _id_and_score(
    session: Session, statement: Select[Any]
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Ids and (when the SELECT has a second column) scores as arrays, read through the driver's cursor:
    building SQLAlchemy rows for tens of thousands of candidates took longer than the query."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    with driver_cursor(session) as cursor:
        cursor.execute(str(compiled), args)
        rows = cursor.fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    width = len(rows[0])
    # fromiter over the flattened rows: a third of np.array's time on a list of tuples (84,000 rows: 11 ms).
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=len(rows) * width)
    table = flat.reshape(len(rows), width)
    scores = table[:, 1] if table.shape[1] > 1 else np.zeros(len(rows))
    return table[:, 0].astype(np.int64), scores


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

    statement = select(Organisation.id).where(*_conditions(plan, query))
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


# ---------------------------------------------------------------------------------------------------
# Refinements: the commissioner tools' filters and orders, on top of the same search


SORT_KEYS = ("name", "legal_form", "verdict", "services", "coverage", "size", "updated", "plausible")
# Sorted in memory, from the profile's verdicts: the database has no column to order by.
PLAUSIBLE = "plausible"
_VERDICT_RANK = {"meets": 0, "needs_information": 1, "does_not_meet": 2, "not_applicable": 3}


@dataclass(frozen=True)
class Band:
    """A range of a size figure, ``low`` inclusive and ``high`` exclusive (None: unbounded). ``Band()`` with
    neither bound means "not known": the figure is empty."""

    low: int | None = None
    high: int | None = None

    def condition(self, column: Any) -> ColumnElement[bool]:
        if self.low is None and self.high is None:
            empty: ColumnElement[bool] = column.is_(None)
            return empty
        parts: list[ColumnElement[bool]] = [column.is_not(None)]
        if self.low is not None:
            parts.append(column >= self.low)
        if self.high is not None:
            parts.append(column < self.high)
        return and_(*parts)


@dataclass(frozen=True)
class Refinement:
    """Filters and an order beyond the public search's. Each field narrows the results; empty means any.

    ``verdicts`` maps a rule set id to the verdicts wanted (rule sets combine with AND). ``areas`` are local
    authority codes a listing's service areas must cover: any of them, or all with ``all_areas``;
    ``based_within_km`` also admits listings with a location in one of the areas or that close to its centre.
    ``employees`` and ``turnover_gbp`` are bands (any of them). ``sort`` is one of ``SORT_KEYS``.
    ``profile`` keeps the listings whose verdict against a commissioner's profile is one of those it names;
    sorting by ``plausible`` ranks them against it: meets, then no rule failed with fewest facts unknown.
    """

    verdicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    verification: tuple[str, ...] = ()
    employees: tuple[Band, ...] = ()
    turnover_gbp: tuple[Band, ...] = ()
    areas: tuple[str, ...] = ()
    all_areas: bool = False
    based_within_km: float | None = None
    sort: str | None = None
    descending: bool = False
    profile: ChosenProfile | None = None


def _serving_areas(codes: tuple[str, ...], every: bool) -> ColumnElement[bool]:
    served = select(ServiceArea.organisation_id).where(ServiceArea.local_authority_code.in_(codes))
    if every:
        served = served.group_by(ServiceArea.organisation_id).having(
            func.count(func.distinct(ServiceArea.local_authority_code)) == len(set(codes))
        )
    return Organisation.id.in_(served)


def _based_near_areas(session: Session, codes: tuple[str, ...], radius_km: float) -> ColumnElement[bool]:
    """Listings with a location in one of the areas, or within ``radius_km`` of one's centre (gazetteer)."""
    admitted: list[Any] = [select(Location.organisation_id).where(Location.local_authority_code.in_(codes))]
    centres = session.execute(
        select(LocalAuthority.code, LocalAuthority.name, LocalAuthority.latitude, LocalAuthority.longitude).where(
            LocalAuthority.code.in_(codes)
        )
    ).all()
    for code, name, latitude, longitude in centres:
        if latitude is None or longitude is None:
            continue
        centre = ResolvedPlace(PlaceKind.LOCAL_AUTHORITY, name, latitude, longitude, AreaRef(code, name), None)
        near = published_based_within(centre, radius_km).subquery()
        admitted.append(select(near.c.organisation_id))
    return Organisation.id.in_(union(*admitted))


def refinement_conditions(session: Session, refinement: Refinement) -> list[ColumnElement[bool]]:
    """The WHERE conditions a refinement adds."""
    conditions: list[ColumnElement[bool]] = []
    for ruleset_id, verdicts in refinement.verdicts.items():
        if verdicts:
            conditions.append(
                Organisation.id.in_(
                    select(Assessment.organisation_id).where(
                        Assessment.ruleset_id == ruleset_id, Assessment.verdict.in_(verdicts)
                    )
                )
            )
    if refinement.verification:
        conditions.append(Organisation.verification.in_(refinement.verification))
    if refinement.employees:
        conditions.append(or_(*(band.condition(Organisation.employees) for band in refinement.employees)))
    if refinement.turnover_gbp:
        conditions.append(or_(*(band.condition(Organisation.turnover_gbp) for band in refinement.turnover_gbp)))
    if refinement.areas:
        serving_condition = _serving_areas(refinement.areas, refinement.all_areas)
        if refinement.based_within_km:
            based = _based_near_areas(session, refinement.areas, refinement.based_within_km)
            conditions.append(or_(serving_condition, based))
        else:
            conditions.append(serving_condition)
    return conditions


def refinement_order(refinement: Refinement) -> list[Any]:
    """ORDER BY terms for ``refinement.sort``; empty values always come last, whichever the direction."""
    key = refinement.sort
    if key == PLAUSIBLE:
        return []
    if key == "name":
        value: Any = func.lower(Organisation.name)
    elif key == "legal_form":
        value = select(LegalForm.label).where(LegalForm.code == Organisation.legal_form_code).scalar_subquery()
    elif key == "verdict":
        verdict = (
            select(Assessment.verdict)
            .where(Assessment.organisation_id == Organisation.id, Assessment.ruleset_id == PREFERRED_PROVIDER_RULESET)
            .scalar_subquery()
        )
        value = case(_VERDICT_RANK, value=verdict, else_=None)
    elif key == "services":
        value = select(func.count(Service.id)).where(Service.organisation_id == Organisation.id).scalar_subquery()
    elif key == "coverage":
        value = (
            select(func.count(ServiceArea.id)).where(ServiceArea.organisation_id == Organisation.id).scalar_subquery()
        )
    elif key == "size":
        value = Organisation.employees
    elif key == "updated":
        value = Organisation.updated_at
    else:
        raise ValueError(f"unknown sort {key!r}; choose one of {', '.join(SORT_KEYS)}")
    terms = [value.is_(None), value.desc() if refinement.descending else value.asc()]
    if key == "size":
        turnover = Organisation.turnover_gbp
        terms += [turnover.is_(None), turnover.desc() if refinement.descending else turnover.asc()]
    return terms


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
            served_name = place.served_name
            hit.serves = org_id in serving_ids
            if hit.distance_km is not None and hit.distance_km <= query.radius_km:
                hit.reasons.append(f"Based {hit.distance_km:g} km away")
            if hit.serves and served_name:
                hit.reasons.append(f"Serves {'part of ' if place.districts else ''}{served_name}")
        hits.append(hit)
    return hits


__all__ = [
    "Band",
    "FacetValue",
    "MatchingListings",
    "Refinement",
    "SearchError",
    "SearchHit",
    "SearchResults",
    "clear_text_cache",
    "facet_labels",
    "interpret",
    "known_facet_values",
    "matching_listings",
    "ordered_ids",
    "search_listings",
    "text_matches",
]
