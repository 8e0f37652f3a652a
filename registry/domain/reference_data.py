"""Load and check the reference vocabularies in ``data/reference/``.

Each file is a mapping ``{source: [...], items: [...]}``. ``load_vocabulary`` reads one and refuses it, with a
message naming the file and the item, when it would put bad codes into the database: a missing field, a repeated
code, a parent that does not exist, a pattern that does not compile, or a code list that has drifted from the
closed enums in ``registry.domain.vocabulary``. ``vocabulary_labels`` reads ``labels.yaml``, the one source of
the words for the closed vocabularies that are not reference tables (verdicts, rule outcomes, origin, voting
rules...), refusing it unless each section labels every code of its enum exactly once and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from registry.domain import vocabulary
from registry.domain.language import LocalisedLabels, localised
from registry.domain.search_query import FACETS

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

# Fields every item of each vocabulary must have (None is allowed where the value is optional).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_forms": (
        "code",
        "label",
        "short_label",
        "description",
        "registrar",
        "identifier_schemes",
        "has_share_capital",
        "statutory_asset_lock",
        "charitable",
        "coops_uk_legal_form",
        "companies_house_types",
    ),
    "identifier_schemes": (
        "code",
        "label",
        "description",
        "registrar",
        "pattern",
        "normalise",
        "format_message",
        "example",
        "url_template",
    ),
    "member_class_kinds": ("code", "label", "description", "stakeholder", "user_member"),
    "governance_models": ("code", "label", "description", "coops_uk_ownership", "essglobal"),
    "services": ("code", "label", "description", "parent", "cqc_service_types", "sic_codes"),
    "regions": ("code", "name", "nation"),
}

# The fields of each vocabulary that are words people read: each item says them in Welsh too, in a ``cy`` mapping
# of the same fields beside the English (issue 19), and the file is refused when one is missing. A field null in
# English (a legal form with no registrar) needs no Welsh.
WORDING_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_forms": ("label", "short_label", "description", "registrar"),
    "identifier_schemes": ("label", "description", "registrar", "format_message", "example_note"),
    "member_class_kinds": ("label", "description"),
    "governance_models": ("label", "description"),
    "services": ("label", "description"),
    "regions": ("name",),
}
WELSH = "cy"

# Fields that must hold a value (not null, not an empty string).
NON_EMPTY_FIELDS = (
    "code",
    "label",
    "short_label",
    "description",
    "name",
    "nation",
    "pattern",
    "example",
    "format_message",
)

BOOLEAN_FIELDS = ("stakeholder", "user_member")
OPTIONAL_BOOLEAN_FIELDS = ("has_share_capital", "statutory_asset_lock", "charitable")
LIST_FIELDS = ("identifier_schemes", "companies_house_types", "cqc_service_types", "sic_codes")

# Vocabularies whose codes are also closed enums in code: the two must not drift apart.
ENUM_CODES: dict[str, frozenset[str]] = {
    "legal_forms": frozenset(form.value for form in vocabulary.LegalForm),
    "member_class_kinds": frozenset(kind.value for kind in vocabulary.MemberClassKind),
}

REGION_COUNT = 12
NATIONS = frozenset({"England", "Wales", "Scotland", "Northern Ireland"})
REGION_CODE = re.compile(r"[ENSW]\d{8}")
SIC_CODE = re.compile(r"\d{5}")
SERVICE_CODE = re.compile(r"hsc-[a-z0-9]+(-[a-z0-9]+)*")


class VocabularyError(ValueError):
    """A reference vocabulary file is missing, malformed or inconsistent."""


def load_vocabulary(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    """Read ``<directory>/<name>.yaml`` (default ``data/reference/``), check it, and return its items in order."""
    if name not in REQUIRED_FIELDS:
        known = ", ".join(sorted(REQUIRED_FIELDS))
        raise VocabularyError(f"There is no reference vocabulary called {name!r}. The vocabularies are: {known}.")
    directory = directory or REFERENCE_DIR
    document = read_vocabulary_file(directory / f"{name}.yaml")
    return validate_vocabulary(name, document, directory)


def read_vocabulary_file(path: Path) -> Any:
    """Parse one YAML file, turning a missing file or a syntax error into a ``VocabularyError``."""
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream)
    except FileNotFoundError as error:
        raise VocabularyError(f"{path}: the file does not exist.") from error
    except yaml.YAMLError as error:
        raise VocabularyError(f"{path}: this is not valid YAML ({error}).") from error


def validate_vocabulary(name: str, document: Any, directory: Path | None = None) -> list[dict[str, Any]]:
    """Check a parsed vocabulary document and return its items.

    ``directory`` is where sibling vocabularies are read from for cross-file checks (a legal form's identifier
    schemes must exist); without it those checks use ``data/reference/``.
    """
    where = f"{name}.yaml"
    _check_source(where, document, "'source' and 'items'")
    items = document.get("items")
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{where}: 'items' must be a non-empty list.")
    seen = _checked_codes(where, items, REQUIRED_FIELDS[name], CHECKS.get(name, _no_check))
    if name in ENUM_CODES:
        _check_matches_enum(where, seen, ENUM_CODES[name])
    CROSS_CHECKS.get(name, _no_cross_check)(where, items, directory)
    _check_all_welsh(where, items, WORDING_FIELDS[name])
    return [dict(item) for item in items]


def _check_all_welsh(where: str, items: list[Any], fields: tuple[str, ...]) -> None:
    for position, item in enumerate(items, start=1):
        check_welsh(f"{where}: item {position} ({item['code']!r})", item, fields)


def check_welsh(label: str, item: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    """An item's ``cy`` mapping says in Welsh every one of ``fields`` the item has words for in English, and
    nothing else."""
    welsh = item.get(WELSH)
    if not isinstance(welsh, Mapping):
        raise VocabularyError(f"{label}: needs a 'cy' mapping with its words in Welsh ({', '.join(fields)}).")
    unknown = sorted(set(welsh) - set(fields))
    if unknown:
        raise VocabularyError(f"{label}: 'cy' may only hold {', '.join(fields)}, not {', '.join(unknown)}.")
    for field in fields:
        english = item.get(field)
        if english is None or (isinstance(english, str) and not english.strip()):
            continue
        value = welsh.get(field)
        if not isinstance(value, str) or not value.strip():
            raise VocabularyError(f"{label}: 'cy' has no Welsh for '{field}'.")


def _check_source(where: str, document: Any, contents: str) -> None:
    if not isinstance(document, Mapping):
        raise VocabularyError(f"{where}: the file must be a mapping with {contents}.")
    source = document.get("source")
    if not isinstance(source, list) or not source:
        raise VocabularyError(f"{where}: 'source' must be a non-empty list of citations.")


def _checked_codes(
    where: str, items: list[Any], required: tuple[str, ...], check: Callable[[str, Mapping[str, Any]], None]
) -> set[str]:
    """Check each item (a mapping with the required fields, a code of its own, then ``check``); its codes."""
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise VocabularyError(f"{where}: item {position} must be a mapping of fields.")
        code = item.get("code")
        label = f"{where}: item {position} ({code!r})" if code is not None else f"{where}: item {position}"
        _check_fields(label, item, required)
        if not isinstance(code, str):
            raise VocabularyError(f"{label}: 'code' must be text.")
        if code in seen:
            raise VocabularyError(f"{where}: the code {code!r} is used more than once.")
        seen.add(code)
        check(label, item)
    return seen


def _check_fields(label: str, item: Mapping[str, Any], required: tuple[str, ...]) -> None:
    missing = [field for field in required if field not in item]
    if missing:
        raise VocabularyError(f"{label}: missing {', '.join(missing)}.")
    for field in required:
        value = item[field]
        if field in NON_EMPTY_FIELDS and (value is None or (isinstance(value, str) and not value.strip())):
            raise VocabularyError(f"{label}: '{field}' must not be empty.")
        if field in BOOLEAN_FIELDS and not isinstance(value, bool):
            raise VocabularyError(f"{label}: '{field}' must be true or false.")
        if field in OPTIONAL_BOOLEAN_FIELDS and value is not None and not isinstance(value, bool):
            raise VocabularyError(f"{label}: '{field}' must be true, false or null.")
        if field in LIST_FIELDS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise VocabularyError(f"{label}: '{field}' must be a list of text values ([] when there are none).")


def _check_identifier_scheme(label: str, item: Mapping[str, Any]) -> None:
    pattern = item["pattern"]
    if not (isinstance(pattern, str) and pattern.startswith("^") and pattern.endswith("$")):
        raise VocabularyError(f"{label}: 'pattern' must be anchored with ^ at the start and $ at the end.")
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise VocabularyError(f"{label}: 'pattern' is not a valid regular expression ({error}).") from error
    example = str(item["example"])
    if not compiled.fullmatch(example):
        raise VocabularyError(f"{label}: the example {example!r} does not match the pattern.")
    for field in ("url_template", "api_url_template"):
        template = item.get(field)
        if template is not None and (not isinstance(template, str) or "{value}" not in template):
            raise VocabularyError(f"{label}: '{field}' must contain {{value}}, or be null.")


def _check_service(label: str, item: Mapping[str, Any]) -> None:
    if not SERVICE_CODE.fullmatch(item["code"]):
        raise VocabularyError(f"{label}: service codes look like hsc-homecare (hsc- and lower-case words).")
    bad = [code for code in item["sic_codes"] if not SIC_CODE.fullmatch(code)]
    if bad:
        raise VocabularyError(f"{label}: SIC codes must be 5 digits in quotes, not {', '.join(map(repr, bad))}.")


def _check_region(label: str, item: Mapping[str, Any]) -> None:
    if not REGION_CODE.fullmatch(str(item["code"])):
        raise VocabularyError(f"{label}: region codes are ONS codes like E12000001.")
    if item["nation"] not in NATIONS:
        raise VocabularyError(f"{label}: 'nation' must be one of {', '.join(sorted(NATIONS))}.")


def _no_check(label: str, item: Mapping[str, Any]) -> None:
    """Vocabularies with nothing beyond the required fields to check."""


# A legal form's tag fits on a phone in one or two lines.
SHORT_LABEL_LENGTH = 30


def _check_legal_form(label: str, item: Mapping[str, Any]) -> None:
    welsh = item.get(WELSH)
    short_labels = [item["short_label"], welsh.get("short_label") if isinstance(welsh, Mapping) else None]
    if any(len(str(short)) > SHORT_LABEL_LENGTH for short in short_labels if short is not None):
        raise VocabularyError(f"{label}: 'short_label' must be at most {SHORT_LABEL_LENGTH} characters.")


CHECKS: dict[str, Callable[[str, Mapping[str, Any]], None]] = {
    "legal_forms": _check_legal_form,
    "identifier_schemes": _check_identifier_scheme,
    "services": _check_service,
    "regions": _check_region,
}


def _check_matches_enum(where: str, codes: set[str], expected: frozenset[str]) -> None:
    missing, extra = sorted(expected - codes), sorted(codes - expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"not in registry.domain.vocabulary: {', '.join(extra)}")
        raise VocabularyError(f"{where}: the codes must match the closed vocabulary in code ({'; '.join(parts)}).")


def _check_parents(where: str, items: list[Any], directory: Path | None) -> None:
    parents = {item["code"]: item["parent"] for item in items}
    for code, parent in parents.items():
        if parent is not None and parent not in parents:
            raise VocabularyError(f"{where}: {code!r} has the parent {parent!r}, which is not a code in the file.")
    for code in parents:
        chain = [code]
        while (parent := parents[chain[-1]]) is not None:
            if parent in chain:
                raise VocabularyError(f"{where}: parents go round in a circle: {' → '.join([*chain, parent])}.")
            chain.append(parent)


def _check_regions(where: str, items: list[Any], directory: Path | None) -> None:
    if len(items) != REGION_COUNT:
        raise VocabularyError(
            f"{where}: there must be exactly {REGION_COUNT} regions "
            f"(9 English regions, Wales, Scotland, Northern Ireland), not {len(items)}."
        )


def _check_legal_form_schemes(where: str, items: list[Any], directory: Path | None) -> None:
    schemes = {item["code"] for item in load_vocabulary("identifier_schemes", directory)}
    for item in items:
        unknown = [code for code in item["identifier_schemes"] if code not in schemes]
        if unknown:
            raise VocabularyError(
                f"{where}: {item['code']!r} lists identifier schemes not in identifier_schemes.yaml: "
                f"{', '.join(unknown)}."
            )


def _no_cross_check(where: str, items: list[Any], directory: Path | None) -> None:
    """Vocabularies with no checks across items or files."""


CROSS_CHECKS: dict[str, Callable[[str, list[Any], Path | None], None]] = {
    "services": _check_parents,
    "regions": _check_regions,
    "legal_forms": _check_legal_form_schemes,
}


def _codes(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(value) for value in values)


# labels.yaml: the codes each section must label (each exactly once), and the fields its items carry beyond
# code and label.
LABEL_SECTIONS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "verdict": (_codes(vocabulary.Verdict), ("facet_label", "tag_colour", "feed_name", "feed_phrase")),
    "chart_series": (_codes(vocabulary.Verdict) | {"not_assessed"}, ("colour",)),
    "outcome": (_codes(vocabulary.Outcome), ("tag_colour",)),
    "origin": (_codes(vocabulary.Origin), ()),
    "spin_out_programme": (_codes(vocabulary.SpinOutProgramme), ()),
    "voting_rule": (_codes(vocabulary.VotingRule), ()),
    "vote_decision": (_codes(vocabulary.VoteDecision), ()),
    "board_seat_source": (_codes(vocabulary.BoardSeatSource), ()),
    "asset_lock": (_codes(vocabulary.AssetLock), ()),
    "dissolution_clause": (_codes(vocabulary.DissolutionClause), ()),
    "distribution_basis": (_codes(vocabulary.DistributionBasis), ()),
    "facet_title": (_codes(FACETS), ()),
    "audit_action": (_codes(vocabulary.AuditAction), ()),
}
# Wordings a code may lack (null): the feed does not publish every verdict.
NULLABLE_LABEL_FIELDS = ("feed_name", "feed_phrase")
# The fields of labels.yaml that people read on the pages, said in Welsh too in each item's ``cy`` mapping. The
# feed's words (feed_name, feed_phrase) are terms of the English Open Referral feed, and colours are not words.
LABEL_WORDING_FIELDS: dict[str, tuple[str, ...]] = {"verdict": ("label", "facet_label")}


def load_labels(directory: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Read and check ``<directory>/labels.yaml`` (default ``data/reference/``): its sections' items, in order."""
    return validate_labels(read_vocabulary_file((directory or REFERENCE_DIR) / "labels.yaml"))


def validate_labels(document: Any) -> dict[str, list[dict[str, Any]]]:
    """Check a parsed ``labels.yaml`` and return each section's items."""
    _check_source("labels.yaml", document, "'source' and a list per vocabulary")
    sections = set(document) - {"source"}
    if sections != set(LABEL_SECTIONS):
        missing, extra = sorted(set(LABEL_SECTIONS) - sections), sorted(sections - set(LABEL_SECTIONS))
        raise VocabularyError(
            f"labels.yaml: the sections must be {', '.join(LABEL_SECTIONS)} "
            f"(missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'})."
        )
    return {section: _section_items(section, document[section]) for section in LABEL_SECTIONS}


def _section_items(section: str, items: Any) -> list[dict[str, Any]]:
    where = f"labels.yaml, {section}"
    expected, extra_fields = LABEL_SECTIONS[section]
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{where}: the section must be a non-empty list of items.")
    fields = ("code", "label", *extra_fields)

    def check_wordings(label: str, item: Mapping[str, Any]) -> None:
        for field in fields:
            value = item[field]
            if value is None and field in NULLABLE_LABEL_FIELDS:
                continue
            if not isinstance(value, str) or not value.strip():
                raise VocabularyError(f"{label}: '{field}' must be text, not empty.")

    seen = _checked_codes(where, items, fields, check_wordings)
    unlabelled, unknown = sorted(expected - seen), sorted(seen - expected)
    if unlabelled or unknown:
        raise VocabularyError(
            f"{where}: every code needs exactly one label (no label for: {', '.join(unlabelled) or 'none'}; "
            f"not a code of this vocabulary: {', '.join(unknown) or 'none'})."
        )
    _check_all_welsh(where, items, LABEL_WORDING_FIELDS.get(section, ("label",)))
    return [dict(item) for item in items]


@cache
def _labels() -> dict[str, list[dict[str, Any]]]:
    return load_labels()


@cache
def vocabulary_labels(section: str, field: str = "label") -> Mapping[str, str]:
    """``{code: wording}`` for one section of ``labels.yaml``, in its order, in the language being spoken when a
    wording is read (``LocalisedLabels``); ``field`` picks another wording than ``label`` (``facet_label``,
    ``tag_colour``...), and codes with none (null) are left out. Read once."""
    return LocalisedLabels({item["code"]: item for item in _labels()[section] if item[field] is not None}, field)


@cache
def _vocabulary_items(name: str) -> Mapping[str, Mapping[str, Any]]:
    return MappingProxyType({item["code"]: item for item in load_vocabulary(name)})


def reference_labels(name: str, field: str = "label") -> Mapping[str, str]:
    """``{code: wording}`` for a reference vocabulary (``legal_forms``, ``services``, ``regions``: ``field`` is
    ``name``...), read from its YAML file, in the language being spoken when a wording is read. For words the
    database holds only in English (the tables keep the English label): pages, facets and exports in Welsh look
    the code up here."""
    return LocalisedLabels(_vocabulary_items(name), field)


def reference_wording(name: str, code: str | None, field: str = "label", default: Any = None) -> Any:
    """One term's ``field`` in the language being spoken (``default`` when the vocabulary has no such code, as a
    row added to the database and not to the file)."""
    item = _vocabulary_items(name).get(code) if code is not None else None
    if item is None:
        return default
    return localised(item, field)


def legal_form_short_labels() -> Mapping[str, str]:
    """``{code: short label}`` for the legal forms' tags: read from ``legal_forms.yaml`` beside the full label
    (the database keeps only the full one), in the language being spoken."""
    return reference_labels("legal_forms", "short_label")
