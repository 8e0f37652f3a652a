"""Commissioners: the preferred-provider search, shortlists, comparison, exports and the market overview.

Every page here is for commissioners (and admins); granting the role is for moderators. Anonymous visitors are
sent to sign in (HTML) or told 401 (JSON); anyone else signed in gets 403. Shortlists are private: another
person's shortlist is "not found" (404), whoever asks, admins included, so their ids reveal nothing.

Importing this package also connects the automatic grant: a confirmed account whose email address is at one
of ``REGISTRY_COMMISSIONER_DOMAINS`` becomes a commissioner when it signs in.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app
from flask_login import user_logged_in

from registry.extensions import db
from registry.services.commissioners import grant_by_email_domain, parse_domains

bp = Blueprint("commission", __name__)


def grant_by_domain_on_sign_in(sender: Flask, user: Any, **extra: Any) -> None:
    domains = parse_domains(current_app.config.get("COMMISSIONER_DOMAINS"))
    if domains and grant_by_email_domain(db.session(), user, domains):
        db.session.commit()


user_logged_in.connect(grant_by_domain_on_sign_in)


from registry.web.commission import profiles, shortlists, views  # noqa: E402,F401  (registers the routes)
