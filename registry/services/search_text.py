"""Matching a search's free text: SQLite's FTS5 and PostgreSQL's full-text search, corrections of misspelt
words, the coarse ranking of very common words, and the rankings kept between searches.

``text_matches`` turns the words typed into a SELECT of (organisation_id, rank); ``text_scores`` reads it as
arrays for the in-memory ``FacetIndex``, from the kept rankings or the held matches of common clauses
(``registry.services.text_postings``) when it can.
"""

from __future__ import annotations

import difflib
import itertools
import re
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from registry.domain.query_reading import ServiceTerm
from registry.services.driver import driver_cursor
from registry.services.reading import is_place_name
from registry.services.search_index import FacetIndex
from registry.services.text_postings import Clause, clause_postings

MAX_TOKENS = 12
_TOKEN = re.compile(r"\w+", re.UNICODE)
_NON_WORD = re.compile(r"\W", re.UNICODE)


def _tokens(value: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(value)][:MAX_TOKENS]


def _fts5_clauses(tokens: list[str], corrections: dict[str, list[str]], service: list[tuple[str, ...]]) -> list[str]:
    parts = []
    if service:
        parts.append("(" + " OR ".join(f'"{" ".join(words)}"*' for words in service) + ")")
    for token in tokens:
        options = [f'"{token}"*', *(f'"{c}"' for c in corrections.get(token, []))]
        parts.append("(" + " OR ".join(options) + ")" if len(options) > 1 else options[0])
    return parts


def _fts5_query(tokens: list[str], corrections: dict[str, list[str]], service: list[tuple[str, ...]]) -> str:
    return " AND ".join(_fts5_clauses(tokens, corrections, service))


# A search whose every clause (a word typed, or a service's phrases) may match at least this many listings is
# ranked coarsely: by how many of its clauses the listing's name matches (more first), then by name, as the
# listings it admits are. Ranking tens of thousands of matches with bm25 or ts_rank was most of such a
# search's time, and for words most listings have it orders little that matters. Its clauses' matches are
# held in memory (``registry.services.text_postings``), kept up to date as the index changes. Below it, the
# database ranks the matches (bm25 on SQLite, ts_rank on PostgreSQL). Counted from the index's vocabulary:
# the listings with a word each clause's words start, an upper bound of the clause's matches.
COMMON_MATCHES = 5_000
_CLAUSES_OPTION = "registry_text_clauses"


# Per database: the index version the counts were made at, and the counts (SQLite's fts5vocab reads a word's
# whole doclist to count it: 2.6 ms for a word in 144,000 listings).
_vocabulary_counts_kept: dict[str, tuple[tuple[int, str], dict[str, int]]] = {}


def _vocabulary_counts(session: Session, words: list[str]) -> dict[str, int]:
    """For each word, how many listings have an indexed word it starts (summed over those words), from
    ``organisation_search_vocab``; kept until the index changes. Only a word's presence is needed by
    ``_corrections``, its count by ``_is_common``."""
    bind_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    version = tuple(session.execute(text("SELECT version, token FROM organisation_search_state WHERE id = 1")).one())
    with _text_cache_lock:
        held_version, held = _vocabulary_counts_kept.get(bind_key, (None, {}))
        kept = dict(held) if held_version == version else {}
    distinct = sorted({word for word in words if word not in kept})
    if not distinct:
        return {word: kept[word] for word in words}
    parts = ", ".join(
        f"(SELECT coalesce(sum(doc), 0) FROM organisation_search_vocab WHERE term >= :t{i} AND term < :e{i})"  # noqa: S608 (numbered parameters)
        for i in range(len(distinct))
    )
    params = {f"t{i}": word for i, word in enumerate(distinct)}
    params |= {f"e{i}": word + "\uffff" for i, word in enumerate(distinct)}
    counts = session.execute(text(f"SELECT {parts}"), params).one()
    kept |= {word: int(count or 0) for word, count in zip(distinct, counts, strict=True)}
    with _text_cache_lock:
        _vocabulary_counts_kept[bind_key] = ((int(version[0]), str(version[1])), kept)
    return {word: kept[word] for word in words}


def _is_common(
    session: Session,
    tokens: list[str],
    service: list[tuple[str, ...]],
    counts: dict[str, int],
    corrections: dict[str, list[str]],
) -> bool:
    """Whether every clause of the search may match ``COMMON_MATCHES`` listings or more (see there);
    ``counts`` are the tokens' (``_vocabulary_counts``). A misspelt word's clause matches its corrections."""
    corrected = _vocabulary_counts(session, [c for options in corrections.values() for c in options])
    bounds = [counts[token] + sum(corrected[c] for c in corrections.get(token, [])) for token in tokens]
    if bounds and min(bounds) < COMMON_MATCHES:
        return False
    if service:
        counts = _vocabulary_counts(session, [word for words in service for word in words])
        bounds.append(sum(min(counts[word] for word in words) for words in service if words))
    return bool(bounds) and min(bounds) >= COMMON_MATCHES


def _held_clauses(statement: Select[Any]) -> tuple[Clause, ...] | None:
    """The clauses of a coarsely ranked text match (``text_matches``) that ``statement`` selects from."""
    for selected in statement.get_final_froms():
        element = getattr(selected, "element", None)
        if isinstance(element, Select):
            clauses = element.get_execution_options().get(_CLAUSES_OPTION)
            if clauses:
                return tuple(clauses)
    return None


def _service_clause(tokens: list[str], term: ServiceTerm | None) -> tuple[list[str], list[tuple[str, ...]]]:
    """The tokens without the service's phrase, and the service's phrases as word tuples (any may match);
    the tokens unchanged and no phrases when the text holds none of them."""
    if term is None:
        return tokens, []
    phrases = sorted({tuple(_tokens(p)) for p in term.phrases if _tokens(p)}, key=len, reverse=True)
    for words in phrases:
        for start in range(len(tokens) - len(words) + 1):
            if tuple(tokens[start : start + len(words)]) == words:
                rest = tokens[:start] + tokens[start + len(words) :]
                return rest, [tuple(_tokens(" ".join(w))) for w in term.alternatives()]
    return tokens, []


def _corrections(session: Session, tokens: list[str], counts: dict[str, int]) -> tuple[dict[str, list[str]], set[str]]:
    """For each token that starts no indexed word (a typo), up to three of the closest indexed words, from
    ``organisation_search_vocab`` (SQLite's fts5vocab table; PostgreSQL's kept by the search index). Returns
    those corrections and the tokens found nowhere (``counts``: ``_vocabulary_counts``). A place's name is
    never corrected into another word ("Leeds" is not "led"): it matches only as typed."""
    corrections: dict[str, list[str]] = {}
    unknown: set[str] = set()
    for token in tokens:
        if counts[token]:
            continue
        unknown.add(token)
        if len(token) < 4 or is_place_name(session, token):  # too short to correct, or a place
            continue
        candidates = session.execute(
            text("SELECT term FROM organisation_search_vocab WHERE term >= :a AND term < :b"),
            {"a": token[:2], "b": token[:2] + "\uffff"},
        ).scalars()
        words = [term for term in candidates if _TOKEN.fullmatch(term)]  # not "co-op", "nhs.uk"
        close = difflib.get_close_matches(token, words, n=3, cutoff=0.75)
        if close:
            corrections[token] = close
    return corrections, unknown


def _sqlite_text_ids(
    session: Session, tokens: list[str], service: list[tuple[str, ...]]
) -> tuple[Select[int, Any], dict[str, str]]:
    """Ids matching every token (as a prefix) and, for a service, one of its phrases; a token found nowhere
    also matches its closest indexed words."""
    counts = _vocabulary_counts(session, tokens)
    corrections, _ = _corrections(session, tokens, counts)
    match = _fts5_query(tokens, corrections, service)
    rank: ColumnElement[Any] = literal_column("bm25(organisation_search, 10.0, 1.0)")
    clauses: list[Clause] = []
    if _is_common(session, tokens, service, counts, corrections):
        clauses = [Clause(clause, f"{{names}} : {clause}") for clause in _fts5_clauses(tokens, corrections, service)]
        in_names = [
            cast(
                literal_column("organisation_search.rowid").in_(
                    select(literal_column("named.rowid"))
                    .select_from(text("organisation_search AS named"))
                    .where(
                        text(f"named.organisation_search MATCH :names_{i}").bindparams(**{f"names_{i}": clause.names})
                    )
                ),
                Integer,
            )
            for i, clause in enumerate(clauses)
        ]
        rank = cast(-sum(in_names[1:], in_names[0]), Float)
    ids: Select[int, Any] = (
        select(
            literal_column("organisation_search.rowid", Integer).label("organisation_id"),
            rank.label("rank"),
        )
        .select_from(text("organisation_search"))
        .where(text("organisation_search MATCH :match").bindparams(match=match))
    )
    if clauses:
        ids = ids.execution_options(**{_CLAUSES_OPTION: tuple(clauses)})
    shown = {token: options[0] for token, options in corrections.items()}
    return ids, shown


def _postgresql_text_ids(
    session: Session, tokens: list[str], service: list[tuple[str, ...]]
) -> tuple[Select[int, Any], dict[str, str]]:
    """Full-text match on every token as a prefix and, for a service, one of its phrases; a token found
    nowhere also matches its closest indexed words, as on SQLite, and brings in trigram similarity on the
    names."""
    words = [word for word in (_NON_WORD.sub("", t) for t in tokens) if word]
    counts = _vocabulary_counts(session, words)
    corrections, unknown = _corrections(session, words, counts)
    clauses = [
        "(" + " | ".join([f"{word}:*", *corrections[word]]) + ")" if word in corrections else f"{word}:*"
        for word in words
    ]
    if service:
        clauses.insert(0, "(" + " | ".join("(" + " <-> ".join(w) + ":*)" for w in service) + ")")
    tsquery = " & ".join(clauses)
    common: list[Clause] = []
    if _is_common(session, words, service, counts, corrections):
        # The same clauses matching names only: weight A, as the document weighs them (migration 0002).
        named = [
            "(" + " | ".join([f"{word}:*A", *(f"{c}:A" for c in corrections[word])]) + ")"
            if word in corrections
            else f"{word}:*A"
            for word in words
        ]
        if service:
            phrases = ("(" + " <-> ".join([*(f"{x}:A" for x in w[:-1]), f"{w[-1]}:*A"]) + ")" for w in service)
            named.insert(0, "(" + " | ".join(phrases) + ")")
        common = [Clause(clause, names) for clause, names in zip(clauses, named, strict=True)]
    phrase = " ".join(tokens)
    document: ColumnElement[Any] = literal_column("organisation_search.document")
    names: ColumnElement[str] = literal_column("organisation_search.names", String)
    matches: ColumnElement[bool] = document.op("@@")(func.to_tsquery("simple", tsquery))
    rank: ColumnElement[Any] = -func.ts_rank(document, func.to_tsquery("simple", tsquery))
    # The similarity operators cannot use an index for a common word and cost a pass over every name, which
    # was most of a search's time at 150,000 listings: they are added only when a word needs them. So is
    # similarity in the rank: for "care", matching 84,000 of 150,000 listings, it tripled the query's time.
    # A misspelt word whose corrections are very common matches them alone, as on SQLite: the similarity of
    # every name was most of such a search's time (a quarter of a second for "homecre" at 150,000 listings).
    if unknown and not common:
        matches = or_(
            matches,
            literal(phrase).op("<%")(names),
            # Whole-name similarity catches a misspelt name of several words ("Mutaul Suport").
            names.op("%")(literal(phrase)),
        )
        rank = rank - func.word_similarity(phrase, names)
    if common:
        in_names = [cast(document.op("@@")(func.to_tsquery("simple", clause.names)), Integer) for clause in common]
        rank = cast(-sum(in_names[1:], in_names[0]), Float)
    ids = (
        select(
            literal_column("organisation_search.organisation_id", Integer).label("organisation_id"),
            rank.label("rank"),
        )
        .select_from(text("organisation_search"))
        .where(matches)
    )
    if common:
        ids = ids.execution_options(**{_CLAUSES_OPTION: tuple(common)})
    shown = {token: options[0] for token, options in corrections.items()}
    return ids, shown


def text_matches(
    session: Session, value: str, service: ServiceTerm | None = None
) -> tuple[Select[int, Any] | None, dict[str, str]]:
    """A SELECT of (organisation_id, rank) for the text, lower rank first; None when it has no words.
    With ``service``, its phrase in the text matches any of the service's phrases ("home care" finds
    "homecare" and "domiciliary care")."""
    tokens, phrases = _service_clause(_tokens(value), service)
    if not tokens and not phrases:
        return None, {}
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_text_ids(session, tokens, phrases)
    return _postgresql_text_ids(session, tokens, phrases)


# A common word matches most listings ("care": 84,000 of 150,000 synthetic ones), and ranking every match was
# most of such a search's time (a quarter of a second). Those matches are kept, per database and search-index
# version, so each common search is ranked once per change to the index; few matches are cheap, and not kept.
TEXT_CACHE_MIN_MATCHES = 2_000
TEXT_CACHE_ENTRIES = 32
_text_cache: OrderedDict[tuple[str, int, str, str], tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = OrderedDict()
_text_cache_lock = threading.Lock()


def clear_text_cache() -> None:
    """Forget the kept rankings and vocabulary counts (benchmarks time a word's first search with it)."""
    with _text_cache_lock:
        _text_cache.clear()
        _vocabulary_counts_kept.clear()


def text_scores(
    session: Session, index: FacetIndex, statement: Select[Any]
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """``ids_and_scores`` for the text match, from the cache when the index has not changed since; for a
    search of very common clauses (``COMMON_MATCHES``), from their matches held in memory, ranked as its
    SELECT ranks them."""
    clauses = _held_clauses(statement)
    if clauses is not None:
        matched = np.ones(len(index), dtype=bool)
        named = np.zeros(len(index), dtype=np.int64)
        for clause in clauses:
            postings = clause_postings(session, index, clause)
            matched &= postings.matches
            named += postings.named
        return index.listing_ids[matched], -named[matched].astype(np.float64)
    bind = session.get_bind()
    compiled = statement.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    query = f"{compiled}|{sorted(compiled.params.items())!r}"
    key = (bind.engine.url.render_as_string(hide_password=True), index.version, index.token, query)
    with _text_cache_lock:
        cached = _text_cache.get(key)
        if cached is not None:
            _text_cache.move_to_end(key)
            return cached
    ids, scores = ids_and_scores(session, statement)
    if len(ids) >= TEXT_CACHE_MIN_MATCHES:
        ids.flags.writeable = scores.flags.writeable = False  # shared between searches: never changed
        with _text_cache_lock:
            _text_cache[key] = (ids, scores)
            while len(_text_cache) > TEXT_CACHE_ENTRIES:
                _text_cache.popitem(last=False)
    return ids, scores


def ids_and_scores(
    session: Session, statement: Select[Any]
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Ids and (when the SELECT has a second column) scores as arrays, read through the driver's cursor:
    building SQLAlchemy rows for tens of thousands of candidates took longer than the query."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    with driver_cursor(session) as cursor:
        cursor.execute(str(compiled), args)
        rows = cursor.fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    width = len(rows[0])
    # fromiter over the flattened rows: a third of np.array's time on a list of tuples (84,000 rows: 11 ms).
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=len(rows) * width)
    table = flat.reshape(len(rows), width)
    scores = table[:, 1] if table.shape[1] > 1 else np.zeros(len(rows))
    return table[:, 0].astype(np.int64), scores
