"""Fixtures shared by the integration and end-to-end tests.

The suite runs against SQLite by default and against PostgreSQL when ``REGISTRY_TEST_DATABASE_URL`` is set
(``make test REGISTRY_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/registry_test``).
The database is built once per run with the reference vocabularies and seed listings; each test runs in a
transaction that is rolled back, so tests never see each other's writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from registry.extensions import db
from registry.models import Role
from tests.support.accounts import signed_in_client
from tests.support.app import build_test_app, dispose_test_app
from tests.support.registration import REPRESENTATIVE_EMAIL

TEST_DATABASE_ENV = "REGISTRY_TEST_DATABASE_URL"


def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get(TEST_DATABASE_ENV)
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'registry-test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = build_test_app(database_url, tmp_path_factory)
    yield app
    dispose_test_app(app)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app's session, bound to a connection whose outer transaction is rolled back after the test.

    No app context is held during the test, so each request the test client makes gets its own, as in
    production (``g`` and Flask-Login's cached user do not leak from one request to the next).
    """
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(  # type: ignore[misc]
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    try:
        yield db.session  # type: ignore[misc]
    finally:
        db.session.remove()
        db.session = original  # type: ignore[misc]
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    """Rate limits counted from zero, for tests that sign in or post often (``pytestmark`` in their module)."""
    from registry.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def representative(app: Flask, session: Session) -> FlaskClient:
    """Signed in as the representative who registers Riverside Homecare (``tests.support.registration``)."""
    return signed_in_client(app, session, REPRESENTATIVE_EMAIL, Role.REPRESENTATIVE)


@pytest.fixture
def moderator(app: Flask, session: Session) -> FlaskClient:
    return signed_in_client(app, session, "moderator@registry.example.org", Role.MODERATOR)
