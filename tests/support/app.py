"""The app the tests run: built on a test database, and disposed of when a test session or module is done."""

from __future__ import annotations

import os

import pytest
from flask import Flask

from registry import create_app
from registry.extensions import db
from tests.support.database import build_test_database


def build_test_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app on ``database_url`` with the test database built in it (migrations, reference data, seeds)."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ.setdefault("REGISTRY_INSTANCE_PATH", str(instance))
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context():
        build_test_database()
    return app


def dispose_test_app(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
