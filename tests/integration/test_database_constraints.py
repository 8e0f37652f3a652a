"""Invariants the database itself refuses to break, whatever the code above it does."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.models import Identifier, MemberClass, Organisation


def _org(session: Session, slug: str) -> Organisation:
    org = Organisation(slug=slug, name=slug.title())
    session.add(org)
    session.flush()
    return org


def test_an_identifier_is_unique_within_its_scheme(session: Session) -> None:
    first, second = _org(session, "first-co"), _org(session, "second-co")
    session.add(Identifier(organisation_id=first.id, scheme_code="GB-COH", value="12345678"))
    session.flush()
    session.add(Identifier(organisation_id=second.id, scheme_code="GB-COH", value="12345678"))
    with pytest.raises(IntegrityError):
        session.flush()


@pytest.mark.parametrize(
    ("field", "value"),
    [("member_count", -1), ("vote_share_pct", 101), ("vote_share_pct", -0.5)],
)
def test_member_class_counts_and_vote_shares_are_bounded(session: Session, field: str, value: float) -> None:
    org = _org(session, "bounded-co")
    session.add(MemberClass(organisation_id=org.id, name="Staff", kind_code="staff", **{field: value}))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_listing_status_outside_the_vocabulary_is_refused(session: Session) -> None:
    session.add(Organisation(slug="odd-status", name="Odd", status="deleted"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_legal_form_must_exist_in_the_vocabulary(session: Session) -> None:
    session.add(Organisation(slug="odd-form", name="Odd", legal_form_code="plc_of_dreams"))
    with pytest.raises(IntegrityError):
        session.flush()
