"""Operating the registry: probes, request logs without secrets, and a clean 503 when the database is down."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry import create_app


def test_healthz_says_the_process_is_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_database_migrations_and_gazetteer(client: FlaskClient) -> None:
    body = client.get("/readyz").json
    assert body["status"] == "ready"
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["migrations"]["ok"]
    assert body["checks"]["gazetteer"]["ok"]


def test_every_response_carries_a_request_id_and_logs_one_json_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="registry.access"):
        response = client.get("/organisations?page=1", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "registry.access"]
    assert lines[-1] == {
        "event": "request",
        "request_id": "abc123",
        "method": "GET",
        "path": "/organisations",
        "query_keys": ["page"],
        "status": 200,
        "duration_ms": lines[-1]["duration_ms"],
        "remote_addr": "127.0.0.1",
    }


def test_tokens_in_urls_never_reach_the_logs(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = "s3cr3t-token-value"
    with caplog.at_level(logging.INFO, logger="registry.access"):
        client.get(f"/account/reset-password/{secret}")
        client.get(f"/find?q={secret}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in logged
    assert "[redacted]" in logged


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_an_unreachable_database_gives_503_with_a_retry_hint_not_500(accept: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2",
            "SECRET_KEY": "test",
        }
    )
    client = app.test_client()
    response = client.get("/organisations", headers={"Accept": accept})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    if accept == "application/json":
        assert response.json["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["database"]["ok"] is False


def test_static_files_have_content_hashed_urls_cached_for_a_year(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/registry\.[0-9a-f]{12}\.css)"', html).group(1)
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/registry.css") as plain:
        assert plain.status_code == 200
        assert plain.headers["Cache-Control"] == "public, max-age=3600"


def test_a_database_error_that_is_not_an_outage_is_not_passed_off_as_503(app: Flask, session: Session) -> None:
    """Bad data or a broken query is a bug: it must surface as a 500 (an exception under test), not a 503."""
    from sqlalchemy.exc import DataError

    failing_app = create_app(
        {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test"}
    )

    @failing_app.get("/test-only/data-error")
    def data_error() -> str:
        raise DataError("SELECT 1", {}, Exception("invalid input value"))

    with pytest.raises(DataError):
        failing_app.test_client().get("/test-only/data-error")


@pytest.mark.parametrize(
    "url",
    ["/find?q=S1%002HE", "/api/v1/organisations?q=%00", "/api/v1/places?q=Sheff%00ield", "/organisations/a%00b"],
)
def test_a_null_character_in_the_address_is_a_400_on_every_database(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "null character" in response.json["error"]["message"]
    page = client.get(url)
    assert page.status_code == 400
    if not url.startswith("/api/"):  # the API answers JSON whatever is asked
        assert "There is a problem with your request" in page.get_data(as_text=True)


def test_a_null_character_in_a_form_is_a_400(client: FlaskClient) -> None:
    response = client.post("/account/sign-in", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400


def test_a_connection_lost_after_the_answer_is_made_does_not_turn_it_into_a_500(database_url: str) -> None:
    """PostgreSQL restarting between a request's last query and the end of its transaction."""
    from sqlalchemy import create_engine, text

    from registry.extensions import db

    if not database_url.startswith("postgresql"):
        pytest.skip("a server that drops connections (PostgreSQL restarting)")
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"})

    @app.get("/test-only/connection-lost")
    def connection_lost() -> str:
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()  # opens a transaction
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        return "answered"

    client = app.test_client()
    response = client.get("/test-only/connection-lost")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "answered"
    assert client.get("/readyz").status_code == 200  # and the next request gets a working connection
