"""What every commissioner page does: the signed-in person, a page with its errors, a 404 for what is not theirs,
and the commit, message and redirect that end a change."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from registry.extensions import db
from registry.models import User
from registry.web.commission.forms import form_errors

Found = TypeVar("Found")


def signed_in() -> User:
    user: User = current_user._get_current_object()
    return user


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    errors = context.setdefault("errors", {})
    return render_template(template, error_title=bool(errors), **context), status


def form_page(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """A page with a form: 400 and the form's errors after a post that did not validate."""
    errors = form_errors(form)
    return page(template, 400 if errors else 200, errors=errors, form=form, **context)


def yours_or_404(found: Found | None, kind: str) -> Found:
    """The one owner check: what is not the signed-in person's is not found (never 403, so ids reveal nothing)."""
    if found is None:
        abort(404, description=f"There is no {kind} of yours with that number.")
    return found


def done(message: str, endpoint: str, **values: Any) -> Response:
    """A change is made: commit it, say so on the next page, and go there."""
    db.session.commit()
    flash(message)
    return redirect(url_for(endpoint, **values))
