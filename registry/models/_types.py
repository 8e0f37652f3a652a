"""Column helpers shared by the models: timestamps, closed vocabularies held as checked strings, owners' names."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Constraint, DateTime, UniqueConstraint, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


def updated_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now())


def one_of(column: str, choices: type[StrEnum], name: str) -> CheckConstraint:
    """A CHECK constraint holding a column to an enum's values (NULL allowed)."""
    values = ", ".join(f"'{member.value}'" for member in choices)
    return CheckConstraint(f"{column} IS NULL OR {column} IN ({values})", name=name)


def percentage(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR ({column} >= 0 AND {column} <= 100)", name=f"{column}_0_100")


def non_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_non_negative")


class NamedByOwner:
    """Something an account keeps under a name of its own (a shortlist, a profile): the name is never empty
    and differs from the owner's other names. The model declares the ``owner_id`` and ``name`` columns."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Constraint, ...]:
        return UniqueConstraint("owner_id", "name"), CheckConstraint("length(name) > 0", name="name_not_empty")
