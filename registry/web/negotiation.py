"""One place that decides whether a request wants JSON, and one shape for JSON answers.

Success: ``{"data": ..., "meta": {...}}``. Error: ``{"error": {"status", "code", "message"}}``
(plus ``fields`` naming each invalid field when there are any).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def json_success(data: Any, meta: dict[str, Any] | None = None, status: int = 200) -> Response:
    response = jsonify({"data": data, "meta": meta or {}})
    response.status_code = status
    return response


def json_error(
    status: int, message: str, code: str | None = None, fields: dict[str, str] | None = None, **extra: Any
) -> Response:
    """The error envelope; ``fields`` names each invalid parameter, ``extra`` adds keys like suggestions."""
    # The message is in the request's language (a lazy message is made into words here); the code stays English.
    body: dict[str, Any] = {"status": status, "code": code or ERROR_CODES.get(status, "error"), "message": str(message)}
    if fields:
        body["fields"] = fields
    body.update({key: value for key, value in extra.items() if value})
    response = jsonify({"error": body})
    response.status_code = status
    return response
