"""The search index: one row per listing and facet value, kept current by ``services.search_index``.

The full-text half of the index is dialect-specific (an FTS5 virtual table on SQLite, a tsvector table with a
trigram index on PostgreSQL), so it is created by a hand-written migration rather than declared here.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import Model


class SearchFacet(Model):
    __tablename__ = "search_facet"
    __table_args__ = (Index("ix_search_facet_facet_value", "facet", "value", "organisation_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)
