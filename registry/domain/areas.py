"""The geographies the NHS and councils use, each a set of local authority districts.

Counties and metropolitan counties, combined authorities, NHS integrated care boards (ICBs) and sub-ICB
locations in England, local health boards in Wales, health boards in Scotland and health and social care
trusts in Northern Ireland. The tables (``data/reference/areas.csv`` and ``area_members.csv``) are made
offline by ``scripts/make_areas.py``; see ``data/reference/README.md`` for their sources and licences.

A service area is stored per local authority district, so an area is searched, chosen and filtered on as
the districts it is made of. A district that lies partly in an area belongs to it when at least
``MIN_SHARE`` of it (by LSOAs, or by former districts in Northern Ireland) is inside.

Places have Welsh names where ONS publishes one (``data/reference/welsh_place_names.csv``: the 22 Welsh
districts, "Caerdydd" for Cardiff, and "Cymru" for Wales). Search accepts either name; ``place_name`` gives
the name in the language being spoken.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from registry.domain.language import Language, current_language, speaking
from registry.domain.language import lazy_gettext as _l
from registry.domain.reference_data import load_vocabulary, reference_wording

AREAS_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "areas.csv"
MEMBERS_CSV = AREAS_CSV.with_name("area_members.csv")
LAD_REGIONS_CSV = AREAS_CSV.with_name("lad_regions.csv")
WELSH_NAMES_CSV = AREAS_CSV.with_name("welsh_place_names.csv")
# What people call some regions besides their ONS names.
REGION_ALIASES = {"E12000003": ("Yorkshire", "Yorkshire and the Humber"), "E12000006": ("East Anglia",)}
MIN_SHARE = 0.1

__all__ = [
    "AREA_KINDS",
    "MIN_SHARE",
    "Area",
    "AreaCatalogue",
    "PlaceKind",
    "WelshName",
    "area_catalogue",
    "area_search_name",
    "place_code",
    "place_name",
    "welsh_name_code",
    "welsh_names",
]


class PlaceKind(StrEnum):
    """What a place a search points at is: a postcode, a town, an authority, or an area made of districts."""

    POSTCODE = "postcode"
    OUTCODE = "outcode"
    SECTOR = "sector"
    PLACE = "place"
    LOCAL_AUTHORITY = "local_authority"
    ADDRESS = "address"  # found by the optional online geocoder
    # Areas made of local authority districts, and regions and nations: the kinds an ``Area`` has.
    COUNTY = "county"
    METROPOLITAN_COUNTY = "metropolitan_county"
    COMBINED_AUTHORITY = "combined_authority"
    ICB = "icb"
    SUB_ICB = "sub_icb"
    LOCAL_HEALTH_BOARD = "local_health_board"
    HEALTH_BOARD = "health_board"
    HSC_TRUST = "hsc_trust"
    REGION = "region"

    @property
    def label(self) -> str:
        """What an area of this kind is called (only the areas' kinds have a label)."""
        return str(_KIND_LABELS[self])


_KIND_LABELS = {
    PlaceKind.COUNTY: _l("County"),
    PlaceKind.METROPOLITAN_COUNTY: _l("Metropolitan county"),
    PlaceKind.COMBINED_AUTHORITY: _l("Combined authority"),
    PlaceKind.ICB: _l("NHS integrated care board"),
    PlaceKind.SUB_ICB: _l("NHS sub-ICB location"),
    PlaceKind.LOCAL_HEALTH_BOARD: _l("Local health board (Wales)"),
    PlaceKind.HEALTH_BOARD: _l("NHS health board (Scotland)"),
    PlaceKind.HSC_TRUST: _l("Health and social care trust (Northern Ireland)"),
    PlaceKind.REGION: _l("Region or nation"),
}

# In precedence order: when two areas answer to the same words, the one people mean most often ("South
# Yorkshire" is the county, not the combined authority).
AREA_KINDS = tuple(_KIND_LABELS)

_NOT_WORD = re.compile(r"[^\w\s]")


def area_search_name(text: str) -> str:
    """Lower case without accents or punctuation, "&" as "and", single spaces: how names are matched."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    kind: PlaceKind
    name: str
    aliases: tuple[str, ...]
    parent_code: str | None
    source: str
    # District code → the share of the district inside the area (1.0: wholly).
    shares: tuple[tuple[str, float], ...]

    @property
    def districts(self) -> tuple[str, ...]:
        """The districts that count as in the area (at least ``MIN_SHARE`` of each)."""
        return tuple(code for code, share in self.shares if share >= MIN_SHARE)

    @property
    def kind_label(self) -> str:
        return self.kind.label


class AreaCatalogue:
    """Every area, by code and by the names people use for it.

    ``other_names`` (search name → display name) are names of places that are not areas but that search
    should know, offered by ``names()`` after the areas' own: the Welsh names of districts ("caerdydd" →
    "Cardiff"), so the search box reads them as places and suggestions offer them.
    """

    def __init__(self, areas: Iterable[Area], other_names: dict[str, str] | None = None) -> None:
        self.areas = sorted(areas, key=lambda a: (AREA_KINDS.index(a.kind), a.name))
        self.by_code = {area.code: area for area in self.areas}
        self._by_name: dict[str, Area] = {}
        for area in self.areas:  # in precedence order: the first to claim a name keeps it
            for name in (area.name, *area.aliases):
                self._by_name.setdefault(area_search_name(name), area)
        self._other_names = dict(other_names or {})

    def __len__(self) -> int:
        return len(self.areas)

    def find(self, text: str) -> Area | None:
        """The area with this name, alias or code, whatever the case and punctuation; None if none has."""
        if text.strip() in self.by_code:
            return self.by_code[text.strip()]
        return self._by_name.get(area_search_name(text))

    def names(self) -> dict[str, str]:
        """Search name → display name, for every name and alias, then the other places' names."""
        names = {key: area.name for key, area in self._by_name.items()}
        for key, display in self._other_names.items():
            names.setdefault(key, display)
        return names

    def containing(self, district: str) -> list[Area]:
        """Every area the district counts as in, in precedence order."""
        return [area for area in self.areas if district in area.districts]

    def of_kind(self, *kinds: PlaceKind) -> list[Area]:
        return [area for area in self.areas if area.kind in kinds]


@dataclass(frozen=True, slots=True)
class WelshName:
    """A place's ONS code, its English name and the Welsh name ONS publishes for it."""

    code: str
    name: str
    name_cy: str


@functools.cache
def welsh_names(path: Path = WELSH_NAMES_CSV) -> dict[str, WelshName]:
    """Code → Welsh name, for every place ONS names in Welsh (``welsh_place_names.csv``)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: WelshName(row["code"], row["name"], row["name_cy"]) for row in csv.DictReader(handle)}


@functools.cache
def _english_names() -> dict[str, str]:
    """Code → English name of every district (``lad_regions.csv``) and region or nation (``regions.yaml``)."""
    names = {item["code"]: item["name"] for item in load_vocabulary("regions")}
    with LAD_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        names.update({row["lad_code"]: row["lad_name"] for row in csv.DictReader(handle)})
    return names


@functools.cache
def _codes_by_name() -> dict[str, str]:
    """Search name → code, for the English and Welsh names of the places that have a Welsh name."""
    codes: dict[str, str] = {}
    for place in welsh_names().values():
        codes.setdefault(area_search_name(place.name), place.code)
        codes.setdefault(area_search_name(place.name_cy), place.code)
    return codes


@functools.cache
def _codes_by_welsh_name() -> dict[str, str]:
    return {area_search_name(place.name_cy): place.code for place in welsh_names().values()}


def welsh_name_code(text: str) -> str | None:
    """The code of the place whose Welsh name this is ("Caerdydd", "pen y bont ar ogwr" → Bridgend's), in any
    case, accents and punctuation; None when it is no place's Welsh name."""
    return _codes_by_welsh_name().get(area_search_name(text))


def place_code(code_or_name: str) -> str | None:
    """The ONS code of a place named by its code, or by its English or Welsh name when it has a Welsh one."""
    text = code_or_name.strip()
    if text.upper() in _english_names():
        return text.upper()
    return _codes_by_name().get(area_search_name(text))


def place_name(code_or_name: str | None, language: str | None = None) -> str:
    """A place's name in ``language`` (by default the one being spoken): "Caerdydd" in Welsh, "Cardiff" in
    English, given its code (``W06000015``) or either name. A district or region without a Welsh name has its
    English name in both (a code gives its name); text that names no known place comes back as it was. Pass
    the code where you have it: a name can be ambiguous ("Newport" is also a town on the Isle of Wight).

    For the templates: ``{{ place_name(place.local_authority.code) }}``.
    """
    if not code_or_name:
        return code_or_name or ""
    code = place_code(code_or_name)
    if code is None:
        return code_or_name
    welsh = welsh_names().get(code)
    in_welsh = (language or current_language()) == Language.WELSH.value
    if welsh is not None:
        return welsh.name_cy if in_welsh else welsh.name
    english = _english_names().get(code, code_or_name)
    # England's regions have Welsh names too (data/reference/regions.yaml), as the registry's own words.
    if not in_welsh:
        return english
    with speaking(Language.WELSH.value):
        return str(reference_wording("regions", code, "name", english))


def _welsh_district_names() -> dict[str, str]:
    """Search name → English name, for the Welsh names of districts that differ from their English ones."""
    names: dict[str, str] = {}
    for place in welsh_names().values():
        if place.code.startswith("W06") and area_search_name(place.name_cy) != area_search_name(place.name):
            names[area_search_name(place.name_cy)] = place.name
            # Also as typed with its accents ("ynys môn"), for matchers that keep them.
            names.setdefault(" ".join(place.name_cy.casefold().replace("-", " ").split()), place.name)
    return names


def _regions() -> list[Area]:
    """The English regions and the other nations, each made of its districts (``lad_regions.csv``); a
    nation's Welsh name ("Cymru") is one of its aliases."""
    names = {item["code"]: item["name"] for item in load_vocabulary("regions")}
    districts: dict[str, list[tuple[str, float]]] = {}
    with LAD_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            districts.setdefault(row["region_code"], []).append((row["lad_code"], 1.0))
    welsh = welsh_names()

    def aliases(code: str) -> tuple[str, ...]:
        return (*REGION_ALIASES.get(code, ()), *((welsh[code].name_cy,) if code in welsh else ()))

    return [
        Area(code, PlaceKind.REGION, name, aliases(code), None, "ONS (OGL v3.0)", tuple(districts[code]))
        for code, name in names.items()
        if code in districts
    ]


def load_areas(areas_path: Path = AREAS_CSV, members_path: Path = MEMBERS_CSV) -> AreaCatalogue:
    shares: dict[str, list[tuple[str, float]]] = {}
    with members_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            shares.setdefault(row["area_code"], []).append((row["lad_code"], float(row["share"])))
    with areas_path.open(newline="", encoding="utf-8") as handle:
        return AreaCatalogue(
            [
                *_regions(),
                *(
                    Area(
                        code=row["code"],
                        kind=PlaceKind(row["kind"]),
                        name=row["name"],
                        aliases=tuple(a for a in row["aliases"].split(";") if a),
                        parent_code=row["parent_code"] or None,
                        source=row["source"],
                        shares=tuple(shares.get(row["code"], [])),
                    )
                    for row in csv.DictReader(handle)
                ),
            ],
            other_names=_welsh_district_names(),
        )


@functools.cache
def area_catalogue() -> AreaCatalogue:
    """The shipped areas, read once per process."""
    return load_areas()
