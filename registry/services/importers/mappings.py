"""From the registers' words to the registry's vocabularies: legal forms, ownership, services, identifiers.

Every target code is read from ``data/reference/`` (``legal_forms.yaml`` names the Co-operatives UK "Legal Form"
each form comes from, ``governance_models.yaml`` the "Ownership Classification", ``services.yaml`` the SIC codes
and CQC service types), so a vocabulary change shows up here rather than drifting silently.

Where one register word fits several of our codes, the choice is made here and said why:

- Co-operatives UK "Society": a co-operative society, except an FCA number ending CBS (the suffix the FCA has
  given community benefit societies since the 2014 Act, as in 7320CBS), which is a community benefit society.
- "Community Interest Company": the form made for sources that do not say shares or guarantee.
- "Company": a company limited by guarantee, the form of most co-operative companies (Co-operatives UK's model
  articles for worker and multi-stakeholder co-operatives are guarantee companies), except an "Employee Trust"
  owned company, whose trust holds shares. A company whose registered name ends "CIC" or "Community Interest
  Company" is a community interest company whatever the column says: the Companies Act reserves that ending.
- SIC codes come as 2 to 5 digits ("UKSIC07-869"). A code maps when the 5-digit codes it prefixes in
  ``services.yaml`` are all one code; that code's first term in file order is the default (as the file says).
  A division alone ("86", "88") is too broad to name a service and maps to none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from registry.domain.identifiers import InvalidIdentifier, check_identifier
from registry.domain.reference_data import REFERENCE_DIR, load_vocabulary, read_vocabulary_file


class MappingError(ValueError):
    """The reference vocabularies do not support a mapping this module makes (a vocabulary changed)."""


@dataclass(frozen=True)
class Mapped:
    """A mapped code (or None) and, when the source's value could not be used as it stands, why."""

    code: str | None
    warning: str | None = None


# Co-operatives UK "Legal Form" → our code, for the values that map to one form or have a stated default.
_COOPS_UK_LEGAL_FORM_DEFAULTS = {
    "Society": "co_operative_society",
    "Company": "company_limited_by_guarantee",
    "Community Interest Company": "community_interest_company",
    "LLP": "llp",
    "Unincorporated": "unincorporated",
    "Charitable Incorporated Organisation": "cio",
    "Scottish Charitable Incorporated Organisation": "scio",
    "Limited Partnership": "other",
}
_CIC_NAME = re.compile(r"(\bC\.?\s?I\.?\s?C\.?|\bcommunity interest company)\s*$", re.IGNORECASE)


@cache
def _legal_forms_by_coops_uk() -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for item in load_vocabulary("legal_forms"):
        if item["coops_uk_legal_form"]:
            forms.setdefault(item["coops_uk_legal_form"], set()).add(item["code"])
    for value, code in _COOPS_UK_LEGAL_FORM_DEFAULTS.items():
        if code not in forms.get(value, set()):
            raise MappingError(
                f"legal_forms.yaml no longer maps the Co-operatives UK legal form {value!r} to {code!r}."
            )
    return forms


def coops_uk_legal_form(value: str, *, name: str, registered_number: str, ownership: str) -> Mapped:
    """Our legal form for a Co-operatives UK row (see the module docstring for the choices)."""
    value = value.strip()
    if _CIC_NAME.search(name) and value in {"Company", "Community Interest Company"}:
        warning = None
        if value == "Company":
            warning = "The legal form says Company but the name ends CIC: listed as a community interest company"
        return Mapped("community_interest_company", warning)
    if not value:
        return Mapped(None, "No legal form given")
    forms = _legal_forms_by_coops_uk()
    if value not in forms:
        return Mapped(None, f"The legal form {value!r} is not one we know")
    if value == "Society" and registered_number.strip().upper().endswith("CBS"):
        return Mapped("community_benefit_society")
    if value == "Company" and ownership.strip() == "Employee Trust":
        return Mapped("company_limited_by_shares")
    return Mapped(_COOPS_UK_LEGAL_FORM_DEFAULTS[value])


# The FCA register's "Registered As" → our code, matched on words because the register's wording varies.
_FCA_REGISTERED_AS = (
    ("benefit", "community_benefit_society"),
    ("credit union", "co_operative_society"),  # a credit union is a co-operative society (Credit Unions Act 1979)
    ("co-operative", "co_operative_society"),
    ("cooperative", "co_operative_society"),
    ("friendly", "friendly_society"),
    ("building society", "other"),
)


def fca_legal_form(registered_as: str) -> Mapped:
    """Our legal form for the FCA Mutuals Public Register's "Registered As"."""
    words = " ".join(registered_as.lower().split())
    if not words:
        return Mapped(None, "No society type (Registered As) given")
    for phrase, code in _FCA_REGISTERED_AS:
        if phrase in words:
            return Mapped(code)
    return Mapped(None, f"The society type {registered_as.strip()!r} is not one we know")


@cache
def _governance_by_ownership() -> dict[str, str]:
    return {
        item["coops_uk_ownership"]: item["code"]
        for item in load_vocabulary("governance_models")
        if item["coops_uk_ownership"]
    }


def coops_uk_governance(ownership: str) -> Mapped:
    """Our governance model for a Co-operatives UK "Ownership Classification" (blank: not known)."""
    value = ownership.strip()
    if not value:
        return Mapped(None)
    code = _governance_by_ownership().get(value)
    if code is None:
        return Mapped(None, f"The ownership classification {value!r} is not one we know")
    return Mapped(code)


# ---------------------------------------------------------------------------------------------------
# Services


@cache
def _services() -> list[dict[str, Any]]:
    return load_vocabulary("services")


@cache
def _services_by_sic() -> dict[str, str]:
    """5-digit SIC code → the first service term in file order that lists it."""
    first: dict[str, str] = {}
    for item in _services():
        for sic in item["sic_codes"]:
            first.setdefault(sic, item["code"])
    return first


_SIC_DIGITS = re.compile(r"(\d{2,5})")


def sic_digits(value: str) -> str | None:
    """The digits of a SIC code as registers write it: "UKSIC07-8899" → "8899", "88100 - Social work" → "88100"."""
    match = _SIC_DIGITS.search(value.removeprefix("UKSIC07-"))
    return match.group(1) if match else None


def services_for_sic(value: str) -> list[str]:
    """Service codes for one SIC code (see the module docstring); [] when it names none or several."""
    digits = sic_digits(value)
    if digits is None or len(digits) < 3:
        return []
    matches = {code for code in _services_by_sic() if code.startswith(digits)}
    if len(matches) != 1:
        return []
    return [_services_by_sic()[matches.pop()]]


def is_health_or_social_care_sic(value: str) -> bool:
    """UK SIC 2007 divisions 86 (human health), 87 (residential care) and 88 (social work)."""
    digits = sic_digits(value)
    return digits is not None and digits[:2] in {"86", "87", "88"}


@cache
def _services_by_cqc_type() -> dict[str, str]:
    first: dict[str, str] = {}
    for item in _services():
        for service_type in item["cqc_service_types"]:
            first.setdefault(service_type.lower(), item["code"])
    return first


@cache
def _cqc_type_by_directory_name() -> dict[str, list[str]]:
    """The care directory's short name (lower case) → the CQC service types it stands for; each full
    service type name also stands for itself."""
    document = read_vocabulary_file(REFERENCE_DIR / "services.yaml")
    names: dict[str, list[str]] = {}
    for pair in document.get("cqc_service_type_names", []):
        names.setdefault(pair["service_type"].lower(), [pair["service_type"]])
        if pair.get("directory_name"):
            names.setdefault(pair["directory_name"].lower(), []).append(pair["service_type"])
    return names


def services_for_cqc(service_types: Iterable[str]) -> tuple[list[str], list[str]]:
    """Service codes for CQC service types, given by full name or the care directory's short name.

    Returns (codes in first-seen order, names that match no term).
    """
    codes: list[str] = []
    unknown: list[str] = []
    for raw in service_types:
        name = " ".join(raw.split())
        if not name:
            continue
        full_names = _cqc_type_by_directory_name().get(name.lower())
        if full_names is None:
            unknown.append(name)
            continue
        found = [_services_by_cqc_type()[n.lower()] for n in full_names if n.lower() in _services_by_cqc_type()]
        for code in found:
            if code not in codes:
                codes.append(code)
    return codes, unknown


# ---------------------------------------------------------------------------------------------------
# Identifiers

# Co-operatives UK "Registrar" → the schemes its "Registered Number" may be in, in the order to try.
# DETINI (Northern Ireland) registered societies (IP, CU numbers now on the FCA register) and companies (NI).
REGISTRAR_SCHEMES = {
    "FCA": ("GB-MPR",),
    "Companies House": ("GB-COH",),
    "DETINI": ("GB-MPR", "GB-COH"),
    "OSCR": ("GB-SC",),
    "Charity Commission": ("GB-CHC",),
}
# When the registrar is missing or unknown, a number is taken only if its shape fits one of these.
_UNKNOWN_REGISTRAR_SCHEMES = ("GB-MPR", "GB-COH")


def registered_identifier(registrar: str, number: str) -> tuple[tuple[str, str] | None, str | None]:
    """(scheme, normalised value) for a register number, or None and why it could not be used."""
    number = number.strip()
    if not number:
        return None, None
    registrar = registrar.strip()
    known_registrar = registrar in REGISTRAR_SCHEMES
    for scheme in REGISTRAR_SCHEMES.get(registrar, _UNKNOWN_REGISTRAR_SCHEMES):
        try:
            value = check_identifier(scheme, number)
        except InvalidIdentifier:
            continue
        # Without a registrar only a number already in its register's exact form is taken: "12345" could be
        # a company padded to 00012345 or a charity, and a guess would link the wrong organisation.
        if known_registrar or value == "".join(number.upper().split()):
            return (scheme, value), None
    who = f"the {registrar} register" if known_registrar else "any register we know"
    return None, f"The registered number {number!r} is not a valid number on {who}: listed without it"
