"""Exports and the market overview, read back and compared with the database: CSV and JSON parsed with the standard
library, the Excel workbook unzipped, and every count checked against a direct query."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.domain import labels
from registry.domain.export_columns import export_columns_spec
from registry.models import (
    LISTING_RECORD_LISTS,
    Assessment,
    ListingStatus,
    Organisation,
    Role,
    Service,
    ServiceArea,
    ServiceType,
    User,
)
from registry.services import exports, shortlists
from registry.services.commissioners import ruleset_titles
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
            locations=[
                {
                    "name": "Office",
                    "address": "1 Street",
                    "postcode": "S1 2HE",
                    "latitude": 53.38,
                    "longitude": -1.47,
                    "local_authority_code": SHEFFIELD["code"],
                    "region_code": "E12000003",
                    "is_registered_office": True,
                }
            ],
            sources=[
                {
                    "title": "Annual report",
                    "publisher": "Itself",
                    "url": "https://example.org/report",
                    "published": "2021",
                    "licence": "OGL",
                    "note": "Page 3",
                    "facts": ["services", "member_classes", "size"],
                }
            ],
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


def _in_words(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """CSV rows keyed by the listing's slug, each cell by the code of its column (the header is in words)."""
    codes = {
        column.label: column.code for column in export_columns_spec().listing_columns(ruleset_titles(), True, True)
    }
    return {row["Registry ID"]: {codes[header]: value for header, value in row.items()} for row in rows}


def test_the_results_csv_is_in_words_one_row_per_listing_with_every_field_verdict_licence_and_date(
    signed_in: FlaskClient, session: Session, listings: list[str]
) -> None:
    response = signed_in.get("/commission/results.csv?area=Sheffield&sort=name")
    assert response.is_streamed
    assert 'filename="registry-providers-' in response.headers["Content-Disposition"]
    parsed = _csv(response)
    assert list(parsed[0])[:8] == [
        "Registry ID",
        "Name",
        "Page on the registry",
        "Other names",
        "Legal form",
        "Registered numbers",
        "Governance model",
        "Preferred-provider verdict",
    ]
    assert "Verdict: Co-operative identity (ICA principles)" in parsed[0]
    rows = _in_words(parsed)
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
    assert row["legal_form"] == "Co-operative society"
    assert row["governance_model"] == data["governance_model"]["label"]
    assert row["identifiers"] == "FCA Mutuals Public Register number: RS007001"
    assert row["member_classes"] == "People who need support; Paid care staff; Unpaid carers"
    assert row["board_seats"].startswith("3 \N{MULTIPLICATION SIGN} board member: elected by People who need support; ")
    assert row["services"] == "Homecare (domiciliary care)" == data["services"][0]["label"]
    assert row["service_areas"] == "Sheffield"
    assert row["size_employees"] == "40"
    assert row["size_turnover_gbp"] == "1200000"
    assert row["financial_rules_asset_lock"] == "Asset lock in the organisation's own rules"
    assert row["financial_rules_distribution_basis"] == "In proportion to members' trade with the organisation"
    assert row["origin_type"] == "Started independently"
    assert row["registered_status"] == "Trading"
    assert row["status"] == "Published"
    assert "It delivers public services: yes" in row["structure_details"]
    assert "Profits: Pays share interest: no" in row["structure_details"]
    assert row["url"] == "http://localhost/organisations/export-co-op"
    assert row["updated_at"] == data["updated_at"]
    for ruleset_id, verdict in _database_verdicts(session, "export-co-op").items():
        assert row[f"verdict_{ruleset_id}"] == labels.VERDICT[verdict]
    assert row["verdict_preferred-provider"] == "Meets"
    assert rows["export-fund"]["verdict_preferred-provider"] == "Does not meet"
    assert rows["export-fund"]["significant_controls"].startswith("Synthetic Fund LP: voting rights 75 to 100 percent")
    assert "ODC-By 1.0" in row["licence"] and "https://opendatacommons.org/licenses/by/1-0/" in row["licence"]
    assert row["exported_at"].startswith(TODAY)


def test_no_cell_of_the_csv_or_the_workbook_holds_json(signed_in: FlaskClient, listings: list[str]) -> None:
    cells = [value for row in _csv(signed_in.get("/commission/results.csv")) for value in row.values()]
    sheets = xlsx_sheets(signed_in.get("/commission/results.xlsx").get_data())
    cells += [value for rows in sheets.values() for row in rows for value in row]
    assert cells
    for value in cells:
        try:
            parsed = json.loads(value)
        except ValueError:
            continue
        assert not isinstance(parsed, dict | list), value


def test_exports_read_each_listing_exactly_as_the_api_shapes_it(session: Session, listings: list[str]) -> None:
    ids = list(session.scalars(select(Organisation.id).where(Organisation.status == "published")))
    plain = {record.slug: listing_as_dict(record) for record in exports.plain_listings(session, ids)}
    assert len(plain) == len(ids)
    for slug, data in plain.items():
        org = get_listing(session, slug)
        assert org is not None
        assert data == listing_as_dict(org), slug


def test_every_field_of_a_listing_has_a_column_in_the_open_data_and_in_words() -> None:
    listing = listing_as_dict(_empty_listing())
    machine = exports.export_columns()
    spec = export_columns_spec()
    in_words = {column.code for column in spec.listing_columns(ruleset_titles(), True, True)}
    for key, value in listing.items():
        assert any(column == key or column.startswith(f"{key}_") for column in machine), key
        if isinstance(value, dict) and key != "structure_details" and key not in ("legal_form", "region"):
            continue  # a group: each of its fields has a column
        assert key in in_words, key
    for group in ("origin", "size", "financial_rules", "charity"):
        assert {f"{group}_{key}" for key in listing[group]} <= in_words, group
    assert {sheet.code for sheet in spec.sheets} == set(LISTING_RECORD_LISTS)


def test_each_record_of_a_listing_has_its_every_field_on_its_sheet(session: Session, listings: list[str]) -> None:
    org = get_listing(session, "export-co-op")
    fund = get_listing(session, "export-fund")
    assert org is not None and fund is not None
    for sheet in export_columns_spec().sheets:
        records = listing_as_dict(org)[sheet.code] + listing_as_dict(fund)[sheet.code]
        assert records, sheet.code
        for record in records:
            shown = {column.code for column in sheet.columns}
            assert shown == set(record) - LEFT_OUT.get(sheet.code, set()), sheet.code


# Codes a sheet leaves out because a column beside them says the same in words.
LEFT_OUT = {"services": {"code"}, "locations": {"local_authority_code", "region_code"}}


def _empty_listing() -> Organisation:
    org = Organisation(slug="x", name="x", trading_names=[], structure_details={}, status="published")
    org.updated_at = datetime.now(UTC)
    return org


def test_text_a_spreadsheet_would_run_as_a_formula_is_made_harmless(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    rows = _in_words(_csv(signed_in.get("/commission/results.csv?area=Sheffield")))
    assert rows["export-fund"]["name"] == '\'=HYPERLINK("http://example.com") Care'


def test_results_exports_follow_the_chosen_order_and_include_every_page(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    rows = _csv(signed_in.get("/commission/results.csv?area=Sheffield&sort=size&order=desc&per_page=1&page=2"))
    assert rows[0]["Registry ID"] == "export-fund"
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
    assert [(r["Registry ID"], r["Shortlist note"]) for r in rows] == [
        ("export-fund", "Check the owners"),
        ("export-co-op", 'Line one\nline two, "quoted"'),
    ]
    sheets = xlsx_sheets(signed_in.get(f"/commission/shortlists/{shortlist_id}/export.xlsx").get_data())
    assert [row[0] for row in sheets["Listings"][1:]] == ["export-fund", "export-co-op"]

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


def test_the_excel_workbook_has_an_about_sheet_the_listings_in_words_and_a_sheet_per_kind_of_record(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    response = signed_in.get("/commission/results.xlsx?area=Sheffield&sort=name")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = xlsx_sheets(response.get_data())
    spec = export_columns_spec()
    assert list(sheets) == ["About", "Listings", *(sheet.title for sheet in spec.sheets)]
    about = {row[0]: row[1] for row in sheets["About"]}
    assert "ODC-By 1.0" in about["Licence"]
    assert about["Exported at"].startswith(TODAY)
    assert "Member classes" in about["Sheets"]
    header, *rows = sheets["Listings"]
    assert header == [column.label for column in spec.listing_columns(ruleset_titles())]
    by_slug = {row[0]: dict(zip(header, row, strict=False)) for row in rows}
    assert by_slug["export-co-op"]["Preferred-provider verdict"] == "Meets"
    assert by_slug["export-co-op"]["Member classes"] == "People who need support; Paid care staff; Unpaid carers"
    assert by_slug["export-fund"]["Name"] == '=HYPERLINK("http://example.com") Care'  # kept as text, never a formula

    classes = sheets["Member classes"]
    assert classes[0] == ["Registry ID", "Name", *(c.label for c in spec.sheets[1].columns)]
    co_op = [row for row in classes[1:] if row[0] == "export-co-op"]
    assert [row[1:6] for row in co_op] == [
        ["Export Co Op", "People who need support", "Service users and patients", "60", "One member, one vote"],
        ["Export Co Op", "Paid care staff", "Staff", "40", "One member, one vote"],
        ["Export Co Op", "Unpaid carers", "Unpaid carers", "25", "One member, one vote"],
    ]
    board = [row for row in sheets["Board"][1:] if row[0] == "export-co-op"]
    assert board[0][3:6] == ["3", "Elected", "People who need support"]
    assert len(board) == 4
    assert [row[2:4] for row in sheets["Registered numbers"][1:] if row[0] == "export-co-op"] == [
        ["FCA Mutuals Public Register number", "RS007001"]
    ]
    assert [row[2:] for row in sheets["Services"][1:] if row[0] == "export-co-op"] == [
        ["Homecare (domiciliary care)", "Visits; at home"]
    ]
    assert [row[2:] for row in sheets["Places"][1:] if row[0] == "export-co-op"] == [
        ["Office", "1 Street", "S1 2HE", "yes", "53.38", "-1.47"]
    ]
    assert [row[2:] for row in sheets["Sources"][1:] if row[0] == "export-co-op"] == [
        [
            "Annual report",
            "Itself",
            "2021",
            "https://example.org/report",
            "OGL",
            "Services; Member classes; Size",
            "Page 3",
        ]
    ]
    control = [row for row in sheets["Significant control"][1:] if row[0] == "export-fund"]
    assert control[0][2:5] == ["Synthetic Fund LP", "voting rights 75 to 100 percent", ""]


def test_every_sheet_of_the_workbook_has_a_frozen_header_filters_and_widths(
    signed_in: FlaskClient, listings: list[str]
) -> None:
    with zipfile.ZipFile(io.BytesIO(signed_in.get("/commission/results.xlsx").get_data())) as book:
        names = sorted(name for name in book.namelist() if name.startswith("xl/worksheets/sheet"))
        assert len(names) == 2 + len(export_columns_spec().sheets)
        for name in names[1:]:  # the About sheet is two columns of text
            xml = book.read(name).decode()
            assert re.search(r'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>', xml), name
            assert "<autoFilter ref=" in xml, name
            assert re.search(r'<col min="1" max="1" width="30', xml), name


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
