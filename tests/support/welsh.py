"""Checks that a page meant to be in Welsh is in Welsh.

A page rendered in Welsh should hold no English but what is meant to stay English. Two things are:

- words the page marks as English with ``lang="en"`` (a quotation from an English Act or policy text, the switch's
  "English"), which is also how a screen reader knows to read them in English;
- words the page marks ``translate="no"``: proper names and what people wrote themselves (an organisation's name,
  its description, an address), which are never translated.

Everything else is read word by word for English's commonest words ("the", "and", "your"...), none of which is a
Welsh word: one of them in unmarked text means an English sentence or label was left untranslated.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

# English's commonest words that are not also Welsh words ("a", "i", "o", "at", "am", "dim", "hi" are Welsh, and
# so are "does", as in "does dim", and "all", as in "ni all"). A hyphenated word is one word ("is-adran").
ENGLISH_MARKERS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "your",
        "you",
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "for",
        "with",
        "not",
        "from",
        "what",
        "how",
        "which",
        "who",
        "whom",
        "their",
        "there",
        "they",
        "them",
        "our",
        "we",
        "us",
        "it",
        "its",
        "in",
        "on",
        "by",
        "or",
        "an",
        "as",
        "can",
        "will",
        "would",
        "should",
        "could",
        "may",
        "must",
        "has",
        "have",
        "had",
        "do",
        "did",
        "if",
        "then",
        "than",
        "when",
        "where",
        "why",
        "any",
        "each",
        "every",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "very",
        "just",
        "also",
        "into",
        "about",
        "after",
        "before",
        "between",
        "through",
        "during",
        "without",
        "within",
        "under",
        "over",
        "again",
        "further",
        "once",
        "here",
        "both",
        "few",
        "no",
        "nor",
        "too",
        "shall",
    ]
)
# Parts of a page that are not words people read: code, and the machinery of the page.
NOT_READ = ("script", "style", "template", "code", "pre", "svg", "noscript")
WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ]+(?:['\u2019-][A-Za-zÀ-ÿŵŷŴŶ]+)*")


def _kept_in_english(element: Tag) -> bool:
    for node in (element, *element.parents):
        if not isinstance(node, Tag):
            continue
        if node.get("translate") == "no":
            return True
        lang = node.get("lang")
        if lang:
            return str(lang).lower().startswith("en")
    return False


def _is_form_value(element: Tag) -> bool:
    """What someone typed, shown back in a form: a textarea's content, or a choice whose words are its own value
    (a member class's name offered as a board seat's elector)."""
    if element.name == "textarea":
        return True
    return element.name == "option" and element.get("value") == element.get_text()


def visible_text(page: BeautifulSoup) -> list[str]:
    """The page's text, as pieces, leaving out what is marked English or not to be translated, and the
    ``title``/``aria-label``/``alt``/``placeholder`` words people also read."""
    pieces: list[str] = []
    body = page.body or page
    for text in body.find_all(string=True):
        parent = text.parent
        if parent is None or parent.name in NOT_READ or any(p.name in NOT_READ for p in parent.parents):
            continue
        if _kept_in_english(parent) or _is_form_value(parent):
            continue
        if text.strip():
            pieces.append(text.strip())
    for element in page.find_all(True):
        for attribute in ("aria-label", "alt", "placeholder", "title"):
            value = element.get(attribute)
            if value and not _kept_in_english(element):
                pieces.append(str(value))
    # Not the <title>: it starts with the h1, read above with its markup (an organisation's name is translate="no"
    # there, and a title can hold no markup), and ends with the registry's name.
    return pieces


# The proper names Welsh text keeps in English because the body or document has no official Welsh name (a reviewed
# list: add a name only when no Welsh form is published). Taken out before the text is read.
PROPER_NAMES = ("Charity Commission for Northern Ireland",)

# Words in double quotation marks inside a sentence are names someone gave ("People who need support", a
# member class) or quoted words, which the sentence names rather than says.
QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


def _without_names(piece: str) -> str:
    for name in PROPER_NAMES:
        piece = piece.replace(name, " ")
    return piece


def english_left(html: str | BeautifulSoup) -> list[str]:
    """The pieces of a Welsh page's text that read as English (empty when the page is all Welsh)."""
    page = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    return [
        piece
        for piece in visible_text(page)
        if any(word.lower() in ENGLISH_MARKERS for word in WORD.findall(QUOTED.sub(" ", _without_names(piece))))
    ]
