"""Keep the search index current: the full-text document and the facet values of every listing.

Called whenever a listing is written. Only published listings are indexed; reindexing an unpublished one
removes it, so search never shows drafts, pending or withdrawn listings.

The index also holds where each published listing is based, filed by strip of latitude, and the local
authorities it serves (``organisation_search_location``, ``organisation_search_area``), keyed for radius and
area searches.

Every write also bumps the index's version and logs the listings it changed (``organisation_search_state``
and ``organisation_search_change``), so that each process can keep a ``FacetIndex`` in memory, catching up
with the database's index by reloading only the listings changed since, and count facet values over tens of
thousands of results in milliseconds instead of a database pass per facet.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session, selectinload

from registry.models import (
    ListingStatus,
    MemberClass,
    Organisation,
    RegisteredStatus,
    SearchFacet,
    Service,
    ServiceType,
)
from registry.services.driver import driver_cursor

PREFERRED_PROVIDER_RULESET = "preferred-provider"
# The index row of a closed (dissolved) organisation.
CLOSED = ("status", "closed")


def facet_values(org: Organisation, service_parents: dict[str, str | None]) -> set[tuple[str, str]]:
    """The (facet, value) pairs a listing is found under. A service also counts under its parent group."""
    values: set[tuple[str, str]] = set()
    if org.legal_form_code:
        values.add(("legal_form", org.legal_form_code))
    if org.governance_model_code:
        values.add(("governance", org.governance_model_code))
    if org.region_code:
        values.add(("region", org.region_code))
    for service in org.services:
        code: str | None = service.service_type_code
        while code:
            values.add(("service", code))
            code = service_parents.get(code)
    for member_class in org.member_classes:
        values.add(("member_kind", member_class.kind_code))
    for assessment in org.assessments:
        if assessment.ruleset_id == PREFERRED_PROVIDER_RULESET:
            values.add(("eligible", assessment.verdict))
    if org.registered_status == RegisteredStatus.DISSOLVED:
        # Not a facet people choose from: searches leave these listings out unless asked to include them.
        values.add(CLOSED)
    return values


def document(org: Organisation) -> tuple[str, str]:
    """The listing's text: (names, body). Names weigh more in ranking and carry typo tolerance."""
    names = " ".join([org.name, *(org.trading_names or [])])
    body_parts = [org.description or ""]
    for service in org.services:
        body_parts += [service.service_type.label, service.description or ""]
    if org.legal_form:
        body_parts.append(org.legal_form.label)
    if org.governance_model:
        body_parts.append(org.governance_model.label)
    body_parts += [m.name for m in org.member_classes]
    body_parts += sorted({a.described_as or a.name for a in org.service_areas})
    return names, " ".join(part for part in body_parts if part)


def _service_parents(session: Session) -> dict[str, str | None]:
    return dict(session.execute(select(ServiceType.code, ServiceType.parent_code)).all())


def reindex(session: Session, organisations: Iterable[Organisation]) -> None:
    """Rewrite the index rows of ``organisations`` (after their changes are flushed)."""
    orgs = list(organisations)
    if not orgs:
        return
    session.flush()
    ids = [org.id for org in orgs]
    _take_turn(session)
    session.execute(delete(SearchFacet).where(SearchFacet.organisation_id.in_(ids)))
    _delete_documents(session, ids)
    for table in ("organisation_search_location", "organisation_search_area"):
        session.execute(text(f"DELETE FROM {table} WHERE organisation_id = :id"), [{"id": i} for i in ids])  # noqa: S608 (our table names)
    _write_rows(session, orgs, _service_parents(session))
    from registry.services.rule_outcomes import store_rule_outcomes

    store_rule_outcomes(session, orgs)
    record_change(session, ids)


def add_to_index(
    session: Session, organisations: Iterable[Organisation], service_parents: dict[str, str | None] | None = None
) -> int:
    """Index listings that have no index rows yet; returns how many were published and so indexed.

    For bulk loads: the listings need ids, their child rows and the labels of their services, legal form and
    governance model, but need not be in the session (nothing is flushed or deleted first).
    """
    orgs = list(organisations)
    parents = service_parents if service_parents is not None else _service_parents(session)
    _take_turn(session)
    indexed = _write_rows(session, orgs, parents)
    if orgs:
        record_change(session, [org.id for org in orgs])
    return indexed


def latitude_strip(latitude: float) -> int:
    """The strip of a tenth of a degree of latitude (about 11 km) a point is filed under for radius searches."""
    return math.floor(latitude * 10)


def _write_rows(session: Session, orgs: list[Organisation], parents: dict[str, str | None]) -> int:
    facet_rows = []
    document_rows = []
    location_rows = []
    area_rows = []
    for org in orgs:
        if org.status != ListingStatus.PUBLISHED:
            continue
        facet_rows += [
            {"organisation_id": org.id, "facet": facet, "value": value}
            for facet, value in sorted(facet_values(org, parents))
        ]
        names, body = document(org)
        document_rows.append({"id": org.id, "names": names, "body": body})
        location_rows += [
            {"id": org.id, "strip": latitude_strip(loc.latitude), "lat": loc.latitude, "lon": loc.longitude}
            for loc in org.locations
            if loc.latitude is not None and loc.longitude is not None
        ]
        area_rows += [
            {"code": code, "id": org.id} for code in sorted({a.local_authority_code for a in org.service_areas})
        ]
    if facet_rows:
        session.execute(insert(SearchFacet), facet_rows)
    if document_rows:
        _insert_documents(session, document_rows)
    if location_rows:
        session.execute(
            text(
                "INSERT INTO organisation_search_location (organisation_id, strip, latitude, longitude)"
                " VALUES (:id, :strip, :lat, :lon)"
            ),
            location_rows,
        )
    if area_rows:
        session.execute(
            text("INSERT INTO organisation_search_area (local_authority_code, organisation_id) VALUES (:code, :id)"),
            area_rows,
        )
    return len(document_rows)


def reindex_all(session: Session, batch_size: int = 1000) -> int:
    """Rebuild the whole index, in batches. Returns the number of listings indexed."""
    last_id = 0
    count = 0
    while True:
        batch = session.scalars(
            select(Organisation)
            .where(Organisation.id > last_id)
            .order_by(Organisation.id)
            .limit(batch_size)
            .options(
                selectinload(Organisation.services).joinedload(Service.service_type),
                selectinload(Organisation.member_classes).joinedload(MemberClass.kind),
                selectinload(Organisation.assessments),
                selectinload(Organisation.service_areas),
                selectinload(Organisation.locations),
            )
        ).all()
        if not batch:
            return count
        reindex(session, batch)
        count += len(batch)
        last_id = batch[-1].id


# PostgreSQL's organisation_search_vocab (migration 0006) is kept here, as SQLite's fts5vocab table follows
# its FTS5 index: each word of the documents written or removed, counted once per listing. The counts are
# taken in word order, and index writers take turns (``_take_turn``), so two writers cannot deadlock.
_WORDS_OF_DOCUMENTS = (
    "SELECT term, count(*) AS n FROM organisation_search, unnest(tsvector_to_array(document)) AS term"
    " WHERE organisation_id = ANY(:ids) GROUP BY term"
)
_COUNT_WORDS = text(
    f"INSERT INTO organisation_search_vocab (term, doc) {_WORDS_OF_DOCUMENTS} ORDER BY term"
    " ON CONFLICT (term) DO UPDATE SET doc = organisation_search_vocab.doc + EXCLUDED.doc"
)
_UNCOUNT_WORDS = text(
    f"WITH gone AS ({_WORDS_OF_DOCUMENTS}),"  # noqa: S608 (constant)
    " dropped AS (DELETE FROM organisation_search_vocab v USING gone WHERE v.term = gone.term AND v.doc <= gone.n)"
    " UPDATE organisation_search_vocab v SET doc = v.doc - gone.n FROM gone WHERE v.term = gone.term AND v.doc > gone.n"
)


def _take_turn(session: Session) -> None:
    """Wait for any other transaction writing the index (PostgreSQL; SQLite has one writer at a time)."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(text("SELECT version FROM organisation_search_state WHERE id = 1 FOR UPDATE"))


def _delete_documents(session: Session, ids: list[int]) -> None:
    if session.get_bind().dialect.name == "sqlite":
        statement = text("DELETE FROM organisation_search WHERE rowid = :id")
    else:
        session.execute(_UNCOUNT_WORDS, {"ids": ids})
        statement = text("DELETE FROM organisation_search WHERE organisation_id = :id")
    session.execute(statement, [{"id": i} for i in ids])


def _insert_documents(session: Session, rows: list[dict[str, object]]) -> None:
    if session.get_bind().dialect.name == "sqlite":
        statement = text("INSERT INTO organisation_search (rowid, names, body) VALUES (:id, :names, :body)")
        session.execute(statement, rows)
        return
    statement = text("INSERT INTO organisation_search (organisation_id, names, body) VALUES (:id, :names, :body)")
    session.execute(statement, rows)
    session.execute(_COUNT_WORDS, {"ids": [row["id"] for row in rows]})


def index_is_current(session: Session) -> bool:
    """Whether every published listing has its full-text document (false after restoring or upgrading an
    older database, whose listings were never indexed)."""
    published = session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.status == ListingStatus.PUBLISHED)
    )
    indexed = session.scalar(text("SELECT count(*) FROM organisation_search"))
    return bool(published == indexed)


def ensure_index(session: Session) -> int:
    """Rebuild the search index when it is not current; returns how many listings were indexed (0 if none).
    Either way, published listings without rule outcomes of today's rule sets (bulk loads) get them."""
    from registry.services.rule_outcomes import ensure_rule_outcomes

    if index_is_current(session):
        if ensure_rule_outcomes(session):
            record_change(session, None)
        return 0
    _take_turn(session)
    session.execute(delete(SearchFacet))
    tables = ["organisation_search", "organisation_search_location", "organisation_search_area"]
    if session.get_bind().dialect.name != "sqlite":
        tables.append("organisation_search_vocab")  # SQLite's is a view of organisation_search
    for table in tables:
        session.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (our table names)
    record_change(session, None)
    return reindex_all(session)


# ---------------------------------------------------------------------------------------------------
# The change log, and the facet index each process holds in memory

# Versions of the change log kept; a process further behind than this reloads its whole facet index.
CHANGE_LOG_KEPT = 1000
# A process that finds more changed listings than this since its version reloads everything instead.
MAX_CHANGES_APPLIED = 5000


def record_change(session: Session, organisation_ids: Iterable[int] | None) -> None:
    """Bump the index version and log the listings this write changed (None: perhaps all of them).

    The version row is updated inside the writing transaction, so writers to the index take turns and
    versions are committed in order; the new random token tells a reused version number from the old one.
    """
    token = secrets.token_hex(8)
    version = session.execute(
        text(
            "UPDATE organisation_search_state SET version = version + 1, token = :token WHERE id = 1 RETURNING version"
        ),
        {"token": token},
    ).scalar_one()
    ids: list[int | None] = list(organisation_ids) if organisation_ids is not None else [None]
    session.execute(
        text("INSERT INTO organisation_search_change (version, token, organisation_id) VALUES (:version, :token, :id)"),
        [{"version": version, "token": token, "id": i} for i in ids],
    )
    if version % 100 == 0:
        session.execute(
            text("DELETE FROM organisation_search_change WHERE version < :oldest"),
            {"oldest": version - CHANGE_LOG_KEPT},
        )


@dataclass(frozen=True)
class FacetIndex:
    """Every published listing, its place in name order, and its facet values, as arrays.

    Listings are numbered by their position in ``listing_ids`` (sorted ids). Facet rows are sorted by listing,
    ``row_start`` giving each listing's first row; ``values`` names each (facet, value) code. Immutable: a
    refresh makes a new one, so a search holds a consistent copy while another thread refreshes.
    """

    version: int
    token: str
    listing_ids: np.ndarray[Any, np.dtype[np.int64]]
    name_order: np.ndarray[Any, np.dtype[np.int64]]
    row_value: np.ndarray[Any, np.dtype[np.int32]]
    row_start: np.ndarray[Any, np.dtype[np.int64]]
    values: tuple[tuple[str, str], ...]
    row_org: np.ndarray[Any, np.dtype[np.int64]]

    def __len__(self) -> int:
        return len(self.listing_ids)

    def positions(self, ids: np.ndarray[Any, np.dtype[np.int64]]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Where ``ids`` are among the published listings: (positions, which of ``ids`` are published)."""
        pos = np.searchsorted(self.listing_ids, ids)
        inside = pos < len(self.listing_ids)
        found = np.zeros(len(ids), dtype=bool)
        found[inside] = self.listing_ids[pos[inside]] == ids[inside]
        return pos, found

    def mask(self, ids: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """True for the published listings among ``ids``."""
        pos, found = self.positions(ids)
        selected = np.zeros(len(self), dtype=bool)
        selected[pos[found]] = True
        return selected

    def having(self, facet: str, values: Iterable[str]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """True for the listings found under any of ``values`` of ``facet``."""
        wanted = set(values)
        codes = [i for i, pair in enumerate(self.values) if pair[0] == facet and pair[1] in wanted]
        selected = np.zeros(len(self), dtype=bool)
        if codes:
            rows = np.flatnonzero(np.isin(self.row_value, codes))
            selected[np.searchsorted(self.row_start, rows, side="right") - 1] = True
        return selected

    def value_counts(self, selected: np.ndarray[Any, np.dtype[np.bool_]]) -> dict[str, dict[str, int]]:
        """How many ``selected`` listings have each facet value, by facet."""
        listings = np.flatnonzero(selected)
        starts = self.row_start[listings]
        lengths = self.row_start[listings + 1] - starts
        # The rows of the selected listings: each listing's run of rows, laid end to end.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        rows = offsets + np.arange(int(lengths.sum()))
        counts = np.bincount(self.row_value[rows], minlength=len(self.values))
        found: dict[str, dict[str, int]] = {}
        for code in np.flatnonzero(counts):
            facet, value = self.values[code]
            found.setdefault(facet, {})[value] = int(counts[code])
        return found


_facet_indexes: dict[str, FacetIndex] = {}
_refreshing = threading.Lock()


def facet_index(session: Session) -> FacetIndex:
    """The facet index of the session's database as of the session's transaction, loading what changed."""
    version, token = session.execute(text("SELECT version, token FROM organisation_search_state WHERE id = 1")).one()
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    held = _facet_indexes.get(key)
    if held is not None and held.version == version and held.token == token:
        return held
    with _refreshing:
        held = _facet_indexes.get(key)
        fresh = _refresh(session, held, version, token) if held is not None else None
        if fresh is None:
            fresh = _load(session, version, token)
        _facet_indexes[key] = fresh
    return fresh


def _published_in_name_order(session: Session) -> np.ndarray[Any, np.dtype[np.int64]]:
    ids = session.scalars(
        select(Organisation.id)
        .where(Organisation.status == ListingStatus.PUBLISHED)
        .order_by(func.lower(Organisation.name), Organisation.id)
    ).all()
    return np.array(ids, dtype=np.int64)


def _build(
    version: int,
    token: str,
    in_name_order: np.ndarray[Any, np.dtype[np.int64]],
    row_org: np.ndarray[Any, np.dtype[np.int64]],
    row_value: np.ndarray[Any, np.dtype[np.int32]],
    values: tuple[tuple[str, str], ...],
) -> FacetIndex:
    # Sorted by id; each listing's place in name order is where it was in ``in_name_order``.
    name_order = np.argsort(in_name_order, kind="stable").astype(np.int64)
    listing_ids = in_name_order[name_order]
    # Facet rows of listings no longer published (a moment's disagreement) are dropped with the listing.
    pos = np.searchsorted(listing_ids, row_org)
    inside = pos < len(listing_ids)
    keep = np.zeros(len(row_org), dtype=bool)
    keep[inside] = listing_ids[pos[inside]] == row_org[inside]
    by_listing = np.argsort(pos[keep], kind="stable")
    row_org, row_value, pos = row_org[keep][by_listing], row_value[keep][by_listing], pos[keep][by_listing]
    row_start = np.searchsorted(pos, np.arange(len(listing_ids) + 1)).astype(np.int64)
    return FacetIndex(version, token, listing_ids, name_order, row_value, row_start, values, row_org)


def _encode(rows: Iterable[tuple[Any, str, str]], values: dict[tuple[str, str], int]) -> tuple[list[int], list[int]]:
    orgs, codes = [], []
    for organisation_id, facet, value in rows:
        orgs.append(organisation_id)
        codes.append(values.setdefault((facet, value), len(values)))
    return orgs, codes


def _load(session: Session, version: int, token: str) -> FacetIndex:
    # Over a million rows at 150,000 listings: read through the driver's cursor, not SQLAlchemy rows.
    with driver_cursor(session) as cursor:
        cursor.execute("SELECT organisation_id, facet, value FROM search_facet")
        values: dict[tuple[str, str], int] = {}
        orgs, codes = _encode(cursor.fetchall(), values)
    return _build(
        version,
        token,
        _published_in_name_order(session),
        np.array(orgs, dtype=np.int64),
        np.array(codes, dtype=np.int32),
        tuple(values),
    )


def changes_since(session: Session, version: int, token: str) -> list[Any] | None:
    """The change log's rows from ``version`` on (``version``, ``token``, ``organisation_id``), for anything held
    at that version (the facet index, a clause's matches, profile outcomes) to catch up; None when the log does
    not hold ``version`` as it was committed, so the holder may hold a rolled-back write and must reload."""
    changes = session.execute(
        text(
            "SELECT version, token, organisation_id FROM organisation_search_change WHERE version >= :held"
            " ORDER BY version"
        ),
        {"held": version},
    ).all()
    if not any(row.version == version and row.token == token for row in changes):
        return None
    return list(changes)


def _refresh(session: Session, held: FacetIndex, version: int, token: str) -> FacetIndex | None:
    """``held`` brought up to ``version`` from the change log; None when it cannot be (reload everything)."""
    changes = changes_since(session, held.version, held.token)
    if changes is None:
        return None
    changed = {row.organisation_id for row in changes if row.version > held.version}
    if None in changed or len(changed) > MAX_CHANGES_APPLIED:
        return None
    if not changed:
        return FacetIndex(
            version, token, held.listing_ids, held.name_order, held.row_value, held.row_start, held.values, held.row_org
        )
    ids = sorted(i for i in changed if i is not None)
    values = {pair: code for code, pair in enumerate(held.values)}
    orgs, codes = _encode(
        session.execute(
            select(SearchFacet.organisation_id, SearchFacet.facet, SearchFacet.value).where(
                SearchFacet.organisation_id.in_(ids)
            )
        ).all(),
        values,
    )
    unchanged = ~np.isin(held.row_org, np.array(ids, dtype=np.int64))
    return _build(
        version,
        token,
        _published_in_name_order(session),
        np.concatenate([held.row_org[unchanged], np.array(orgs, dtype=np.int64)]),
        np.concatenate([held.row_value[unchanged], np.array(codes, dtype=np.int32)]),
        tuple(values),
    )
