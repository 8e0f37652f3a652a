"""Build the test database the way production builds it: Alembic migrations, then reference data and seeds."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry.extensions import db


def reset_schema() -> None:
    """Start from an empty database: PostgreSQL test databases may be reused between local runs."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


# Postcode areas in the test gazetteer: Sheffield (S), Derby (DE), Belfast (BT), Hull (HU), Leeds (LS). The whole
# UK takes a minute and a half to build; these take a few seconds and cover every search the tests make.
TEST_GAZETTEER_AREAS = ("S", "DE", "BT", "HU", "LS")


def build_test_database() -> None:
    from registry.services.gazetteer.build import build_gazetteer
    from registry.services.reference_data import load_reference_data
    from registry.services.seed import load_seed

    reset_schema()
    upgrade(directory=current_app.extensions["migrate"].directory)
    load_reference_data(db.session)
    db.session.commit()
    # The gazetteer first, as `flask init` does, so the seed listings' postcodes are placed on the map.
    build_gazetteer(db.session, areas=TEST_GAZETTEER_AREAS)
    load_seed(db.session)
    db.session.commit()


@contextmanager
def scratch_database(database_url: str, directory: Path) -> Iterator[str]:
    """A new, empty database of the same kind as the suite's (a file for SQLite, a database for PostgreSQL),
    dropped afterwards: for tests that must not touch the shared test database."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{directory / f'scratch-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"registry_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
