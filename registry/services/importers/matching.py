"""Matching a batch's rows to the listings the database holds: by source key, identifier, then name and postcode."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.models import Identifier, Location, Organisation, Revision
from registry.models.imports import ImportedRecord
from registry.services.importers.rows import SourceRow, chunks

_NAME_NOISE = re.compile(
    r"\b(the|limited|ltd|plc|llp|cic|c i c|community interest company|incorporated|inc|co|company)\b"
)


def match_name(name: str) -> str:
    """A name reduced for matching: case, accents, punctuation and legal endings do not count.

    "The Foster Care Co-operative Ltd." and "FOSTER CARE COOPERATIVE LIMITED" both give "foster care cooperative".
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("co-operative", "cooperative").replace("co-op", "coop")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _NAME_NOISE.sub(" ", text)
    return " ".join(text.split())


def compact_postcode(postcode: str | None) -> str | None:
    text = "".join((postcode or "").upper().split())
    return text or None


class Batch:
    """What the database already holds about a batch's rows, loaded in a few queries."""

    def __init__(self, session: Session, source: str, rows: Sequence[SourceRow]) -> None:
        keys = [row.source_key for row in rows]
        records = session.scalars(
            select(ImportedRecord).where(ImportedRecord.source == source, ImportedRecord.source_key.in_(keys))
        ).all()
        org_by_key = {r.source_key: r.organisation_id for r in records}

        wanted_identifiers = {ident for row in rows for ident in row.identifiers}
        by_identifier: dict[tuple[str, str], int] = {}
        for scheme in {s for s, _ in wanted_identifiers}:
            values = [v for s, v in wanted_identifiers if s == scheme]
            for chunk in chunks(values, 500):
                for value, org_id in session.execute(
                    select(Identifier.value, Identifier.organisation_id).where(
                        Identifier.scheme_code == scheme, Identifier.value.in_(chunk)
                    )
                ):
                    by_identifier[(scheme, value)] = org_id

        postcodes = {
            pc for row in rows for loc in row.data.get("locations", []) if (pc := compact_postcode(loc.get("postcode")))
        }
        located: list[tuple[int, str | None]] = []
        for chunk in chunks(sorted(postcodes), 500):
            located += session.execute(
                select(Location.organisation_id, Location.postcode).where(
                    func.upper(func.replace(Location.postcode, " ", "")).in_(chunk)
                )
            ).all()

        ids = set(org_by_key.values()) | set(by_identifier.values()) | {org_id for org_id, _ in located}
        self.orgs: dict[int, Organisation] = {}
        for chunk in chunks(sorted(ids), 500):
            for org in session.scalars(
                select(Organisation).where(Organisation.id.in_(chunk)).options(selectinload(Organisation.identifiers))
            ):
                self.orgs[org.id] = org
        self.by_key = {key: self.orgs[org_id] for key, org_id in org_by_key.items() if org_id in self.orgs}
        self.by_identifier = {i: self.orgs[org_id] for i, org_id in by_identifier.items() if org_id in self.orgs}
        self.by_name_postcode: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
        for org_id, postcode in located:
            found = self.orgs.get(org_id)
            if found is not None and (pc := compact_postcode(postcode)):
                for name in {match_name(n) for n in [found.name, *(found.trading_names or [])]}:
                    if found not in self.by_name_postcode[(pc, name)]:
                        self.by_name_postcode[(pc, name)].append(found)

        self.records: dict[int, dict[str, ImportedRecord]] = defaultdict(dict)
        for chunk in chunks(sorted(self.orgs), 500):
            for record in session.scalars(select(ImportedRecord).where(ImportedRecord.organisation_id.in_(chunk))):
                self.records[record.organisation_id][record.source] = record
        for record in records:
            self.records[record.organisation_id][record.source] = record

        self.last_author: dict[int, str] = {}
        for chunk in chunks(sorted(self.orgs), 500):
            for org_id, author in session.execute(
                select(Revision.organisation_id, Revision.author)
                .where(Revision.organisation_id.in_(chunk))
                .order_by(Revision.organisation_id, Revision.number)
            ):
                self.last_author[org_id] = author

    def add_new(self, org: Organisation, row: SourceRow) -> None:
        """Make a listing created in this batch findable by the rows after it."""
        self.by_key[row.source_key] = org
        for ident in row.identifiers:
            self.by_identifier.setdefault(ident, org)
        for pc, name in _name_postcode_keys(row):
            self.by_name_postcode[(pc, name)].append(org)

    def find(self, row: SourceRow) -> Organisation | None:
        org = self.by_key.get(row.source_key)
        if org is not None:
            return org
        for ident in row.identifiers:
            org = self.by_identifier.get(ident)
            if org is not None:
                return org
        for key in _name_postcode_keys(row):
            for org in self.by_name_postcode.get(key, []):
                if not _conflicting_identifiers(identifiers_of(org), row.identifiers):
                    return org
        return None


def _name_postcode_keys(row: SourceRow) -> list[tuple[str, str]]:
    names = {match_name(n) for n in [row.name, *row.data.get("trading_names", [])] if n}
    postcodes = {compact_postcode(loc.get("postcode")) for loc in row.data.get("locations", [])}
    return [(pc, name) for pc in sorted(p for p in postcodes if p) for name in sorted(n for n in names if n)]


def identifiers_of(org: Organisation) -> list[tuple[str, str]]:
    return [(i.scheme_code, i.value) for i in org.identifiers]


def _conflicting_identifiers(held: Iterable[tuple[str, str]], given: Iterable[tuple[str, str]]) -> bool:
    """True when both have a number in one scheme and the numbers differ: two different organisations."""
    held_by_scheme = defaultdict(set)
    for scheme, value in held:
        held_by_scheme[scheme].add(value)
    return any(held_by_scheme[scheme] and value not in held_by_scheme[scheme] for scheme, value in given)


def match_reason(row: SourceRow, org: Organisation, keyed: Organisation | None) -> str:
    """Why ``row`` landed on ``org``, in the order the match was made: source key, identifier, name."""
    if row.source_key and keyed is org:
        return f"the same source key {row.source_key}"
    held = set(identifiers_of(org))
    for scheme, value in row.identifiers:
        if (scheme, value) in held:
            return f"the same {scheme} number {value}"
    return "the same name and postcode"


def drop_identifiers_held_elsewhere(data: dict[str, Any], org: Organisation, batch: Batch, row: SourceRow) -> None:
    """Leave out identifiers another listing holds: the number is unique, and the other listing had it first."""
    kept = []
    for identifier in data["identifiers"]:
        holder = batch.by_identifier.get((identifier["scheme"], identifier["value"]))
        if holder is None or holder is org:
            kept.append(identifier)
        else:
            row.warnings.append(
                f"The {identifier['scheme']} number {identifier['value']} belongs to another listing "
                f"({holder.name}): left off this one"
            )
    data["identifiers"] = kept
