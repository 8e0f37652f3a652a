"""Security headers, set in one place, with a per-request CSP nonce and no ``unsafe-inline``."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def content_security_policy(nonce: str, tile_origin: str | None = None) -> str:
    img_src = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            f"img-src {img_src}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _tile_origin(template: str | None) -> str | None:
    if not template:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(template.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in template else parts.netloc
    return f"{parts.scheme}://{host}"


def set_security_headers(response: Response) -> Response:
    from flask import current_app

    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), _tile_origin(current_app.config.get("MAP_TILES"))
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
