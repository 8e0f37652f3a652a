"""Back up, damage, restore, and compare every table: on the suite's own database engine (SQLite or
PostgreSQL), against a scratch database so the shared test database is never touched."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from registry import create_app
from registry.extensions import db
from registry.services.backup import backup, restore
from registry.services.reference_data import load_reference_data
from registry.services.seed import load_seed
from tests.support.database import scratch_database


@pytest.fixture
def scratch_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own, of the same kind as the suite's, with reference data and seeds."""
    with scratch_database(database_url, tmp_path) as url:
        app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            load_reference_data(db.session())
            load_seed(db.session())
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, in key order."""
    tables = sorted(inspect(engine).get_table_names())
    result = {}
    with engine.connect() as connection:
        for table in tables:
            if table.startswith("organisation_search_"):
                continue  # FTS5 shadow tables: their content follows organisation_search
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            digest = hashlib.sha256("\n".join(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def test_backup_damage_restore_gives_back_every_table(scratch_app: Flask, tmp_path: Path) -> None:
    on_postgresql = make_url(str(scratch_app.config["SQLALCHEMY_DATABASE_URI"])).get_backend_name() == "postgresql"
    if on_postgresql and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore are needed for PostgreSQL backups (package postgresql-client)")
    with scratch_app.app_context():
        engine = db.engine
        before = fingerprint(engine)
        assert before["organisation"][0] >= 2
        archive = backup(engine, tmp_path / "registry.backup")
        assert archive.stat().st_size > 0

        with engine.begin() as connection:  # the damage: rows lost and rows changed
            connection.execute(text("DELETE FROM source"))
            connection.execute(text("UPDATE organisation SET name = 'Damaged'"))
            connection.execute(text("DELETE FROM member_class"))
        assert fingerprint(engine) != before

        restore(engine, archive)
        assert fingerprint(engine) == before


def test_cli_backup_and_restore(scratch_app: Flask, tmp_path: Path) -> None:
    runner = scratch_app.test_cli_runner()
    target = tmp_path / "cli.backup"
    made = runner.invoke(args=["backup", "--output", str(target)])
    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing-here"), "--yes"])
    assert missing.exit_code != 0
    assert "There is no backup" in missing.output
