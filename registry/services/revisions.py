"""Append-only history: every change to a listing is kept as a numbered snapshot."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import Organisation, Revision
from registry.services.listings import listing_as_dict


def record_revision(session: Session, org: Organisation, author: str, summary: str) -> Revision:
    """Snapshot ``org`` as it now stands (after a flush) as its next revision."""
    session.flush()
    session.refresh(org)
    last = session.scalar(select(func.max(Revision.number)).where(Revision.organisation_id == org.id)) or 0
    revision = Revision(
        organisation_id=org.id, number=last + 1, author=author, summary=summary, snapshot=listing_as_dict(org)
    )
    session.add(revision)
    return revision
