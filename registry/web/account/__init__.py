"""Accounts: sign up, confirm an email address, sign in and out, change or reset a password.

Importing this package sets up Flask-Login on the shared ``login_manager``: the user loader, where to send
people who must sign in, and the JSON 401 for API clients. The app factory calls ``login_manager.init_app``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from registry.domain.language import gettext as _
from registry.extensions import db, login_manager
from registry.models import User
from registry.services.accounts import user_for_session
from registry.web.authorisation import can
from registry.web.negotiation import json_error, wants_json

bp = Blueprint("account", __name__)

login_manager.login_view = "account.sign_in"
login_manager.refresh_view = "account.sign_in"
# "strong" deletes the whole session, remember-me cookie included, whenever the browser's IP address or user
# agent changes: people on mobile networks or with IPv6 privacy addresses would be signed out all day and
# "Keep me signed in" would never work. "basic" keeps them signed in but marks the session not fresh, and the
# sensitive actions ask for the password again anyway (changing a password needs the current one). Changing
# the password signs out every other session, because session ids carry the password's timestamp.
login_manager.session_protection = "basic"


def load_user(session_id: str) -> User | None:
    return user_for_session(db.session(), session_id)


def unauthorised() -> Any:
    if wants_json():
        return json_error(401, _("Sign in to do this."))
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("account.sign_in", next=target))


login_manager.user_loader(load_user)
login_manager.unauthorized_handler(unauthorised)


@bp.app_template_global("can")
def can_in_template(user: Any, permission: str) -> bool:
    return can(user, permission)


from registry.web.account import views  # noqa: E402,F401  (registers the routes)
