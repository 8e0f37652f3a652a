"""One loader per object: every view that touches a listing gets it here, or a 404."""

from __future__ import annotations

from flask import abort, request

from registry.domain.paging import PageRequest, PagingError, page_request
from registry.extensions import db
from registry.models import Organisation
from registry.services.listings import get_listing


def load_listing(slug: str) -> Organisation:
    organisation = get_listing(db.session(), slug)
    if organisation is None:
        abort(404, description=f"There is no published listing called {slug!r}.")
    return organisation


def requested_page(default_per_page: int, max_per_page: int) -> PageRequest:
    try:
        return page_request(request.args.get("page"), request.args.get("per_page"), default_per_page, max_per_page)
    except PagingError as error:
        abort(400, description=str(error))
