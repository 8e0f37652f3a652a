"""Migrations upgrade an existing, populated database: one created at the first migration keeps its data,
gains the later tables, and after ``init`` its listings are searchable."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from registry import create_app
from registry.domain.paging import PageRequest
from registry.domain.search_query import SearchQuery
from registry.extensions import db
from registry.services.reference_data import load_reference_data
from registry.services.search import search_listings
from tests.support.database import scratch_database

FIRST_REVISION = "0001"


def test_a_database_made_at_the_first_migration_upgrades_with_its_data(database_url: str, tmp_path: Path) -> None:
    with scratch_database(database_url, tmp_path) as url:
        app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        directory = app.extensions["migrate"].directory
        with app.app_context():
            upgrade(directory=directory, revision=FIRST_REVISION)
            load_reference_data(db.session())
            db.session.execute(
                text(
                    "INSERT INTO organisation (slug, name, trading_names, legal_form_code, status, verification, "
                    "registered_status, provenance, description, structure_details, version) VALUES "
                    "('old-co-op', 'Old Town Care Co-operative', '[]', 'co_operative_society', 'published', "
                    "'unverified', 'active', 'self_registered', 'Homecare owned by its workers', '{}', 1)"
                )
            )
            db.session.commit()

            upgrade(directory=directory)
            runner = app.test_cli_runner()
            result = runner.invoke(args=["init", "--skip-gazetteer"])
            assert result.exit_code == 0, result.output
            assert "Search index: rebuilt" in result.output

            name = db.session.execute(text("SELECT name FROM organisation WHERE slug = 'old-co-op'")).scalar_one()
            assert name == "Old Town Care Co-operative"
            found = search_listings(db.session(), SearchQuery(text="Old Town"), PageRequest(1, 10))
            assert [hit.organisation.slug for hit in found.page.items] == ["old-co-op"]
            db.session.remove()
            db.engine.dispose()
