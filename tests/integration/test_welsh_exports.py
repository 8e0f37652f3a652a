"""An export downloaded in Welsh is in Welsh: the commissioners' CSV and workbook have Welsh headers, sheet names and
words for the listing's legal form, region and services, while the open data CSV keeps its English machine
columns."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role
from tests.support.accounts import make_user, sign_in
from tests.support.commissioning import PREFERRED_PROVIDER, SHEFFIELD, serves
from tests.support.factories import make_listing
from tests.support.spreadsheets import xlsx_sheets

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def signed_in(app: Flask, session: Session) -> FlaskClient:
    make_user(session, "welsh-exports@nhs.example", Role.COMMISSIONER)
    client = app.test_client()
    assert sign_in(client, "welsh-exports@nhs.example").status_code == 302
    return client


@pytest.fixture
def listing(session: Session) -> str:
    return make_listing(
        session,
        "welsh-export-co-op",
        **copy.deepcopy(PREFERRED_PROVIDER),
        services=[{"code": "hsc-homecare"}],
        service_areas=serves(SHEFFIELD),
    ).slug


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def test_the_results_csv_in_welsh_has_welsh_headers_and_words(signed_in: FlaskClient, listing: str) -> None:
    rows = {row["ID y gofrestrfa"]: row for row in _rows(signed_in.get("/commission/results.csv?lang=cy"))}
    row = rows[listing]
    assert row["Gwasanaethau"] == "Gofal cartref"
    assert row["Ffurf gyfreithiol"] == "Cymdeithas gydweithredol"
    assert row["Statws cofrestredig"] == "Yn masnachu"


def test_the_results_csv_in_english_is_unchanged(signed_in: FlaskClient, listing: str) -> None:
    rows = {row["Registry ID"]: row for row in _rows(signed_in.get("/commission/results.csv?lang=en"))}
    assert rows[listing]["Services"] == "Homecare (domiciliary care)"
    assert rows[listing]["Legal form"] == "Co-operative society"


def test_the_workbook_in_welsh_has_welsh_sheets_and_headers(signed_in: FlaskClient, listing: str) -> None:
    sheets = xlsx_sheets(signed_in.get("/commission/results.xlsx?lang=cy").get_data())
    assert {"Ynghylch", "Rhestriadau", "Gwasanaethau", "Rhifau cofrestredig"} <= set(sheets)
    assert sheets["Rhestriadau"][0][0] == "ID y gofrestrfa"
    services = sheets["Gwasanaethau"]
    assert services[0][2] == "Gwasanaeth"
    assert [row[2] for row in services[1:] if row[0] == listing] == ["Gofal cartref"]


def test_the_open_data_csv_keeps_its_english_machine_columns(client: FlaskClient, listing: str) -> None:
    english = _rows(client.get("/data/listings.csv?lang=en"))
    welsh = _rows(client.get("/data/listings.csv?lang=cy"))
    assert list(english[0]) == list(welsh[0])
    row = next(row for row in welsh if row["slug"] == listing)
    assert row["legal_form_label"] == "Co-operative society"
    assert "Homecare (domiciliary care)" in row["service_list"]
