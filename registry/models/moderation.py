"""Moderation: what waits for a moderator before it goes live, and what they decided.

A ``ChangeRequest`` is a new listing submitted for review or a proposed change to a verified listing's
verified facts (legal form, identifiers, governance); the proposal is held here, not on the listing, so
nothing unreviewed is ever public. A ``Claim`` is someone asking to represent an existing listing, with their
evidence. Neither is ever deleted: a decision records who made it, when and why.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import created_at_column, one_of
from registry.models.accounts import User
from registry.models.organisation import Organisation


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Taken back by the person who asked, or overtaken (the listing was withdrawn while it waited).
    WITHDRAWN = "withdrawn"


class ChangeKind(StrEnum):
    NEW_LISTING = "new_listing"
    CHANGE = "change"


_PENDING = "status = 'pending'"
# A decision is complete or absent: pending rows have no decision time; decided rows have one, and a
# rejection always says why (the reason is emailed to the representative).
_DECISION_RECORDED = "(status = 'pending' AND decided_at IS NULL) OR (status <> 'pending' AND decided_at IS NOT NULL)"
_REJECTION_HAS_REASON = "status <> 'rejected' OR (reason IS NOT NULL AND reason <> '')"


def _review_constraints() -> tuple[CheckConstraint, ...]:
    """A known status, and a decision that is complete or absent (see above)."""
    return (
        one_of("status", ReviewStatus, "status_valid"),
        CheckConstraint(_DECISION_RECORDED, name="decision_recorded"),
        CheckConstraint(_REJECTION_HAS_REASON, name="rejection_has_reason"),
    )


def _one_pending(name: str, *columns: str) -> Index:
    """At most one pending row for each value of ``columns`` (a partial unique index)."""
    return Index(name, *columns, unique=True, sqlite_where=text(_PENDING), postgresql_where=text(_PENDING))


class _Reviewed:
    """What a moderator decided about a request: by whom, when and why (its columns come last in the table)."""

    if TYPE_CHECKING:
        status: Mapped[str]

    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING


class ChangeRequest(_Reviewed, Model):
    """A new listing, or a change to a listing's verified facts, waiting for (or decided by) a moderator.

    ``proposed`` holds the change in ``apply_listing_data``'s shape (only the keys that change); for a new
    listing it is empty, because the listing itself (in ``pending`` status) is the proposal.
    """

    __tablename__ = "change_request"
    __table_args__ = (
        one_of("kind", ChangeKind, "kind_valid"),
        *_review_constraints(),
        # One thing at a time per listing: a second proposal while one waits would be reviewed against a
        # listing that the first might change.
        _one_pending("uq_change_request_one_pending", "organisation_id"),
        Index("ix_change_request_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PENDING.value)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The listing's version when the proposal was made, so a reviewer can see whether it has moved on since.
    base_version: Mapped[int] = mapped_column(Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys="ChangeRequest.decided_by_id")

    def __repr__(self) -> str:
        return f"<ChangeRequest {self.id} {self.kind} {self.status}>"


class Claim(_Reviewed, Model):
    """Someone asks to represent an existing listing (often an imported one), with evidence for a moderator."""

    __tablename__ = "claim"
    __table_args__ = (
        *_review_constraints(),
        CheckConstraint("evidence <> ''", name="evidence_given"),
        _one_pending("uq_claim_one_pending_per_person", "organisation_id", "user_id"),
        Index("ix_claim_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role_at_organisation: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(Text, info={"max_length": 5000})
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PENDING.value)
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys="Claim.decided_by_id")

    def __repr__(self) -> str:
        return f"<Claim {self.id} {self.status}>"
