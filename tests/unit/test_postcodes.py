"""Reading postcodes as people type them, and the storage and display forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.postcodes import (
    NotAPostcode,
    PostcodeKind,
    PostcodeQuery,
    display_form,
    is_valid_outcode,
    is_valid_postcode,
    loose_outcode,
    loose_storage_key,
    parse_postcode_query,
    storage_form,
)


@pytest.mark.parametrize(
    ("text", "kind", "display", "storage_key"),
    [
        ("S1 2HE", PostcodeKind.POSTCODE, "S1 2HE", "S1  2HE"),
        ("s12he", PostcodeKind.POSTCODE, "S1 2HE", "S1  2HE"),
        ("S1  2HE", PostcodeKind.POSTCODE, "S1 2HE", "S1  2HE"),
        (" sw1a 1aa ", PostcodeKind.POSTCODE, "SW1A 1AA", "SW1A1AA"),
        ("SW1A1AA", PostcodeKind.POSTCODE, "SW1A 1AA", "SW1A1AA"),
        ("de1 3qt", PostcodeKind.POSTCODE, "DE1 3QT", "DE1 3QT"),
        ("M1 1AE", PostcodeKind.POSTCODE, "M1 1AE", "M1  1AE"),
        ("B33 8TH", PostcodeKind.POSTCODE, "B33 8TH", "B33 8TH"),
        ("CR2 6XH", PostcodeKind.POSTCODE, "CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", PostcodeKind.POSTCODE, "DN55 1PT", "DN551PT"),
        ("W1A 0AX", PostcodeKind.POSTCODE, "W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", PostcodeKind.POSTCODE, "EC1A 1BB", "EC1A1BB"),
        ("bt1 5gs", PostcodeKind.POSTCODE, "BT1 5GS", "BT1 5GS"),
        ("GIR 0AA", PostcodeKind.POSTCODE, "GIR 0AA", "GIR 0AA"),
        ("gir0aa", PostcodeKind.POSTCODE, "GIR 0AA", "GIR 0AA"),
        ("\tS1\n2HE\u00a0", PostcodeKind.POSTCODE, "S1 2HE", "S1  2HE"),
        ("S1", PostcodeKind.OUTCODE, "S1", None),
        ("s1", PostcodeKind.OUTCODE, "S1", None),
        ("SW1A", PostcodeKind.OUTCODE, "SW1A", None),
        ("DE13", PostcodeKind.OUTCODE, "DE13", None),
        ("S12", PostcodeKind.OUTCODE, "S12", None),  # without a space the longer reading wins
        ("S1 2", PostcodeKind.SECTOR, "S1 2", None),
        ("s1 2", PostcodeKind.SECTOR, "S1 2", None),
        ("DE1 3", PostcodeKind.SECTOR, "DE1 3", None),
        ("SW1A1", PostcodeKind.SECTOR, "SW1A 1", None),
        ("SW1A 1", PostcodeKind.SECTOR, "SW1A 1", None),
    ],
)
def test_postcode_text_is_read_in_any_case_or_spacing(
    text: str, kind: PostcodeKind, display: str, storage_key: str | None
) -> None:
    query = parse_postcode_query(text)
    assert query.kind is kind
    assert query.display == display
    assert query.storage_key == storage_key
    assert query.is_postcode


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Sheffield",
        "not a place",
        "S1 2H",  # inward code cut short
        "S1 2HEE",
        "SW1A 1AAA",
        "12345",
        "1S 2HE",
        "QA1 1AA",  # Q never starts a postcode
        "AI1 1AA",  # I is never second
        "W1M 0AA",  # M cannot end an A9A district: a retired format
        "NPT 0AD",  # Newport's retired three-letter district
        "ZZ9 9ZZ",  # Z is never second
        "S1 2CE",  # C is never an inward letter
        "S1 2 HE X",
        "S\u0661 2HE",  # an Arabic-Indic digit is not a digit here
        "\uff33\uff371A 1AA",  # full-width letters
    ],
)
def test_text_that_is_not_a_postcode_is_said_to_be_so(text: str) -> None:
    query = parse_postcode_query(text)
    assert query.kind is PostcodeKind.NOT_A_POSTCODE
    assert not query.is_postcode
    assert query.display is None
    assert query.storage_key is None


def test_sector_of_a_full_postcode_is_outcode_and_digit() -> None:
    assert parse_postcode_query("sw1a1aa").sector == "SW1A 1"
    assert parse_postcode_query("S1 2").sector == "S1 2"
    assert parse_postcode_query("S1").sector is None


def test_query_keeps_the_text_as_typed_without_outer_spaces() -> None:
    assert parse_postcode_query("  s1 2he ") == PostcodeQuery(PostcodeKind.POSTCODE, "s1 2he", "S1", "2HE")


@pytest.mark.parametrize(
    ("text", "storage", "display"),
    [
        ("s12he", "S1  2HE", "S1 2HE"),
        ("S1  2HE", "S1  2HE", "S1 2HE"),
        ("DE1 3QT", "DE1 3QT", "DE1 3QT"),
        ("sw1a1aa", "SW1A1AA", "SW1A 1AA"),
        ("b338th", "B33 8TH", "B33 8TH"),
    ],
)
def test_storage_form_pads_the_outward_code_and_display_form_has_one_space(
    text: str, storage: str, display: str
) -> None:
    assert storage_form(text) == storage
    assert len(storage_form(text)) == 7
    assert display_form(text) == display
    assert display_form(storage_form(text)) == display


@pytest.mark.parametrize("text", ["S1", "S1 2", "Sheffield", ""])
def test_conversions_refuse_anything_but_a_full_postcode(text: str) -> None:
    with pytest.raises(NotAPostcode):
        storage_form(text)
    with pytest.raises(NotAPostcode):
        display_form(text)


@pytest.mark.parametrize(
    ("text", "valid"),
    [("S1 2HE", True), ("s12he", True), ("GIR 0AA", True), ("S1", False), ("S1 2", False), ("W1M 0AA", False)],
)
def test_validation_accepts_full_postcodes_only(text: str, valid: bool) -> None:
    assert is_valid_postcode(text) is valid


@pytest.mark.parametrize(
    ("text", "valid"), [("S1", True), ("SW1A", True), ("EC1A", True), ("W1M", False), ("NPT", False), ("S1 ", False)]
)
def test_outcode_validation_follows_the_official_pattern(text: str, valid: bool) -> None:
    assert is_valid_outcode(text) is valid


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ZZ9 9ZZ", "ZZ9 9ZZ"),
        ("w1m0aa", "W1M 0AA"),
        ("NPT 0AD", "NPT 0AD"),
        ("S1 2HE", "S1  2HE"),
        ("Sheffield", None),
        ("S1", None),
        ("ABCDE 1AA", None),
    ],
)
def test_loose_key_covers_retired_and_made_up_postcodes(text: str, key: str | None) -> None:
    assert loose_storage_key(text) == key


@given(st.text())
def test_parsing_any_text_never_raises(text: str) -> None:
    query = parse_postcode_query(text)
    assert isinstance(query.kind, PostcodeKind)
    if query.kind is PostcodeKind.POSTCODE:
        assert query.storage_key is not None
        assert len(query.storage_key) == 7
        assert parse_postcode_query(query.storage_key) == PostcodeQuery(
            PostcodeKind.POSTCODE, query.storage_key.strip(), query.outcode, query.inward
        )
    loose_storage_key(text)
    is_valid_postcode(text)


@given(
    st.from_regex(r"\A[A-PR-UWYZ][A-HK-Y]?[0-9][0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}\Z", fullmatch=True),
)
def test_every_postcode_of_the_official_shape_round_trips(text: str) -> None:
    display = display_form(text)
    assert storage_form(display) == storage_form(text)
    assert display.replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "outcode"),
    [("W1M", "W1M"), ("zz9", "ZZ9"), (" npt1 ", "NPT1"), ("S1 2H", None), ("Sheffield", None), ("12", None)],
)
def test_loose_outcode_covers_retired_and_made_up_districts(text: str, outcode: str | None) -> None:
    assert loose_outcode(text) == outcode
