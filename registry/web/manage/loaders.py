"""The one loader for a listing outside the public pages: it returns the listing only to those who may use
it for the purpose asked, so no view can forget the check.

Someone without the right gets 403 for a listing the public can see anyway, and 404 for one they cannot
(a draft, a withdrawn listing), so that guessing addresses tells nobody what drafts exist.
"""

from __future__ import annotations

from enum import StrEnum

from flask import abort
from flask_login import current_user

from registry.extensions import db
from registry.models import ChangeRequest, Claim, ListingStatus, Organisation, Revision, Role
from registry.services.editing import revision_by_number
from registry.services.listings import get_listing
from registry.services.registration import represents
from registry.web.authorisation import has_role


class Purpose(StrEnum):
    EDIT = "edit"  # its representatives: change it, submit it, withdraw it, see its drafts
    HISTORY = "history"  # anyone while it is published; otherwise its representatives and moderators
    MODERATE = "moderate"  # moderators and admins


def listing_for(slug: str, purpose: Purpose) -> Organisation:
    """The listing called ``slug`` if the signed-in person may use it for ``purpose``; otherwise 403 or 404."""
    org = get_listing(db.session(), slug, published_only=False)
    if org is None:
        abort(404)
    public = org.status == ListingStatus.PUBLISHED
    user = current_user
    signed_in = bool(getattr(user, "is_authenticated", False))
    if purpose is Purpose.EDIT:
        allowed = signed_in and represents(db.session(), user, org)
    elif purpose is Purpose.HISTORY:
        allowed = public or (signed_in and (has_role(user, Role.MODERATOR) or represents(db.session(), user, org)))
    else:
        allowed = has_role(user, Role.MODERATOR)
    if not allowed:
        abort(403 if public or purpose is Purpose.MODERATE else 404)
    return org


def change_request_for(request_id: int) -> ChangeRequest:
    """A change request, for a moderator."""
    if not has_role(current_user, Role.MODERATOR):
        abort(403)
    request = db.session.get(ChangeRequest, request_id)
    if request is None:
        abort(404)
    return request


def claim_for(claim_id: int) -> Claim:
    """A claim, for a moderator."""
    if not has_role(current_user, Role.MODERATOR):
        abort(403)
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404)
    return claim


def revision_for(org: Organisation, number: int) -> Revision:
    """One revision of a listing already loaded (and so already checked) by ``listing_for``."""
    revision = revision_by_number(db.session(), org, number)
    if revision is None:
        abort(404)
    return revision
