"""What the gazetteer tables hold now: which build, from which sources, and whether one has completed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from registry.models.gazetteer import GazetteerBuild
from registry.services.gazetteer.sources import ons_source_letters

DbSession = Session | scoped_session[Any]


@dataclass(frozen=True, slots=True)
class GazetteerStatus:
    source: str
    source_version: str
    places_source: str
    places_source_version: str
    letters: str
    postcode_count: int
    located_postcode_count: int
    outcode_count: int
    sector_count: int
    local_authority_count: int
    place_count: int
    built_at: datetime
    build_seconds: float

    @property
    def is_complete(self) -> bool:
        """Built from every postcode file of the installed source."""
        return self.letters == ons_source_letters()


def gazetteer_status(session: DbSession) -> GazetteerStatus | None:
    """What the gazetteer tables hold now, or None when no build has completed."""
    row = session.scalars(select(GazetteerBuild).order_by(GazetteerBuild.id.desc()).limit(1)).first()
    if row is None:
        return None
    fields = {name: getattr(row, name) for name in GazetteerStatus.__dataclass_fields__}
    if not row.built_at.tzinfo:  # SQLite drops it
        fields["built_at"] = row.built_at.replace(tzinfo=UTC)
    return GazetteerStatus(**fields)


def is_gazetteer_loaded(session: DbSession) -> bool:
    """For readiness checks: has a build completed?"""
    return session.scalar(select(func.count()).select_from(GazetteerBuild)) != 0
