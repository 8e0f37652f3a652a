"""Absolute links, built from the configured public base URL and never from the request's ``Host`` header.

Emails, API bodies, feeds and ``Link`` headers all carry absolute links. Were they built from the request, a
request sent with a forged ``Host`` would put an attacker's address into a password-reset email. With
``REGISTRY_BASE_URL`` set (required in production) every absolute link starts with it; without it (development
and tests) the request's host is used, which ``TRUSTED_HOSTS`` has already checked.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return str(base).rstrip("/") + url_for(endpoint, _external=False, **values)
