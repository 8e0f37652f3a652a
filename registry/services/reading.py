"""Reading one search box's text with what the registry knows: place names and the indexed words.

``read_search_text`` applies ``registry.domain.query_reading.read_query`` with the gazetteer's names (local
authorities, towns, and the areas of ``registry.domain.areas``) held in memory, once per gazetteer build per
process: checking each run of words against the database was a fifth of a search's time.
"""

from __future__ import annotations

import difflib
import functools
import threading
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from registry.domain.areas import area_catalogue
from registry.domain.query_reading import QueryReading, ServiceVocabulary, load_service_vocabulary, read_query
from registry.models.gazetteer import GazetteerBuild, LocalAuthority, Place
from registry.services.gazetteer.lookup import place_search_name

__all__ = ["PlaceNames", "is_place_name", "place_names", "read_search_text", "service_vocabulary"]

# How close a misspelling must be to a place's name to be read as it ("Sheffeild" → Sheffield: 0.89).
PLACE_CORRECTION_CUTOFF = 0.85


@dataclass(frozen=True)
class PlaceNames:
    """Every place name the gazetteer resolves, by search key (``place_search_name``) → display name."""

    build: int | None
    names: dict[str, str]

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and place_search_name(text) in self.names

    def correct(self, typed: str) -> str | None:
        """The place a misspelling means, when one name is close enough: compared only with names of about
        the same length and the same first letter, so a miss costs little."""
        key = place_search_name(typed)
        if len(key) < 4:
            return None
        candidates = [
            name for name in self.names if name[:1] == key[:1] and abs(len(name) - len(key)) <= 2 and name != key
        ]
        close = difflib.get_close_matches(key, candidates, n=1, cutoff=PLACE_CORRECTION_CUTOFF)
        return self.names[close[0]] if close else None


_names_lock = threading.Lock()
_names: dict[str, PlaceNames] = {}


def place_names(session: Session) -> PlaceNames:
    """The place names of the gazetteer build now loaded (read again only after a rebuild)."""
    bind = session.get_bind()
    key = bind.engine.url.render_as_string(hide_password=True)
    build = session.scalar(select(func.max(GazetteerBuild.id)))
    with _names_lock:
        held = _names.get(key)
        if held is not None and held.build == build:
            return held
    names: dict[str, str] = {}
    for search_name, display in area_catalogue().names().items():
        names.setdefault(place_search_name(search_name), display)
    for name, search_name in session.execute(select(LocalAuthority.name, LocalAuthority.search_name)):
        names[search_name] = name.removesuffix(", City of").removesuffix(", County of")
    for name, search_name in session.execute(select(Place.name, Place.search_name).order_by(Place.population)):
        names.setdefault(search_name, name)
    loaded = PlaceNames(build, names)
    with _names_lock:
        _names[key] = loaded
    return loaded


def is_place_name(session: Session, word: str) -> bool:
    return word in place_names(session)


@functools.cache
def service_vocabulary() -> ServiceVocabulary:
    """The service phrases people type (``data/reference/search_terms.yaml``), read once per process."""
    return load_service_vocabulary()


def _indexed(session: Session, word: str) -> bool:
    found = session.execute(
        text("SELECT 1 FROM organisation_search_vocab WHERE term >= :t AND term < :end LIMIT 1"),
        {"t": word, "end": word + "\uffff"},
    ).first()
    return found is not None


def read_search_text(session: Session, value: str) -> QueryReading:
    """How the one box's text reads: what to search for and where (see ``read_query``)."""
    names = place_names(session)
    return read_query(
        value,
        is_place=names.__contains__,
        services=service_vocabulary(),
        is_indexed_word=lambda word: _indexed(session, word),
        correct_place=names.correct,
    )
