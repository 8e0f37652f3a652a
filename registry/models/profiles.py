"""Commissioners' own profiles (chosen rules with their numbers, versioned) and each listing's precomputed rule
outcomes, which make filtering by any profile a vectorised comparison (see ``validator.profiles``).

A profile is private to its owner; sharing gives it a random token, and a commissioner who opens the shared
link and takes it up gets a ``ProfileShare``. Editing never changes a version: it adds the next one, so a
verdict or an export that names "version 2" can always be traced to the rules it used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import NamedByOwner, created_at_column, updated_at_column
from registry.models.accounts import User

PROFILE_NAME_MAX = 120
SHARE_TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


class Profile(NamedByOwner, Model):
    __tablename__ = "commissioner_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(PROFILE_NAME_MAX))
    # Set while the profile is shared by link; None when private.
    share_token: Mapped[str | None] = mapped_column(String(SHARE_TOKEN_LENGTH), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    owner: Mapped[User] = relationship()
    versions: Mapped[list[ProfileVersion]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="ProfileVersion.number"
    )
    shares: Mapped[list[ProfileShare]] = relationship(back_populates="profile", cascade="all, delete-orphan")

    @property
    def current(self) -> ProfileVersion:
        return self.versions[-1]

    def __repr__(self) -> str:
        return f"<Profile {self.id} {self.name!r}>"


class ProfileVersion(Model):
    """One version of a profile: the chosen rules (``ruleset-id/RULE-ID``) with their ranged parameters."""

    __tablename__ = "commissioner_profile_version"
    __table_args__ = (UniqueConstraint("profile_id", "number"), CheckConstraint("number > 0", name="number_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("commissioner_profile.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    profile: Mapped[Profile] = relationship(back_populates="versions")


class ProfileShare(Model):
    """A commissioner who took up a shared profile by its link."""

    __tablename__ = "commissioner_profile_share"

    profile_id: Mapped[int] = mapped_column(ForeignKey("commissioner_profile.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()

    profile: Mapped[Profile] = relationship(back_populates="shares")


class ListingRuleOutcome(Model):
    """A listing's outcome for every rule of the catalogue at every value of its ranges, one byte each
    (``Catalogue.rule_outcomes``), made on ``basis`` (``rules_basis()``): another basis means remake it."""

    __tablename__ = "listing_rule_outcome"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    basis: Mapped[str] = mapped_column(String(16))
    outcomes: Mapped[bytes] = mapped_column(LargeBinary)
