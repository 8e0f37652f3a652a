"""Exports and the market overview, read back and compared with the database: CSV and JSON parsed with the standard
library, the Excel workbook unzipped, and every count checked against a direct query."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Assessment, ListingStatus, Organisation, Role, Service, ServiceArea, ServiceType, User
from registry.services import exports, shortlists
from registry.services.listings import get_listing, listing_as_dict
from registry.services.market import market_overview
from tests.support.accounts import make_user, sign_in
from tests.support.commissioning import FUND_OWNED, PREFERRED_PROVIDER, SHEFFIELD, serves
from tests.support.factories import make_listing
from tests.support.pages import checked_page
from tests.support.spreadsheets import xlsx_sheets

TODAY = datetime.now(UTC).date().isoformat()


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def signed_in(app: Flask, session: Session) -> FlaskClient:
    make_user(session, "exports@nhs.example", Role.COMMISSIONER)
    client = app.test_client()
    assert sign_in(client, "exports@nhs.example").status_code == 302
    return client


@pytest.fixture
def listings(session: Session) -> list[str]:
    made = [
        make_listing(
            session,
            "export-co-op",
            **copy.deepcopy(PREFERRED_PROVIDER),
            services=[{"code": "hsc-homecare", "description": "Visits; at home"}],
            service_areas=serves(SHEFFIELD),
            trading_names=["Export Co-op", "Café Coöp"],
            identifiers=[{"scheme": "GB-MPR", "value": "RS007001"}],
        ),
        make_listing(
            session,
            "export-fund",
            **copy.deepcopy(FUND_OWNED),
            name='=HYPERLINK("http://example.com") Care',
            services=[{"code": "hsc-homecare"}],
            service_areas=serves(SHEFFIELD),
        ),
    ]
    return [org.slug for org in made]


def _database_verdicts(session: Session, slug: str) -> dict[str, str]:
    return dict(
        session.execute(
            select(Assessment.ruleset_id, Assessment.verdict)
            .join(Organisation, Organisation.id == Assessment.organisation_id)
            .where(Organisation.slug == slug)
        ).all()
    )


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------------------------------------------
# CSV


def test_the_results_csv_has_every_field_and_verdict_of_each_listing_with_the_licence_and_date(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    response = signed_in.get("/commission/results.csv?area=Sheffield&sort=name")
    assert response.is_streamed
    assert 'filename="registry-providers-' in response.headers["Content-Disposition"]
    rows = {row["slug"]: row for row in _csv(response)}
    serving_sheffield = set(
        session.scalars(
            select(Organisation.slug)
            .join(ServiceArea)
            .where(ServiceArea.local_authority_code == SHEFFIELD["code"], Organisation.status == "published")
        )
    )
    assert set(rows) == serving_sheffield

    row = rows["export-co-op"]
    org = get_listing(session, "export-co-op")
    assert org is not None
    data = listing_as_dict(org)
    assert row["name"] == data["name"]
    assert row["trading_names"] == "Export Co-op; Café Coöp"
    assert row["legal_form"] == "co_operative_society"
    assert row["legal_form_label"] == data["legal_form"]["label"]
    assert row["size_employees"] == "40"
    assert row["size_turnover_gbp"] == "1200000"
    assert row["financial_rules_asset_lock"] == "constitutional"
    assert row["identifier_list"] == "GB-MPR RS007001"
    assert row["service_codes"] == "hsc-homecare"
    assert row["service_area_codes"] == SHEFFIELD["code"]
    assert json.loads(row["member_classes"]) == data["member_classes"]
    assert json.loads(row["services"]) == data["services"]
    assert json.loads(row["structure_details"]) == data["structure_details"]
    assert row["url"] == "http://localhost/organisations/export-co-op"
    assert row["updated_at"] == data["updated_at"]
    for ruleset_id, verdict in _database_verdicts(session, "export-co-op").items():
        assert row[f"verdict_{ruleset_id}"] == verdict
    assert row["verdict_preferred-provider"] == "meets"
    assert "ODC-By 1.0" in row["licence"] and "https://opendatacommons.org/licenses/by/1-0/" in row["licence"]
    assert row["exported_at"].startswith(TODAY)


def test_exports_read_each_listing_exactly_as_the_api_shapes_it(session: Session, listings: list[str]) -> None:
    ids = list(session.scalars(select(Organisation.id).where(Organisation.status == "published")))
    plain = {record.slug: listing_as_dict(record) for record in exports.plain_listings(session, ids)}
    assert len(plain) == len(ids)
    for slug, data in plain.items():
        org = get_listing(session, slug)
        assert org is not None
        assert data == listing_as_dict(org), slug


def test_every_field_of_a_listing_has_a_column() -> None:
    columns = exports.export_columns()
    for key in listing_as_dict(_empty_listing()):
        assert any(column == key or column.startswith(f"{key}_") for column in columns), key


def _empty_listing() -> Organisation:
    org = Organisation(slug="x", name="x", trading_names=[], structure_details={}, status="published")
    org.updated_at = datetime.now(UTC)
    return org


def test_text_a_spreadsheet_would_run_as_a_formula_is_made_harmless(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    rows = {row["slug"]: row for row in _csv(signed_in.get("/commission/results.csv?area=Sheffield"))}
    assert rows["export-fund"]["name"] == '\'=HYPERLINK("http://example.com") Care'


def test_results_exports_follow_the_chosen_order_and_include_every_page(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    rows = _csv(signed_in.get("/commission/results.csv?area=Sheffield&sort=size&order=desc&per_page=1&page=2"))
    assert rows[0]["slug"] == "export-fund"
    assert len(rows) > 1


def test_a_shortlist_exports_its_published_listings_in_order_with_the_notes(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    owner = session.scalars(select(User).where(User.email == "exports@nhs.example")).one()
    shortlist = shortlists.create_shortlist(session, owner, "Export me")
    for slug, note in (("export-fund", "Check the owners"), ("export-co-op", 'Line one\nline two, "quoted"')):
        shortlists.add_to_shortlist(session, shortlist, get_listing(session, slug), note)  # type: ignore[arg-type]
    withdrawn = make_listing(session, "export-withdrawn")
    shortlists.add_to_shortlist(session, shortlist, withdrawn)
    withdrawn.status = ListingStatus.WITHDRAWN
    session.commit()
    shortlist_id = shortlist.id

    rows = _csv(signed_in.get(f"/commission/shortlists/{shortlist_id}/export.csv"))
    assert [(r["slug"], r["shortlist_note"]) for r in rows] == [
        ("export-fund", "Check the owners"),
        ("export-co-op", 'Line one\nline two, "quoted"'),
    ]

    body = json.loads(signed_in.get(f"/commission/shortlists/{shortlist_id}/export.json").get_data())
    assert body["meta"]["title"] == "Shortlist: Export me"
    assert [(item["slug"], item["shortlist_note"]) for item in body["data"]] == [
        ("export-fund", "Check the owners"),
        ("export-co-op", 'Line one\nline two, "quoted"'),
    ]
    assert body["total"] == 2


# ---------------------------------------------------------------------------------------------------
# JSON


def test_the_results_json_is_every_listing_as_the_api_gives_it_with_verdicts_licence_and_date(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    response = signed_in.get("/commission/results.json?area=Sheffield&eligible=meets&eligible=does_not_meet")
    assert response.is_streamed
    body = json.loads(response.get_data())
    meta = body["meta"]
    assert meta["licence"] == {
        "name": "Open Data Commons Attribution License v1.0 (ODC-By 1.0)",
        "url": "https://opendatacommons.org/licenses/by/1-0/",
    }
    assert "Co-operatives UK" in meta["attribution"]
    assert meta["exported_at"].startswith(TODAY)
    assert "Sheffield" in meta["described_as"]
    assert next(iter(meta["rulesets"])) == "preferred-provider"
    items = {item["slug"]: item for item in body["data"]}
    assert {"export-co-op", "export-fund"} <= set(items)
    assert body["total"] == len(body["data"])
    for slug in ("export-co-op", "export-fund"):
        item = items[slug]
        org = get_listing(session, slug)
        assert org is not None
        expected = json.loads(json.dumps(listing_as_dict(org)))
        assert {key: item[key] for key in expected} == expected
        assert {a["ruleset_id"]: a["verdict"] for a in item["assessments"]} == _database_verdicts(session, slug)
    fund = {a["ruleset_id"]: a for a in items["export-fund"]["assessments"]}["preferred-provider"]
    assert fund["verdict"] == "does_not_meet"
    assert fund["failing_findings"] and all(f["citation"] for f in fund["failing_findings"])


def test_an_export_with_bad_filters_is_refused(signed_in: FlaskClient) -> None:
    response = signed_in.get("/commission/results.csv?area=Atlantis", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "area" in response.json["error"]["fields"]
    assert signed_in.get("/commission/results.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------------
# Excel


def test_the_excel_workbook_has_the_listings_and_an_about_sheet_with_the_licence(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    response = signed_in.get("/commission/results.xlsx?area=Sheffield&sort=name")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = xlsx_sheets(response.get_data())
    assert list(sheets) == ["About", "Listings"]
    about = {row[0]: row[1] for row in sheets["About"]}
    assert "ODC-By 1.0" in about["Licence"]
    assert about["Exported at"].startswith(TODAY)
    header, *rows = sheets["Listings"]
    assert header == exports.export_columns()
    by_slug = {row[0]: dict(zip(header, row, strict=False)) for row in rows}
    assert by_slug["export-co-op"]["verdict_preferred-provider"] == "meets"
    assert by_slug["export-fund"]["name"] == '=HYPERLINK("http://example.com") Care'  # kept as text, never a formula


# ---------------------------------------------------------------------------------------------------
# The market overview


def _service_groups(session: Session) -> dict[str, str]:
    parents = dict(session.execute(select(ServiceType.code, ServiceType.parent_code)).all())

    def top(code: str) -> str:
        while parents.get(code):
            code = parents[code]  # type: ignore[assignment]
        return code

    return {code: top(code) for code in parents}


def test_the_overview_counts_equal_direct_queries(session: Session, listings: list[str]) -> None:
    overview = market_overview(session)
    published = select(Organisation).where(Organisation.status == ListingStatus.PUBLISHED)
    orgs = session.scalars(published.options(selectinload(Organisation.assessments))).all()
    assert overview.total == len(orgs)

    verdicts = Counter(
        next((a.verdict for a in org.assessments if a.ruleset_id == "preferred-provider"), "not_assessed")
        for org in orgs
    )
    assert {k: v for k, v in overview.by_verdict.items() if v} == dict(verdicts)
    assert {r.code: r.total for r in overview.regions if r.total} == dict(Counter(o.region_code or "" for o in orgs))
    assert {r.code: r.total for r in overview.legal_forms} == dict(Counter(o.legal_form_code or "" for o in orgs))
    for row in overview.regions:
        for verdict, count in row.by_verdict.items():
            direct = session.scalar(
                select(func.count(Organisation.id))
                .outerjoin(
                    Assessment,
                    (Assessment.organisation_id == Organisation.id) & (Assessment.ruleset_id == "preferred-provider"),
                )
                .where(
                    Organisation.status == ListingStatus.PUBLISHED,
                    (Organisation.region_code == row.code) if row.code else Organisation.region_code.is_(None),
                    func.coalesce(Assessment.verdict, "not_assessed") == verdict,
                )
            )
            assert count == direct, (row.code, verdict)

    groups = _service_groups(session)
    offered: dict[str, set[int]] = {}
    for org_id, code in session.execute(
        select(Service.organisation_id, Service.service_type_code)
        .join(Organisation)
        .where(Organisation.status == ListingStatus.PUBLISHED)
    ):
        offered.setdefault(groups[code], set()).add(org_id)
    without = sum(1 for org in orgs if org.id not in set().union(*offered.values()))
    expected = {group: len(ids) for group, ids in offered.items()} | ({"": without} if without else {})
    assert {r.code: r.total for r in overview.service_groups} == expected
    assert sum(n for *_, n in overview.cube) == sum(expected.values())


def test_the_overview_page_draws_accessible_charts_each_with_its_table(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    page = checked_page(signed_in.get("/commission/overview?area=Sheffield"))
    serving = session.scalar(
        select(func.count(func.distinct(Organisation.id)))
        .join(ServiceArea)
        .where(ServiceArea.local_authority_code == SHEFFIELD["code"], Organisation.status == "published")
    )
    assert page.select_one("#overview-summary").get_text().startswith(f"{serving} listings")
    charts = page.select("svg.registry-chart__svg[role=img]")
    assert len(charts) == 5
    for svg in charts:
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text(strip=True)
        assert svg.find("desc", id=desc_id).get_text(strip=True)
    tables = {t["id"] for t in page.select("table[id]")}
    assert tables == {
        "overview-verdicts-table",
        "overview-regions-table",
        "overview-legal-forms-table",
        "overview-services-table",
    }
    regions = page.select_one("#overview-regions-table")
    totals = {tr.th.get_text(strip=True): int(tr.select("td")[-1].get_text()) for tr in regions.select("tbody tr")}
    assert sum(totals.values()) == serving
    in_yorkshire = session.scalar(
        select(func.count(func.distinct(Organisation.id)))
        .join(ServiceArea)
        .where(ServiceArea.local_authority_code == SHEFFIELD["code"], Organisation.region_code == "E12000003")
    )
    assert totals["Yorkshire and The Humber"] == in_yorkshire
    yorkshire = next(tr for tr in regions.select("tbody tr") if "Yorkshire" in tr.th.get_text())
    assert yorkshire.th.a["href"] == "/commission?region=E12000003"
    tiles = page.select("#overview-map-title")
    assert tiles and len(page.select("svg[aria-labelledby^=overview-map] g")) == 12

    counts = signed_in.get("/commission/overview?area=Sheffield", headers={"Accept": "application/json"}).json
    assert counts["data"]["total"] == serving
    assert sum(r["listings"] for r in counts["data"]["cube"]) >= serving


def test_the_public_about_data_page_shows_the_summary_charts(client: FlaskClient, session: Session) -> None:
    page = checked_page(client.get("/about/data"))
    published = session.scalar(select(func.count()).select_from(Organisation).where(Organisation.status == "published"))
    assert re.match(rf"{published} listings?,", page.select_one("#overview-summary").get_text())
    assert len(page.select("svg.registry-chart__svg[role=img]")) == 5
    assert page.select_one("#summary-regions-table")


# ---------------------------------------------------------------------------------------------------
# The machine-readable JSON export does not change when the CSV and Excel exports are reworded

GOLDEN_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "exports" / "shortlist.json"


def _without_dates(body: dict[str, Any]) -> dict[str, Any]:
    body["meta"]["exported_at"] = "EXPORTED_AT"
    for item in body["data"]:
        item["updated_at"] = "UPDATED_AT"
    return body


def test_the_json_export_of_a_shortlist_is_exactly_what_it_was(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    """The JSON export is the machine-readable one: its keys, order and values stay as captured before the CSV
    and Excel exports were put into words. Rewrite the file (REGISTRY_WRITE_GOLDEN=1) only when the listing
    shape, a rule set or the procurement routes change on purpose."""
    owner = session.scalars(select(User).where(User.email == "exports@nhs.example")).one()
    shortlist = shortlists.create_shortlist(session, owner, "Golden")
    for slug, note in (("export-co-op", "First"), ("export-fund", "Second")):
        shortlists.add_to_shortlist(session, shortlist, get_listing(session, slug), note)  # type: ignore[arg-type]
    session.commit()
    body = _without_dates(json.loads(signed_in.get(f"/commission/shortlists/{shortlist.id}/export.json").get_data()))
    text = json.dumps(body, ensure_ascii=False, indent=1) + "\n"
    if os.environ.get("REGISTRY_WRITE_GOLDEN"):
        GOLDEN_JSON.write_text(text, encoding="utf-8")
    assert text == GOLDEN_JSON.read_text(encoding="utf-8")
