"""The feed's pages and objects, read from the database: lists in the search's order, lookups by id, the package.

Filters run through the search (``matching_listings``): free text, postcode and proximity, and taxonomy terms as
facet filters or verdict refinements. The feed only decides which of a matched listing's services and places to
show, in the search's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import Session, selectinload

from registry.domain.paging import Page, PageRequest
from registry.domain.search_query import DEFAULT_RADIUS_KM, LocationMatch, SearchQuery
from registry.models import Assessment, LocalAuthority, Location, Organisation, Region, Service
from registry.services.geocoding import OnlineGeocoder
from registry.services.listings import PUBLIC_STATUSES
from registry.services.openreferral.ids import (
    location_ids,
    organization_id,
    parse_uuid,
    service_at_location_id,
    service_id,
)
from registry.services.openreferral.mapping import Links, service_full
from registry.services.openreferral.query import FeedQuery, FeedQueryError
from registry.services.openreferral.taxonomies import (
    GOVERNANCE_MODELS,
    LEGAL_FORMS,
    PUBLISHED_VERDICTS,
    SERVICE_TYPES,
    VERDICTS,
    term_codes,
)
from registry.services.search import SearchError, interpret, matching_listings
from registry.services.search_places import based_within
from registry.services.search_refinements import Refinement


@dataclass(frozen=True)
class _Matched:
    """The listings found: as a set (``listings``, for counting) and ranked in the search's order (``ranked``);
    which of their services to show, and which places when a proximity was given."""

    listings: Select[Any]
    ranked: Subquery
    service_types: frozenset[str] | None
    nearby_locations: Select[Any] | None


def _search_for(
    query: FeedQuery, organisation_slug: str | None
) -> tuple[SearchQuery, Refinement | None, list[ColumnElement[bool]]]:
    """The search (and any conditions on top of it) that finds the listings the feed's filters ask for."""
    filters: dict[str, tuple[str, ...]] = {}
    verdicts: dict[str, tuple[str, ...]] = {}
    conditions: list[ColumnElement[bool]] = []
    facet_of = {SERVICE_TYPES: "service", LEGAL_FORMS: "legal_form", GOVERNANCE_MODELS: "governance"}
    if query.taxonomy is not None:
        if query.taxonomy.name in {LEGAL_FORMS, GOVERNANCE_MODELS}:
            filters[facet_of[query.taxonomy.name]] = tuple(t.code for t in query.taxonomy.terms)
        elif query.taxonomy.name == VERDICTS:
            rulesets = [t.code for t in query.taxonomy.terms if t.parent_code is None]
            conditions.append(
                Organisation.id.in_(
                    select(Assessment.organisation_id).where(
                        Assessment.ruleset_id.in_(rulesets),
                        Assessment.verdict.in_([v.value for v in PUBLISHED_VERDICTS]),
                    )
                )
            )
    if query.term is not None:
        term = query.term
        if term.taxonomy in facet_of:
            filters[facet_of[term.taxonomy]] = (term.code,)
        else:
            ruleset, _, verdict = term.code.partition(":")
            verdicts[ruleset] = (verdict,) if verdict else tuple(v.value for v in PUBLISHED_VERDICTS)
    if query.organization_id is not None:
        conditions.append(Organisation.slug == organisation_slug)
    if query.modified_after is not None:
        conditions.append(Organisation.updated_at >= query.modified_after)
    search = SearchQuery(
        text=query.search,
        near=query.postcode,
        radius_km=query.proximity_m / 1000 if query.proximity_m else DEFAULT_RADIUS_KM,
        # A postcode alone checks service coverage (HSDS); with a proximity, listings based within it. A place
        # typed into ``search`` is read as the search page reads it (based nearby or serving it).
        match=_location_match(query),
        filters=filters,
        # The feed serves closed organisations too, their services marked "defunct", as its package does.
        include_closed=True,
    )
    return search, Refinement(verdicts=verdicts) if verdicts else None, conditions


def _location_match(query: FeedQuery) -> LocationMatch:
    if query.proximity_m:
        return LocationMatch.BASED
    return LocationMatch.SERVES if query.postcode else LocationMatch.BOTH


def _match(session: Session, query: FeedQuery, geocoder: OnlineGeocoder | None) -> _Matched:
    """Run the search for the feed's filters; raises ``FeedQueryError`` for a postcode it cannot find."""
    slug = None
    if query.organization_id is not None:
        found = find_organisation(session, query.organization_id, load=False)
        slug = found.slug if found else None
    search, refinement, conditions = _search_for(query, slug)
    try:
        interpreted, place, *_ = interpret(session, search, geocoder)
        found_listings = matching_listings(session, interpreted, geocoder, refinement)
    except SearchError as error:
        names = {"near": "postcode", "q": "search"}
        raise FeedQueryError({names.get(key, key): message for key, message in error.fields.items()}) from error
    service_types = term_codes(query.term) if query.term and query.term.taxonomy == SERVICE_TYPES else None
    nearby = None
    if place is not None and query.proximity_m:
        # The search finds listings with any place within the distance; a service at a place is shown only
        # when that place is: the search's own radius query, one row per place instead of per listing.
        nearby = based_within(place, query.proximity_m / 1000).with_only_columns(Location.id).group_by(None)
    matching = found_listings.ids.where(*conditions)
    return _Matched(matching.order_by(None), _ranked(matching, found_listings.order), service_types, nearby)


def _ranked(matching: Select[Any], order: tuple[Any, ...]) -> Subquery:
    """(organisation_id, rank) in the search's order (nearest, most relevant, then by name), so that services and
    places can be paged in that order. The order is the search's own (``MatchingListings.order``)."""
    return (
        matching.with_only_columns(
            Organisation.id.label("organisation_id"), func.row_number().over(order_by=order).label("rank")
        )
        .order_by(None)
        .subquery("ranked")
    )


_SUMMARY_LOAD = (selectinload(Service.organisation),)
_FULL_LISTING_LOAD = (
    selectinload(Organisation.identifiers),
    selectinload(Organisation.services),
    selectinload(Organisation.service_areas),
    selectinload(Organisation.locations),
    selectinload(Organisation.assessments),
)
_PUBLISHED = Organisation.status.in_(PUBLIC_STATUSES)
Columns = TypeVarTuple("Columns")


def _in_order(rows: Select[*Columns], matched: _Matched, listing: Any, ordered: bool) -> Select[*Columns]:
    """Rows of the found listings: joined to their rank to be paged in order, or as a plain set to be counted."""
    if ordered:
        return rows.join(matched.ranked, matched.ranked.c.organisation_id == listing)
    return rows.where(listing.in_(matched.listings))


def _service_rows(matched: _Matched, ordered: bool) -> Select[Any]:
    rows = _in_order(select(Service.id), matched, Service.organisation_id, ordered)
    if matched.service_types is not None:
        rows = rows.where(Service.service_type_code.in_(matched.service_types))
    return rows


def _count(session: Session, rows: Select[*tuple[Any, ...]]) -> int:
    return session.scalar(select(func.count()).select_from(rows.subquery())) or 0


def services_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[Service]:
    """The services the filters find, in the search's order, each with its organisation loaded."""
    matched = _match(session, query, geocoder)
    total = _count(session, _service_rows(matched, ordered=False))
    page = (
        _service_rows(matched, ordered=True)
        .order_by(matched.ranked.c.rank, Service.position, Service.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    ids = list(session.scalars(page))
    loaded = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(ids)).options(*_SUMMARY_LOAD))}
    return Page([loaded[i] for i in ids], total, paging.page, paging.per_page)


def organisations_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[Organisation]:
    """The listings the filters find, in the search's order."""
    matched = _match(session, query, geocoder)
    total = _count(session, matched.listings)
    page = (
        _in_order(select(Organisation.id), matched, Organisation.id, ordered=True)
        .order_by(matched.ranked.c.rank)
        .offset(paging.offset)
        .limit(paging.per_page)
    )
    ids = list(session.scalars(page))
    loaded = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    return Page([loaded[i] for i in ids], total, paging.page, paging.per_page)


@dataclass(frozen=True)
class ServiceAtLocation:
    service: Service
    location: Location
    location_uuid: str

    @property
    def organisation(self) -> Organisation:
        return self.service.organisation


def _at_location(service: Service, location: Location) -> ServiceAtLocation:
    org = service.organisation
    uuids = location_ids(org.slug, org.locations)
    return ServiceAtLocation(service, location, uuids[org.locations.index(location)])


def service_at_locations_page(
    session: Session, query: FeedQuery, paging: PageRequest, geocoder: OnlineGeocoder | None = None
) -> Page[ServiceAtLocation]:
    """Each found service at each of its listing's places (only the places within ``proximity`` when given)."""
    matched = _match(session, query, geocoder)

    def rows(ordered: bool) -> Select[int, int]:
        found = _in_order(select(Service.id, Location.id), matched, Service.organisation_id, ordered).join(
            Location, Location.organisation_id == Service.organisation_id
        )
        if matched.service_types is not None:
            found = found.where(Service.service_type_code.in_(matched.service_types))
        if matched.nearby_locations is not None:
            found = found.where(Location.id.in_(matched.nearby_locations))
        return found

    total = _count(session, rows(ordered=False))
    pairs = session.execute(
        rows(ordered=True)
        .order_by(matched.ranked.c.rank, Service.position, Location.position, Location.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    ).all()
    services = {
        s.id: s
        for s in session.scalars(
            select(Service)
            .where(Service.id.in_({p[0] for p in pairs}))
            .options(selectinload(Service.organisation).selectinload(Organisation.locations))
        )
    }
    locations = {loc.id: loc for s in services.values() for loc in s.organisation.locations}
    items = [_at_location(services[service_key], locations[location_key]) for service_key, location_key in pairs]
    return Page(items, total, paging.page, paging.per_page)


def find_organisation(session: Session, value: str, load: bool = True) -> Organisation | None:
    """The published listing with this feed id, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    for key, slug in session.execute(select(Organisation.id, Organisation.slug).where(_PUBLISHED)):
        if organization_id(slug) == wanted:
            if not load:
                return session.get(Organisation, key)
            return session.scalars(
                select(Organisation).where(Organisation.id == key).options(*_FULL_LISTING_LOAD)
            ).one()
    return None


def find_service(session: Session, value: str) -> Service | None:
    """The published service with this feed id, with its listing fully loaded, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    rows = session.execute(
        select(Service.id, Organisation.slug, Service.service_type_code).join(Service.organisation).where(_PUBLISHED)
    )
    for key, slug, code in rows:
        if service_id(slug, code) == wanted:
            return _service_with_listing(session, key)
    return None


def _service_with_listing(session: Session, key: int) -> Service:
    return session.scalars(
        select(Service)
        .where(Service.id == key)
        .options(selectinload(Service.organisation).options(*_FULL_LISTING_LOAD))
    ).one()


def find_service_at_location(session: Session, value: str) -> ServiceAtLocation | None:
    """The published service at a place with this feed id, or None."""
    wanted = parse_uuid(value)
    if wanted is None:
        return None
    places: dict[str, list[Any]] = {}
    located = session.execute(
        select(Organisation.slug, Location.id, Location.name, Location.address, Location.postcode)
        .join(Location.organisation)
        .where(_PUBLISHED)
        .order_by(Location.position, Location.id)
    )
    for row in located:
        places.setdefault(row.slug, []).append(row)
    place_ids = {slug: list(zip(rows, location_ids(slug, rows), strict=True)) for slug, rows in places.items()}
    services = session.execute(
        select(Service.id, Organisation.slug, Service.service_type_code).join(Service.organisation).where(_PUBLISHED)
    )
    for key, slug, code in services:
        service_uuid = service_id(slug, code)
        for row, location_uuid in place_ids.get(slug, []):
            if service_at_location_id(service_uuid, location_uuid) == wanted:
                service = _service_with_listing(session, key)
                location = next(loc for loc in service.organisation.locations if loc.id == row.id)
                return _at_location(service, location)
    return None


def area_names(session: Session, locations: Iterable[Location]) -> dict[str, str]:
    """Local authority and region names by ONS code, for the places' addresses."""
    places = list(locations)
    authorities = {loc.local_authority_code for loc in places if loc.local_authority_code}
    regions = {loc.region_code for loc in places if loc.region_code}
    names: dict[str, str] = {}
    if authorities:
        query = select(LocalAuthority.code, LocalAuthority.name).where(LocalAuthority.code.in_(authorities))
        names.update((code, name) for code, name in session.execute(query))
    if regions:
        query = select(Region.code, Region.name).where(Region.code.in_(regions))
        names.update((code, name) for code, name in session.execute(query))
    return names


def package_listing_ids(session: Session) -> list[int]:
    """The published listings of :func:`service_package`, in its order: read before a streamed answer starts, so
    that a database outage is an error answer rather than a download broken at its first byte."""
    return list(
        session.scalars(
            select(Organisation.id).where(_PUBLISHED).order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def service_package(
    session: Session, links: Links, batch_size: int = 100, ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Every published service (of the listings ``ids``, by default every published one), fully nested (the HSDS
    ``service_package`` shape), listing by listing in name order; read in batches so that memory stays flat
    however many listings there are."""
    if ids is None:
        ids = package_listing_ids(session)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        loaded = {
            o.id: o
            for o in session.scalars(
                select(Organisation).where(Organisation.id.in_(batch)).options(*_FULL_LISTING_LOAD)
            )
        }
        names = area_names(session, (loc for o in loaded.values() for loc in o.locations))
        for key in batch:
            org = loaded.get(key)
            if org is None or org.status not in PUBLIC_STATUSES:  # deleted or withdrawn since the ids were read
                continue
            for service in org.services:
                yield service_full(org, service, links, names)
