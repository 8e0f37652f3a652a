"""Grid references to latitude and longitude: OSTN15 for Great Britain, the Irish Grid for Northern Ireland.

Expected values for Great Britain are Ordnance Survey's own OSTN15 test points, from the OSTN15
developer pack (files OSTN15_OSGM15_TestInput_ETRStoOSGB.txt and OSTN15_OSGM15_TestOutput_ETRStoOSGB.txt):
each pairs an ETRS89 latitude and longitude with the OSGB36 easting and northing OS computes for it.
Converting the easting and northing back must land on OS's latitude and longitude. The requirement is
5 metres; the transform is exact to well under a millimetre, and the test holds it to 1 cm.

For Northern Ireland there are no OS-published pairs in the package, so the checks are landmarks:
the Irish Grid's false origin (E 200000, N 250000 is 53°30'N 8°W on the TM75 datum, which is about
55 m from the same figures on WGS 84), and Belfast City Hall, whose postcode BT1 5GS has the Irish
Grid reference E 333832, N 374014 in the ONS Postcode Directory and stands at about 54.5964N, 5.9301W.
"""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import geodesic

from registry.domain.grid import (
    british_grid_to_latlon,
    irish_grid_to_latlon,
    is_northern_ireland,
    postcode_grid_to_latlon,
)

# (point, easting, northing, ETRS89 latitude, ETRS89 longitude): a spread of OS's 40 test points,
# from the Isles of Scilly (TP01) to Shetland (TP40).
OS_TEST_POINTS = [
    ("TP01 St Mary's, Scilly", 91492.146, 11318.804, 49.92226393730, -6.29977752014),
    ("TP05 Former OS HQ, Southampton", 438710.920, 114792.250, 50.93127937910, -1.45051433700),
    ("TP07 North Foreland", 639821.835, 169565.858, 51.37447025550, 1.44454730409),
    ("TP09 Lambeth", 530624.974, 178388.464, 51.48936564950, -0.11992557180),
    ("TP10 Carmarthen", 241124.584, 220332.641, 51.85890896400, -4.30852476960),
    ("TP12 Droitwich", 389544.190, 261912.153, 52.25529381630, -2.15458614387),
    ("TP20 near Leeds", 422242.186, 433818.701, 53.80021519630, -1.66379168242),
    ("TP30 near Inverness", 267056.768, 846176.972, 57.48625000720, -4.21926398555),
    ("TP40 Shetland", 395999.668, 1138728.951, 60.13308091660, -2.07382822798),
]


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)


@pytest.mark.parametrize(("point", "easting", "northing", "lat", "lon"), OS_TEST_POINTS)
def test_british_grid_matches_ordnance_survey_test_points(
    point: str, easting: float, northing: float, lat: float, lon: float
) -> None:
    lats, lons = british_grid_to_latlon(np.array([easting]), np.array([northing]))
    assert metres_between(lats[0], lons[0], lat, lon) < 0.01, point


def test_british_grid_converts_many_points_at_once() -> None:
    eastings = np.array([p[1] for p in OS_TEST_POINTS])
    northings = np.array([p[2] for p in OS_TEST_POINTS])
    lats, lons = british_grid_to_latlon(eastings, northings)
    expected = np.array([(p[3], p[4]) for p in OS_TEST_POINTS])
    assert np.allclose(lats, expected[:, 0], atol=1e-6)
    assert np.allclose(lons, expected[:, 1], atol=1e-6)


def test_missing_grid_references_stay_missing() -> None:
    lats, lons = british_grid_to_latlon(np.array([np.nan, 435393.0]), np.array([np.nan, 387336.0]))
    assert np.isnan(lats[0])
    assert np.isnan(lons[0])
    assert not np.isnan(lats[1])


def test_empty_input_gives_empty_output() -> None:
    lats, lons = postcode_grid_to_latlon([], np.array([]), np.array([]))
    assert len(lats) == 0
    assert len(lons) == 0


def test_irish_grid_false_origin_is_at_53_30_north_8_west() -> None:
    lats, lons = irish_grid_to_latlon(np.array([200000.0]), np.array([250000.0]))
    # TM75 to WGS 84 moves the point by some tens of metres; 100 m bounds it.
    assert metres_between(lats[0], lons[0], 53.5, -8.0) < 100


def test_belfast_postcode_lands_in_belfast_not_near_chester() -> None:
    lats, lons = postcode_grid_to_latlon(["BT1 5GS"], np.array([333832.0]), np.array([374014.0]))
    assert metres_between(lats[0], lons[0], 54.5964, -5.9301) < 150
    # Read as a British grid reference the same numbers land in Cheshire: the classic bug.
    gb_lats, gb_lons = british_grid_to_latlon(np.array([333832.0]), np.array([374014.0]))
    assert metres_between(gb_lats[0], gb_lons[0], 54.5964, -5.9301) > 100_000


def test_each_postcode_is_converted_on_its_own_grid() -> None:
    postcodes = ["S1  2HE", "BT1 5GS", "TR210HE", "BT486DQ"]
    eastings = np.array([435393.0, 333832.0, 90774.0, 243509.0])
    northings = np.array([387336.0, 374014.0, 10282.0, 416711.0])
    lats, lons = postcode_grid_to_latlon(postcodes, eastings, northings)
    assert metres_between(lats[0], lons[0], 53.3817, -1.4694) < 100  # Sheffield
    assert metres_between(lats[1], lons[1], 54.5964, -5.9301) < 150  # Belfast
    assert metres_between(lats[2], lons[2], 49.914, -6.317) < 2_000  # St Mary's, Isles of Scilly
    assert metres_between(lats[3], lons[3], 54.996, -7.321) < 3_000  # Derry/Londonderry


@pytest.mark.parametrize(
    ("postcode", "irish"), [("BT1 5GS", True), ("bt48 6dq", True), ("B1  1BB", False), ("TB", False)]
)
def test_only_bt_postcodes_are_on_the_irish_grid(postcode: str, irish: bool) -> None:
    assert is_northern_ireland(postcode) is irish
