"""Where listings are for a search: based within a radius of a place, or serving its local authority.

Location search has two halves: listings *based* within the radius (any of their locations) and listings whose
service areas *serve* the place's local authority. The radius prefilter and ordering use an equirectangular
distance computed in SQL (plain arithmetic, so SQLite and PostgreSQL agree and the (latitude, longitude) index is
used); the distance shown is geopy's great-circle distance (within 0.5% of the geodesic, a tenth of a kilometre
at 25 km, and a tenth of its cost: the geodesic was a tenth of a radius search's time).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Select, String, column, func, select, table

from registry.models import Location
from registry.services.gazetteer.lookup import ResolvedPlace
from registry.services.search_index import latitude_strip

KM_PER_DEGREE = 111.195  # mean Earth radius 6371.0088 km * pi / 180

# Published listings' points and the areas they serve, as the search index files them (migration 0004).
_INDEXED_POINT = table(
    "organisation_search_location",
    column("organisation_id", Integer),
    column("strip", Integer),
    column("latitude", Float),
    column("longitude", Float),
)
_INDEXED_AREA = table(
    "organisation_search_area", column("local_authority_code", String), column("organisation_id", Integer)
)


def _distance2_degrees(
    place: ResolvedPlace, latitude: Any = Location.latitude, longitude: Any = Location.longitude
) -> ColumnElement[Any]:
    """Squared equirectangular distance in degrees of latitude from the place to a point."""
    k = math.cos(math.radians(place.latitude))
    dlat = latitude - place.latitude
    dlon = (longitude - place.longitude) * k
    squared: ColumnElement[Any] = dlat * dlat + dlon * dlon
    return squared


def based_within(place: ResolvedPlace, radius_km: float) -> Select[int, Any]:
    """(organisation_id, d2) of listings with a location within the radius, d2 their nearest one's, from the
    ``location`` table (any listing, published or not; callers may narrow it to location rows)."""
    degrees = radius_km / KM_PER_DEGREE
    lon_degrees = degrees / max(math.cos(math.radians(place.latitude)), 0.01)
    d2 = _distance2_degrees(place)
    return (
        select(Location.organisation_id.label("organisation_id"), func.min(d2).label("d2"))
        .where(
            Location.latitude.between(place.latitude - degrees, place.latitude + degrees),
            Location.longitude.between(place.longitude - lon_degrees, place.longitude + lon_degrees),
            d2 <= degrees * degrees,
        )
        .group_by(Location.organisation_id)
    )


def indexed_points_within(place: ResolvedPlace, radius_km: float) -> Select[Any]:
    """(organisation_id, d2) of every point of a published listing within the radius: one index range per
    strip of latitude the radius spans, read from the index alone."""
    degrees = radius_km / KM_PER_DEGREE
    lon_degrees = degrees / max(math.cos(math.radians(place.latitude)), 0.01)
    points = _INDEXED_POINT.c
    d2 = _distance2_degrees(place, points.latitude, points.longitude)
    strips = range(latitude_strip(place.latitude - degrees), latitude_strip(place.latitude + degrees) + 1)
    return select(points.organisation_id.label("organisation_id"), d2.label("d2")).where(
        points.strip.in_(list(strips)),
        points.longitude.between(place.longitude - lon_degrees, place.longitude + lon_degrees),
        points.latitude.between(place.latitude - degrees, place.latitude + degrees),
        d2 <= degrees * degrees,
    )


def published_based_within(place: ResolvedPlace, radius_km: float) -> Select[int, Any]:
    """(organisation_id, d2) of published listings with a location within the radius, d2 their nearest one's."""
    near = indexed_points_within(place, radius_km).subquery()
    return select(near.c.organisation_id, func.min(near.c.d2).label("d2")).group_by(near.c.organisation_id)


def serving(place: ResolvedPlace) -> Select[int]:
    """Published listings that serve the place's local authority, or one of an area's districts."""
    codes = place.served_codes
    served = select(_INDEXED_AREA.c.organisation_id.label("organisation_id"))
    if len(codes) == 1:
        return served.where(_INDEXED_AREA.c.local_authority_code == codes[0])
    return served.where(_INDEXED_AREA.c.local_authority_code.in_(codes)).distinct()
