"""The run of an import: an importer's rows geocoded, matched, written in batches and reported.

An importer (one module per source) reads its file into :class:`SourceRow` objects, each one source's
contribution to one listing in the shape ``apply_listing_data`` reads, or into :class:`Problem` rejections.
:func:`run_import` then works through the rows in batches, each in its own transaction:

1. **Geocode** every location's postcode against the gazetteer in one query per batch (a letter O typed for
   a zero is put right when only one reading is a real postcode; a partial postcode is placed at its sector
   or district; an unknown one keeps the location without a map position, with a warning).
2. **Match** each row to a listing: by the source's own key (a row imported before), then by identifier
   (GB-COH, GB-MPR, CQC, charity numbers), then by normalised name and postcode, never to a listing whose
   identifier in the same scheme differs. A second row that lands on a listing an earlier row of the same
   file already took is a duplicate, and is rejected with the line it duplicates.
3. **Write.** A listing the imports own (provenance ``imported``, unverified, last changed by an import) is
   the merge of every source's latest contribution, applied only when that merge's fingerprint differs from
   the one last applied; it then gets a revision and a fresh assessment. A listing someone looks after (seed
   data, self-registered, verified, or last edited by a person) is never overwritten: the import only adds
   identifiers it lacks. A row outside the filter (``--sector``, ``--all``) never creates a listing, but
   still updates the one it matches.
4. **Commit** the batch. An interrupted import leaves whole batches only, and running it again skips what
   is done (unchanged fingerprints) and completes the rest.

The rejected rows (line, key, name, reason) and the rows imported with warnings are written to two CSV
files beside the printed summary, formulas written as text. The report directory is checked before the first
row: an import whose reports cannot be written does not start.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import KW_ONLY, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from tqdm import tqdm

from registry.models import (
    LISTING_RECORD_LISTS,
    Identifier,
    ListingProvenance,
    ListingStatus,
    Organisation,
    Revision,
    Verification,
)
from registry.models.imports import ImportedRecord, ImportRun, ImportRunStatus
from registry.services.assessments import store_assessments
from registry.services.importers.inserting import AssessmentReports, Vocabulary, insert_new_listings
from registry.services.importers.locating import PostcodeLocator
from registry.services.importers.matching import Batch, drop_identifiers_held_elsewhere, identifiers_of, match_reason
from registry.services.importers.merging import imported_listing_data
from registry.services.importers.reports import ImportReport, check_report_directory, write_reports
from registry.services.importers.rows import IMPORT_AUTHOR_PREFIX, Importer, Problem, SourceRow, chunks, column_problems
from registry.services.listing_data import apply_listing_data
from registry.services.listings import listing_as_dict
from registry.services.search_index import reindex
from registry.services.seed import data_digest

DEFAULT_BATCH_SIZE = 500


# Loaded with each matched listing (its identifiers come with the batch's identifier lookup).
_LISTING_CHILDREN = (*(name for name in LISTING_RECORD_LISTS if name != "identifiers"), "assessments")


@dataclass
class _Decision:
    row: SourceRow
    org: Organisation
    outcome: str  # created, matched (while deciding), updated, unchanged, linked
    added_identifiers: list[tuple[str, str]] = field(default_factory=list)
    # For an update: the merged listing data to apply and its fingerprint.
    data: dict[str, Any] = field(default_factory=dict)
    digest: str = ""


@dataclass(eq=False)
class ImportRunner:
    """Runs one importer over its file: see the module docstring."""

    session: Session
    importer: Importer
    _: KW_ONLY
    batch_size: int = DEFAULT_BATCH_SIZE
    progress: bool = False
    report_dir: Path | None = None
    report: ImportReport = field(init=False)
    # Listing id → the line that took it in this run: a later row landing there is a duplicate.
    claimed: dict[int, int] = field(init=False, default_factory=dict)
    slugs: set[str] = field(init=False, default_factory=set)
    _reports: AssessmentReports = field(init=False, default_factory=AssessmentReports)

    def __post_init__(self) -> None:
        importer = self.importer
        self.report = ImportReport(
            source=importer.source,
            title=importer.title,
            file=importer.path,
            edition=importer.edition,
            filter_description=importer.filter_description,
        )

    def run(self) -> ImportReport:
        started = time.perf_counter()
        if self.report_dir is not None:
            check_report_directory(self.report_dir)
        rows: list[SourceRow] = []
        for item in self.importer.read():
            if isinstance(item, Problem):
                self.report.rejected.append(item)
            else:
                rows.append(item)
        self.report.rows_read = len(rows) + len(self.report.rejected)
        self.report.notes += self.importer.notes

        _close_abandoned_runs(self.session)
        run = ImportRun(
            source=self.importer.source,
            file_name=self.importer.path.name[:300],
            edition=self.importer.edition,
            options={**self.importer.options(), "process": {"host": socket.gethostname(), "pid": os.getpid()}},
            status=ImportRunStatus.RUNNING,
            rows_read=self.report.rows_read,
        )
        self.session.add(run)
        self.session.commit()
        run_id = self.report.run_id = run.id
        self.slugs = set(self.session.scalars(select(Organisation.slug)))
        locator = PostcodeLocator(self.session)
        self.report.gazetteer_loaded = locator.loaded

        bar = tqdm(total=len(rows), desc=self.importer.title, unit=" rows", disable=not self.progress)
        try:
            for batch in chunks(rows, self.batch_size):
                self._import_batch(list(batch), locator, run_id)
                bar.update(len(batch))
        except BaseException:
            self.session.rollback()
            self._finish(run_id, ImportRunStatus.INTERRUPTED, started)
            raise
        finally:
            bar.close()
        self._finish(run_id, ImportRunStatus.COMPLETED, started)
        return self.report

    def _finish(self, run_id: int, status: ImportRunStatus, started: float) -> None:
        self.report.seconds = time.perf_counter() - started
        self.report.rejected.sort(key=lambda p: p.line)
        self.report.warnings.sort(key=lambda p: p.line)
        if self.report_dir is not None:
            try:
                self.report.rejected_path, self.report.warnings_path = write_reports(self.report, self.report_dir)
            except OSError as error:
                # The rows are saved: record the run as what it was, and say the reports are missing.
                self.report.reports_error = f"{self.report_dir}: {error.strerror or error}"
        run = self.session.get(ImportRun, run_id)
        if run is not None:
            run.status = status
            run.finished_at = datetime.now(UTC)
            run.counts = self.report.counts()
            run.report_path = str(self.report.rejected_path) if self.report.rejected_path else None
            self.session.commit()

    def _import_batch(self, rows: list[SourceRow], locator: PostcodeLocator, run_id: int) -> None:
        session = self.session
        locator.locate(rows)
        batch = Batch(session, self.importer.source, rows)
        labels = Vocabulary(session)
        decisions: list[_Decision] = []
        claimed: dict[int, int] = {}
        taken_here: dict[int, int] = {}  # id() of listings created in this batch → line
        rejected: list[Problem] = []
        skipped = 0
        new_slugs: set[str] = set()

        with session.no_autoflush:
            for row in rows:
                labels.check(row)
                problems = column_problems(row)
                if problems:
                    rejected.append(Problem(row.line, row.source_key, row.name, "; ".join(problems)))
                    continue
                org = batch.find(row)
                if org is None:
                    if not row.wanted:
                        skipped += 1
                        continue
                    decision = _Decision(row, Organisation(slug=self._new_slug(row.name, new_slugs)), "created")
                    self._create(decision, batch)
                    batch.add_new(decision.org, row)
                    taken_here[id(decision.org)] = row.line
                    decisions.append(decision)
                    continue
                earlier = self.claimed.get(org.id) if org.id is not None else None
                earlier = earlier or (claimed.get(org.id) if org.id is not None else None) or taken_here.get(id(org))
                if earlier is not None:
                    reason = f"Duplicate of line {earlier}: {match_reason(row, org, batch.by_key.get(row.source_key))}"
                    rejected.append(Problem(row.line, row.source_key, row.name, reason))
                    continue
                if org.id is not None:
                    claimed[org.id] = row.line
                else:
                    taken_here[id(org)] = row.line
                decision = _Decision(row, org, "matched")
                self._update(decision, batch, run_id)
                decisions.append(decision)

        self._insert_created([d for d in decisions if d.outcome == "created"], labels, run_id)
        self._apply_updates([d for d in decisions if d.outcome == "updated"], batch)
        session.flush()
        changed = [d for d in decisions if d.outcome in {"updated", "linked"}]
        self._record_revisions(changed)
        _reassess([d.org for d in changed if d.outcome == "updated"], session)
        for decision in decisions:
            claimed[decision.org.id] = decision.row.line
        session.commit()

        # Only now that the batch is saved does it count.
        self.claimed.update(claimed)
        self.slugs |= new_slugs
        self.report.rejected += rejected
        self.report.skipped += skipped
        for decision in decisions:
            setattr(self.report, decision.outcome, getattr(self.report, decision.outcome) + 1)
            row = decision.row
            self.report.warnings += [Problem(row.line, row.source_key, row.name, w) for w in row.warnings]

    def _new_slug(self, name: str, new_slugs: set[str]) -> str:
        base = slugify(name, max_length=100, word_boundary=True) or "organisation"
        slug, number = base, 1
        while slug in self.slugs or slug in new_slugs:
            number += 1
            slug = f"{base}-{number}"
        new_slugs.add(slug)
        return slug

    def _create(self, decision: _Decision, batch: Batch) -> None:
        """Build a new listing from the row. It stays out of the session: :meth:`_insert_created` saves it."""
        row, org = decision.row, decision.org
        data, digest = imported_listing_data({self.importer.source: row.data})
        drop_identifiers_held_elsewhere(data, org, batch, row)
        # A listing outside the session has no id, so this touches no database, and the lists the data
        # leaves out (member classes, board seats...) read as empty without a query.
        apply_listing_data(self.session, org, data)
        org.source_digest = digest
        decision.digest = data_digest(row.data)

    def _update(self, decision: _Decision, batch: Batch, run_id: int) -> None:
        """Bring a listing up to date with the row; sets the decision's outcome."""
        session, row, org = self.session, decision.row, decision.org
        source = self.importer.source
        records = batch.records[org.id]
        record = records.get(source)
        own_digest = data_digest(row.data)
        if record is None:
            record = ImportedRecord(source=source, source_key=row.source_key, organisation_id=org.id)
            session.add(record)
            records[source] = record
        if record.digest != own_digest or record.source_key != row.source_key:
            record.source_key = row.source_key
            record.data = row.data
            record.digest = own_digest
            record.run_id = run_id

        if self._looked_after(org, batch):
            decision.outcome = "linked" if self._link(decision) else "unchanged"
            return
        data, digest = imported_listing_data({s: r.data for s, r in records.items()})
        if org.source_digest == digest:
            decision.outcome = "unchanged"
            return
        decision.outcome = "updated"
        decision.data, decision.digest = data, digest

    def _apply_updates(self, decisions: list[_Decision], batch: Batch) -> None:
        """Write the changed listings, their child rows loaded first in one query per kind."""
        if not decisions:
            return
        session = self.session
        ids = [d.org.id for d in decisions]
        for chunk in chunks(ids, 500):
            session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(chunk))
                .options(*(selectinload(getattr(Organisation, name)) for name in _LISTING_CHILDREN))
            ).all()
        with session.no_autoflush:
            for decision in decisions:
                org, data = decision.org, decision.data
                drop_identifiers_held_elsewhere(data, org, batch, decision.row)
                apply_listing_data(session, org, data)
                org.source_digest = decision.digest
                if org.published_at is None:
                    org.published_at = datetime.now(UTC)

    def _insert_created(self, decisions: list[_Decision], labels: Vocabulary, run_id: int) -> None:
        """Save the batch's new listings (see :func:`insert_new_listings`)."""
        created = [(d.org, d.row, d.digest) for d in decisions]
        insert_new_listings(self.session, self.importer, created, labels, self._reports, run_id)

    def _looked_after(self, org: Organisation, batch: Batch) -> bool:
        """True when people look after the listing, so imports must not overwrite it."""
        if org.provenance != ListingProvenance.IMPORTED or org.verification != Verification.UNVERIFIED:
            return True
        if org.status != ListingStatus.PUBLISHED:
            return True  # suspended or withdrawn by a moderator: an import must not publish it again
        author = batch.last_author.get(org.id)
        return author is not None and not author.startswith(IMPORT_AUTHOR_PREFIX)

    def _link(self, decision: _Decision) -> bool:
        org, row = decision.org, decision.row
        held = set(identifiers_of(org))
        schemes = {scheme for scheme, _ in held}
        new = [(s, v) for s, v in row.identifiers if (s, v) not in held and s not in schemes]
        taken = set()
        if new:
            taken = {
                (s, v)
                for s, v in self.session.execute(
                    select(Identifier.scheme_code, Identifier.value).where(Identifier.value.in_([v for _, v in new]))
                )
            }
        new = [i for i in new if i not in taken]
        for scheme, value in new:
            org.identifiers.append(Identifier(scheme_code=scheme, value=value))
        decision.added_identifiers = new
        return bool(new)

    def _record_revisions(self, changed: list[_Decision]) -> None:
        """A revision per updated or linked listing, numbered after its last (one query for the batch)."""
        if not changed:
            return
        session = self.session
        last: dict[int, int] = {}
        for chunk in chunks([d.org.id for d in changed], 500):
            last.update(
                session.execute(
                    select(Revision.organisation_id, func.max(Revision.number))
                    .where(Revision.organisation_id.in_(chunk))
                    .group_by(Revision.organisation_id)
                ).all()
            )
        title = self.importer.title
        for decision in changed:
            org = decision.org
            # The codes changed under the labelled relationships: let them load again (from the identity map).
            session.expire(org, ["legal_form", "governance_model", "region"])
            if decision.outcome == "linked":
                added = ", ".join(f"{s} {v}" for s, v in decision.added_identifiers)
                summary = f"Linked to {title}: added {added}"
            else:
                summary = f"Updated from {title}"
            session.add(
                Revision(
                    organisation_id=org.id,
                    number=last.get(org.id, 0) + 1,
                    author=self.importer.author,
                    summary=summary,
                    snapshot=listing_as_dict(org),
                )
            )


def _reassess(orgs: list[Organisation], session: Session) -> None:
    """``reassess`` for a batch: the same verdicts, stored the same way, and one reindex for the lot.

    (``reassess`` reindexes each listing as it goes; with hundreds of listings in the session, each of its
    deletes would check every object in the session, so a batch takes quadratic time.)
    """
    for org in orgs:
        store_assessments(org)
    reindex(session, orgs)


def _close_abandoned_runs(session: Session) -> None:
    """Mark as interrupted the runs left "running" by an import process on this host that no longer exists
    (killed, or its machine restarted). Their finish time stays empty: nobody knows when they stopped."""
    here = socket.gethostname()
    for run in session.scalars(select(ImportRun).where(ImportRun.status == ImportRunStatus.RUNNING)):
        process = (run.options or {}).get("process") or {}
        if process.get("host") == here and isinstance(process.get("pid"), int) and not _alive(process["pid"]):
            run.status = ImportRunStatus.INTERRUPTED  # committed with the new run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def run_import(
    session: Session,
    importer: Importer,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    report_dir: Path | None = None,
) -> ImportReport:
    """Import ``importer``'s file into the database, committing each batch; returns what it did."""
    return ImportRunner(session, importer, batch_size=batch_size, progress=progress, report_dir=report_dir).run()
