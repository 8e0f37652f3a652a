"""Organisation identifiers: normalise and check a value against its scheme, and link to the public register.

The schemes (GB-COH, GB-MPR, GB-CHC, GB-SC, GB-NIC, GB-NHS and CQC) are data in
``data/reference/identifier_schemes.yaml``: pattern, example, plain-English format message and register
address. The few normalisation rules that are more than upper-casing (zero-padding company numbers, dropping
a NIC prefix) live here, because a regular expression cannot express them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote

from registry.domain.language import gettext as _
from registry.domain.language import localised
from registry.domain.reference_data import REFERENCE_DIR, read_vocabulary_file, validate_vocabulary

DEFAULT_PATH = REFERENCE_DIR / "identifier_schemes.yaml"

COMPANY_NUMBER_LENGTH = 8
# A two-letter Companies House prefix followed by a short run of digits: "SC12345" is "SC012345".
_SHORT_PREFIXED_COMPANY_NUMBER = re.compile(r"([A-Z]{2})(\d{1,5})")


@dataclass(frozen=True)
class IdentifierScheme:
    """One register's identifiers: what they look like and where their public record is."""

    code: str
    label: str
    registrar: str | None
    pattern: str
    example: str
    url_template: str | None
    format_message: str = ""
    org_id: bool = True
    # The scheme's words in Welsh (label, format_message...), as pairs: the ``cy`` mapping of its item.
    cy: tuple[tuple[str, str], ...] = ()

    def words(self, field: str) -> str:
        """``label`` or ``format_message`` in the language being spoken."""
        return str(localised({field: getattr(self, field), "cy": dict(self.cy)}, field) or "")

    def matches(self, value: str) -> bool:
        """Whether an already normalised value has this scheme's format."""
        return _compiled(self.pattern).fullmatch(value) is not None


class InvalidIdentifier(ValueError):
    """A value is not a valid identifier in its scheme. ``message`` is fit to show to the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def load_identifier_schemes(path: Path | None = None) -> dict[str, IdentifierScheme]:
    """Read and check the identifier schemes file (default ``data/reference/identifier_schemes.yaml``)."""
    path = path or DEFAULT_PATH
    items = validate_vocabulary("identifier_schemes", read_vocabulary_file(path), path.parent)
    return {
        item["code"]: IdentifierScheme(
            code=item["code"],
            label=item["label"],
            registrar=item["registrar"],
            pattern=item["pattern"],
            example=str(item["example"]),
            url_template=item["url_template"],
            format_message=item["format_message"],
            org_id=bool(item.get("org_id", True)),
            cy=tuple((field, str(words)) for field, words in (item.get("cy") or {}).items() if words is not None),
        )
        for item in items
    }


@cache
def _default_schemes() -> dict[str, IdentifierScheme]:
    return load_identifier_schemes()


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _scheme(scheme: IdentifierScheme | str, schemes: Mapping[str, IdentifierScheme] | None) -> IdentifierScheme:
    if isinstance(scheme, IdentifierScheme):
        return scheme
    known = _default_schemes() if schemes is None else schemes
    try:
        return known[scheme]
    except KeyError:
        raise InvalidIdentifier(
            _("Choose the kind of identifier from the list (%(scheme)s is not one)", scheme=repr(scheme))
        ) from None


def normalise_identifier(scheme_code: str, raw: str, schemes: Mapping[str, IdentifierScheme] | None = None) -> str:
    """Put a typed identifier into the form its register uses, without checking it.

    Every scheme: trim, upper-case, remove spaces, and drop a pasted org-id prefix ("GB-COH-07008268").
    Companies House numbers are zero-padded to 8 characters; a Northern Ireland charity loses a NIC prefix.
    """
    scheme = _scheme(scheme_code, schemes)
    value = "".join(raw.split()).upper()
    prefix = f"{scheme.code}-"
    if value.startswith(prefix) and len(value) > len(prefix):
        value = value[len(prefix) :]
    if scheme.code == "GB-COH":
        value = _pad_company_number(value)
    elif scheme.code == "GB-NIC" and value.startswith("NIC"):
        value = value[3:]
    return value


def _pad_company_number(value: str) -> str:
    if value.isdigit() and len(value) < COMPANY_NUMBER_LENGTH:
        return value.zfill(COMPANY_NUMBER_LENGTH)
    short = _SHORT_PREFIXED_COMPANY_NUMBER.fullmatch(value)
    if short:
        return short.group(1) + short.group(2).zfill(COMPANY_NUMBER_LENGTH - 2)
    return value


def check_identifier(scheme_code: str, raw: str, schemes: Mapping[str, IdentifierScheme] | None = None) -> str:
    """Return the normalised identifier, or raise ``InvalidIdentifier`` saying what the format should be."""
    scheme = _scheme(scheme_code, schemes)
    value = normalise_identifier(scheme.code, raw, {scheme.code: scheme})
    if not value or not scheme.matches(value):
        raise InvalidIdentifier(
            scheme.words("format_message")
            or _("Enter a %(scheme)s, like %(example)s", scheme=scheme.words("label"), example=scheme.example)
        )
    return value


def register_url(
    scheme: IdentifierScheme | str, value: str, schemes: Mapping[str, IdentifierScheme] | None = None
) -> str | None:
    """The public register page for a normalised identifier, or None when the register has no page for it
    (or the value is not a valid identifier, so no link would work)."""
    found = _scheme(scheme, schemes)
    if found.url_template is None or not found.matches(value):
        return None
    return found.url_template.replace("{value}", quote(value, safe=""))
