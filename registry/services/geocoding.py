"""Optional online geocoding of free-text addresses the offline gazetteer cannot resolve.

Off unless ``REGISTRY_GEOCODER=nominatim``: with it off, nothing leaves the machine. When on, addresses go to
a Nominatim server (``REGISTRY_GEOCODER_URL``, e.g. a self-hosted instance) through geopy, at most one request
a second (Nominatim's usage policy), with answers cached in the process. The point found is placed in the
local authority of the nearest postcode sector in the gazetteer, so "serves my area" still works.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import URLLibAdapter
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.areas import PlaceKind
from registry.models import LocalAuthority, Sector
from registry.services.gazetteer.lookup import AreaRef, ResolvedPlace, place_region

log = logging.getLogger(__name__)

CACHE_SIZE = 1024
UK_BOUNDS = ((49.8, -8.7), (60.9, 1.8))


@dataclass(frozen=True)
class GeocoderSettings:
    kind: str
    url: str
    user_agent: str
    min_delay_seconds: float = 1.0
    timeout_seconds: float = 5.0


class OnlineGeocoder:
    """A rate-limited, cached geopy geocoder restricted to the United Kingdom."""

    def __init__(self, settings: GeocoderSettings) -> None:
        if settings.kind != "nominatim":
            raise ValueError(f"REGISTRY_GEOCODER is {settings.kind!r}; the only geocoder supported is 'nominatim'.")
        parts = urlsplit(settings.url)
        if not parts.scheme or not parts.netloc:
            raise ValueError("Set REGISTRY_GEOCODER_URL to the geocoder's address, like http://127.0.0.1:8080")
        self._geocoder = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme,
            user_agent=settings.user_agent,
            timeout=settings.timeout_seconds,
            adapter_factory=URLLibAdapter,
        )
        self._geocode = RateLimiter(
            self._geocoder.geocode,
            min_delay_seconds=settings.min_delay_seconds,
            max_retries=1,
            swallow_exceptions=False,
        )
        self._cache: OrderedDict[str, tuple[float, float, str] | None] = OrderedDict()
        self._lock = threading.Lock()

    def locate(self, text: str) -> tuple[float, float, str] | None:
        """(latitude, longitude, display name) for an address in the UK, or None if it is not found."""
        key = " ".join(text.casefold().split())
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            found: Any = self._geocode(text, exactly_one=True, country_codes="gb")
        except GeopyError as error:
            log.warning("Online geocoder failed for a query: %s", error)
            return None
        result = (found.latitude, found.longitude, found.address) if found is not None else None
        if result is not None and not _in_uk(result[0], result[1]):
            result = None
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result


def _in_uk(lat: float, lon: float) -> bool:
    (south, west), (north, east) = UK_BOUNDS
    return south <= lat <= north and west <= lon <= east


def nearest_area(session: Session, lat: float, lon: float) -> tuple[AreaRef | None, AreaRef | None]:
    """The local authority and region of the postcode sector whose centroid is nearest the point."""
    box = 0.25
    while box <= 4.0:
        row = session.execute(
            select(Sector.lad_code, Sector.region_code, LocalAuthority.name)
            .outerjoin(LocalAuthority, LocalAuthority.code == Sector.lad_code)
            .where(Sector.latitude.between(lat - box, lat + box), Sector.longitude.between(lon - box, lon + box))
            .order_by(func.abs(Sector.latitude - lat) + func.abs(Sector.longitude - lon))
            .limit(1)
        ).first()
        if row is not None:
            lad_code, region_code, lad_name = row
            authority = AreaRef(lad_code, lad_name or lad_code) if lad_code else None
            return authority, place_region(region_code)
        box *= 2
    return None, None


def geocode_place(session: Session, geocoder: OnlineGeocoder, text: str) -> ResolvedPlace | None:
    found = geocoder.locate(text)
    if found is None:
        return None
    lat, lon, name = found
    authority, region = nearest_area(session, lat, lon)
    return ResolvedPlace(
        kind=PlaceKind.ADDRESS, name=name, latitude=lat, longitude=lon, local_authority=authority, region=region
    )
