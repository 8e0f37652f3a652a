"""Grid references to latitude and longitude, for the ONS Postcode Directory's eastings and northings.

Great Britain's postcodes are on the OS National Grid (OSGB36, EPSG:27700). They are converted with
Ordnance Survey's OSTN15 transformation through ``convertbng``, which agrees with OS's published test
points to the millimetre; PROJ without the OSTN15 grid file is metres out, so pyproj is not used for GB.

Northern Ireland's postcodes (``BT``) are on the Irish Grid (TM75, EPSG:29903). Read as British grid
references they land near Chester, so they are converted separately with pyproj (EPSG:29903 → WGS 84;
PROJ's Helmert transformation, good to about a metre).

Latitudes and longitudes are WGS 84 (ETRS89 and WGS 84 differ by well under a metre in the UK, which
does not matter for finding services near a postcode). Missing grid references (NaN) stay NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
from convertbng.cutil import convert_lonlat
from pyproj import Transformer

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "FloatArray",
    "british_grid_to_latlon",
    "irish_grid_to_latlon",
    "is_northern_ireland",
    "postcode_grid_to_latlon",
]

NORTHERN_IRELAND_AREA = "BT"


def is_northern_ireland(postcode: str) -> bool:
    """True for Northern Ireland postcodes, whose grid references are on the Irish Grid."""
    return postcode[:2].upper() == NORTHERN_IRELAND_AREA


def british_grid_to_latlon(eastings: FloatArray, northings: FloatArray) -> tuple[FloatArray, FloatArray]:
    """OS National Grid eastings and northings to (latitudes, longitudes), with OSTN15.

    Points outside OSTN15's coverage, and NaN inputs, come back as NaN.
    """
    if len(eastings) == 0:
        return np.empty(0), np.empty(0)
    lons, lats = convert_lonlat(
        np.ascontiguousarray(eastings, dtype=np.float64),
        np.ascontiguousarray(northings, dtype=np.float64),
    )
    return np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)


@cache
def _irish_grid_transformer() -> Transformer:
    return Transformer.from_crs("EPSG:29903", "EPSG:4326", always_xy=True)


def irish_grid_to_latlon(eastings: FloatArray, northings: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Irish Grid (EPSG:29903) eastings and northings to WGS 84 (latitudes, longitudes)."""
    if len(eastings) == 0:
        return np.empty(0), np.empty(0)
    lons, lats = _irish_grid_transformer().transform(
        np.asarray(eastings, dtype=np.float64), np.asarray(northings, dtype=np.float64)
    )
    lats = np.asarray(lats, dtype=np.float64)
    lons = np.asarray(lons, dtype=np.float64)
    # PROJ returns inf for points it cannot transform; treat them as missing, like NaN input.
    bad = ~np.isfinite(lats) | ~np.isfinite(lons)
    lats[bad] = np.nan
    lons[bad] = np.nan
    return lats, lons


def postcode_grid_to_latlon(
    postcodes: Sequence[str], eastings: FloatArray, northings: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Convert each postcode's grid reference on the right grid: Irish for ``BT``, British otherwise."""
    eastings = np.asarray(eastings, dtype=np.float64)
    northings = np.asarray(northings, dtype=np.float64)
    irish = np.fromiter((is_northern_ireland(p) for p in postcodes), dtype=bool, count=len(postcodes))
    lats = np.full(len(postcodes), np.nan)
    lons = np.full(len(postcodes), np.nan)
    if irish.any():
        lats[irish], lons[irish] = irish_grid_to_latlon(eastings[irish], northings[irish])
    british = ~irish
    if british.any():
        lats[british], lons[british] = british_grid_to_latlon(eastings[british], northings[british])
    return lats, lons
