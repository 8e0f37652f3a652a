"""Imports of public registers: each run, and what each source last said about each listing.

``ImportedRecord`` keeps one source's contribution to one listing (the listing-data shape that source's row
gave) with its fingerprint. A listing fed by several sources (Co-operatives UK, the FCA register, CQC) is the
merge of its records, so re-importing one source never undoes another's, and an unchanged row changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import Model
from registry.models._types import created_at_column, non_negative, one_of, updated_at_column
from registry.models.organisation import Organisation


class ImportRunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"


class ImportRun(Model):
    """One run of ``flask import SOURCE FILE``: what was read, what it did, and whether it finished."""

    __tablename__ = "import_run"
    __table_args__ = (one_of("status", ImportRunStatus, "status_valid"), non_negative("rows_read"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20), index=True)
    file_name: Mapped[str] = mapped_column(String(300))
    # The edition of the published file (2017-06), when the file name or the person running it says.
    edition: Mapped[str | None] = mapped_column(String(10))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=ImportRunStatus.RUNNING)
    started_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    # Counts by outcome: created, updated, unchanged, linked, skipped, rejected, warnings.
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    report_path: Mapped[str | None] = mapped_column(String(500))


class ImportedRecord(Model):
    """What one source's row said about one listing when it was last imported."""

    __tablename__ = "imported_record"
    __table_args__ = (
        UniqueConstraint("source", "source_key"),
        # One record per source per listing: a second row of the same source for the same listing is a
        # duplicate in the file, and is rejected rather than merged.
        UniqueConstraint("source", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    # The source's own key for the row: Co-operatives UK organisation ID, CQC provider ID, FCA number.
    source_key: Mapped[str] = mapped_column(String(60))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"))
    first_imported_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    organisation: Mapped[Organisation] = relationship()
