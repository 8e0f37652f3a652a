"""Commissioners' shortlists: named lists of listings, each with a note, private to the account that made them.

A listing appears at most once in a shortlist, and a commissioner's shortlists have different names. Removing an
account removes its shortlists; listings are never deleted (they are withdrawn), so entries keep their listing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import NamedByOwner, created_at_column, updated_at_column
from registry.models.accounts import User
from registry.models.organisation import Organisation

SHORTLIST_NAME_MAX = 120
NOTE_MAX = 2000


class Shortlist(NamedByOwner, Model):
    __tablename__ = "shortlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(SHORTLIST_NAME_MAX))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    owner: Mapped[User] = relationship()
    entries: Mapped[list[ShortlistEntry]] = relationship(
        back_populates="shortlist", cascade="all, delete-orphan", order_by="ShortlistEntry.position"
    )

    def __repr__(self) -> str:
        return f"<Shortlist {self.id} {self.name!r}>"


class ShortlistEntry(Model):
    """A listing on a shortlist, with the commissioner's note about it."""

    __tablename__ = "shortlist_entry"
    __table_args__ = (
        UniqueConstraint("shortlist_id", "organisation_id"),
        CheckConstraint(f"length(note) <= {NOTE_MAX}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlist.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    added_at: Mapped[datetime] = created_at_column()

    shortlist: Mapped[Shortlist] = relationship(back_populates="entries")
    organisation: Mapped[Organisation] = relationship()
