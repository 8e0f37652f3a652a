"""Configuration classes, one per environment, chosen by ``REGISTRY_ENV``.

Every setting can be overridden by an environment variable named ``REGISTRY_<SETTING>``; the table in
README.md lists them. Development keeps its data and a generated secret key under ``instance/``; production
refuses to start without a secret key and a database URL of its own.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigurationError(RuntimeError):
    """The app cannot start with the configuration it was given."""


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"REGISTRY_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_seconds(name: str, default: float) -> float:
    value = _env(name)
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        raise ConfigurationError(f"REGISTRY_{name} is {value!r}; set it to a number of seconds, like 5 or 0.5.")
    return seconds


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SITE_NAME = "Health & Care Mutuals Registry"
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
    """Return the settings for ``env_name`` (default ``REGISTRY_ENV``, else development)."""
    name = env_name or _env("ENV") or "development"
    if name not in CONFIGS:
        raise ConfigurationError(f"REGISTRY_ENV is {name!r}; set it to one of: {', '.join(sorted(CONFIGS))}.")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    instance_path.mkdir(parents=True, exist_ok=True)

    database_url = _env("DATABASE_URL")
    secret_key = _env("SECRET_KEY")
    if name == "production":
        missing = [
            var
            for var, value in (("REGISTRY_SECRET_KEY", secret_key), ("REGISTRY_DATABASE_URL", database_url))
            if not value
        ]
        if missing:
            raise ConfigurationError(
                "The registry is running in production (REGISTRY_ENV=production) but "
                + " and ".join(missing)
                + (" is" if len(missing) == 1 else " are")
                + " not set. Set REGISTRY_SECRET_KEY to a long random string (for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`) and REGISTRY_DATABASE_URL to "
                "the PostgreSQL URL, like postgresql+psycopg://user@host:5432/registry."
            )
    settings["SQLALCHEMY_DATABASE_URI"] = database_url or _sqlite_url(instance_path)
    settings["SECRET_KEY"] = secret_key or _development_secret_key(instance_path)

    settings["RATELIMIT_STORAGE_URI"] = (
        _env("RATELIMIT_STORAGE_URL") or _env("REDIS_URL") or settings["RATELIMIT_STORAGE_URI"]
    )
    redis_url = _env("REDIS_URL")
    settings["CACHE_TYPE"] = "RedisCache" if redis_url else "SimpleCache"
    settings["CACHE_KEY_PREFIX"] = "registry:"
    if redis_url:
        settings["CACHE_REDIS_URL"] = redis_url
    settings["PROXY_FIX_HOPS"] = int(_env("PROXY_FIX_HOPS", "0") or 0)
    settings["MAP_TILES"] = _env("MAP_TILES")
    settings["MAP_TILES_ATTRIBUTION"] = _env("MAP_TILES_ATTRIBUTION")
    settings["GEOCODER"] = _env("GEOCODER")
    settings["GEOCODER_URL"] = _env("GEOCODER_URL")
    settings["GEOCODER_USER_AGENT"] = _env("GEOCODER_USER_AGENT", settings["GEOCODER_USER_AGENT"])
    settings["LOG_SQL"] = _env_bool("LOG_SQL", False)
    settings["DB_CONNECT_TIMEOUT"] = _env_seconds("DB_CONNECT_TIMEOUT", settings["DB_CONNECT_TIMEOUT"])
    settings["DB_STATEMENT_TIMEOUT"] = _env_seconds("DB_STATEMENT_TIMEOUT", settings["DB_STATEMENT_TIMEOUT"])
    settings["SMTP_HOST"] = _env("SMTP_HOST")
    settings["SMTP_PORT"] = int(_env("SMTP_PORT", str(settings["SMTP_PORT"])) or settings["SMTP_PORT"])
    settings["SMTP_USERNAME"] = _env("SMTP_USERNAME")
    settings["SMTP_PASSWORD"] = _env("SMTP_PASSWORD")
    settings["SMTP_STARTTLS"] = _env_bool("SMTP_STARTTLS", settings["SMTP_STARTTLS"])
    settings["SMTP_FROM"] = _env("SMTP_FROM", settings["SMTP_FROM"])
    settings["COMMISSIONER_DOMAINS"] = _env("COMMISSIONER_DOMAINS", settings["COMMISSIONER_DOMAINS"])
    settings["API_RATE_LIMIT"] = _env("API_RATE_LIMIT", settings["API_RATE_LIMIT"])
    settings["DOWNLOAD_RATE_LIMIT"] = _env("DOWNLOAD_RATE_LIMIT", settings["DOWNLOAD_RATE_LIMIT"])
    settings["BASE_URL"] = _base_url(_env("BASE_URL"), name)
    settings["TRUSTED_HOSTS"] = trusted_hosts(settings["BASE_URL"], _env("TRUSTED_HOSTS"))
    return settings


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


def trusted_hosts(base_url: str | None, configured: str | None) -> list[str]:
    """The host names to accept: the base URL's, those in REGISTRY_TRUSTED_HOSTS (comma-separated; a leading
    dot accepts every subdomain), and, when neither names any, only localhost and 127.0.0.1."""
    hosts = [host.strip().lower() for host in (configured or "").split(",") if host.strip()]
    if base_url:
        hosts.insert(0, urlsplit(base_url).hostname or "")
    return list(dict.fromkeys(hosts)) or list(LOCAL_HOSTS)
