"""What every commissioner page does besides the shared form toolkit (``registry.web.forms``): the signed-in
person, a 404 for what is not theirs, a change the service may refuse, and the commit, message and redirect that end
a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from registry.domain.language import gettext as _
from registry.extensions import db
from registry.models import User
from registry.services.commissioners import CommissioningError
from registry.web.forms import Refused, commit_or_refuse

Found = TypeVar("Found")
Made = TypeVar("Made")


def signed_in() -> User:
    user: User = current_user._get_current_object()
    return user


def _not_yours(kind: str) -> str:
    if kind == "shortlist":
        return _("There is no shortlist of yours with that number.")
    return _("There is no profile of yours with that number.")


def yours_or_404(found: Found | None, kind: str) -> Found:
    """The one owner check: what is not the signed-in person's (a ``shortlist`` or a ``profile``) is not found
    (never 403, so ids reveal nothing)."""
    if found is None:
        abort(404, description=_not_yours(kind))
    return found


def done(message: str, endpoint: str, **values: Any) -> Response:
    """A change is made: commit it, say so on the next page, and go there."""
    db.session.commit()
    flash(message)
    return redirect(url_for(endpoint, **values))


def change_or_refuse(action: Callable[[], Made], field: Any) -> Made | Refused:
    """Make a change through the commissioning service and commit it; a refusal is shown against ``field``."""
    return commit_or_refuse(db.session(), action, field, CommissioningError)
