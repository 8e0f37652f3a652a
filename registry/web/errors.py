"""App-wide error pages that answer HTML or JSON by content negotiation."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from registry.domain.language import gettext as _
from registry.models import FieldRefused
from registry.web.negotiation import json_error, wants_json


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue (``pybabel extract`` knows ``N_``) and leaves it English: the JSON
    answers below give the English, the HTML pages translate it where they are made."""
    return message


MESSAGES = {
    400: (N_("There is a problem with your request"), N_("Check what you entered and try again.")),
    403: (N_("You do not have permission to see this page"), N_("Sign in with an account that has access.")),
    404: (N_("Page not found"), N_("If you typed the web address, check it is correct.")),
    405: (N_("That action is not allowed here"), N_("Go back and try again.")),
    413: (N_("What you sent is too large"), N_("Send less at once, then try again.")),
    429: (N_("Too many attempts"), N_("Wait a minute, then try again.")),
    500: (N_("Sorry, there is a problem with the service"), N_("Try again later.")),
    503: (N_("Sorry, the service is unavailable"), N_("Try again in a few minutes.")),
}
UNKNOWN = (N_("Sorry, there is a problem"), N_("Try again later."))


def _rollback() -> None:
    """End a failed transaction before the error page is made: a page that reads the database (the layout's
    navigation, a signed-in user) would otherwise fail again on PostgreSQL with PendingRollbackError."""
    from registry.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the page must still be made
        current_app.logger.warning("Rolling back before an error page failed", exc_info=True)


def _render(status: int, description: str | None = None) -> tuple[Any, int]:
    _rollback()
    title, advice = MESSAGES.get(status, UNKNOWN)
    if wants_json():
        return json_error(status, description or title), status
    return render_template("errors/error.html", status=status, title=_(title), advice=_(advice)), status


def handle_http_exception(error: HTTPException) -> tuple[Any, int]:
    status = error.code or 500
    description = error.description if status != 500 else None
    response, status = _render(status, description if wants_json() else None)
    return response, status


def handle_csrf_error(error: CSRFError) -> tuple[Any, int]:
    if wants_json():
        return json_error(400, "The form's security token is missing or has expired.", "csrf_failed"), 400
    return (
        render_template(
            "errors/error.html",
            status=400,
            title=_("Your form could not be sent"),
            advice=_(
                "The page was open too long or the form was sent from elsewhere. Go back, reload the page "
                "and try again."
            ),
        ),
        400,
    )


def handle_field_refused(error: FieldRefused) -> tuple[Any, int]:
    """A value its column must not hold (too long, or not a web address) got past the forms to the database
    layer: it is the input that is wrong, so a 400 that says what to enter, not a 500."""
    current_app.logger.warning("Refused a value: %s", error)
    return _render(400, error.advice)


def handle_untrusted_host(error: SecurityError) -> tuple[Any, int, dict[str, str]]:
    """A request for a host name not in ``TRUSTED_HOSTS``: a short plain answer, built without URLs (none can
    be built for a host the app does not serve) and without echoing the host back."""
    return "Bad request: this server does not answer to that host name.\n", 400, {"Content-Type": "text/plain"}


def handle_unexpected(error: Exception) -> tuple[Any, int]:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    from flask import current_app

    current_app.logger.exception("Unhandled error", exc_info=error)
    return handle_http_exception(InternalServerError())


def refuse_null_characters() -> None:
    """A NUL character (``%00``) in the address or a form is never meaningful, and PostgreSQL text cannot hold
    one: refuse it with a 400 before any query sees it, the same on both databases."""
    fields = [*request.args.items(multi=True)]
    if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        fields.extend(request.form.items(multi=True))
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in fields):
        abort(400, description="Remove the null character (%00) from the address or the form, then try again.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_null_characters)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(FieldRefused, handle_field_refused)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.config.get("PROPAGATE_EXCEPTIONS") and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
