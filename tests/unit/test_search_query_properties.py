"""Properties of the search query parser over arbitrary query strings: whatever people (or robots) type, it
answers with a query within bounds or a ``SearchQueryError`` saying what to enter, and nothing else."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.domain.search_query import (
    FACETS,
    MAX_FILTER_VALUES,
    MAX_RADIUS_KM,
    MAX_TEXT_LENGTH,
    MIN_RADIUS_KM,
    LocationMatch,
    SearchQuery,
    SearchQueryError,
    clean_text,
    parse_search_query,
)

# Every parameter the search reads (Hypothesis also tries the code's own string constants, so it finds each).
PARAMETERS = ("q", "near", "radius_km", "match", "include_closed", "as_text", *FACETS)

# Any code point at all, surrogates and control characters included.
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.text(st.sampled_from(" \t\n\r\x00\x1f\x7f\u00a0\u2028\u200b\ufeff\u0301eE.-+0123456789"), max_size=20),
    # Huge strings, of one character repeated or of a short pattern.
    st.builds(lambda text, times: text * times, st.text(ANY_CHARACTER, min_size=1, max_size=3), st.integers(1, 60_000)),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "1e-308", "0x10", "1_0", "25", " 25 ", "²", "٣", "both", "BASED"]),
)
ARGS = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(ANY_CHARACTER, max_size=10)),
    st.lists(TEXT, max_size=4) | st.lists(st.sampled_from(["a", "b", "a "]), min_size=0, max_size=60),
    max_size=8,
)
KNOWN_VALUES = st.none() | st.fixed_dictionaries(
    {facet: st.frozensets(st.sampled_from(["a", "b", "cic_cls", "E12000003", "meets"])) for facet in FACETS}
)


def _is_clean(text: str) -> bool:
    return (
        not any(unicodedata.category(ch)[0] == "C" for ch in text)
        and text == text.strip()
        and "  " not in text
        and " ".join(text.split()) == text
    )


def _parse(
    args: Mapping[str, Sequence[str]], known: Mapping[str, frozenset[str]] | None = None
) -> SearchQuery | SearchQueryError:
    """The query, or the error: anything else parse_search_query raises fails the test."""
    try:
        return parse_search_query(args, known)
    except SearchQueryError as error:
        return error


def _check_bounds(query: SearchQuery, known: Mapping[str, frozenset[str]] | None) -> None:
    assert isinstance(query, SearchQuery)
    assert len(query.text) <= MAX_TEXT_LENGTH
    assert len(query.near) <= MAX_TEXT_LENGTH
    assert MIN_RADIUS_KM <= query.radius_km <= MAX_RADIUS_KM
    assert isinstance(query.match, LocationMatch)
    assert _is_clean(query.text) and _is_clean(query.near)
    assert set(query.filters) <= set(FACETS)
    for facet, values in query.filters.items():
        assert 0 < len(values) <= MAX_FILTER_VALUES
        assert len(set(values)) == len(values)
        assert all(_is_clean(value) for value in values)
        assert all(values)
        if known is not None:
            assert set(values) <= known[facet]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(args=ARGS, known=KNOWN_VALUES)
@example(args={"q": ["x" * 5000]}, known=None)
@example(args={"radius_km": ["nan"], "near": ["S1"]}, known=None)
@example(args={"radius_km": ["1e309"]}, known=None)
@example(args={"q": ["\ud800\udfff\x00"]}, known=None)
@example(args={"legal_form": ["a"] * 51}, known=None)
@example(args={"match": ["\u0130"]}, known=None)  # "İ".lower() is two characters
def test_parsing_never_raises_anything_but_a_search_query_error(
    args: dict[str, list[str]], known: Mapping[str, frozenset[str]] | None
) -> None:
    outcome = _parse(args, known)
    if isinstance(outcome, SearchQueryError):
        assert outcome.fields
        assert set(outcome.fields) <= set(PARAMETERS)
        assert all(isinstance(message, str) and message for message in outcome.fields.values())
        assert str(outcome)
    else:
        _check_bounds(outcome, known)


@settings(max_examples=200, deadline=None)
@given(text=st.text(ANY_CHARACTER, max_size=300))
def test_cleaning_text_is_idempotent_and_leaves_it_clean(text: str) -> None:
    cleaned = clean_text(text)
    assert _is_clean(cleaned)
    assert clean_text(cleaned) == cleaned


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("C", "Z")), max_size=MAX_TEXT_LENGTH),
    near=st.text(st.characters(codec="utf-8", exclude_categories=("C", "Z")), max_size=MAX_TEXT_LENGTH),
    radius=st.floats(MIN_RADIUS_KM, MAX_RADIUS_KM),
    match=st.sampled_from(LocationMatch),
    filters=st.dictionaries(
        st.sampled_from(FACETS),
        st.lists(st.sampled_from(["a", "b", "cic_cls"]), min_size=1, max_size=3, unique=True).map(tuple),
    ),
)
def test_a_query_within_bounds_reads_back_as_itself(
    text: str, near: str, radius: float, match: LocationMatch, filters: dict[str, tuple[str, ...]]
) -> None:
    text, near = clean_text(text), clean_text(near)
    args: dict[str, Sequence[str]] = {"q": [text], "near": [near], "radius_km": [repr(radius)], "match": [match.value]}
    args.update({facet: list(values) for facet, values in filters.items()})
    query = parse_search_query(args, {facet: frozenset(["a", "b", "cic_cls"]) for facet in FACETS})
    assert query == SearchQuery(text=text, near=near, radius_km=radius, match=match, filters=filters)


@given(extra=st.integers(1, 10_000))
def test_text_one_character_too_long_is_refused_for_q_and_near(extra: int) -> None:
    assert parse_search_query({"q": ["x" * MAX_TEXT_LENGTH]}).text == "x" * MAX_TEXT_LENGTH
    for key in ("q", "near"):
        with pytest.raises(SearchQueryError) as refused:
            parse_search_query({key: ["x" * (MAX_TEXT_LENGTH + extra)]})
        assert set(refused.value.fields) == {key}


@pytest.mark.parametrize("value", ["\ud7fc", "\u200b", "\x00"])
def test_a_filter_value_of_only_invisible_characters_is_dropped(value: str) -> None:
    assert parse_search_query({"legal_form": [value]}).filters == {}
