"""Which language the registry is speaking, English or Welsh, and its words in that language.

The language is a context variable, so code anywhere (a page, an email to one person, an export, a command) can
say what it is speaking without passing it down every call. The web layer sets it for each request from the
visitor's choice (``registry.web.language``); ``speaking(language)`` sets it for a block of code.

Two kinds of words are translated:

- words written in code go through ``gettext``/``ngettext`` and the gettext catalogue in
  ``registry/translations/<language>/LC_MESSAGES/messages.po``, the one Flask-Babel reads for the templates;
- words held as data (the vocabularies' labels, the rule sets) carry their Welsh beside the English in a ``cy``
  mapping of the same fields, read with ``localised(item, field)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations


class Language(StrEnum):
    """The languages the registry speaks, by ISO 639-1 code (the code pages put in ``lang``)."""

    ENGLISH = "en"
    WELSH = "cy"


LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
DEFAULT_LANGUAGE = Language.ENGLISH.value
# Each language's own name for itself, as the switch shows it.
LANGUAGE_NAMES = {Language.ENGLISH.value: "English", Language.WELSH.value: "Cymraeg"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

_NO_TRANSLATIONS = NullTranslations()
_current: ContextVar[str] = ContextVar("registry_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def supported(language: str | None) -> str | None:
    """``language`` when the registry speaks it ("cy", "CY", "cy-GB" → "cy"), else None."""
    if not language:
        return None
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def start_speaking(language: str | None) -> Token[str]:
    """Speak ``language`` until ``stop_speaking(token)`` (a request's language, set and reset around it)."""
    return _current.set(supported(language) or DEFAULT_LANGUAGE)


def stop_speaking(token: Token[str]) -> None:
    _current.reset(token)


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Speak ``language`` (English when it is not one the registry speaks) inside the block."""
    token = start_speaking(language)
    try:
        yield current_language()
    finally:
        stop_speaking(token)


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


# {language: (the catalogue file's modification time, when that was last looked at, its translations)}
_loaded: dict[str, tuple[float, float, NullTranslations]] = {}
# Every message of every page, form and reason is looked up here, so the file is looked at (for a change made while
# the app runs, as in development) at most this often, not once per message.
RECHECK_SECONDS = 2.0


def translations(language: str) -> NullTranslations:
    """The catalogue for ``language``, read from its ``.po`` file and compiled in memory (so there is no compiled
    file to build or to fall out of date); read again when the file changes. Fuzzy entries are left out, as
    ``msgfmt`` leaves them out. Nothing to translate for English or a language with no catalogue."""
    if language == DEFAULT_LANGUAGE:
        return _NO_TRANSLATIONS
    now = time.monotonic()
    loaded = _loaded.get(language)
    if loaded is not None and now - loaded[1] < RECHECK_SECONDS:
        return loaded[2]
    path = catalogue_path(language)
    if not path.exists():
        return _NO_TRANSLATIONS
    modified = path.stat().st_mtime
    if loaded is None or loaded[0] != modified:
        with path.open("rb") as po:
            catalogue = read_po(po, locale=language)
        compiled = BytesIO()
        write_mo(compiled, catalogue, use_fuzzy=False)
        compiled.seek(0)
        loaded = (modified, now, Translations(fp=compiled))
    else:
        loaded = (modified, now, loaded[2])
    _loaded[language] = loaded
    return loaded[2]


def gettext(message: str, **variables: Any) -> str:
    """``message`` in the current language, with ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The form of a message for ``num`` (Welsh has six forms: 0, 1, 2, 3, 6 and the rest), with ``%(num)s``
    set to the number."""
    text = translations(current_language()).ngettext(singular, plural, num)
    return text % {"num": num, **variables}


def pgettext(context: str, message: str, **variables: Any) -> str:
    """``message`` where the same English needs different Welsh in different places ("Open" a listing, "Open"
    for new members)."""
    text = str(translations(current_language()).pgettext(context, message))
    return text % variables if variables else text


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """``gettext`` when the words are used, not when they are written: for form labels and messages made once
    when a module is imported and shown in whichever language each request speaks."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def localised(item: Mapping[str, Any], field: str = "label") -> Any:
    """An item's ``field`` in the current language: the Welsh from its ``cy`` mapping when speaking Welsh and the
    item has it, else the English."""
    language = current_language()
    if language != DEFAULT_LANGUAGE:
        translated = (item.get(language) or {}).get(field)
        if translated is not None:
            return translated
    return item.get(field)


class LocalisedLabels(Mapping[str, Any]):
    """``{code: words}`` that answers in the current language: a vocabulary's labels, read where they are used
    (a template, a reason), so one mapping made at import serves pages in either language."""

    def __init__(self, items: Mapping[str, Mapping[str, Any]], field: str = "label") -> None:
        self._items = dict(items)
        self._field = field

    def __getitem__(self, code: str) -> Any:
        return localised(self._items[code], self._field)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"LocalisedLabels({self._field!r}, {list(self._items)!r})"
