"""What operators need: health and readiness probes, one JSON log line per request, and a clean 503 when
the database is unreachable (the app recovers by itself when it comes back: connections are pre-pinged)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, render_template, request
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


def database_unavailable(error: Exception) -> tuple[Any, int]:
    """Answer 503 with a retry hint when the database is down or restarting, instead of a 500.

    Only connection failures count: any other database error (bad data, a broken query) is a bug, and
    stays a 500 so that it is seen and fixed rather than passed off as an outage.
    """
    connection_failed = isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )
    if not connection_failed:
        raise error
    current_app.logger.warning("Database unavailable: %s", str(error).splitlines()[0][:200])
    db.session.rollback()
    message = "Sorry, the service is unavailable. Try again in a few seconds."
    if wants_json():
        response = json_error(503, message)
    else:
        response = Response(
            render_template("errors/error.html", status=503, title="Sorry, the service is unavailable", advice=message),
            status=503,
            mimetype="text/html",
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503


STATIC_MAX_AGE_VERSIONED = 365 * 24 * 3600
STATIC_MAX_AGE_PLAIN = 3600


def _cache_static(response: Response) -> Response:
    """Versioned static URLs (``?v=<content hash>``, from ``static_url``) never change: cache them for a year."""
    if request.endpoint in {"static", "frontend_assets"} and response.status_code == 200:
        if request.args.get("v"):
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_VERSIONED}, immutable"
        else:
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_PLAIN}"
    return response


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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.teardown_appcontext(_remove_session)
    app.before_request(_start_request)
    app.after_request(_cache_static)
    app.after_request(_log_request)
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(DBAPIError, database_unavailable)
    if not access_log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
