"""What operators need: health and readiness probes, one JSON log line per request, and a clean 503 when
the database is unreachable (the app recovers by itself when it comes back: connections are pre-pinged).

On PostgreSQL, a new connection waits at most ``DB_CONNECT_TIMEOUT`` seconds and a statement run for a web request
at most ``DB_STATEMENT_TIMEOUT``, so a database that stops answering (rather than refusing) gives a 503 within
seconds instead of holding the request until the worker is killed. Outside a request (the command line, imports)
statements are not limited. Streamed downloads go through :func:`streamed`: their first chunk is made before the
answer starts, so an outage then is a 503 like any other page's, and a stream that fails part-way drops the
connection, so that the client sees an incomplete download rather than a short file that looks whole.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
    stream_with_context,
)
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from registry.extensions import db
from registry.web.negotiation import json_error, wants_json

bp = Blueprint("operations", __name__)
access_log = logging.getLogger("registry.access")

SENSITIVE_ARGUMENTS = ("token", "password", "secret", "key")
RETRY_AFTER_SECONDS = 5


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and serving. Touches nothing else."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready for traffic: the database answers, its migrations are current and the gazetteer is loaded."""
    from registry.services.operations import readiness

    checks = readiness(db.session(), current_app.extensions["migrate"].directory)
    ready = all(check["ok"] for check in checks.values())
    return jsonify({"status": "ready" if ready else "not_ready", "checks": checks}), 200 if ready else 503


def _redacted_path() -> str:
    """The path with any token-like URL parameters replaced, so no secret ever reaches the logs."""
    rule, arguments = request.url_rule, request.view_args or {}
    if rule is None or not any(s in name for name in arguments for s in SENSITIVE_ARGUMENTS):
        return request.path

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if any(s in name for s in SENSITIVE_ARGUMENTS):
            return "[redacted]"
        return str(arguments.get(name, ""))

    return _RULE_ARGUMENT.sub(value, rule.rule)


_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _start_request() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex


def _log_request(response: Response) -> Response:
    duration_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    request_id = g.get("request_id", "")
    response.headers["X-Request-ID"] = request_id
    access_log.info(
        json.dumps(
            {
                "event": "request",
                "request_id": request_id,
                "method": request.method,
                "path": _redacted_path(),
                "query_keys": sorted(request.args.keys()),
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
                "remote_addr": request.remote_addr,
            }
        )
    )
    return response


def is_outage(error: BaseException) -> bool:
    """A database that cannot be reached, is restarting, or did not answer in time (a connection or statement
    timeout is an ``OperationalError`` too), as opposed to a bug such as bad data or a broken query."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def unavailable_response(error: Exception, as_json: bool) -> Response:
    """The 503 of a database outage, with a retry hint: the JSON error envelope or the HTML error page."""
    current_app.logger.warning("Database unavailable: %s", _first_line(error))
    db.session.rollback()
    message = "Sorry, the service is unavailable. Try again in a few seconds."
    if as_json:
        response = json_error(503, message)
    else:
        response = Response(
            render_template("errors/error.html", status=503, title="Sorry, the service is unavailable", advice=message),
            status=503,
            mimetype="text/html",
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(error: Exception) -> tuple[Any, int]:
    """Answer 503 with a retry hint when the database is down or restarting, instead of a 500.

    Only outages count: any other database error (bad data, a broken query) is a bug, and stays a 500 so that
    it is seen and fixed rather than passed off as an outage.
    """
    if not is_outage(error):
        raise error
    return unavailable_response(error, wants_json()), 503


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [""])[0][:200]


def streamed(chunks: Iterator[str]) -> Iterator[str]:
    """A download's chunks for a streamed ``Response``, made in the request's context.

    The first chunk is made now, in the view, so a database outage before the answer starts is a 503 like any
    other page's. A failure after that (the status and part of the body have gone) is logged as an error and
    raised on out of the stream: the WSGI server then drops the connection without ending the body (no final
    chunk), so the client can tell the download is incomplete, instead of a short file that looks whole.
    """
    first = next(chunks, None)

    def rest() -> Iterator[str]:
        try:
            if first is not None:
                yield first
            yield from chunks
        except Exception as error:
            _log_aborted(error)
            raise

    return stream_with_context(rest())


def _log_aborted(error: Exception) -> None:
    request_id = g.get("request_id", "")
    current_app.logger.error(
        "Download %s (request %s) failed part-way and its connection is dropped: %s: %s",
        _redacted_path(),
        request_id,
        type(error).__name__,
        _first_line(error),
        exc_info=None if is_outage(error) else error,
    )
    access_log.error(
        json.dumps(
            {
                "event": "response_aborted",
                "request_id": request_id,
                "method": request.method,
                "path": _redacted_path(),
                "error": type(error).__name__,
            }
        )
    )


def _remove_session(error: BaseException | None) -> None:
    """End the request's session before Flask-SQLAlchemy's own teardown (teardowns run last-registered
    first). If the database dropped the connection after the answer was made (PostgreSQL restarting), the
    closing rollback fails: the connection is already invalidated, so forget the session rather than let the
    failure turn a finished answer into a 500."""
    try:
        db.session.remove()
    except DBAPIError as failure:
        current_app.logger.warning("Session closed with a lost connection: %s", str(failure).splitlines()[0][:200])
        db.session.registry.clear()


STATEMENT_TIMEOUT_KEY = "registry.statement_timeout_ms"


def _limit_database_waits(app: Flask) -> None:
    """PostgreSQL: connect within ``DB_CONNECT_TIMEOUT`` seconds; let no statement of a web request run longer
    than ``DB_STATEMENT_TIMEOUT`` (the server cancels it, and the request answers 503); lift the statement limit
    for work outside a request (the command line, imports, the test suite's own set-up)."""
    with app.app_context():
        engines = list(db.engines.values())
    connect_timeout = float(app.config.get("DB_CONNECT_TIMEOUT") or 0)
    statement_ms = round(float(app.config.get("DB_STATEMENT_TIMEOUT") or 0) * 1000)
    for engine in engines:
        if engine.dialect.name == "postgresql":
            _limit_postgresql_waits(engine, connect_timeout, statement_ms)


def _limit_postgresql_waits(engine: Engine, connect_timeout: float, statement_ms: int) -> None:
    @event.listens_for(engine, "do_connect")
    def set_timeouts(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        if connect_timeout:
            # libpq counts whole seconds, and treats less than 2 as 2.
            cparams.setdefault("connect_timeout", max(2, math.ceil(connect_timeout)))
        cparams["options"] = f"{cparams.get('options') or ''} -c statement_timeout={statement_ms}".strip()
        record.info[STATEMENT_TIMEOUT_KEY] = statement_ms

    @event.listens_for(engine, "checkout")
    def lift_outside_requests(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        wanted = statement_ms if has_request_context() else 0
        if record.info.get(STATEMENT_TIMEOUT_KEY, statement_ms) == wanted:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET statement_timeout = {int(wanted)}")
        finally:
            cursor.close()
        dbapi_connection.commit()  # SET is undone by a rollback, and the pool rolls back on return
        record.info[STATEMENT_TIMEOUT_KEY] = wanted


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    _limit_database_waits(app)
    app.teardown_appcontext(_remove_session)
    app.before_request(_start_request)
    app.after_request(_log_request)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_unavailable)
    if not access_log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
