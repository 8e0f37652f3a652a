"""Welsh names of places (issue 19): the ONS names, read in either language, and search names."""

from __future__ import annotations

import csv

import pytest

from registry.domain.areas import (
    LAD_REGIONS_CSV,
    WELSH_NAMES_CSV,
    area_catalogue,
    place_code,
    place_name,
    welsh_name_code,
    welsh_names,
)
from registry.domain.language import speaking
from registry.domain.reference_data import load_vocabulary


def _lad_names() -> dict[str, str]:
    with LAD_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["lad_code"]: row["lad_name"] for row in csv.DictReader(handle)}


def test_every_welsh_district_and_wales_has_its_ons_welsh_name() -> None:
    lads = _lad_names()
    welsh_districts = {code for code in lads if code.startswith("W06")}
    assert len(welsh_districts) == 22
    names = welsh_names()
    assert set(names) == welsh_districts | {"W92000004"}
    # The English names are the registry's own (lad_regions.csv, regions.yaml), so the two files agree.
    regions = {item["code"]: item["name"] for item in load_vocabulary("regions")}
    for code, place in names.items():
        assert place.name == {**lads, **regions}[code], code
        assert place.name_cy.strip() == place.name_cy and place.name_cy
    assert names["W06000015"].name_cy == "Caerdydd"
    assert names["W06000011"].name_cy == "Abertawe"
    assert names["W92000004"].name_cy == "Cymru"


def test_the_file_says_where_each_name_comes_from() -> None:
    with WELSH_NAMES_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"].startswith("ONS ") for row in rows)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Caerdydd", "W06000015"),
        ("caerdydd", "W06000015"),
        ("Abertawe", "W06000011"),
        ("Pen-y-bont ar Ogwr", "W06000013"),
        ("pen y bont ar ogwr", "W06000013"),
        ("Ynys Môn", "W06000001"),
        ("Ynys Mon", "W06000001"),
        ("Casnewydd", "W06000022"),
        ("Cymru", "W92000004"),
    ],
)
def test_welsh_names_are_matched_whatever_their_case_accents_or_hyphens(text: str, code: str) -> None:
    assert welsh_name_code(text) == code
    assert place_code(text) == code


def test_english_names_and_other_places_are_not_welsh_names() -> None:
    assert welsh_name_code("Cardiff") is None
    assert welsh_name_code("Sheffield") is None
    assert place_code("Cardiff") == "W06000015"
    assert place_code("w06000015") == "W06000015"
    assert place_code("Atlantis") is None


def test_place_name_speaks_the_language_of_the_page() -> None:
    with speaking("cy"):
        assert place_name("W06000015") == "Caerdydd"
        assert place_name("Cardiff") == "Caerdydd"
        assert place_name("Swansea") == "Abertawe"
        assert place_name("W92000004") == "Cymru"
        assert place_name("Gwynedd") == "Gwynedd"
        assert place_name("E08000039") == "Sheffield"  # no Welsh name: the English one
        assert place_name("Sheffield") == "Sheffield"
        assert place_name("S1 2HE") == "S1 2HE"  # not a place with a code: as given
    with speaking("en"):
        assert place_name("W06000015") == "Cardiff"
        assert place_name("Caerdydd") == "Cardiff"
        assert place_name("W92000004") == "Wales"
    assert place_name("W06000011", "cy") == "Abertawe"
    assert place_name(None) == ""


def test_search_knows_the_welsh_names() -> None:
    catalogue = area_catalogue()
    wales = catalogue.find("Cymru")
    assert wales is not None and wales.code == "W92000004"
    names = catalogue.names()
    assert names["caerdydd"] == "Cardiff"
    assert names["abertawe"] == "Swansea"
    assert names["ynys môn"] == names["ynys mon"] == "Isle of Anglesey"
    # The areas' own names are unchanged and come first.
    assert names["wales"] == "Wales"
    assert "gwynedd" not in names  # same in both languages: the gazetteer has it already
