"""The Health & Care Mutuals Registry: a Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.config import load_config
from registry.extensions import cache, compress, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` overrides the environment's settings (tests pass a database URL)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=os.environ.get("REGISTRY_INSTANCE_PATH"))
    env_name = (test_config or {}).get("ENV_NAME")
    app.config.from_mapping(load_config(Path(app.instance_path), env_name))
    if test_config:
        app.config.from_mapping(test_config)

    app.json = _RegistryJSONProvider(app)
    _configure_templates(app)
    _configure_database(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    _configure_compression(app)

    from registry.web import errors, language, operations, security

    language.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    operations.init_app(app)

    from registry.web.account import bp as account_bp
    from registry.web.api import bp as api_bp
    from registry.web.api.docs import bp as api_docs_bp
    from registry.web.check import bp as check_bp
    from registry.web.commission import bp as commission_bp
    from registry.web.manage import bp as manage_bp
    from registry.web.moderate import bp as moderate_bp
    from registry.web.openreferral import bp as openreferral_bp
    from registry.web.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(check_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(commission_bp, url_prefix="/commission")
    app.register_blueprint(manage_bp)
    app.register_blueprint(moderate_bp, url_prefix="/moderate")
    csrf.exempt(api_bp)
    # The Open Referral UK feed (/openreferral) and its download (/data/openreferral.json): GET only, so no
    # CSRF exemption is needed.
    app.register_blueprint(openreferral_bp)

    from registry.web import limits

    limits.init_app(app)
    from registry.web import static_files

    static_files.init_app(app)
    _configure_geocoder(app)

    from registry import commands

    commands.init_app(app)

    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


class _RegistryJSONProvider(DefaultJSONProvider):
    """JSON nested too deeply to parse (thousands of levels) is bad input, not a server fault: Python's parser
    raises RecursionError, which ``request.get_json`` would let through as a 500. Here it becomes the ValueError
    that Flask answers with a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("The JSON is nested too deeply") from error


def _configure_geocoder(app: Flask) -> None:
    """The optional online geocoder: created only when REGISTRY_GEOCODER is set, so by default none exists."""
    if not app.config.get("GEOCODER"):
        return
    from registry.services.geocoding import GeocoderSettings, OnlineGeocoder

    app.extensions["registry.geocoder"] = OnlineGeocoder(
        GeocoderSettings(
            kind=app.config["GEOCODER"],
            url=app.config.get("GEOCODER_URL") or "",
            user_agent=app.config["GEOCODER_USER_AGENT"],
            min_delay_seconds=float(app.config.get("GEOCODER_MIN_DELAY_SECONDS", 1.0)),
        )
    )


# What is worth compressing on the fly: pages, JSON (the API, the Open Referral feed), CSV exports. Static files
# are not among them: they are compressed once, when built (registry.web.static_files).
COMPRESSED_MIMETYPES = ["text/html", "application/json", "application/geo+json", "text/csv"]


def _configure_compression(app: Flask) -> None:
    """Brotli for browsers that accept it, gzip otherwise, identity for clients that ask for neither.

    Streamed downloads (exports, /data, the Open Referral download) stay streamed: each chunk is compressed as it
    goes. Brotli's quality 4 and gzip's level 6 cost a millisecond or two on a page; bodies under 500 bytes are
    not worth it. An ETag a view sets gets the encoding added, and conditional requests are still answered."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)


def _configure_templates(app: Flask) -> None:
    # The NHS.UK frontend macros read optional parameters through chains like params.search.action,
    # which need ChainableUndefined; our own templates come first so they can override any macro.
    app.jinja_options = {**app.jinja_options, "undefined": ChainableUndefined}
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PACKAGE_DIR / "templates")),
            PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from registry.web import template_helpers

    template_helpers.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers and a writer work at once; SQLite leaves foreign keys off unless asked."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that SAVEPOINT and
        # transactional DDL behave as documented (SQLAlchemy's "pysqlite" dialect notes).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if not _is_memory_database(dbapi_connection):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    """On SQLite, a request that may write takes the write lock when its transaction begins.

    A transaction begun with a plain BEGIN reads first and asks for the write lock at its first write; if
    another connection has written meanwhile, SQLite refuses at once ("database is locked") rather than wait,
    since waiting could not help. BEGIN IMMEDIATE waits its turn (up to the busy timeout) before reading, so
    concurrent saves queue instead of failing. Reads (GET, HEAD) keep a plain BEGIN: in WAL mode they never
    wait for writers. Work outside a request (commands, tests) chooses with the execution option
    ``sqlite_immediate``.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write(connection) else "BEGIN")


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _may_write(connection: Any) -> bool:
    from flask import has_request_context, request

    chosen = connection.get_execution_options().get("sqlite_immediate")
    if chosen is not None:
        return bool(chosen)
    return has_request_context() and request.method not in _SAFE_METHODS


def _is_memory_database(dbapi_connection: Any) -> bool:
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    return not row or not row[2]


def _configure_database(app: Flask) -> None:
    db.init_app(app)
    import registry.models  # noqa: F401  (registers every table)
