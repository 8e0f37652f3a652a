"""Database outages (issue 14): every answer a client gets while the database is down, restarting, or no longer
answering is a clean 503 with ``Retry-After``, or, for a download already under way, a dropped connection.

- **Streamed downloads** (``/data/listings.csv``, ``/data/listings.json``, ``/data/openreferral.json``) read the
  database before their answer starts, so an outage then is a 503; a failure after that is logged as an error
  and ends the stream without its final chunk, so a client sees an incomplete download, never a short file
  that looks whole. Checked through the test client and, as the tester saw it, under gunicorn.
- **The Open Referral feed** answers every error (400, 404, 405, 429, 500, 503) in its JSON error envelope.
- **/readyz** says which check failed, never the driver's error.
- **Timeouts**: a database that accepts connections and then says nothing gives a 503 within seconds; on
  PostgreSQL a statement past its timeout is cancelled and answers 503; the limit is lifted outside requests.

Outages are real where they can be (a closed port, a file that cannot be opened, a server that never answers,
PostgreSQL's own statement timeout) and otherwise simulated by making the test connection's SELECTs fail with
the driver's ``OperationalError``, as they do when PostgreSQL restarts.
"""

from __future__ import annotations

import gc
import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, abort, g, has_request_context, request
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm import Session

from registry import create_app
from registry.config import ConfigurationError, load_config
from registry.extensions import db

REPO_ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = ["/data/listings.csv", "/data/listings.json", "/data/openreferral.json"]
FEED_JSON = {"/data/openreferral.json"}  # answers JSON whatever is asked, like the feed


@pytest.fixture(autouse=True)
def _collect_abandoned_connections() -> Iterator[None]:
    """These tests break connections on purpose (simulated outages, streams cut mid-way, apps on databases that
    never answer), and the driver connections they abandon are only closed when garbage-collected. Collect
    them here, at the end of each test of this module, so psycopg's ResourceWarning for them is not raised by
    the collector in some later, unrelated test (where the suite turns warnings into errors)."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


# ---------------------------------------------------------------------------------------------------
# Outages and apps to suffer them


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """Apps of their own (on a database that is down, or with settings of the test's), disposed afterwards."""
    monkeypatch.setenv("REGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
    made: list[Flask] = []

    def make(database_url: str, **config: Any) -> Flask:
        app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test", **config})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database that cannot be reached: a closed port (PostgreSQL stopped), or a SQLite file that cannot be
    opened. Neither needs the suite's own database, so both run on either."""
    if request.param == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'registry.db'}"


class Outage:
    """Makes SELECTs on a connection fail with the driver's ``OperationalError`` (what PostgreSQL restarting
    gives), after the number still allowed; ``None`` lets everything through."""

    def __init__(self) -> None:
        self.selects_allowed: int | None = None
        self.selects = 0

    def begin(self, selects_allowed: int = 0) -> None:
        self.selects_allowed, self.selects = selects_allowed, 0

    def before_cursor_execute(self, conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
        if self.selects_allowed is None or not statement.lstrip().upper().startswith("SELECT"):
            return
        self.selects += 1
        if self.selects > self.selects_allowed:
            raise conn.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly (simulated)")


@pytest.fixture
def outage(session: Session) -> Iterator[Outage]:
    """An outage to begin on the test's connection, which the test client's requests use."""
    connection = session.connection()
    faults = Outage()
    event.listen(connection, "before_cursor_execute", faults.before_cursor_execute)
    try:
        yield faults
    finally:
        faults.selects_allowed = None
        event.remove(connection, "before_cursor_execute", faults.before_cursor_execute)


def assert_unavailable(response: Any, as_json: bool) -> None:
    assert response.status_code == 503, response.get_data()[:300]
    assert int(response.headers["Retry-After"]) > 0
    if as_json:
        assert response.mimetype == "application/json"
        assert response.json["error"]["code"] == "unavailable"
        assert response.json["error"]["status"] == 503
    else:
        assert response.mimetype == "text/html"
        assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------
# Finding 21: streamed downloads


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_download_answers_503_when_the_database_is_down_before_it_starts(
    make_app: Callable[..., Flask], unreachable_database: str, url: str
) -> None:
    client = make_app(unreachable_database).test_client()
    assert_unavailable(client.get(url), as_json=url in FEED_JSON)
    if url not in FEED_JSON:  # and JSON to whoever asks for it, as every page does
        assert_unavailable(client.get(url, headers={"Accept": "application/json"}), as_json=True)


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_download_answers_503_when_the_database_goes_as_it_starts(
    client: FlaskClient, outage: Outage, url: str
) -> None:
    outage.begin(selects_allowed=0)
    assert_unavailable(client.get(url), as_json=url in FEED_JSON)
    outage.selects_allowed = None
    assert client.get(url).status_code == 200  # and the next download, the database back, is whole


def test_a_csv_download_whose_first_rows_cannot_be_read_answers_503(client: FlaskClient, outage: Outage) -> None:
    """The listings' ids are read, then the database goes while the first chunk's rows are read: the answer has
    not started, so it is still a 503."""
    outage.begin(selects_allowed=1)
    assert_unavailable(client.get("/data/listings.csv"), as_json=False)
    assert outage.selects == 2


@pytest.mark.parametrize("url", ["/data/listings.json", "/data/openreferral.json"])
def test_a_download_that_fails_part_way_raises_out_of_the_stream_and_is_logged_as_an_error(
    client: FlaskClient, outage: Outage, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    response = client.get(url, headers={"X-Request-ID": "outage-21"})  # the view has run: the answer has started
    assert response.status_code == 200
    outage.begin(selects_allowed=0)
    with caplog.at_level(logging.INFO), pytest.raises(OperationalError):
        response.get_data()  # the WSGI server sees the error, so it drops the connection without a final chunk
    response.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(r.name == "registry" and url in r.getMessage() and "outage-21" in r.getMessage() for r in errors)
    aborted = [json.loads(r.getMessage()) for r in errors if r.name == "registry.access"]
    assert aborted == [
        {
            "event": "response_aborted",
            "request_id": "outage-21",
            "method": "GET",
            "path": url,
            "error": "OperationalError",
        }
    ]


def test_a_csv_download_that_fails_after_its_first_chunk_raises_out_of_the_stream(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The CSV's rows come a hundred to a chunk, so the test database's listings all fit its first chunk (which
    is made before the answer starts): here its rows stop, as they would past the first hundred."""
    from registry.services import open_data

    def first_chunk_then_outage(*args: Any, **kwargs: Any) -> Iterator[str]:
        yield "\ufeffslug,name\r\n"
        raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(open_data, "csv_lines", first_chunk_then_outage)
    response = client.get("/data/listings.csv")
    assert response.status_code == 200
    with caplog.at_level(logging.INFO), pytest.raises(OperationalError):
        response.get_data()
    response.close()
    assert any(r.levelno == logging.ERROR and "/data/listings.csv" in r.getMessage() for r in caplog.records)


def app_with_database_faults() -> Flask:
    """The app gunicorn serves in ``test_downloads_under_gunicorn``: the suite's database, where a request with
    ``X-Test-Selects-Allowed: n`` finds the database gone after its first n SELECTs."""
    app = create_app(
        {
            "ENV_NAME": "test",
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": os.environ["OUTAGE_TEST_DATABASE_URL"],
            "SECRET_KEY": "test",
        }
    )
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def outage(conn: Connection, cursor: Any, statement: str, *rest: Any) -> None:
        allowed = request.headers.get("X-Test-Selects-Allowed") if has_request_context() else None
        if allowed is None or not statement.lstrip().upper().startswith("SELECT"):
            return
        g.test_selects = g.get("test_selects", 0) + 1
        if g.test_selects > int(allowed):
            raise conn.dialect.loaded_dbapi.OperationalError("server closed the connection unexpectedly (simulated)")

    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(app: Flask, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn as ``make serve`` runs it (gthread workers), serving ``app_with_database_faults``."""
    port, log = _free_port(), tmp_path / "gunicorn.log"
    config = tmp_path / "gunicorn.conf.py"
    config.write_text("")  # not the repository's: one worker, and its log on our file
    env = {
        **os.environ,
        "OUTAGE_TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REGISTRY_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--config={config}",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--threads=2",
        "--worker-class=gthread",
        "tests.integration.test_outages:app_with_database_faults()",
    ]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(port: int, url: str, selects_allowed: int) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)  # HTTP/1.1: the body is chunked
    connection.request("GET", url, headers={"X-Test-Selects-Allowed": str(selects_allowed)})
    return connection.getresponse(), connection


@pytest.mark.slow
def test_downloads_under_gunicorn_are_a_503_before_they_start_and_incomplete_when_they_fail_part_way(
    gunicorn: tuple[int, Path],
) -> None:
    """What the tester saw: a bare 500 page from gunicorn, a 200 with cut-off JSON, a 200 whose body was ``[``."""
    port, log = gunicorn
    for url in DOWNLOADS:
        response, connection = _get(port, url, selects_allowed=0)
        body = response.read()
        assert response.status == 503, (url, body[:200])
        assert int(response.getheader("Retry-After") or 0) > 0
        if url in FEED_JSON:
            assert json.loads(body)["error"]["code"] == "unavailable"
        else:
            assert b"Sorry, the service is unavailable" in body
        connection.close()

    # The ids are read, then the database goes. The CSV's first chunk holds every row, so it is still a 503;
    # the JSON documents have started (their first chunk needs no rows), so their connection is dropped.
    response, connection = _get(port, "/data/listings.csv", selects_allowed=1)
    assert response.status == 503
    response.read()
    connection.close()
    for url in ["/data/listings.json", "/data/openreferral.json"]:
        response, connection = _get(port, url, selects_allowed=1)
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            response.read()  # no final chunk: the client knows the download is incomplete
        connection.close()

    for url in DOWNLOADS:  # the database back: whole downloads
        response, connection = _get(port, url, selects_allowed=1_000_000)
        body = response.read()
        assert response.status == 200
        if url != "/data/listings.csv":
            json.loads(body)
        connection.close()

    deadline = time.monotonic() + 10
    while "response_aborted" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = log.read_text()
    assert logged.count('"event": "response_aborted"') == 2
    assert "/data/listings.json (request" in logged and "/data/openreferral.json (request" in logged


# ---------------------------------------------------------------------------------------------------
# Finding 22: the Open Referral feed's errors are JSON


FEED_URLS = ["/openreferral/services", "/openreferral/organizations", "/openreferral/service_at_locations"]


@pytest.mark.parametrize("url", [*FEED_URLS, "/openreferral/services/4f330468-762f-49d0-a509-99f035a21037"])
def test_the_feed_answers_an_outage_with_a_json_503(
    make_app: Callable[..., Flask], unreachable_database: str, url: str
) -> None:
    response = make_app(unreachable_database).test_client().get(url, headers={"Accept": "text/html"})
    assert_unavailable(response, as_json=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_feed_answers_an_outage_mid_request_with_a_json_503(client: FlaskClient, outage: Outage) -> None:
    outage.begin(selects_allowed=0)
    response = client.get("/openreferral/services?search=care", headers={"Accept": "text/html"})
    assert_unavailable(response, as_json=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("POST", "/openreferral/services", 405),
        ("DELETE", "/openreferral/organizations/1", 405),
        ("POST", "/data/openreferral.json", 405),
        ("GET", "/openreferral/no-such-thing", 404),
        ("GET", "/openreferral/services?per_page=0", 400),
        ("GET", "/openreferral/services?search=%00", 400),
    ],
)
def test_routing_and_request_errors_of_the_feed_are_json(
    client: FlaskClient, method: str, url: str, status: int
) -> None:
    response = client.open(url, method=method, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.mimetype == "application/json", response.get_data()[:200]
    assert response.json["error"]["status"] == status
    assert response.json["error"]["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_failures_in_the_feed_are_json_in_production(
    make_app: Callable[..., Flask], app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """With exceptions not propagating (production), a bug, a database error that is not an outage, and a
    refusal raised from inside the feed all answer in the envelope."""
    from registry.services.openreferral import mapping

    production = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TESTING=False)
    client = production.test_client()

    def fails_with(error: Exception) -> Callable[..., Any]:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise error

        return fail

    monkeypatch.setattr(mapping, "api_details", fails_with(RuntimeError("secret internals")))
    with caplog.at_level(logging.ERROR):
        response = client.get("/openreferral/", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert any("secret internals" in str(r.exc_info) for r in caplog.records if r.exc_info)

    monkeypatch.setattr(mapping, "api_details", fails_with(DataError("SELECT", {}, Exception("bad value"))))
    response = client.get("/openreferral/", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"

    monkeypatch.setattr(mapping, "api_details", lambda: abort(429))
    response = client.get("/openreferral/", headers={"Accept": "text/html"})
    assert response.status_code == 429 and response.json["error"]["code"] == "too_many_requests"
    assert response.headers["Access-Control-Allow-Origin"] == "*"

    assert client.get("/openreferral/no-such-thing").json["error"]["code"] == "not_found"
    assert client.post("/openreferral/services").json["error"]["code"] == "method_not_allowed"


def test_pages_outside_the_feed_still_answer_html(client: FlaskClient) -> None:
    response = client.post("/organisations", headers={"Accept": "text/html"})
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "Access-Control-Allow-Origin" not in response.headers


# ---------------------------------------------------------------------------------------------------
# Finding 23: /readyz names the failed check, not the database's error


def test_readyz_says_which_check_failed_without_the_database_error(
    make_app: Callable[..., Flask], unreachable_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_app(unreachable_database).test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not_ready"
    assert response.json["checks"]["database"] == {"ok": False, "detail": "unavailable"}
    assert response.json["checks"]["migrations"]["ok"] is False
    assert response.json["checks"]["gazetteer"]["ok"] is False
    body = response.get_data(as_text=True).lower()
    for internal in ("127.0.0.1", "port", "refused", "psycopg", "sqlite", "no-such-directory", "unable to open"):
        assert internal not in body
    logged = "\n".join(r.getMessage() for r in caplog.records)  # the details are for the operators' logs
    assert "Readiness check 'database' failed" in logged
    assert "refused" in logged.lower() or "unable to open" in logged.lower()


def test_readyz_is_still_ready_when_everything_is(client: FlaskClient) -> None:
    body = client.get("/readyz").json
    assert body["status"] == "ready"
    assert body["checks"]["database"] == {"ok": True}


# ---------------------------------------------------------------------------------------------------
# Finding 24: connection and statement timeouts


@pytest.fixture
def silent_database() -> Iterator[str]:
    """A server on the loopback address that accepts connections and never says a word (a database that has
    stopped answering rather than refusing). Closing it afterwards releases anything still waiting on it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{server.getsockname()[1]}/registry"
    finally:
        server.close()
        for connection in accepted:
            connection.close()


def _timed_get(client: FlaskClient, url: str, limit: float) -> tuple[Any, float]:
    """GET in a thread, so that a request that would hang fails the test instead of holding it."""
    outcome: dict[str, Any] = {}

    def get() -> None:
        started = time.monotonic()
        outcome["response"] = client.get(url, headers={"Accept": "application/json"})
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=get, daemon=True)
    worker.start()
    worker.join(limit)
    assert not worker.is_alive(), f"{url} was still waiting for the database after {limit} s"
    return outcome["response"], outcome["seconds"]


@pytest.mark.parametrize("url", ["/organisations", "/api/v1/organisations?q=care", "/openreferral/services"])
def test_a_database_that_never_answers_gives_503_within_seconds(
    make_app: Callable[..., Flask], silent_database: str, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("REGISTRY_DB_CONNECT_TIMEOUT", "2")
    client = make_app(silent_database).test_client()
    response, seconds = _timed_get(client, url, limit=12)
    assert_unavailable(response, as_json=True)
    assert seconds < 8
    ready, seconds = _timed_get(client, "/readyz", limit=12)
    assert ready.status_code == 503 and ready.json["checks"]["database"]["detail"] == "unavailable"
    assert seconds < 8


def _long_running_query(app: Flask) -> None:
    @app.get("/test-only/long-query")
    def long_query() -> str:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT pg_sleep(5)"))
        else:  # counts for ever, until interrupted
            counting = (
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1e10) SELECT max(i) FROM n"
            )
            db.session.execute(text(counting)).scalar()
        return "finished"


def test_a_statement_past_its_timeout_is_cancelled_and_answers_503(
    make_app: Callable[..., Flask], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has no statement timeout (test_a_cancelled_statement_answers_503 is its counterpart)")
    monkeypatch.setenv("REGISTRY_DB_STATEMENT_TIMEOUT", "0.5")
    timed = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    _long_running_query(timed)
    response, seconds = _timed_get(timed.test_client(), "/test-only/long-query", limit=10)
    assert_unavailable(response, as_json=True)  # QueryCanceled is an outage to the client, not a 500
    assert seconds < 3


def test_a_cancelled_statement_answers_503(make_app: Callable[..., Flask], app: Flask) -> None:
    """On both databases: a statement cancelled while it runs (PostgreSQL's cancel request, which a statement
    timeout also sends; SQLite's interrupt) is a 503 with a retry hint."""
    cancelling = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    _long_running_query(cancelling)

    @cancelling.before_request
    def keep_cancelling() -> None:
        raw = db.session.connection().connection.dbapi_connection
        cancel = raw.interrupt if hasattr(raw, "interrupt") else raw.cancel
        g.finished = finished = threading.Event()

        def run() -> None:
            while not finished.wait(0.3):  # until the request ends: one that came too early cancels nothing
                cancel()

        threading.Thread(target=run, daemon=True).start()

    @cancelling.teardown_request
    def stop_cancelling(error: BaseException | None) -> None:
        g.finished.set()

    response, seconds = _timed_get(cancelling.test_client(), "/test-only/long-query", limit=10)
    assert_unavailable(response, as_json=True)
    assert seconds < 3


def test_the_statement_timeout_holds_in_requests_and_is_lifted_outside_them(
    make_app: Callable[..., Flask], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has no statement timeout to set or lift")
    monkeypatch.setenv("REGISTRY_DB_STATEMENT_TIMEOUT", "2.5")
    timed = make_app(app.config["SQLALCHEMY_DATABASE_URI"])

    @timed.get("/test-only/statement-timeout")
    def statement_timeout() -> str:
        return str(db.session.execute(text("SHOW statement_timeout")).scalar_one())

    client = timed.test_client()
    for _ in range(2):  # the same pooled connection, in a request, outside one (the command line), and back
        assert client.get("/test-only/statement-timeout").get_data(as_text=True) == "2500ms"
        with timed.app_context():
            assert db.session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
            db.session.remove()


def test_timeouts_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = load_config(tmp_path, "test")
    assert 1 <= defaults["DB_CONNECT_TIMEOUT"] <= 10
    assert 5 <= defaults["DB_STATEMENT_TIMEOUT"] < 30  # under gunicorn's worker timeout (gunicorn.conf.py)
    monkeypatch.setenv("REGISTRY_DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("REGISTRY_DB_STATEMENT_TIMEOUT", "0")
    settings = load_config(tmp_path, "test")
    assert (settings["DB_CONNECT_TIMEOUT"], settings["DB_STATEMENT_TIMEOUT"]) == (3, 0)
    monkeypatch.setenv("REGISTRY_DB_STATEMENT_TIMEOUT", "soon")
    with pytest.raises(ConfigurationError, match="REGISTRY_DB_STATEMENT_TIMEOUT"):
        load_config(tmp_path, "test")
