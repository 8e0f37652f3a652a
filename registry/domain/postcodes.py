"""UK postcodes: read what people type, and the forms we store and show.

A full postcode has an outward code (the postcode district, like ``S1`` or ``SW1A``) and an inward code
(``2HE``): a sector digit and two unit letters. People also search by outward code alone (``S1``) or by
sector (``S1 2``). This module turns any text into a :class:`PostcodeQuery` that says which of these it
is, never raising on odd input, and converts between:

- the **storage form**, the ONS Postcode Directory's 7-character ``pcd`` key: spaces removed and the
  outward code padded to four characters (``S1  2HE``, ``DE1 3QT``, ``SW1A1AA``);
- the **display form**, with one space between the outward and inward codes (``S1 2HE``).

Validation follows the pattern in the UK Government Data Standards Catalogue (BS 7666): the letters
Q, V and X never start a postcode; I, J and Z are never second; only certain letters may end a
``A9A`` or ``AA9A`` outward code; and the inward letters never use C, I, K, M, O or V. Girobank's
``GIR 0AA`` is accepted as the one historical special case; overseas-territory and BFPO codes are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "NotAPostcode",
    "PostcodeKind",
    "PostcodeQuery",
    "display_form",
    "is_valid_outcode",
    "is_valid_postcode",
    "loose_outcode",
    "loose_storage_key",
    "parse_postcode_query",
    "storage_form",
]

# Letters allowed in each position (BS 7666 / GDSC). Written out so that \d and \w never let in
# non-ASCII digits or letters.
_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I, J, Z
_THIRD = "ABCDEFGHJKPSTUW"  # the letter in A9A districts (W1A, EC1A)
_FOURTH = "ABEHMNPRVWXY"  # the letter in AA9A districts (SW1A, NW1W)
_INWARD_LETTER = "ABDEFGHJLNPQRSTUWXYZ"  # not C, I, K, M, O, V

_OUTWARD = (
    f"(?:[{_FIRST}][0-9]{{1,2}}"  # A9, A99
    f"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"  # AA9, AA99
    f"|[{_FIRST}][0-9][{_THIRD}]"  # A9A
    f"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}])"  # AA9A
)
_INWARD = f"[0-9][{_INWARD_LETTER}]{{2}}"

_OUTWARD_RE = re.compile(_OUTWARD)
_INWARD_RE = re.compile(_INWARD)
_GIROBANK = ("GIR", "0AA")

STORAGE_LENGTH = 7


class NotAPostcode(ValueError):
    """Raised by the conversions when the text is not a full UK postcode."""


class PostcodeKind(StrEnum):
    """What a piece of search text turned out to be."""

    POSTCODE = "postcode"  # a full postcode: S1 2HE
    OUTCODE = "outcode"  # an outward code (postcode district): S1
    SECTOR = "sector"  # an outward code and the sector digit: S1 2
    NOT_A_POSTCODE = "not_a_postcode"


@dataclass(frozen=True, slots=True)
class PostcodeQuery:
    """The reading of some search text as a full or partial postcode.

    ``outcode`` is set for every kind except ``NOT_A_POSTCODE``; ``inward`` is the full inward code
    (``2HE``) for a postcode and the sector digit (``2``) for a sector.
    """

    kind: PostcodeKind
    text: str
    outcode: str | None = None
    inward: str | None = None

    @property
    def is_postcode(self) -> bool:
        """True for a full or partial postcode."""
        return self.kind is not PostcodeKind.NOT_A_POSTCODE

    @property
    def display(self) -> str | None:
        """One space between the parts: ``S1 2HE``, ``S1 2`` or ``S1``."""
        if self.outcode is None:
            return None
        if self.inward is None:
            return self.outcode
        return f"{self.outcode} {self.inward}"

    @property
    def sector(self) -> str | None:
        """The sector in display form (``S1 2``), for a full postcode or a sector."""
        if self.outcode is None or self.inward is None:
            return None
        return f"{self.outcode} {self.inward[0]}"

    @property
    def storage_key(self) -> str | None:
        """The 7-character ONS key (``S1  2HE``), for a full postcode only."""
        if self.kind is not PostcodeKind.POSTCODE or self.outcode is None or self.inward is None:
            return None
        return _storage(self.outcode, self.inward)


def _storage(outcode: str, inward: str) -> str:
    return f"{outcode:<4}{inward}"


def _is_outward(text: str) -> bool:
    return _OUTWARD_RE.fullmatch(text) is not None


def _is_full(outward: str, inward: str) -> bool:
    if (outward, inward) == _GIROBANK:
        return True
    return _is_outward(outward) and _INWARD_RE.fullmatch(inward) is not None


def _is_sector_digit(text: str) -> bool:
    return len(text) == 1 and text in "0123456789"


def parse_postcode_query(text: str) -> PostcodeQuery:
    """Read search text as a full postcode, an outward code, a sector, or not a postcode.

    Any case and spacing is accepted: ``s12he``, ``S1 2HE``, `` sw1a 1aa ``, ``S1``, ``S1 2``.
    Without a space the longer reading wins, so ``S12`` is the outward code S12, not sector S1 2.
    Never raises.
    """
    stripped = text.strip()
    parts = stripped.upper().split()
    if len(parts) == 2:
        outward, rest = parts
        if _is_full(outward, rest):
            return PostcodeQuery(PostcodeKind.POSTCODE, stripped, outward, rest)
        if _is_outward(outward) and _is_sector_digit(rest):
            return PostcodeQuery(PostcodeKind.SECTOR, stripped, outward, rest)
    compact = "".join(parts)
    if 5 <= len(compact) <= STORAGE_LENGTH and _is_full(compact[:-3], compact[-3:]):
        return PostcodeQuery(PostcodeKind.POSTCODE, stripped, compact[:-3], compact[-3:])
    if len(parts) <= 1 and _is_outward(compact):
        return PostcodeQuery(PostcodeKind.OUTCODE, stripped, compact)
    if len(parts) <= 1 and len(compact) >= 3 and _is_sector_digit(compact[-1]) and _is_outward(compact[:-1]):
        return PostcodeQuery(PostcodeKind.SECTOR, stripped, compact[:-1], compact[-1])
    return PostcodeQuery(PostcodeKind.NOT_A_POSTCODE, stripped)


def is_valid_postcode(text: str) -> bool:
    """True when the text, in any case or spacing, is a full UK postcode."""
    return parse_postcode_query(text).kind is PostcodeKind.POSTCODE


def is_valid_outcode(text: str) -> bool:
    """True when the text (upper case, no spaces) is an outward code of a current format: ``S1``, ``SW1A``."""
    return _is_outward(text)


_LOOSE_FULL_RE = re.compile("([A-Z]{1,3}[0-9]{0,2}[A-Z]?)([0-9][A-Z]{2})")


def loose_storage_key(text: str) -> str | None:
    """A 7-character key for text shaped like a postcode, even one the official pattern rejects.

    Retired postcodes (``W1M 0AA``, ``NPT 0AD``) and made-up ones (``ZZ9 9ZZ``) have the shape of a
    postcode without being valid; looking them up lets us say "no longer in use" or "not found"
    rather than "not a postcode". Returns None when the text does not have that shape.
    """
    compact = "".join(text.upper().split())
    match = _LOOSE_FULL_RE.fullmatch(compact)
    if match is None or len(match.group(1)) > 4:
        return None
    return _storage(match.group(1), match.group(2))


_LOOSE_OUTCODE_RE = re.compile("[A-Z]{1,3}[0-9]{1,2}[A-Z]?")


def loose_outcode(text: str) -> str | None:
    """The text as an outward code if it has the shape of one (``W1M``, ``ZZ9``), valid or not; else None."""
    parts = text.upper().split()
    if len(parts) == 1 and len(parts[0]) <= 4 and _LOOSE_OUTCODE_RE.fullmatch(parts[0]):
        return parts[0]
    return None


def _full(text: str) -> PostcodeQuery:
    query = parse_postcode_query(text)
    if query.kind is not PostcodeKind.POSTCODE:
        raise NotAPostcode(f"{text!r} is not a full UK postcode")
    return query


def storage_form(text: str) -> str:
    """The 7-character ONS key: ``s1 2he`` → ``S1  2HE``, ``sw1a 1aa`` → ``SW1A1AA``.

    Raises :class:`NotAPostcode` when the text is not a full postcode.
    """
    key = _full(text).storage_key
    assert key is not None  # a full postcode always has one
    return key


def display_form(text: str) -> str:
    """The form we show: ``S1  2HE`` or ``s12he`` → ``S1 2HE``.

    Raises :class:`NotAPostcode` when the text is not a full postcode.
    """
    shown = _full(text).display
    assert shown is not None
    return shown
