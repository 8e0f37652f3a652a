"""The page of a search (the facet index, with very common clauses' matches held in memory) and the single
SELECT that exports and the feed use (``matching_listings``) find the same listings in the same order, whether
the database ranks the matches or they are ranked coarsely as very common words are (issue 17, item 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.paging import PageRequest
from registry.domain.search_query import LocationMatch, SearchQuery
from registry.models import Organisation
from registry.services import search_text, text_postings
from registry.services.search import matching_listings, search_listings
from registry.services.search_index import document, reindex
from tests.support.factories import location, make_listing
from tests.support.places import SHEFFIELD_CENTRE

QUERIES = [
    SearchQuery(text="care"),
    SearchQuery(text="homecare"),
    SearchQuery(text="home care"),
    SearchQuery(text="care home"),
    SearchQuery(text="co-operative"),
    SearchQuery(text="community health"),
    SearchQuery(text="support", filters={"legal_form": ("co_operative_society", "community_interest_company")}),
    SearchQuery(text="care", filters={"service": ("hsc-homecare",)}),
    SearchQuery(text="homecre"),  # misspelt: its corrections match
    SearchQuery(text="care", include_closed=True),
    SearchQuery(text="care", near="S1 2HE", radius_km=50),
    SearchQuery(text="care", near="Sheffield", match=LocationMatch.SERVES),
    SearchQuery(text="Mutual Support", as_text=True),
    SearchQuery(text="zzqqxx"),
]


@pytest.fixture
def listings(app: Flask, session: Session) -> Iterator[None]:
    """Listings that tie and differ: the word in the name or only in the description, names out of order."""
    text_postings.clear_postings()
    search_text.clear_text_cache()
    make_listing(
        session, "care-first-co-op", description="Homecare and care at home.", locations=[location(*SHEFFIELD_CENTRE)]
    )
    make_listing(
        session, "zebra-support", description="Care for carers; home care.", services=[{"code": "hsc-homecare"}]
    )
    make_listing(session, "aardvark-care-trust", description="Community health and care.")
    make_listing(session, "aardvark-care-trust-2", name="Aardvark Care Trust", description="Care, care and care.")
    make_listing(session, "homecare-workers-co-op", description="Domiciliary care owned by its workers.")
    make_listing(session, "care-at-home-co-op", description="Care at home.")
    yield
    text_postings.clear_postings()
    search_text.clear_text_cache()


def _agree(session: Session, query: SearchQuery) -> int:
    """Assert that every page of the search is the SELECT's listings in its order; returns the total."""
    expected = list(session.scalars(matching_listings(session, query).ids))
    for per_page in (1, 3, 100):
        for page in (1, 2):
            found = search_listings(session, query, PageRequest(page, per_page))
            assert found.page.total == len(expected), query
            start = (page - 1) * per_page
            assert [hit.organisation.id for hit in found.page.items] == expected[start : start + per_page], query
    return len(expected)


@pytest.mark.parametrize("common", [1, search_text.COMMON_MATCHES], ids=["held-coarse", "database-ranked"])
def test_the_page_and_the_select_agree(
    session: Session, listings: None, monkeypatch: pytest.MonkeyPatch, common: int
) -> None:
    monkeypatch.setattr(search_text, "COMMON_MATCHES", common)  # 1: every known word counts as very common
    read: list[object] = []
    real = text_postings._read

    def reading(*args: Any) -> Any:
        read.append(args)
        return real(*args)

    monkeypatch.setattr(text_postings, "_read", reading)
    totals = [_agree(session, query) for query in QUERIES]
    assert totals[0] >= 5  # "care"
    assert totals[-1] == 0
    # The coarse ranking was the one checked (with every common clause read from the database once), or not.
    assert bool(read) is (common == 1)


def test_coarse_ranking_puts_names_with_the_words_first(
    session: Session, listings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_text, "COMMON_MATCHES", 1)
    found = search_listings(session, SearchQuery(text="care home", as_text=True), PageRequest(1, 100))

    def words_in_name(org: Organisation) -> int:
        names = re.findall(r"\w+", document(org)[0].casefold())  # the name and trading names, as indexed
        return sum(any(word.startswith(typed) for word in names) for typed in ("care", "home"))

    in_name = [words_in_name(hit.organisation) for hit in found.page.items]
    assert in_name == sorted(in_name, reverse=True)
    assert in_name[0] == 2 and in_name[-1] == 0
    # By name within each.
    for count in set(in_name):
        names = [hit.organisation.name.lower() for hit, n in zip(found.page.items, in_name, strict=True) if n == count]
        assert names == sorted(names)


def test_held_matches_follow_the_index_reading_only_the_changed_listings(
    session: Session, listings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_text, "COMMON_MATCHES", 1)
    read: list[list[int] | None] = []
    real = text_postings._read

    def reading(db: Session, clause: text_postings.Clause, only: list[int] | None) -> Any:
        read.append(only)
        return real(db, clause, only)

    monkeypatch.setattr(text_postings, "_read", reading)
    query = SearchQuery(text="care")
    before = _agree(session, query)
    assert read and all(only is None for only in read)
    read.clear()

    added = make_listing(session, "brand-new-care-co-op", description="Care.")
    changed = session.scalars(select(Organisation).where(Organisation.slug == "zebra-support")).one()
    changed.description = "Support for families."
    changed.services.clear()
    reindex(session, [changed])
    session.commit()
    after = _agree(session, query)
    assert after == before  # one more, one fewer
    assert read and all(only is not None and set(only) <= {added.id, changed.id} for only in read)
    ids = list(session.scalars(matching_listings(session, query).ids))
    assert added.id in ids and changed.id not in ids
