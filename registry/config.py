"""Configuration classes, one per environment, chosen by ``REGISTRY_ENV``.

Every setting can be overridden by an environment variable named ``REGISTRY_<SETTING>`` (Flask's
``from_prefixed_env``); the table in README.md lists the ones deployments set. Development keeps its data and a
generated secret key under ``instance/``; production refuses to start without a secret key, a database URL and
an https base URL of its own.
"""

from __future__ import annotations

import os
import secrets
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from flask import Config as FlaskConfig

PREFIX = "REGISTRY"


class ConfigurationError(RuntimeError):
    """The app cannot start with the configuration it was given."""


class Config:
    ENV_NAME = "base"
    # Read from REGISTRY_DATABASE_URL, REGISTRY_SECRET_KEY, REGISTRY_REDIS_URL and
    # REGISTRY_RATELIMIT_STORAGE_URL and turned into the settings the extensions read by load_config.
    DATABASE_URL: str | None = None
    SECRET_KEY: str | None = None
    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URL: str | None = None
    DEBUG = False
    TESTING = False
    SITE_NAME = "Health & Care Mutuals Registry"
    # The name on Welsh pages and in Welsh emails (REGISTRY_SITE_NAME_CY).
    SITE_NAME_CY = "Cofrestr Cwmnïau Cydfuddiannol Iechyd a Gofal"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    # Seconds (PostgreSQL): how long to wait for a new connection, and how long one statement of a web request
    # may run (0: no limit). A database that stops answering gives a 503 rather than holding the request. Outside
    # a request (the command line, imports) statements are not limited. Applied by registry.web.operations.
    DB_CONNECT_TIMEOUT = 5.0
    DB_STATEMENT_TIMEOUT = 15.0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens last for the session; forms left open overnight still submit
    PER_PAGE = 20
    # No form or API request needs more; larger bodies get a 413 before anything reads them. Imports run from
    # the command line and are not limited.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_PER_PAGE = 100
    JSON_SORT_KEYS = False
    RATELIMIT_STORAGE_URI = "memory://"
    # Per client address: requests to /api/v1 and /openreferral, and whole-register downloads.
    API_RATE_LIMIT = "300 per minute"
    DOWNLOAD_RATE_LIMIT = "30 per hour"
    RATELIMIT_HEADERS_ENABLED = True
    PROXY_FIX_HOPS = 0
    MAP_TILES: str | None = None
    MAP_TILES_ATTRIBUTION: str | None = None
    GEOCODER: str | None = None
    GEOCODER_URL: str | None = None
    GEOCODER_USER_AGENT = "health-care-mutuals-registry"
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_FROM = "Health & Care Mutuals Registry <noreply@localhost>"
    # Who reads the contact form's messages: email addresses, comma-separated. Unset: every moderator and admin.
    CONTACT_EMAIL: str | None = None
    # Per client address: messages sent from the contact form (each one sends email).
    CONTACT_RATE_LIMIT = "5 per hour"
    # Email domains whose confirmed accounts become commissioners when they sign in, e.g. "nhs.net,gov.uk".
    COMMISSIONER_DOMAINS = ""
    # The public address every emailed and absolute link is built from ("https://registry.example.org"); never
    # the request's Host header. Required in production.
    BASE_URL: str | None = None
    # Host names the app answers to; any other Host header is refused with a 400 before a view runs.
    TRUSTED_HOSTS: list[str] | None = None


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = True
    # The suite calls the API thousands of times from one address; the limits' own tests set them low.
    API_RATE_LIMIT = "100000 per minute"
    DOWNLOAD_RATE_LIMIT = "100000 per minute"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def _sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'registry.db'}"


def _development_secret_key(instance_path: Path) -> str:
    """Generate a secret key once and keep it, so sessions survive restarts in development."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: Path, env_name: str | None = None) -> dict[str, Any]:
    """Return the settings for ``env_name`` (default ``REGISTRY_ENV``, else development): the environment's
    class, overridden by every ``REGISTRY_<SETTING>`` variable, then checked."""
    name = env_name or os.environ.get(f"{PREFIX}_ENV") or "development"
    if name not in CONFIGS:
        raise ConfigurationError(f"REGISTRY_ENV is {name!r}; set it to one of: {', '.join(sorted(CONFIGS))}.")
    cls = CONFIGS[name]
    config = FlaskConfig(instance_path)
    config.from_object(cls)
    config.from_prefixed_env(PREFIX)
    # Variables that choose where things are rather than set something (REGISTRY_TEST_DATABASE_URL is the
    # suite's); ENV_NAME, not ENV, names the environment.
    for not_a_setting in ("ENV", "INSTANCE_PATH", "TEST_DATABASE_URL"):
        config.pop(not_a_setting, None)
    settings = _typed(dict(config), cls)
    instance_path.mkdir(parents=True, exist_ok=True)

    if name == "production":
        missing = [f"{PREFIX}_{key}" for key in ("SECRET_KEY", "DATABASE_URL") if not settings[key]]
        if missing:
            raise ConfigurationError(
                "The registry is running in production (REGISTRY_ENV=production) but "
                + " and ".join(missing)
                + (" is" if len(missing) == 1 else " are")
                + " not set. Set REGISTRY_SECRET_KEY to a long random string (for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`) and REGISTRY_DATABASE_URL to "
                "the PostgreSQL URL, like postgresql+psycopg://user@host:5432/registry."
            )
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"] or _sqlite_url(instance_path)
    settings["SECRET_KEY"] = settings["SECRET_KEY"] or _development_secret_key(instance_path)

    redis_url = settings["REDIS_URL"]
    settings["RATELIMIT_STORAGE_URI"] = (
        settings["RATELIMIT_STORAGE_URL"] or redis_url or settings["RATELIMIT_STORAGE_URI"]
    )
    settings["CACHE_TYPE"] = "RedisCache" if redis_url else "SimpleCache"
    settings["CACHE_KEY_PREFIX"] = "registry:"
    if redis_url:
        settings["CACHE_REDIS_URL"] = redis_url
    for key in ("DB_CONNECT_TIMEOUT", "DB_STATEMENT_TIMEOUT"):
        settings[key] = _seconds(key, settings[key])
    settings["BASE_URL"] = _base_url(settings["BASE_URL"], name)
    settings["TRUSTED_HOSTS"] = trusted_hosts(settings["BASE_URL"], settings["TRUSTED_HOSTS"])
    return settings


def _typed(settings: dict[str, Any], cls: type[Config]) -> dict[str, Any]:
    """Give each setting read from the environment the type of its default.

    ``from_prefixed_env`` decodes values as JSON, which guesses: a secret key or password of digits would
    become a number and ``no`` would stay a (true) string. The defaults say what each setting is.
    """
    hints = get_type_hints(cls)
    for key, value in settings.items():
        raw = os.environ.get(f"{PREFIX}_{key}")
        if raw is None:
            continue
        default = getattr(cls, key, None)
        kinds = _kinds(hints.get(key), default)
        if str in kinds:
            settings[key] = raw
        elif bool in kinds:
            settings[key] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif not raw.strip() and default is not None:
            settings[key] = default
        elif int in kinds and not isinstance(value, int):
            settings[key] = _number(key, raw, int)
        elif float in kinds and not isinstance(value, int | float):
            settings[key] = _number(key, raw, float)
    return settings


def _kinds(hint: Any, default: Any) -> set[type]:
    """The plain types a setting may hold, from its annotation (``str | None``) or else its default."""
    if hint is None:
        return {type(default)}
    if get_origin(hint) in (Union, types.UnionType):
        return {arg for arg in get_args(hint) if isinstance(arg, type)}
    return {hint} if isinstance(hint, type) else {get_origin(hint) or object}


def _number(key: str, raw: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(raw)
    except ValueError:
        raise ConfigurationError(f"{PREFIX}_{key} is {raw!r}; set it to a number, like 5.") from None


def _seconds(key: str, seconds: Any) -> float:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 <= seconds < 86_400:
        raise ConfigurationError(f"{PREFIX}_{key} is {seconds!r}; set it to a number of seconds, like 5 or 0.5.")
    return float(seconds)


# Development and tests answer only to the loopback names, so a forged Host header is refused there too.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _base_url(value: str | None, env_name: str) -> str | None:
    """The configured public base URL, checked: scheme and host only, no path, query or trailing slash."""
    if not value:
        if env_name == "production":
            raise ConfigurationError(
                "The registry is running in production (REGISTRY_ENV=production) but REGISTRY_BASE_URL is not "
                "set. Set it to the public address people use, like https://registry.example.org: every link in "
                "the emails the registry sends is built from it, never from the request's Host header."
            )
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/") or parts.query:
        raise ConfigurationError(
            f"REGISTRY_BASE_URL is {value!r}; set it to a scheme and host only, like https://registry.example.org."
        )
    if env_name == "production" and parts.scheme != "https":
        raise ConfigurationError(f"REGISTRY_BASE_URL is {value!r}; in production it must start with https://.")
    return f"{parts.scheme}://{parts.netloc}"


def trusted_hosts(base_url: str | None, configured: str | list[str] | None) -> list[str]:
    """The host names to accept: the base URL's, those in REGISTRY_TRUSTED_HOSTS (comma-separated, or a JSON
    list; a leading dot accepts every subdomain), and, when neither names any, only localhost and 127.0.0.1."""
    names = configured.split(",") if isinstance(configured, str) else configured or []
    hosts = [host.strip().lower() for host in names if host.strip()]
    if base_url:
        hosts.insert(0, urlsplit(base_url).hostname or "")
    return list(dict.fromkeys(hosts)) or list(LOCAL_HOSTS)
