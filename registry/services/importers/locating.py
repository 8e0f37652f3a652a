"""Locating imported rows on the map: postcodes, sectors and districts looked up in the gazetteer a batch at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.postcodes import PostcodeKind, parse_postcode_query
from registry.models.gazetteer import Outcode, Postcode, Sector
from registry.services.gazetteer.status import is_gazetteer_loaded
from registry.services.importers.reading import clean_text
from registry.services.importers.rows import SourceRow, chunks


@dataclass(frozen=True)
class _Point:
    latitude: float | None
    longitude: float | None
    lad_code: str | None
    region_code: str | None
    terminated: bool = False


_LOOKALIKES = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S"}


def _lookalike_readings(compact: str) -> list[str]:
    """Full postcodes the text could be with one or two letters and digits that look alike swapped."""
    positions = [i for i, ch in enumerate(compact) if ch in _LOOKALIKES]
    readings: set[str] = set()
    for i in positions:
        once = compact[:i] + _LOOKALIKES[compact[i]] + compact[i + 1 :]
        readings.add(once)
        for j in positions:
            if j > i:
                readings.add(once[:j] + _LOOKALIKES[once[j]] + once[j + 1 :])
    return sorted(
        r
        for r in readings
        if 5 <= len(r) <= 7 and parse_postcode_query(f"{r[:-3]} {r[-3:]}").kind is PostcodeKind.POSTCODE
    )


class PostcodeLocator:
    """Puts locations on the map from the gazetteer, a batch at a time (one query per kind of postcode)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.loaded = is_gazetteer_loaded(session)

    def locate(self, rows: Sequence[SourceRow]) -> None:
        """Fill in each location's position, local authority and region, and each row's region."""
        plans: list[tuple[SourceRow, dict[str, Any], str | None, Any]] = []
        full_keys: set[str] = set()
        sectors: set[str] = set()
        outcodes: set[str] = set()
        for row in rows:
            for location in row.data.get("locations", []):
                raw = clean_text(location.get("postcode"))
                query = parse_postcode_query(raw) if raw else None
                readings: list[str] = []
                if query is not None and query.kind is PostcodeKind.POSTCODE:
                    assert query.storage_key is not None
                    full_keys.add(query.storage_key)
                elif query is not None and query.kind is PostcodeKind.SECTOR:
                    assert query.sector is not None
                    sectors.add(query.sector)
                elif query is not None and query.kind is PostcodeKind.OUTCODE:
                    assert query.outcode is not None
                    outcodes.add(query.outcode)
                elif raw:
                    readings = _lookalike_readings("".join(raw.upper().split()))
                    full_keys.update(_storage_key(r) for r in readings)
                plans.append((row, location, raw or None, (query, readings)))

        found = self._postcodes(full_keys) if self.loaded else {}
        found_sectors = self._areas(Sector, Sector.sector, sectors) if self.loaded else {}
        found_outcodes = self._areas(Outcode, Outcode.outcode, outcodes) if self.loaded else {}

        for row, location, given, (query, readings) in plans:
            point: _Point | None = None
            shown: str | None = given
            if given is None:
                row.warnings.append(f"{_which(location)} has no postcode: listed without a map position")
            elif query.kind is PostcodeKind.POSTCODE:
                shown = query.display
                point = found.get(query.storage_key)
                if point is None and self.loaded:
                    row.warnings.append(f"We cannot find the postcode {shown}: listed without a map position")
            elif query.kind in (PostcodeKind.SECTOR, PostcodeKind.OUTCODE):
                shown = query.display
                area = found_sectors.get(query.sector) if query.kind is PostcodeKind.SECTOR else None
                area = area or found_outcodes.get(query.outcode)
                what = "sector" if query.kind is PostcodeKind.SECTOR else "district"
                if area is not None:
                    point = area
                    row.warnings.append(
                        f"Only part of a postcode ({given}): placed at the centre of postcode {what} {shown}"
                    )
                elif self.loaded:
                    row.warnings.append(f"We cannot find the postcode {what} {shown}: listed without a map position")
            else:
                real = [r for r in readings if _storage_key(r) in found]
                if len(real) == 1:
                    shown = f"{real[0][:-3]} {real[0][-3:]}"
                    point = found[_storage_key(real[0])]
                    row.warnings.append(
                        f"The postcode {given!r} is read as {shown} (letters and digits that look alike)"
                    )
                else:
                    row.warnings.append(f"{given!r} is not a postcode: listed without a map position")
                    shown = None
            if point is not None and point.terminated:
                row.warnings.append(f"The postcode {shown} is no longer in use")
            if point is not None and point.latitude is None:
                row.warnings.append(f"The postcode {shown} has no map position in the ONS directory")
            location["postcode"] = shown if shown and len(shown) <= 8 else None
            location["latitude"] = point.latitude if point else None
            location["longitude"] = point.longitude if point else None
            location["local_authority_code"] = point.lad_code if point else None
            location["region_code"] = point.region_code if point else None

        for row in rows:
            region = next((loc["region_code"] for loc in row.data.get("locations", []) if loc.get("region_code")), None)
            row.data["region"] = region or row.fallback_region

    def _postcodes(self, keys: set[str]) -> dict[str, _Point]:
        points: dict[str, _Point] = {}
        for chunk in chunks(sorted(keys), 500):
            for pcd, lat, lon, lad, region, terminated in self.session.execute(
                select(
                    Postcode.pcd,
                    Postcode.latitude,
                    Postcode.longitude,
                    Postcode.lad_code,
                    Postcode.region_code,
                    Postcode.terminated,
                ).where(Postcode.pcd.in_(chunk))
            ):
                points[pcd] = _Point(lat, lon, lad, region, bool(terminated))
        return points

    def _areas(self, model: type[Sector] | type[Outcode], key: Any, keys: set[str]) -> dict[str, _Point]:
        if not keys:
            return {}
        return {
            row[0]: _Point(row[1], row[2], row[3], row[4])
            for row in self.session.execute(
                select(key, model.latitude, model.longitude, model.lad_code, model.region_code).where(key.in_(keys))
            )
        }


def _storage_key(compact: str) -> str:
    return f"{compact[:-3]:<4}{compact[-3:]}"


def _which(location: dict[str, Any]) -> str:
    return "The registered office" if location.get("is_registered_office") else f"The location {location.get('name')!r}"
