"""Saving a batch's new listings a statement per table, past the ORM, with what they load without a query."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, Text, bindparam, cast, insert, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from registry.domain.validator import assess_all, rules_basis
from registry.models import (
    Assessment,
    GovernanceModel,
    Identifier,
    LegalForm,
    Location,
    Organisation,
    Region,
    Revision,
    Service,
    ServiceType,
    Source,
)
from registry.models.imports import ImportedRecord
from registry.services.assessments import facts_of
from registry.services.driver import driver_cursor
from registry.services.importers.rows import Importer, SourceRow
from registry.services.listings import listing_as_dict
from registry.services.search_index import PREFERRED_PROVIDER_RULESET, add_to_index

# Distinct assessment reports kept as JSON during a run (see AssessmentReports).
REPORT_CACHE_SIZE = 5000


def copy_rows(session: Session, table: Any, rows: list[dict[str, Any]], json_text: dict[str, str]) -> None:
    """PostgreSQL's COPY of ``rows`` into ``table``: a batch's assessments carry a few kB of report JSON each,
    and the multi-row INSERT of them (which psycopg must also parse) was a third of a PostgreSQL import.
    ``json_text`` maps a JSON column to the key under which each row holds its value as JSON text."""
    columns = [column.key for column in table.columns if column.key in rows[0] or column.key in json_text]
    keys = [json_text.get(column, column) for column in columns]
    with driver_cursor(session) as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[key] for key in keys])


def insert_with_json_text(table: Any, column: str, session: Session) -> Any:
    """An INSERT whose ``column`` (a JSON column) takes text that is already JSON, as ``{column}_json``."""
    text = type_coerce(bindparam(f"{column}_json"), Text)
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL types the parameter as text; SQLite must not cast (its JSON affinity is numeric).
        return insert(table).values({column: cast(text, table.c[column].type)})
    return insert(table).values({column: text})


def column_values(obj: Any, table: Any, organisation_id: int | None = None) -> dict[str, Any]:
    """The row the ORM would insert for ``obj`` (without its id): its attributes, or its columns' defaults."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id":
            continue
        value = obj.__dict__.get(column.key)
        default = column.default
        if value is None and default is not None and (default.is_callable or default.is_scalar):
            value = default.arg(None) if default.is_callable else default.arg
        values[column.key] = value
    if organisation_id is not None:
        values["organisation_id"] = organisation_id
    return values


class Vocabulary:
    """The labelled vocabularies in the session, so listings' labels load without a query each."""

    def __init__(self, session: Session) -> None:
        self.legal_forms = {f.code: f for f in session.scalars(select(LegalForm))}
        self.governance = {g.code: g for g in session.scalars(select(GovernanceModel))}
        self.regions = {r.code: r for r in session.scalars(select(Region))}
        self.services = {s.code: s for s in session.scalars(select(ServiceType))}
        self.service_parents = {code: s.parent_code for code, s in self.services.items()}

    def attach(self, org: Organisation) -> None:
        """Give a new listing its labels without loading them: what its revision and index entry read."""
        org.legal_form = self.legal_forms.get(org.legal_form_code or "")
        org.governance_model = self.governance.get(org.governance_model_code or "")
        org.region = self.regions.get(org.region_code or "")
        for service in org.services:
            service.service_type = self.services[service.service_type_code]

    def check(self, row: SourceRow) -> None:
        """Drop codes the database does not hold (reference data not loaded or older), with a warning."""
        data = row.data
        for key, known in (("legal_form", self.legal_forms), ("governance_model", self.governance)):
            if data.get(key) and data[key] not in known:
                row.warnings.append(f"The {key.replace('_', ' ')} {data[key]!r} is not in the reference data")
                data[key] = None
        if data.get("region") and data["region"] not in self.regions:
            data["region"] = None
        for location in data.get("locations", []):
            if location.get("region_code") and location["region_code"] not in self.regions:
                location["region_code"] = None
        if "services" in data:
            data["services"] = [s for s in data["services"] if s["code"] in self.services]


class AssessmentReports:
    """Assessments' reports as the JSON the column stores, each distinct one made once during a run."""

    def __init__(self) -> None:
        self._texts: dict[Any, str] = {}

    def json(self, assessment: Any) -> str:
        """An assessment's report as the JSON the column stores, made once per distinct assessment.

        Imported listings mostly share their facts (a legal form, little else), so thousands of listings share a
        few hundred distinct assessments: turning each into JSON once is most of the cost of assessing them.
        """
        found = self._texts.get(assessment)
        if found is None:
            if len(self._texts) >= REPORT_CACHE_SIZE:
                self._texts.clear()
            found = self._texts[assessment] = json.dumps(assessment.to_dict())
        return found


def insert_new_listings(
    session: Session,
    importer: Importer,
    created: Sequence[tuple[Organisation, SourceRow, str]],
    labels: Vocabulary,
    reports: AssessmentReports,
    run_id: int,
) -> None:
    """Save new listings with their first revision, assessments and index entries, a statement per table.

    The rows are what the ORM would write for the same objects (``column_values``); going round it saves
    a round trip per row (SQLite cannot return the ids of many rows in the order they were given) and its
    bookkeeping, which is most of the time of a large import.
    """
    if not created:
        return
    now = datetime.now(UTC)
    orgs = [org for org, _, _ in created]
    for org in orgs:
        org.created_at = org.updated_at = org.published_at = now
        org.version = 1
        labels.attach(org)
    table: Table = Organisation.__table__  # type: ignore[assignment]
    inserted = session.execute(
        insert(table).returning(table.c.id, table.c.slug), [column_values(org, table) for org in orgs]
    )
    ids = {slug: org_id for org_id, slug in inserted}
    rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    assessment_rows: list[dict[str, Any]] = []
    basis = rules_basis()
    for org, row, digest in created:
        org.id = ids[org.slug]
        for model, children in (
            (Identifier, org.identifiers),
            (Location, org.locations),
            (Source, org.sources),
            (Service, org.services),
        ):
            rows[model.__table__] += [column_values(child, model.__table__, org.id) for child in children]
        # One plain-data form serves both the assessment and the first revision's snapshot.
        snapshot = listing_as_dict(org)
        indexed: list[Assessment] = []
        for assessment in assess_all(facts_of(snapshot)):
            verdict = assessment.verdict.value
            if assessment.ruleset_id == PREFERRED_PROVIDER_RULESET:
                indexed.append(Assessment(ruleset_id=assessment.ruleset_id, verdict=verdict))
            assessment_rows.append(
                {
                    "organisation_id": org.id,
                    "ruleset_id": assessment.ruleset_id,
                    "verdict": verdict,
                    "report_json": reports.json(assessment),
                    "organisation_version": 1,
                    "basis": basis,
                    "assessed_at": now,
                }
            )
        # What the index reads of the assessments (the preferred-provider verdict), loaded as if from the
        # database: the rows themselves are inserted below without the cost of mapped objects.
        set_committed_value(org, "assessments", indexed)
        rows[Revision.__table__].append(
            {
                "organisation_id": org.id,
                "number": 1,
                "created_at": now,
                "author": importer.author,
                "summary": f"Listed from {importer.title}",
                "snapshot": snapshot,
            }
        )
        rows[ImportedRecord.__table__].append(
            {
                "source": importer.source,
                "source_key": row.source_key,
                "organisation_id": org.id,
                "data": row.data,
                "digest": digest,
                "run_id": run_id,
                "first_imported_at": now,
                "updated_at": now,
            }
        )
    for child_table, values in rows.items():
        if values:
            session.execute(insert(child_table), values)
    if assessment_rows and session.get_bind().dialect.name == "postgresql":
        copy_rows(session, Assessment.__table__, assessment_rows, json_text={"report": "report_json"})
    elif assessment_rows:
        session.execute(insert_with_json_text(Assessment.__table__, "report", session), assessment_rows)
    add_to_index(session, orgs, labels.service_parents)
