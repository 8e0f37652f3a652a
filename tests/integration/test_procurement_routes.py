"""The preferred-provider profile is a policy lens, not a legal status (issue 16, item 6): /commission and every
export say so, with the legal routes commissioners have, each citing its source."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.domain.procurement import procurement_guide
from registry.models import Role
from tests.support.accounts import signed_in_client
from tests.support.pages import checked_page, text_of
from tests.support.spreadsheets import xlsx_sheets

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def commissioner(app: Flask, session: Session) -> FlaskClient:
    return signed_in_client(app, session, "routes@nhs.example", Role.COMMISSIONER)


def test_the_guide_quotes_its_sources_and_names_the_section_33_rule_set() -> None:
    guide = procurement_guide()
    assert guide.caveat.startswith("The preferred-provider profile is a policy lens, not a legal status.")
    routes = {route.id: route for route in guide.routes}
    assert set(routes) == {"procurement-act-2023-s33", "provider-selection-regime", "social-value-act-2012"}
    assert routes["procurement-act-2023-s33"].ruleset == "public-service-mutual-procurement-act"
    assert "is under the management and control of its employees" in routes["procurement-act-2023-s33"].summary
    assert "at most 5 years" in routes["procurement-act-2023-s33"].summary
    for route in guide.routes:
        assert route.source.url.startswith(("https://www.legislation.gov.uk/", "http://www.legislation.gov.uk/"))
        assert route.source.published[:4].isdigit()


def test_commission_shows_the_caveat_and_the_legal_routes_beside_the_filter(commissioner: FlaskClient) -> None:
    page = checked_page(commissioner.get("/commission"))
    box = page.select_one(".registry-legal-routes")
    assert box is not None
    assert "policy lens, not a legal status" in box.get_text()
    links = {a.get_text(strip=True): a["href"] for a in box.find_all("a")}
    assert links["Procurement Act 2023, section 33 (Reserved contracts)"] == (
        "https://www.legislation.gov.uk/ukpga/2023/54/section/33"
    )
    assert any("Provider Selection Regime" in title for title in links)
    assert any("Social Value" in title for title in links)
    assert "Reserved contracts for public service mutuals" in text_of(page)


def test_every_export_carries_the_caveat_and_the_routes(commissioner: FlaskClient) -> None:
    caveat = procurement_guide().caveat
    rows = list(csv.DictReader(io.StringIO(commissioner.get("/commission/results.csv").get_data(as_text=True))))
    assert rows and all(row["About the verdicts"] == caveat for row in rows)

    body = json.loads(commissioner.get("/commission/results.json").get_data(as_text=True))
    assert body["meta"]["verdicts_note"] == caveat
    assert [route["id"] for route in body["meta"]["legal_routes"]] == [r.id for r in procurement_guide().routes]

    about = xlsx_sheets(commissioner.get("/commission/results.xlsx").get_data())["About"]
    assert ["Verdicts", caveat] in about
    assert sum(1 for row in about if row[0] == "Legal route") == len(procurement_guide().routes)
