"""Reading what people type in one box: what they are looking for, and where.

"homecare Sheffield", "home care near Leeds", "dementia support in Cardiff", "GP co-op S1", "Ripplez Derby":
``read_query`` splits such text into a *what* (a service, read through the service vocabulary and its
synonyms, and any other words, searched as text) and a *where* (a postcode, outcode, sector, town, local
authority, county, region, ICB or health board). The caller says what a place is (the gazetteer knows), and
which words are in the search index; this module holds only the rules, so they can be tested as a table.

The rules, in order:

1. the whole text is a postcode, outcode, sector or place: all *where*;
2. "... near/in/around/close to PLACE": the words after the last such word are the place if they are one
   (or a misspelling of one: "near Leedz" is Leeds); if not, the whole text is *what* ("care in mind");
3. a postcode, outcode or sector at the end ("GP co-op S1", "homecare S1 2HE");
4. the longest run of words at the end that is a place ("homecare South Yorkshire"), then at the start
   ("Sheffield homecare");
5. a last word that is neither an indexed word nor a place, but close to a place's name ("homecare
   Sheffeild"), read as that place.

Place names are never corrected into other words: a word read as a place leaves the text, and a word that
is a place is never "corrected" by the text search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from registry.domain.language import localised
from registry.domain.postcodes import PostcodeKind, parse_postcode_query

SEARCH_TERMS_YAML = Path(__file__).resolve().parents[2] / "data" / "reference" / "search_terms.yaml"
MAX_PLACE_WORDS = 6
CONNECTORS = ("close to", "near", "around", "in", "nr")
_WORD = re.compile(r"[\w'\u2019-]+", re.UNICODE)

__all__ = [
    "QueryReading",
    "ServiceTerm",
    "ServiceVocabulary",
    "load_service_vocabulary",
    "read_query",
    "words_of",
]


def words_of(text: str) -> list[str]:
    """The words of a phrase as the vocabulary compares them: lower case, apostrophes and hyphens kept."""
    return [w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)]


@dataclass(frozen=True, slots=True)
class ServiceTerm:
    """A service as people name it: its code, the name to show, and the phrases that mean it; ``welsh_name``
    is the name a page in Welsh shows (``search_terms.yaml``'s ``cy``)."""

    service: str
    name: str
    phrases: tuple[str, ...]
    welsh_name: str | None = None

    @property
    def shown_name(self) -> str:
        """The name in the language being spoken."""
        return str(localised({"name": self.name, "cy": {"name": self.welsh_name}}, "name"))

    def alternatives(self) -> list[tuple[str, ...]]:
        """The phrases as words for the text search: any of them matches (the last word as a prefix)."""
        seen: dict[tuple[str, ...], None] = {}
        for phrase in self.phrases:
            words = tuple(w for w in re.split(r"[^\w]+", phrase.casefold()) if w)
            if words:
                seen.setdefault(words, None)
        # A phrase another one starts ("home" … of "home care") would only widen the match: drop longer ones
        # that a shorter single-word prefix already finds ("carer" finds "carers support").
        kept = [w for w in seen if not any(len(o) == 1 and len(w) > 1 and w[0].startswith(o[0]) for o in seen)]
        return kept


class ServiceVocabulary:
    """Phrases → service terms, matched longest first."""

    def __init__(self, terms: Iterable[ServiceTerm]) -> None:
        self.terms = list(terms)
        self._phrases: dict[tuple[str, ...], ServiceTerm] = {}
        for term in self.terms:
            for phrase in term.phrases:
                self._phrases.setdefault(tuple(words_of(phrase)), term)
        self.longest = max((len(p) for p in self._phrases), default=0)

    def find(self, words: Sequence[str]) -> tuple[ServiceTerm, int, int] | None:
        """The longest phrase in ``words`` (lower case): (term, start, end), or None."""
        best: tuple[ServiceTerm, int, int] | None = None
        for size in range(min(self.longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                term = self._phrases.get(tuple(words[start : start + size]))
                if term is not None:
                    return term, start, start + size
        return best

    def by_service(self) -> Mapping[str, ServiceTerm]:
        return {term.service: term for term in self.terms}


def load_service_vocabulary(path: Path = SEARCH_TERMS_YAML) -> ServiceVocabulary:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ServiceVocabulary(
        ServiceTerm(
            str(item["service"]),
            str(item["name"]),
            tuple(str(p) for p in item["phrases"]),
            (item.get("cy") or {}).get("name"),
        )
        for item in data["terms"]
    )


@dataclass(frozen=True, slots=True)
class QueryReading:
    """How one box's text was read. ``what`` is the text to search (may be empty); ``where`` the place text
    to resolve (None: no place); ``service`` the service the words name; ``place_typed`` what was typed for a
    place corrected to ``where``; ``words`` the text as typed, for "search these words as text instead"."""

    words: str
    what: str
    where: str | None = None
    service: ServiceTerm | None = None
    place_typed: str | None = None
    connector: str | None = None
    unplaced: str | None = field(default=None)  # words after "near"/"in" that are no place we know

    @property
    def split(self) -> bool:
        """Whether the text was read as anything but plain words."""
        return self.where is not None or self.service is not None

    @property
    def what_label(self) -> str:
        """The *what* in words to show: the service's name (in the language being spoken) in place of its
        phrase."""
        if self.service is None:
            return self.what
        words = words_of(self.what)
        vocabulary = ServiceVocabulary([self.service])
        found = vocabulary.find(words)
        if found is None:
            return self.what
        _, start, end = found
        return " ".join([*words[:start], self.service.shown_name, *words[end:]]).strip()


def _is_postcode(text: str) -> bool:
    return parse_postcode_query(text).kind in {PostcodeKind.POSTCODE, PostcodeKind.OUTCODE, PostcodeKind.SECTOR}


def _trailing_postcode(tokens: list[str]) -> int | None:
    """Where a postcode at the end starts (index into tokens), or None."""
    for size in (2, 1):
        if len(tokens) > size and _is_postcode(" ".join(tokens[-size:])):
            # "care 24" is no postcode; a lone token must hold a letter and a digit (parse_postcode_query checks).
            return len(tokens) - size
    return None


def _strip_connector(words: list[str]) -> list[str]:
    while words and words[-1].casefold() in CONNECTORS:
        words = words[:-1]
    while words and words[0].casefold() in CONNECTORS:
        words = words[1:]
    return words


def read_query(
    text: str,
    is_place: Callable[[str], bool],
    services: ServiceVocabulary,
    is_indexed_word: Callable[[str], bool] = lambda word: True,
    correct_place: Callable[[str], str | None] = lambda text: None,
) -> QueryReading:
    """Split one box's text into what and where (see the module's rules).

    ``is_place(text)``: the gazetteer knows a place (town, local authority, county, ICB...) of that name.
    ``is_indexed_word(word)``: the word starts a word of some listing's text. ``correct_place(text)``: the
    name of the place the text is a misspelling of, or None.
    """
    tokens = text.split()
    if not tokens:
        return QueryReading(words=text, what="")
    joined = " ".join(tokens)
    if _is_postcode(joined) or is_place(joined):
        return _with_service(QueryReading(words=joined, what="", where=joined), services)

    lowered = [t.casefold() for t in tokens]
    # 2. An explicit "near", "in", "around", "close to": the last one splits the text.
    for index in range(len(tokens) - 1, 0, -1):
        connector = next(
            (c for c in CONNECTORS if lowered[index : index + len(c.split())] == c.split()),
            None,
        )
        if connector is None:
            continue
        after = tokens[index + len(connector.split()) :]
        before = tokens[:index]
        if not after:
            continue
        if [w.casefold() for w in after] == ["me"]:  # "near me": the page's own "Near" box is for that
            return _with_service(QueryReading(joined, " ".join(before)), services)
        place = " ".join(after)
        if _is_postcode(place) or is_place(place):
            return _with_service(QueryReading(joined, " ".join(before), place, connector=connector), services)
        corrected = correct_place(place)
        if corrected is not None:
            reading = QueryReading(joined, " ".join(before), corrected, place_typed=place, connector=connector)
            return _with_service(reading, services)
        return _with_service(QueryReading(joined, joined, unplaced=place), services)

    # 3. A postcode at the end.
    at = _trailing_postcode(tokens)
    if at is not None:
        what = " ".join(_strip_connector(tokens[:at]))
        return _with_service(QueryReading(joined, what, " ".join(tokens[at:])), services)

    # 4. The longest run of words at the end, then at the start, that is a place.
    for size in range(min(MAX_PLACE_WORDS, len(tokens) - 1), 0, -1):
        place = " ".join(tokens[-size:])
        if is_place(place):
            what = " ".join(_strip_connector(tokens[:-size]))
            if what:
                return _with_service(QueryReading(joined, what, place), services)
    for size in range(min(MAX_PLACE_WORDS, len(tokens) - 1), 0, -1):
        place = " ".join(tokens[:size])
        if is_place(place):
            what = " ".join(_strip_connector(tokens[size:]))
            if what:
                return _with_service(QueryReading(joined, what, place), services)

    # 5. A misspelt place at the end: a word found in no listing, close to a place's name.
    if len(tokens) > 1:
        last = tokens[-1]
        if len(last) >= 4 and last.isalpha() and not is_indexed_word(last.casefold()):
            corrected = correct_place(last)
            if corrected is not None:
                what = " ".join(_strip_connector(tokens[:-1]))
                return _with_service(QueryReading(joined, what, corrected, place_typed=last), services)
    return _with_service(QueryReading(joined, joined), services)


def _with_service(reading: QueryReading, services: ServiceVocabulary) -> QueryReading:
    found = services.find(words_of(reading.what))
    if found is None:
        return reading
    return QueryReading(
        words=reading.words,
        what=reading.what,
        where=reading.where,
        service=found[0],
        place_typed=reading.place_typed,
        connector=reading.connector,
        unplaced=reading.unplaced,
    )
