"""The listings each very common search clause matches, held in memory beside the facet index.

A clause is one AND-part of a text search: a word typed (matching as a prefix: "care" finds "carers") or the
phrases of a service ("homecare" or "home care" or "domiciliary care"). When every clause of a search matches
thousands of listings, matching and ranking them in the database was most of a search's time at 150,000
listings (PostgreSQL took 70-90 ms only to find the 84,000 listings that have a word starting "care"; SQLite
took 20 ms to hand them over and 80 ms to rank them with ``bm25``). Such a search is ranked coarsely instead
(``registry.services.search_text``: by how many of its clauses the listing's name matches, then by name), and its
clauses' matches are kept here, per database: which listings match the clause, and which match it in their
names, as boolean arrays over a ``FacetIndex``'s listings.

A clause is read from the database once per process, on its first search. When the search index changes,
the listings it changed (its change log, as the facet index reads it) are matched again and the rest kept,
so a write costs a search one small query per clause held, never the whole match again; a process too far
behind, or told that everything may have changed, reads the clause again.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from registry.services.driver import driver_cursor
from registry.services.search_index import MAX_CHANGES_APPLIED, FacetIndex, changes_since

__all__ = ["Clause", "ClausePostings", "clause_postings", "clear_postings"]

# Clauses held per process (each two booleans a listing: 300 kB at 150,000 listings).
POSTINGS_ENTRIES = 128


@dataclass(frozen=True)
class Clause:
    """A clause as the database matches it: ``match`` finds the listings that have it anywhere, ``names`` those
    that have it in their names (an FTS5 query on SQLite, a ``tsquery`` on PostgreSQL)."""

    match: str
    names: str


@dataclass(frozen=True)
class ClausePostings:
    """Which of ``index``'s listings match a clause (``matches``) and match it in their names (``named``)."""

    version: int
    token: str
    listing_ids: np.ndarray[Any, np.dtype[np.int64]]
    matches: np.ndarray[Any, np.dtype[np.bool_]]
    named: np.ndarray[Any, np.dtype[np.bool_]]


_held: OrderedDict[tuple[str, str, str], ClausePostings] = OrderedDict()
_lock = threading.Lock()


def clear_postings() -> None:
    """Forget every held clause (tests; benchmarks that time a clause's first read)."""
    with _lock:
        _held.clear()


def clause_postings(session: Session, index: FacetIndex, clause: Clause) -> ClausePostings:
    """The clause's matches over ``index``'s listings, from memory when held for its version, brought up to
    date from the change log when held for an earlier one, read from the database otherwise."""
    key = (session.get_bind().engine.url.render_as_string(hide_password=True), clause.match, clause.names)
    with _lock:
        held = _held.get(key)
        if held is not None:
            _held.move_to_end(key)
    if held is not None and held.version == index.version and held.token == index.token:
        return held
    fresh = _refreshed(session, index, clause, held) if held is not None else None
    if fresh is None:
        fresh = _as_postings(index, *_read(session, clause, None))
    with _lock:
        _held[key] = fresh
        _held.move_to_end(key)
        while len(_held) > POSTINGS_ENTRIES:
            _held.popitem(last=False)
    return fresh


def _as_postings(
    index: FacetIndex, ids: np.ndarray[Any, np.dtype[np.int64]], named: np.ndarray[Any, np.dtype[np.int64]]
) -> ClausePostings:
    return ClausePostings(index.version, index.token, index.listing_ids, index.mask(ids), index.mask(named))


def _refreshed(session: Session, index: FacetIndex, clause: Clause, held: ClausePostings) -> ClausePostings | None:
    """``held`` brought up to ``index``'s version by matching again only the listings changed since; None when
    the change log cannot say which (read the whole clause again)."""
    changes = changes_since(session, held.version, held.token)
    if changes is None:
        return None
    if not any(row.version == index.version and row.token == index.token for row in changes):
        return None  # the index this search holds is not the one the log leads to: start again
    changed = {row.organisation_id for row in changes if held.version < row.version <= index.version}
    if None in changed or len(changed) > MAX_CHANGES_APPLIED:
        return None
    gone = np.array(sorted(changed), dtype=np.int64)
    kept_ids = held.listing_ids[held.matches]
    kept_named = held.listing_ids[held.named]
    ids, named = _read(session, clause, [int(i) for i in gone]) if len(gone) else (kept_ids[:0], kept_named[:0])
    return _as_postings(
        index,
        np.concatenate([kept_ids[~np.isin(kept_ids, gone)], ids]),
        np.concatenate([kept_named[~np.isin(kept_named, gone)], named]),
    )


def _read(
    session: Session, clause: Clause, only: list[int] | None
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.int64]]]:
    """(ids matching the clause, ids matching it in their names), of ``only`` those listings when given."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Two FTS5 queries, each handing over only rowids: ranking nothing.
        within = f" AND rowid IN ({','.join(str(int(i)) for i in only)})" if only is not None else ""
        statement = f"SELECT rowid FROM organisation_search WHERE organisation_search MATCH ?{within}"  # noqa: S608 (integers)
        with driver_cursor(session) as cursor:
            cursor.execute(statement, (clause.match,))
            ids = cursor.fetchall()
            cursor.execute(statement, (clause.names,))
            named = cursor.fetchall()
        return _ids(ids), _ids(named)
    within = " AND organisation_id = ANY(%s)" if only is not None else ""
    statement = (
        "SELECT organisation_id, document @@ to_tsquery('simple', %s) FROM organisation_search"  # noqa: S608 (constant)
        f" WHERE document @@ to_tsquery('simple', %s){within}"
    )
    with driver_cursor(session) as cursor:
        cursor.execute(statement, (clause.names, clause.match, *([only] if only is not None else [])))
        rows = cursor.fetchall()
    found = _ids([(row[0],) for row in rows])
    in_names = np.fromiter((bool(row[1]) for row in rows), dtype=bool, count=len(rows))
    return found, found[in_names]


def _ids(rows: list[Any]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=len(rows))
