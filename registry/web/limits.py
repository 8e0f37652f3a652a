"""Rate limits on the API, the Open Referral feed and the bulk downloads, set in one place.

Each client (by address) gets ``API_RATE_LIMIT`` requests to ``/api/v1`` and ``/openreferral`` and
``DOWNLOAD_RATE_LIMIT`` whole-register downloads; both can be changed with ``REGISTRY_API_RATE_LIMIT`` and
``REGISTRY_DOWNLOAD_RATE_LIMIT``. A 429 answers in the JSON error envelope with ``Retry-After``. Limits are
only as good as their storage: with several workers and in-memory storage each worker counts on its own, so
production warns loudly at start-up unless ``REGISTRY_REDIS_URL`` (or ``REGISTRY_RATELIMIT_STORAGE_URL``) names
shared storage.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from registry.extensions import limiter

DOWNLOAD_ENDPOINTS = ("public.data_csv", "public.data_json", "openreferral.package")
LIMITED_BLUEPRINTS = ("api", "openreferral")


def _api_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


def _download_limit() -> str:
    return str(current_app.config["DOWNLOAD_RATE_LIMIT"])


def init_app(app: Flask) -> None:
    for name in LIMITED_BLUEPRINTS:
        blueprint: Any = app.blueprints[name]
        limiter.limit(_api_limit)(blueprint)
    for endpoint in DOWNLOAD_ENDPOINTS:
        # The limiter checks a decorated view's limits when the view is called, so the registered view is
        # replaced by its decorated form (set here, beside the other limits, rather than on each view).
        view: Any = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(_download_limit)(view)
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if app.config.get("ENV_NAME") == "production" and storage.startswith("memory://"):
        app.logger.warning(
            "RATE LIMITS ARE NOT SHARED: REGISTRY_REDIS_URL is not set, so each worker process keeps its own "
            "counts and sign-in, API and download limits are several times looser than configured. Set "
            "REGISTRY_REDIS_URL (or REGISTRY_RATELIMIT_STORAGE_URL) to shared storage such as Redis."
        )
