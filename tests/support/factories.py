"""Factories: listings built in the test's own transaction, written through the same services as real ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.models import ListingStatus, Organisation
from registry.services.assessments import reassess
from registry.services.listing_data import apply_listing_data


def make_listing(session: Session, slug: str, **data: Any) -> Organisation:
    """A published listing with the given data (the seed/import shape), assessed and indexed."""
    org = Organisation(slug=slug)
    session.add(org)
    apply_listing_data(
        session, org, {"name": slug.replace("-", " ").title(), "status": ListingStatus.PUBLISHED, **data}
    )
    reassess(session, org)
    # Commit releases only the test's savepoint: the data lasts until the test's outer transaction is
    # rolled back, and requests (whose sessions are closed after each one) see it.
    session.commit()
    return org


def location(lat: float, lon: float, postcode: str | None = None, lad: str | None = None) -> dict[str, Any]:
    return {"latitude": lat, "longitude": lon, "postcode": postcode, "local_authority_code": lad, "address": ""}
