"""Each published listing's outcome for every rule of the catalogue at every value of its ranges, kept so that
a commissioner's profile filters the whole register as a vectorised comparison.

Why precompute outcomes rather than cache each profile's verdicts: a profile is edited, shared and versioned,
and any search may name any of them, so verdicts cached per profile version would be remade for the whole
register at every new version. The outcomes do not depend on any profile: a listing's row (about 200 bytes,
``Catalogue.rule_outcomes``) is made when the listing is indexed (``reindex``, after every change and every
reassessment), by the validator's own checks, and stored in ``listing_rule_outcome`` with the rules' basis.
Each process holds the rows of the published listings as one array in the facet index's order, brought up to
date from the search index's change log as the facet index is; a profile's verdicts over 150,000 listings
are then a gather and a few comparisons (``bench/bench_profiles.py``).

A listing with no row of today's basis (loaded in bulk, or assessed before the rule sets changed) is worked out
in memory when the table is built, and ``flask init`` stores the rows that are missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from registry.domain.validator import load_rulesets, rules_basis
from registry.domain.validator.profiles import Catalogue
from registry.models import ListingRuleOutcome, ListingStatus, Organisation
from registry.services.driver import driver_cursor
from registry.services.search_index import FacetIndex, changes_since, facet_index

_catalogues: dict[int, tuple[tuple[Any, ...], Catalogue]] = {}


def catalogue() -> Catalogue:
    """Every rule of today's rule sets, and the layout of the outcome rows (one per loaded set of rule sets)."""
    rulesets = load_rulesets()
    held = _catalogues.get(id(rulesets))
    if held is None or held[0] is not rulesets:
        held = (rulesets, Catalogue(rulesets))
        _catalogues[id(rulesets)] = held
    return held[1]


def _facts_rows(orgs: Iterable[Organisation]) -> list[dict[str, Any]]:
    from registry.services.assessments import listing_facts

    cat, basis = catalogue(), rules_basis()
    return [
        {"organisation_id": org.id, "basis": basis, "outcomes": cat.rule_outcomes(listing_facts(org))}
        for org in orgs
        if org.status == ListingStatus.PUBLISHED
    ]


def store_rule_outcomes(session: Session, organisations: Iterable[Organisation]) -> None:
    """Remake the outcome rows of ``organisations`` (published ones get a row; others lose theirs)."""
    orgs = list(organisations)
    if not orgs:
        return
    session.execute(delete(ListingRuleOutcome).where(ListingRuleOutcome.organisation_id.in_([o.id for o in orgs])))
    rows = _facts_rows(orgs)
    if rows:
        session.execute(insert(ListingRuleOutcome), rows)


def ensure_rule_outcomes(session: Session, batch_size: int = 500) -> int:
    """Store the rows of published listings that have none of today's basis; returns how many were made."""
    from registry.services.listings import LISTING_LOAD

    basis = rules_basis()
    current = select(ListingRuleOutcome.organisation_id).where(ListingRuleOutcome.basis == basis)
    ids = list(
        session.scalars(
            select(Organisation.id)
            .where(Organisation.status == ListingStatus.PUBLISHED, Organisation.id.not_in(current))
            .order_by(Organisation.id)
        )
    )
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        orgs = session.scalars(select(Organisation).where(Organisation.id.in_(chunk)).options(*LISTING_LOAD)).all()
        store_rule_outcomes(session, orgs)
    return len(ids)


@dataclass(frozen=True)
class OutcomeTable:
    """The outcome rows of every published listing, in the facet index's order (row ``i`` is
    ``index.listing_ids[i]``), for one version of the index."""

    version: int
    token: str
    basis: str
    rows: dict[int, bytes]
    table: np.ndarray[Any, np.dtype[np.uint8]]


_tables: dict[str, OutcomeTable] = {}
_building = threading.Lock()


def outcome_table(session: Session, index: FacetIndex | None = None) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """The outcome rows aligned with ``index`` (default: the session's facet index, brought up to date)."""
    index = index if index is not None else facet_index(session)
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    basis = rules_basis()
    held = _tables.get(key)
    if held is not None and held.version == index.version and held.token == index.token and held.basis == basis:
        return held.table
    with _building:
        held = _tables.get(key)
        rows = _changed_rows(session, held, index) if held is not None and held.basis == basis else None
        if rows is None:
            rows = _stored_rows(session, None)
        fresh = _assemble(session, index, basis, rows)
        _tables[key] = fresh
    return fresh.table


def _stored_rows(session: Session, ids: list[int] | None) -> dict[int, bytes]:
    """The stored rows of today's basis: every one (read through the driver: 150,000 rows), or of ``ids``."""
    basis = rules_basis()
    found: list[Any] = []
    if ids is None:
        with driver_cursor(session) as cursor:
            cursor.execute("SELECT organisation_id, basis, outcomes FROM listing_rule_outcome")
            found = cursor.fetchall()
    else:
        columns = (ListingRuleOutcome.organisation_id, ListingRuleOutcome.basis, ListingRuleOutcome.outcomes)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found += session.execute(select(*columns).where(ListingRuleOutcome.organisation_id.in_(chunk))).all()
    return {int(org_id): bytes(outcomes) for org_id, row_basis, outcomes in found if row_basis == basis}


def _changed_rows(session: Session, held: OutcomeTable, index: FacetIndex) -> dict[int, bytes] | None:
    """``held``'s rows with those of listings changed since its version read again; None to reload all."""
    changes = changes_since(session, held.version, held.token)
    if changes is None:
        return None
    changed = {row.organisation_id for row in changes if row.version > held.version}
    if None in changed:
        return None
    rows = {i: row for i, row in held.rows.items() if i not in changed}
    rows.update(_stored_rows(session, sorted(changed)))
    return rows


def _assemble(session: Session, index: FacetIndex, basis: str, rows: dict[int, bytes]) -> OutcomeTable:
    from registry.services.listings import LISTING_LOAD

    width = catalogue().width
    ids = [int(i) for i in index.listing_ids]
    missing = [i for i in ids if len(rows.get(i, b"")) != width]
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        orgs = session.scalars(select(Organisation).where(Organisation.id.in_(chunk)).options(*LISTING_LOAD)).all()
        for row in _facts_rows(orgs):
            rows[row["organisation_id"]] = row["outcomes"]
    kept = {i: rows[i] for i in ids if i in rows}
    blank = bytes(width)  # a listing that vanished meanwhile: not applicable to any profile
    joined = b"".join(kept.get(i, blank) for i in ids)
    table = np.frombuffer(joined, dtype=np.uint8).reshape(len(ids), width) if ids else np.zeros((0, width), np.uint8)
    return OutcomeTable(index.version, index.token, basis, kept, table)


def clear_outcome_tables() -> None:
    """Forget the tables held in memory (for tests that change rule sets)."""
    with _building:
        _tables.clear()
