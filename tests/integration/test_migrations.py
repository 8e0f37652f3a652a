"""The Alembic migrations and the models agree: autogenerate finds nothing to add, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from registry.extensions import db


def test_migrated_database_matches_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        env_filter = app.extensions["migrate"].configure_args
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": _include_object, **env_filter},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_database_holds_the_invariants_as_constraints(app: Flask) -> None:
    with app.app_context():
        inspector = inspect(db.engine)
        uniques = inspector.get_unique_constraints("identifier")
        assert any(set(u["column_names"]) == {"scheme_code", "value"} for u in uniques)
        checks = {c["name"] for c in inspector.get_check_constraints("member_class")}
        assert "ck_member_class_vote_share_pct_0_100" in checks
        assert "ck_member_class_member_count_non_negative" in checks


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name.startswith("organisation_search"))
