"""The search's driver-cursor reads raise SQLAlchemy's errors, so a dropped connection is a 503, not a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from registry.extensions import db
from registry.services.driver import driver_cursor


def test_a_driver_error_is_raised_as_sqlalchemys(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(DBAPIError) as raised, driver_cursor(db.session) as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        assert not raised.value.connection_invalidated
        db.session.rollback()
        assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_dropped_under_the_cursor_is_invalidated_and_the_next_query_works(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a server that drops connections (PostgreSQL restarting)")
        session = db.session
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
        admin.dispose()

        with pytest.raises(OperationalError) as raised, driver_cursor(session) as cursor:
            cursor.execute("SELECT 1")
        assert raised.value.connection_invalidated
        session.rollback()
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        db.session.remove()
