"""A new registry's first run: the curated listings and the Co-operatives UK open data, loaded once, merged
where they are the same organisation, located, dated, and searchable (closed organisations only when asked)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from registry import create_app
from registry.extensions import db
from registry.models import Location, Organisation
from registry.models.imports import ImportRun
from tests.support.database import scratch_database
from tests.support.pages import checked_page

# Postcode areas of the places the checks below search around and of the listings they expect.
AREAS = ("IP", "CF", "SY", "KT", "TR", "SN")


@pytest.fixture(scope="module")
def first_run(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A scratch database set up as `flask init` does, with a gazetteer of a few postcode areas."""
    from registry.services.default_data import load_default_data
    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.reference_data import load_reference_data
    from registry.services.search_index import ensure_index
    from registry.services.seed import load_seed

    tmp_path = tmp_path_factory.mktemp("first-run")
    with scratch_database(database_url, tmp_path) as url:
        app = create_app(
            {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "SERVER_NAME": "localhost"}
        )
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            load_reference_data(db.session)
            db.session.commit()
            build_gazetteer(db.session, areas=AREAS)
            load_seed(db.session)
            db.session.commit()
            load_default_data(db.session, report_dir=tmp_path)
            load_seed(db.session)
            ensure_index(db.session)
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_second_run_does_no_work(first_run: Flask, tmp_path: Path) -> None:
    from registry.services.default_data import load_default_data
    from registry.services.seed import load_seed

    with first_run.app_context():
        runs = db.session.scalar(select(func.count()).select_from(ImportRun))
        assert load_default_data(db.session, report_dir=tmp_path) is None
        report = load_seed(db.session)
        assert not report.created and not report.updated
        assert db.session.scalar(select(func.count()).select_from(ImportRun)) == runs
        db.session.rollback()


def test_the_first_run_is_a_directory_of_real_organisations(first_run: Flask) -> None:
    with first_run.app_context():
        listings = db.session.scalar(select(func.count()).select_from(Organisation))
        located = db.session.scalar(
            select(func.count(func.distinct(Location.organisation_id))).where(Location.latitude.is_not(None))
        )
        assert listings is not None and listings >= 180
        assert located  # only a few postcode areas are in this gazetteer
        by_nation: dict[str, int] = {}
        for region, count in db.session.execute(
            select(Organisation.region_code, func.count()).group_by(Organisation.region_code)
        ):
            by_nation[(region or "")[:1]] = by_nation.get((region or "")[:1], 0) + count
        for nation in "WSN":
            assert by_nation[nation] >= 3


def test_curated_and_imported_rows_of_one_organisation_are_one_listing_with_every_source(first_run: Flask) -> None:
    client = first_run.test_client()
    shropdoc = client.get("/api/v1/organisations/shropdoc").json["data"]
    titles = [s["title"] for s in shropdoc["sources"]]
    assert "Co-operatives UK open data: organisations" in titles
    assert any("inspection summary" in t for t in titles)  # a curated source kept
    assert shropdoc["provenance"] == "seed"
    imported = next(s for s in shropdoc["sources"] if s["title"] == "Co-operatives UK open data: organisations")
    assert imported["published"] == "2017-06" and imported["licence"] == "ODC-By 1.0"
    assert "identifiers" in imported["facts"]
    with first_run.app_context():
        names = db.session.scalars(select(Organisation.name).where(Organisation.name.ilike("%shropshire doctors%")))
        assert len(list(names)) == 1


def test_imported_facts_name_their_source_and_its_date(first_run: Flask) -> None:
    client = first_run.test_client()
    with first_run.app_context():
        slug = db.session.scalar(select(Organisation.slug).where(Organisation.provenance == "imported").limit(1))
    listing = client.get(f"/api/v1/organisations/{slug}").json["data"]
    assert listing["sources"] and all(s["facts"] and s["published"] for s in listing["sources"])


def test_a_registered_office_postcode_is_a_map_position_found_nearby(first_run: Flask) -> None:
    client = first_run.test_client()
    body = client.get("/api/v1/organisations?near=IP2%208EZ&match=based").json
    leading = next(i for i in body["data"] if i["slug"] == "leading-lives")
    assert leading["distance_km"] is not None and leading["distance_km"] <= 1
    cardiff = client.get("/api/v1/organisations?near=CF10%201AA").json
    assert "cartrefi-cymru-co-operative" in [i["slug"] for i in cardiff["data"]]


def test_closed_organisations_are_found_only_when_asked_for(first_run: Flask) -> None:
    client = first_run.test_client()
    assert client.get("/api/v1/organisations?q=Peninsula").json["meta"]["total"] == 0
    found = client.get("/api/v1/organisations?q=Peninsula&include_closed=yes").json["data"]
    assert [i["slug"] for i in found] == ["peninsula-community-health-cic"]
    listing = client.get("/api/v1/organisations/peninsula-community-health-cic").json["data"]
    assert listing["registered_status"] == "dissolved" and listing["dissolved_on"] == "2016-04"
    assert any("dissolved_on" in s["facts"] and s["published"].startswith("2016") for s in listing["sources"])
    response = client.get("/organisations/peninsula-community-health-cic")
    checked_page(response)
    page = response.get_data(as_text=True)
    assert "Closed" in page or "Dissolved" in page
