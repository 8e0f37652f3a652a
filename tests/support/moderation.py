"""Moderation in tests: a moderator's decision on a waiting change, and a listing registered and approved."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import ChangeRequest
from tests.support.accounts import csrf_token_from
from tests.support.registration import listing_by_slug, register, submit


def decide(client: FlaskClient, page: str, decision: str, reason: str = "") -> object:
    token = csrf_token_from(client.get(page))
    return client.post(page, data={"csrf_token": token, "decision": decision, "reason": reason})


def pending_request(session: Session, slug: str) -> ChangeRequest:
    org = listing_by_slug(session, slug)
    return session.scalars(
        select(ChangeRequest).where(ChangeRequest.organisation_id == org.id, ChangeRequest.status == "pending")
    ).one()


def published_listing(representative: FlaskClient, moderator: FlaskClient, session: Session) -> str:
    """A listing the representative registered and submitted and the moderator approved; returns its slug."""
    slug = register(representative)
    submit(representative, slug)
    request = pending_request(session, slug)
    response = decide(moderator, f"/moderate/changes/{request.id}", "approve")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return slug
