"""Reading rule sets from ``data/rulesets/*.yaml`` and refusing any that could not be applied.

Everything a rule needs is checked when the files load, so a typo in a check name, a missing parameter or a
rule without a source stops the app at start-up with a message naming the file and rule, rather than
surfacing as a wrong verdict later.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from registry.domain import vocabulary
from registry.domain.language import Language, translations
from registry.domain.structure import StructureFacts
from registry.domain.validator.checks import CHECKS, DECLARATION, ParamKind
from registry.domain.validator.model import (
    Confidence,
    ParameterBasis,
    ParameterRange,
    Parameters,
    Rule,
    RuleSet,
    RuleSetError,
    Severity,
    Source,
)
from registry.domain.vocabulary import AssetLock, LegalForm, Origin

# registry/domain/validator/loading.py -> parents[3] is the repository root.
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "data" / "rulesets"

_RULE_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
_SET_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FACT_GROUPS = frozenset(f.name for f in dataclasses.fields(StructureFacts))
_LISTS: dict[ParamKind, type[Any]] = {
    ParamKind.KINDS: vocabulary.MemberClassKind,
    ParamKind.FORMS: vocabulary.LegalForm,
    ParamKind.LOCKS: vocabulary.AssetLock,
    ParamKind.BASES: vocabulary.DistributionBasis,
    ParamKind.ORIGINS: vocabulary.Origin,
    ParamKind.CLAUSES: vocabulary.DissolutionClause,
}


def load_rulesets(path: Path | str | None = None) -> tuple[RuleSet, ...]:
    """The rule sets in ``path`` (default ``data/rulesets``), checked, in display order. Cached per path."""
    directory = Path(path) if path is not None else DEFAULT_PATH
    return _load(_resolved(directory))


@functools.cache
def _resolved(directory: Path) -> str:
    # Resolving a path asks the file system (four lstat calls), which was a tenth of assessing a structure.
    return str(directory.resolve())


def clear_cache() -> None:
    """Forget loaded rule sets (for tests that write rule set files)."""
    _load.cache_clear()
    _resolved.cache_clear()
    rules_basis.cache_clear()


# What decides a verdict besides the facts: the rule set files, and the code that reads facts and runs checks.
_BASIS_CODE = (*sorted(Path(__file__).parent.glob("*.py")), Path(__file__).parents[1] / "structure.py")


@functools.cache
def rules_basis() -> str:
    """A short fingerprint of the default rule sets and the validator's code.

    Stored with each assessment: when a rule set or a check changes, stored verdicts made on another basis
    are out of date, and ``flask init`` (or ``flask assess``) makes them again.
    """
    digest = hashlib.sha256()
    for file in (*sorted(DEFAULT_PATH.glob("*.yaml")), *_BASIS_CODE):
        digest.update(file.name.encode())
        digest.update(file.read_bytes().replace(b"\r\n", b"\n"))
    # Stored reports hold their words in Welsh too, so a change to the validator's Welsh makes them again.
    digest.update(_welsh_words().encode())
    return digest.hexdigest()[:16]


def _welsh_words() -> str:
    """The catalogue's Welsh for every message of the validator's code (its reasons, its names of things)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
    catalogue = translations(Language.WELSH.value)
    words: list[str] = []
    for file in sorted(Path(__file__).parent.rglob("*.py")):
        for _, message, _, context in extract_from_file("python", str(file), keywords=keywords):
            if isinstance(message, tuple):
                words += [catalogue.ngettext(message[0], message[1], n) for n in (0, 1, 2, 3, 6, 10)]
            elif context:
                words.append(str(catalogue.pgettext(context, message)))
            else:
                words.append(catalogue.gettext(message))
    return "\n".join(words)


@functools.cache
def _load(directory: str) -> tuple[RuleSet, ...]:
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise RuleSetError(f"No rule set files (*.yaml) were found in {directory}")
    loaded: list[tuple[int, RuleSet]] = []
    seen: dict[str, str] = {}
    for file in files:
        order, ruleset = parse_ruleset(
            file.read_text(encoding="utf-8"), file.name, require_welsh=Path(directory) == DEFAULT_PATH.resolve()
        )
        if ruleset.id in seen:
            raise RuleSetError(f"{file.name}: rule set id {ruleset.id!r} is already used by {seen[ruleset.id]}")
        seen[ruleset.id] = file.name
        loaded.append((order, ruleset))
    return tuple(ruleset for _, ruleset in sorted(loaded, key=lambda pair: (pair[0], pair[1].id)))


def parse_ruleset(text: str, where: str = "rule set", require_welsh: bool = False) -> tuple[int, RuleSet]:
    """Parse and check one rule set document; returns its display order and the rule set. With
    ``require_welsh``, every field of words must have its Welsh beside it."""
    token = _require_welsh.set(require_welsh)
    try:
        return _parse_ruleset(text, where)
    finally:
        _require_welsh.reset(token)


def _parse_ruleset(text: str, where: str) -> tuple[int, RuleSet]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RuleSetError(f"{where}: not valid YAML: {error}") from error
    if not isinstance(data, Mapping):
        raise RuleSetError(f"{where}: a rule set file must be a mapping of fields")
    _only(
        data,
        where,
        {
            "id",
            "title",
            "summary",
            "version",
            "order",
            "applies_to",
            "excludes",
            "excludes_reason",
            "requires",
            "requires_reason",
            "sources",
            "cites",
            "rules",
            "cy",
        },
    )
    ruleset_id = _text(data, "id", where)
    if not _SET_ID.match(ruleset_id):
        raise RuleSetError(f"{where}: id {ruleset_id!r} must be lower case words joined by hyphens")
    where = f"{where} ({ruleset_id})"
    sources = _sources(data.get("sources"), where)

    applies = data.get("applies_to", "all")
    applies_to = None if applies == "all" else _codes(applies, LegalForm, f"{where}: applies_to")
    excludes = _codes(data.get("excludes", []), LegalForm, f"{where}: excludes")
    requires = data.get("requires")
    if requires is not None and requires not in _FACT_GROUPS:
        raise RuleSetError(f"{where}: requires {requires!r} is not a field of the structure facts")

    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleSetError(f"{where}: a rule set needs a list of rules")
    rules: list[Rule] = []
    ids: set[str] = set()
    for position, raw in enumerate(raw_rules, start=1):
        rule = _rule(raw, sources, f"{where}: rule {position}")
        if rule.id in ids:
            raise RuleSetError(f"{where}: rule id {rule.id} appears twice")
        ids.add(rule.id)
        rules.append(rule)

    cites = _citations(data.get("cites"), sources, f"{where}: cites")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise RuleSetError(f"{where}: order must be a whole number")
    return order, RuleSet(
        id=ruleset_id,
        title=_text(data, "title", where),
        summary=_text(data, "summary", where),
        version=str(data.get("version") or ""),
        applies_to=applies_to,
        excludes=excludes,
        excludes_reason=_optional_text(data, "excludes_reason", where),
        requires=requires,
        requires_reason=_optional_text(data, "requires_reason", where),
        sources=tuple(sources.values()),
        rules=tuple(rules),
        cites=cites,
        cy=_welsh(data, ("title", "summary", "excludes_reason", "requires_reason"), where),
    )


def _rule(raw: Any, sources: Mapping[str, Source], where: str) -> Rule:
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: each rule must be a mapping of fields")
    rule_id = _text(raw, "id", where)
    if not _RULE_ID.match(rule_id):
        raise RuleSetError(f"{where}: rule id {rule_id!r} must be upper case letters, digits and hyphens")
    where = f"{where.rsplit(': ', 1)[0]}: rule {rule_id}"
    _only(
        raw,
        where,
        {
            "id",
            "title",
            "check",
            "parameters",
            "severity",
            "source",
            "also_cites",
            "basis",
            "only_for_origins",
            "confidence",
            "explanation",
            "ranges",
            "cy",
        },
    )

    check_name = _text(raw, "check", where)
    if check_name not in CHECKS:
        known = ", ".join(sorted(CHECKS))
        raise RuleSetError(f"{where}: unknown check {check_name!r}; the checks are: {known}")
    severity = _choice(raw, "severity", Severity, where)
    if (severity is Severity.ATTEST) != (check_name == DECLARATION):
        raise RuleSetError(f"{where}: rules with severity 'attest' (and only they) use the {DECLARATION!r} check")
    origins = raw.get("only_for_origins")
    parameters = _parameters(raw.get("parameters") or {}, CHECKS[check_name].parameters, where)
    return Rule(
        id=rule_id,
        title=_text(raw, "title", where),
        check=check_name,
        parameters=parameters,
        severity=severity,
        source=_rule_source(raw.get("source"), sources, where),
        confidence=_choice(raw, "confidence", Confidence, where),
        explanation=_text(raw, "explanation", where),
        also_cites=_citations(raw.get("also_cites"), sources, f"{where}: also_cites"),
        basis=_basis(raw.get("basis"), {*CHECKS[check_name].parameters, "only_for_origins"}, sources, where),
        only_for_origins=None if origins is None else _codes(origins, Origin, f"{where}: only_for_origins"),
        ranges=_ranges(raw.get("ranges"), CHECKS[check_name].parameters, parameters, where),
        cy=_welsh(raw, ("title", "explanation"), where),
    )


# Whether a rule set must carry its Welsh (a file without its ``cy`` words is refused): the published rule sets
# in ``data/rulesets`` must; a rule set written elsewhere (a test's, say) may be English only.
_require_welsh: ContextVar[bool] = ContextVar("require_welsh", default=False)

# A profile's verdicts are precomputed for every value of every range (see ``validator.profiles``): a rule may
# offer at most this many combinations of values, so a listing's precomputed outcomes stay a few hundred bytes.
MAX_RANGE_COMBINATIONS = 64


def _ranges(raw: Any, kinds: Mapping[str, ParamKind], parameters: Parameters, where: str) -> dict[str, ParameterRange]:
    """Per numeric parameter a commissioner may change: ``min``, ``max``, ``step`` and the ``reason`` for the
    bounds. The published value must be one of the range's values."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: ranges must map parameter names to a min, max, step and reason")
    ranges: dict[str, ParameterRange] = {}
    combinations = 1
    for name, entry in raw.items():
        here = f"{where}: range of {name!r}"
        if kinds.get(name) not in (ParamKind.NUMBER, ParamKind.INTEGER):
            raise RuleSetError(f"{here}: only a number parameter of the rule can have a range")
        if not isinstance(entry, Mapping):
            raise RuleSetError(f"{here} must be a mapping with min, max, step and reason")
        _only(entry, here, {"min", "max", "step", "reason", "cy"})
        bounds: list[float] = []
        for key in ("min", "max", "step"):
            bound = entry.get(key)
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                raise RuleSetError(f"{here}: min, max and step must be numbers")
            bounds.append(float(bound))
        low, high, step = bounds
        if step <= 0 or high < low:
            raise RuleSetError(f"{here}: max must be at least min, and step more than 0")
        found = ParameterRange(low, high, step, _text(entry, "reason", here), _welsh(entry, ("reason",), here))
        if abs(found.values()[-1] - high) > 1e-9:
            raise RuleSetError(f"{here}: the steps from min must reach max exactly")
        if not found.allows(float(parameters.value(name))):
            raise RuleSetError(f"{here}: the published value {parameters.value(name)} is not one of the range's values")
        combinations *= len(found.values())
        ranges[str(name)] = found
    if combinations > MAX_RANGE_COMBINATIONS:
        raise RuleSetError(f"{where}: the ranges allow {combinations} combinations; at most {MAX_RANGE_COMBINATIONS}")
    return ranges


def _citations(raw: Any, sources: Mapping[str, Source], where: str) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleSetError(f"{where} must be a list of sources")
    return tuple(_rule_source(item, sources, f"{where} {position}") for position, item in enumerate(raw, start=1))


def _basis(raw: Any, names: set[str], sources: Mapping[str, Source], where: str) -> dict[str, ParameterBasis]:
    """Per parameter: ``derived: true`` with the ``reading`` that justifies it (and any ``source`` it borrows
    from), or ``derived: false`` with the ``source`` that states it, quoted."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: basis must map parameter names to where each comes from")
    basis: dict[str, ParameterBasis] = {}
    for name, entry in raw.items():
        here = f"{where}: basis of {name!r}"
        if name not in names:
            raise RuleSetError(f"{here}: {name!r} is not one of the rule's parameters")
        if not isinstance(entry, Mapping):
            raise RuleSetError(f"{here} must be a mapping with derived, and a reading or a quoted source")
        _only(entry, here, {"derived", "reading", "source", "cy"})
        derived = entry.get("derived")
        if not isinstance(derived, bool):
            raise RuleSetError(f"{here}: derived must be true or false")
        source = None if entry.get("source") is None else _rule_source(entry["source"], sources, here)
        reading = _optional_text(entry, "reading", here)
        if derived and reading is None:
            raise RuleSetError(f"{here}: a derived parameter needs the reading that justifies it")
        if not derived and (source is None or source.quote is None):
            raise RuleSetError(f"{here}: a parameter a source states needs that source, quoted")
        basis[str(name)] = ParameterBasis(
            derived=derived, reading=reading, source=source, cy=_welsh(entry, ("reading",), here)
        )
    return basis


def _parameters(raw: Any, wanted: Mapping[str, ParamKind], where: str) -> Parameters:
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: parameters must be a mapping of names to values")
    unexpected = sorted(set(raw) - set(wanted))
    if unexpected:
        raise RuleSetError(f"{where}: unexpected parameters {', '.join(map(str, unexpected))}")
    values: dict[str, object] = {}
    for name, kind in wanted.items():
        if name not in raw:
            raise RuleSetError(f"{where}: the parameter {name!r} ({kind.value}) is missing")
        values[name] = _parameter(raw[name], kind, f"{where}: parameter {name!r}")
    return Parameters(values)


def _parameter(value: Any, kind: ParamKind, where: str) -> object:
    if kind is ParamKind.NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise RuleSetError(f"{where} must be a number")
    if kind is ParamKind.INTEGER:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise RuleSetError(f"{where} must be a whole number")
    if kind is ParamKind.FLAG:
        if isinstance(value, bool):
            return value
        raise RuleSetError(f"{where} must be true or false")
    if kind is ParamKind.DATE:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise RuleSetError(f"{where} must be a date like 2024-10-30") from None
    if kind is ParamKind.LOCK_CAPS:
        if not isinstance(value, Mapping):
            raise RuleSetError(f"{where} must map asset lock codes to percentages")
        caps: dict[AssetLock, float] = {}
        for code, pct in value.items():
            lock = _codes([code], AssetLock, where)
            if not isinstance(pct, int | float) or isinstance(pct, bool) or not 0 <= pct <= 100:
                raise RuleSetError(f"{where}: the cap for {code} must be a percentage between 0 and 100")
            caps[next(iter(lock))] = float(pct)
        return caps
    return _codes(value, _LISTS[kind], where)


def _codes(value: Any, vocabulary: type[Any], where: str) -> frozenset[Any]:
    if not isinstance(value, list):
        raise RuleSetError(f"{where} must be a list of codes")
    codes: set[Any] = set()
    for code in value:
        try:
            codes.add(vocabulary(code))
        except ValueError:
            allowed = ", ".join(member.value for member in vocabulary)
            raise RuleSetError(f"{where}: {code!r} is not one of: {allowed}") from None
    return frozenset(codes)


def _sources(raw: Any, where: str) -> dict[str, Source]:
    if not isinstance(raw, Mapping) or not raw:
        raise RuleSetError(f"{where}: a rule set needs its sources, keyed by a short name")
    return {str(key): _source(value, f"{where}: source {key!r}") for key, value in raw.items()}


def _source(raw: Any, where: str) -> Source:
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where} must be a mapping with a title")
    _only(raw, where, {"title", "section", "url", "date", "publisher", "quote"})
    url = _optional_text(raw, "url", where)
    if url is not None and not url.startswith("https://"):
        raise RuleSetError(f"{where}: the url must start with https://")
    return Source(
        title=_text(raw, "title", where),
        section=_optional_text(raw, "section", where),
        url=url,
        date=None if raw.get("date") is None else str(raw.get("date")),
        publisher=_optional_text(raw, "publisher", where),
        quote=_optional_text(raw, "quote", where),
    )


def _rule_source(raw: Any, sources: Mapping[str, Source], where: str) -> Source:
    """A rule cites one of its set's sources by ``ref`` (adding a section), or gives its own."""
    if raw is None:
        raise RuleSetError(f"{where}: every rule needs a source")
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: the source must be a mapping")
    if "ref" not in raw:
        return _source(raw, f"{where}: source")
    ref = str(raw["ref"])
    if ref not in sources:
        raise RuleSetError(f"{where}: the source ref {ref!r} is not one of the rule set's sources")
    _only(raw, f"{where}: source", {"ref", "section", "quote"})
    base = sources[ref]
    section = _optional_text(raw, "section", where)
    return dataclasses.replace(base, section=section or base.section, quote=_optional_text(raw, "quote", where))


def _welsh(data: Mapping[str, Any], fields: tuple[str, ...], where: str) -> dict[str, str]:
    """The Welsh beside an object's English words: its ``cy`` mapping, of the same field names. Every field the
    English has must have its Welsh (always for the published rule sets), and the Welsh has no field the English
    lacks."""
    raw = data.get("cy")
    present = [name for name in fields if data.get(name) is not None]
    if raw is None:
        if _require_welsh.get() and present:
            raise RuleSetError(f"{where}: the Welsh (cy) of {', '.join(present)} is missing")
        return {}
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: cy must map field names to their Welsh")
    _only(raw, f"{where}: cy", set(present))
    welsh = {name: _text(raw, name, f"{where}: cy") for name in present if name in raw}
    missing = [name for name in present if name not in welsh]
    if missing:
        raise RuleSetError(f"{where}: the Welsh (cy) of {', '.join(missing)} is missing")
    return welsh


def _only(data: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    unexpected = sorted(str(k) for k in data if k not in allowed)
    if unexpected:
        raise RuleSetError(f"{where}: unexpected fields {', '.join(unexpected)}")


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleSetError(f"{where}: {key} is missing or empty")
    return " ".join(value.split())


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    return None if data.get(key) is None else _text(data, key, where)


def _choice(data: Mapping[str, Any], key: str, vocabulary: type[Any], where: str) -> Any:
    try:
        return vocabulary(data.get(key))
    except ValueError:
        allowed = ", ".join(member.value for member in vocabulary)
        raise RuleSetError(f"{where}: {key} must be one of: {allowed}") from None
