"""API and download rate limits (issue 14, item 20): the API, the Open Referral feed and the bulk downloads had
no limit at all; production without shared limit storage kept per-worker counts silently."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/rulesets", "/openreferral/services"])
def test_the_api_and_the_feed_answer_429_in_json_past_their_limit(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 429
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == "too_many_requests"
    assert "Retry-After" in response.headers
    # Another client is not affected.
    assert client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 200


@pytest.mark.parametrize("path", ["/data/listings.csv", "/data/listings.json", "/data/openreferral.json"])
def test_whole_register_downloads_have_their_own_tighter_limit(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setitem(app.config, "DOWNLOAD_RATE_LIMIT", "2 per hour")
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
        response.get_data()
    assert client.get(path).status_code == 429


def test_production_without_shared_limit_storage_warns_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from registry import create_app

    monkeypatch.setenv("REGISTRY_SECRET_KEY", "x" * 64)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "sqlite:///" + str(tmp_path / "unused.db"))
    monkeypatch.setenv("REGISTRY_BASE_URL", "https://registry.example.org")
    monkeypatch.setenv("REGISTRY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("REGISTRY_REDIS_URL", raising=False)
    monkeypatch.delenv("REGISTRY_RATELIMIT_STORAGE_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        create_app({"ENV_NAME": "production"})
    assert "RATE LIMITS ARE NOT SHARED" in caplog.text
    caplog.clear()
    monkeypatch.setenv("REGISTRY_REDIS_URL", "redis://127.0.0.1:6379/15")
    with caplog.at_level(logging.WARNING):
        create_app({"ENV_NAME": "production"})
    assert "RATE LIMITS ARE NOT SHARED" not in caplog.text
