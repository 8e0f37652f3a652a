"""``/data``: the bulk downloads read back and compared with the database, and the page that offers them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ListingStatus, Organisation
from registry.services.exports import export_columns
from registry.services.importers import CoopsUkImporter, run_import
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SOURCE_LICENCES = ("ODC-By 1.0", "Open Government Licence v3.0", "CC BY 4.0")


def published(session: Session) -> dict[str, Organisation]:
    return {
        org.slug: org
        for org in session.scalars(select(Organisation).where(Organisation.status == ListingStatus.PUBLISHED))
    }


def with_imported_and_draft_listings(session: Session, tmp_path: Path) -> None:
    run_import(session, CoopsUkImporter(FIXTURES / "open_data_organisations_2017-06.csv"), report_dir=tmp_path)
    make_listing(session, "a-draft-listing", status=ListingStatus.DRAFT)


def test_data_page_offers_the_downloads_and_states_every_source_licence(client: FlaskClient) -> None:
    page = checked_page(client.get("/data"))

    assert page.h1.get_text(strip=True) == "Open data"
    links = {a["href"] for a in page.select("main a[href]")}
    assert {"/data/listings.csv", "/data/listings.json", "/data/licence.txt"} <= links
    text = text_of(page)
    for words in (*SOURCE_LICENCES, "Co-operatives UK", "Office for National Statistics", "GeoNames", "Royal Mail"):
        assert words in text


def test_csv_has_a_row_per_published_listing_with_stable_columns_and_the_licence(
    client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    with_imported_and_draft_listings(session, tmp_path)
    response = client.get("/data/listings.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="health-care-mutuals-listings-')
    assert 'rel="license"' in response.headers["Link"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # so spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == export_columns()

    listings = published(session)
    assert {row["slug"] for row in rows} == set(listings)
    assert len(rows) == len(listings)
    assert "a-draft-listing" not in {row["slug"] for row in rows}
    for row in rows:
        org = listings[row["slug"]]
        assert row["name"] == org.name
        assert row["legal_form"] == (org.legal_form_code or "")
        assert row["region"] == (org.region_code or "")
        assert row["registered_status"] == org.registered_status
        assert row["url"] == f"http://localhost/organisations/{org.slug}"
        assert "ODC-By 1.0" in row["licence"]
    dissolved = next(row for row in rows if row["name"] == "Derby Community Nurses Ltd")
    assert (dissolved["registered_status"], dissolved["dissolved_on"]) == ("dissolved", "2017-03-14")
    assert json.loads(dissolved["sources"])[0]["licence"] == "ODC-By 1.0"


def test_json_has_the_licence_and_attribution_at_the_top_then_every_published_listing(
    client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    with_imported_and_draft_listings(session, tmp_path)
    response = client.get("/data/listings.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert list(document)[:4] == ["title", "generated_at", "licence", "attribution"]
    assert "ODC-By 1.0" in document["licence"]["name"]
    licences = " ".join(source["licence"] for source in document["attribution"]["sources"])
    for licence in SOURCE_LICENCES:
        assert licence in licences
    assert "GeoNames" in document["attribution"]["statement"]

    listings = published(session)
    assert document["count"] == len(document["listings"]) == len(listings)
    for item in document["listings"]:
        org = listings[item["slug"]]
        assert item["name"] == org.name
        assert (item["legal_form"] or {}).get("code") == org.legal_form_code
        assert [(i["scheme"], i["value"]) for i in item["identifiers"]] == [
            (i.scheme_code, i.value) for i in org.identifiers
        ]
        assert len(item["locations"]) == len(org.locations)
        assert item["url"].endswith(f"/organisations/{org.slug}")
    homecare = next(item for item in document["listings"] if item["name"] == "Sheffield Homecare Co-operative Limited")
    assert homecare["provenance"] == "imported"
    assert homecare["locations"][0]["postcode"] == "S1 2HE"


def test_licence_note_names_every_source_with_its_licence(client: FlaskClient) -> None:
    response = client.get("/data/licence.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    note = response.get_data(as_text=True)
    for words in (*SOURCE_LICENCES, "Co-operatives UK", "Contains OS data", "GeoNames", "FCA Mutuals Public Register"):
        assert words in note
