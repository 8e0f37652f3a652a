"""The two ways of finding a search's listings agree: the page of ``search_listings`` (the in-memory facet index)
and the single SELECT of ``matching_listings`` (exports, counts and the Open Referral feed) find the same
listings for any listings and any query: facets, text, a place and radius, closed organisations or not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.paging import PageRequest
from registry.domain.search_query import FACETS, LocationMatch, SearchQuery
from registry.models import LegalForm, ListingStatus, LocalAuthority, Region, RegisteredStatus, ServiceType
from registry.services import search_text, text_postings
from registry.services.search import SearchError, matching_listings, search_listings
from registry.services.search_facets import known_facet_values
from tests.support.factories import location, make_listing
from tests.support.places import SHEFFIELD_CENTRE

WORDS = ("care", "home", "homecare", "support", "community", "health", "mutual", "workers", "trust")
# Typed searches: the listings' words, a misspelling (matched by its corrections), a word no listing has, and a
# place read out of the text.
TYPED = (*WORDS, "homecre", "zzqqxx", "care Sheffield", "home care")
PLACES = ("Sheffield", "S1 2HE")
# Deterministic, so that CI runs the same examples each time; enough to cover each kind of query in seconds.
AGREEMENT = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # The session fixture is shared by the examples on purpose: each example's listings are rolled back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def vocabulary(session: Session) -> dict[str, list[str]]:
    """Codes the reference tables hold, to draw listings' fields and facet filters from."""
    return {
        "legal_form": list(session.scalars(select(LegalForm.code).order_by(LegalForm.code))),
        "region": list(session.scalars(select(Region.code).order_by(Region.code))),
        "service": list(session.scalars(select(ServiceType.code).order_by(ServiceType.code).limit(6))),
        "area": list(
            session.scalars(
                select(LocalAuthority.code).where(LocalAuthority.name.in_(["Sheffield", "Rotherham", "Leeds"]))
            )
        ),
    }


@st.composite
def listing_data(draw: st.DrawFn, vocabulary: dict[str, list[str]]) -> dict[str, Any]:
    """One listing in the seed shape: any of the legal forms, regions, services, places and areas served, words
    in its name and description, and published, draft or closed."""
    area_codes = draw(st.lists(st.sampled_from(vocabulary["area"]), unique=True, max_size=2))
    points = draw(
        st.lists(
            st.tuples(st.floats(-0.4, 0.4), st.floats(-0.6, 0.6)).map(
                lambda d: location(round(SHEFFIELD_CENTRE[0] + d[0], 4), round(SHEFFIELD_CENTRE[1] + d[1], 4))
            ),
            max_size=2,
        )
    )
    return {
        "name": " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))).title(),
        "description": " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
        "legal_form": draw(st.sampled_from(vocabulary["legal_form"])),
        "region": draw(st.sampled_from(vocabulary["region"])),
        "services": [{"code": code} for code in draw(st.lists(st.sampled_from(vocabulary["service"]), unique=True))],
        "locations": points,
        "service_areas": [
            {"described_as": code, "local_authorities": [{"code": code, "name": code}]} for code in area_codes
        ],
        "status": draw(st.sampled_from([ListingStatus.PUBLISHED, ListingStatus.PUBLISHED, ListingStatus.DRAFT])),
        "registered_status": draw(st.sampled_from([RegisteredStatus.ACTIVE, RegisteredStatus.DISSOLVED])),
    }


@st.composite
def queries(draw: st.DrawFn, facet_values: dict[str, list[str]]) -> SearchQuery:
    """A search: any mix of facet filters, words, a place with a radius and a way to match it, closed or not."""
    filters = {}
    for facet in draw(st.lists(st.sampled_from(FACETS), unique=True, max_size=2)):
        filters[facet] = tuple(draw(st.lists(st.sampled_from(facet_values[facet]), min_size=1, max_size=2)))
    return SearchQuery(
        text=draw(st.sampled_from(("", *TYPED))),
        near=draw(st.sampled_from(("", *PLACES))),
        radius_km=draw(st.sampled_from((1, 5, 25, 100))),
        match=draw(st.sampled_from(list(LocationMatch))),
        filters=filters,
        include_closed=draw(st.booleans()),
        as_text=draw(st.booleans()),
    )


@pytest.fixture
def fresh_text_caches() -> Iterator[None]:
    text_postings.clear_postings()
    search_text.clear_text_cache()
    yield
    text_postings.clear_postings()
    search_text.clear_text_cache()


@AGREEMENT
@given(data=st.data())
def test_the_page_and_the_select_find_the_same_listings(
    session: Session, vocabulary: dict[str, list[str]], fresh_text_caches: None, data: st.DataObject
) -> None:
    listings = data.draw(st.lists(listing_data(vocabulary), min_size=1, max_size=6), label="listings")
    facet_values = {facet: sorted(values) for facet, values in known_facet_values(session).items()}
    session.remove()  # type: ignore[attr-defined]
    # Under the session's own savepoints, so that each example starts from the same listings.
    example = session.get_bind().begin_nested()  # type: ignore[union-attr]
    try:
        for number, listing in enumerate(listings):
            make_listing(session, f"listing-{number}", **listing)
        for _ in range(4):
            query = data.draw(queries(facet_values), label="query")
            try:
                expected = set(session.scalars(matching_listings(session, query).ids))
            except SearchError:
                with pytest.raises(SearchError):
                    search_listings(session, query, PageRequest(1, 100))
                continue
            found = search_listings(session, query, PageRequest(1, 100))
            assert {hit.organisation.id for hit in found.page.items} == expected, query
            assert found.page.total == len(expected), query
    finally:
        session.remove()  # type: ignore[attr-defined]
        example.rollback()
        text_postings.clear_postings()
        search_text.clear_text_cache()
