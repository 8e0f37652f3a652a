"""Reading many rows through the database driver's own cursor, with SQLAlchemy's error handling kept.

Building SQLAlchemy rows for hundreds of thousands of ids took longer than the queries, so the search reads
them through the DB-API cursor. Errors raised there would bypass SQLAlchemy: a dropped connection (PostgreSQL
restarting) would reach the app as the driver's own exception, a 500, and stay in the pool. Here they are
raised as SQLAlchemy's, with a dropped connection invalidated, so the app answers 503 and recovers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


@contextmanager
def driver_cursor(session: Session) -> Iterator[Any]:
    connection = session.connection()
    dialect = connection.dialect
    dbapi_connection = connection.connection
    cursor = dbapi_connection.cursor()
    try:
        yield cursor
    except dialect.loaded_dbapi.Error as error:
        disconnected = dialect.is_disconnect(error, dbapi_connection.dbapi_connection, cursor)
        if disconnected:
            connection.invalidate(error)
        raise DBAPIError.instance(
            None, None, error, dialect.loaded_dbapi.Error, connection_invalidated=disconnected, dialect=dialect
        ) from error
    finally:
        with suppress(dialect.loaded_dbapi.Error):  # a connection that has gone has nothing to close
            cursor.close()
