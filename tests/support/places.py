"""Points the tests put listings at (latitude, longitude), around Sheffield, where the seed listings are."""

from __future__ import annotations

SHEFFIELD_S1_2HE = (53.37881, -1.46973)  # approximately; the gazetteer holds the exact point
SHEFFIELD_CENTRE = (53.3811, -1.4701)
ROTHERHAM = (53.4326, -1.3635)  # about 9 km north-east of S1 2HE
DONCASTER = (53.5228, -1.1285)  # about 27 km from S1 2HE
