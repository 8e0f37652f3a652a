"""data/reference/lad_regions.csv: every local authority district in the postcode source has a name and region."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache

import pytest

from registry.domain.areas import LAD_REGIONS_CSV
from registry.services.gazetteer.sources import LadRegion, load_lad_regions, ons_postcode_chunks, region_names

ENGLISH_REGIONS = {f"E1200000{n}" for n in range(1, 10)}
NATIONS = {"W": "W92000004", "S": "S92000003", "N": "N92000002"}


@cache
def source_lad_codes() -> frozenset[str]:
    """Every LAD code in the installed ONS package (reads all 2.7 million rows: about 4 seconds)."""
    codes: set[str] = set()
    for chunk in ons_postcode_chunks():
        codes.update(code for code in chunk.lad_code if code is not None)
    return frozenset(codes)


@pytest.fixture(scope="module")
def table() -> dict[str, LadRegion]:
    return load_lad_regions()


def test_every_district_in_the_postcode_source_has_a_name_and_region(table: dict[str, LadRegion]) -> None:
    missing = sorted(source_lad_codes() - table.keys())
    assert not missing, f"add these to {LAD_REGIONS_CSV.name}: {missing}"


def test_the_table_holds_no_district_the_source_lacks(table: dict[str, LadRegion]) -> None:
    assert sorted(table.keys() - source_lad_codes()) == []


def test_each_code_appears_once_with_a_name() -> None:
    with LAD_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [name for name, count in Counter(r["lad_code"] for r in rows).items() if count > 1] == []
    assert all(r["lad_name"].strip() == r["lad_name"] and r["lad_name"] for r in rows)


def test_english_districts_are_in_one_of_the_nine_regions(table: dict[str, LadRegion]) -> None:
    english = [lad for lad in table.values() if lad.lad_code.startswith("E")]
    assert english
    assert {lad.lad_code[:3] for lad in english} <= {"E06", "E07", "E08", "E09"}
    assert {lad.region_code for lad in english} == ENGLISH_REGIONS


def test_welsh_scottish_and_northern_irish_districts_are_in_their_nation(table: dict[str, LadRegion]) -> None:
    for lad in table.values():
        if lad.lad_code[0] in NATIONS:
            assert lad.region_code == NATIONS[lad.lad_code[0]], lad


def test_london_boroughs_are_in_london(table: dict[str, LadRegion]) -> None:
    boroughs = [lad for lad in table.values() if lad.lad_code.startswith("E09")]
    assert len(boroughs) == 33
    assert {lad.region_code for lad in boroughs} == {"E12000007"}


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("E08000039", "Sheffield", "E12000003"),  # recoded in 2024 (was E08000019)
        ("E06000015", "Derby", "E12000004"),
        ("E06000042", "Milton Keynes", "E12000008"),  # South East, though it borders the East Midlands
        ("E07000037", "High Peak", "E12000004"),  # East Midlands, though it borders Manchester
        ("E06000065", "North Yorkshire", "E12000003"),
        ("E06000064", "Westmorland and Furness", "E12000002"),
        ("E07000245", "West Suffolk", "E12000006"),
        ("N09000003", "Belfast", "N92000002"),
        ("W06000015", "Cardiff", "W92000004"),
        ("S12000036", "City of Edinburgh", "S92000003"),
    ],
)
def test_known_districts(table: dict[str, LadRegion], code: str, name: str, region: str) -> None:
    assert table[code] == LadRegion(code, name, region)


def test_every_region_code_has_a_name(table: dict[str, LadRegion]) -> None:
    assert {lad.region_code for lad in table.values()} <= region_names().keys()


def test_crown_dependencies_keep_the_ons_pseudo_codes(table: dict[str, LadRegion]) -> None:
    # Jersey, Guernsey and the Isle of Man are in the directory (without grid references) but in no
    # UK region; ONS gives them pseudo-codes for both district and region.
    assert table["L99999999"].region_code == "L99999999"
    assert table["M99999999"].region_code == "M99999999"
