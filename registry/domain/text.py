"""Text as people and files give it, made safe to store and compare.

Names and other one-line texts are normalised to Unicode NFKC (so full-width and compatibility characters
become their ordinary forms) and lose every control and format character: NUL, line breaks, zero-width spaces
and joiners, and the bidirectional overrides that make "Anglian Community Enterprise" plus U+200B, or a name
that displays backwards, look like another listing's. Multi-line texts keep their line breaks and nothing else
of the kind. A web address is stored only when it is an absolute http or https URL with a host.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Control (Cc), format (Cf: zero-width, bidi controls, soft hyphen, BOM), surrogates (Cs) and unassigned or
# private-use code points (Cn, Co) carry no visible text in a name.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_WHITESPACE = re.compile(r"\s+")
_WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


def _visible(text: str, keep: str = "") -> str:
    return "".join(
        char
        if char in keep or unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        else (" " if char.isspace() else "")
        for char in text
    )


def clean_line(value: str | None) -> str:
    """One line of text: NFKC, no control or format characters, runs of whitespace as one space, trimmed."""
    text = unicodedata.normalize("NFKC", value or "")
    return _WHITESPACE.sub(" ", _visible(text)).strip()


def clean_lines(value: str | None) -> str:
    """Text that may have several lines: NFKC, line breaks kept (as ``\\n``), other control and format
    characters removed, spaces at line ends and blank lines at either end trimmed."""
    text = unicodedata.normalize("NFKC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[^\S\n]+", " ", _visible(line, keep="\t")).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def is_web_address(value: str | None) -> bool:
    """An absolute http or https address with a host that has a dot: never ``javascript:`` or ``data:``."""
    text = value or ""
    if not _WEB_ADDRESS.match(text):
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
