"""Rule sets, rules, their sources, and what an assessment says about them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from registry.domain import vocabulary as vocab
from registry.domain.language import DEFAULT_LANGUAGE, current_language
from registry.domain.validator.wording import Names, _l
from registry.domain.vocabulary import Outcome, Verdict


class Severity(StrEnum):
    """What a rule's failure means (see governance-rules.md section 0)."""

    FAIL = "fail"  # breaks a statutory or registration condition for the legal form
    FAIL_POLICY = "fail_policy"  # lawful, but misses a label or policy criterion
    WARN = "warn"  # a risk indicator: never decides the verdict
    ATTEST = "attest"  # cannot be checked from facts: the organisation's own statement is recorded


class Confidence(StrEnum):
    """How sure the research is of a rule (governance-rules.md section 0)."""

    V1 = "V1"  # checked against the primary source
    V2 = "V2"  # checked against a reputable secondary source
    M = "M"  # from memory, not checked: shown as unverified
    D = "D"  # derived or policy rule, not law


CONFIDENCE_WORDING = Names(
    {
        Confidence.V1: _l("Checked against the source's own text."),
        Confidence.V2: _l("Checked against a reputable secondary source; the primary text was not seen."),
        Confidence.M: _l("Unverified: recorded from memory and not yet checked against a source."),
        Confidence.D: _l("A policy rule derived from the sources cited; it is not law."),
    }
)

# The fields of rule set data that are words for people, each with its Welsh in a ``cy`` mapping beside it.
WELSH = "cy"


def in_language(english: str | None, welsh: Mapping[str, str], name: str) -> str | None:
    """A rule set's words (``english``, the field ``name``) in the current language: its Welsh from ``welsh``
    when speaking Welsh and there is some, else the English."""
    if current_language() != DEFAULT_LANGUAGE:
        translated = welsh.get(name)
        if translated:
            return translated
    return english


class RuleSetError(ValueError):
    """A rule set file that cannot be used, with what is wrong and where."""


@dataclass(frozen=True, slots=True)
class Source:
    """A citation: the document, who published it, the part of it, where to read it, its date or version,
    and, where the rule encodes a sentence of it, that sentence word for word (``quote``)."""

    title: str
    section: str | None = None
    url: str | None = None
    date: str | None = None
    publisher: str | None = None
    quote: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "title": self.title,
            "section": self.section,
            "url": self.url,
            "date": self.date,
            "publisher": self.publisher,
            "quote": self.quote,
        }

    def cite(self) -> str:
        """The citation as one line of text: "Publisher, Title, section (date)"."""
        text = f"{self.publisher}, {self.title}" if self.publisher else self.title
        text = f"{text}, {self.section}" if self.section else text
        return f"{text} ({self.date})" if self.date else text


@dataclass(frozen=True, slots=True)
class ParameterBasis:
    """Where a rule's parameter comes from: a source that states it (quoted), or the registry's own reading
    (``derived``), with the reason for it and any source it borrows from."""

    derived: bool
    reading: str | None = None
    source: Source | None = None
    cy: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "derived": self.derived,
            "reading": in_language(self.reading, self.cy, "reading"),
            "source": None if self.source is None else self.source.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ParameterRange:
    """The values a commissioner may choose for one of a rule's parameters in a profile of their own: from
    ``minimum`` to ``maximum`` in steps of ``step``, with the ``reason`` for those bounds."""

    minimum: float
    maximum: float
    step: float
    reason: str
    cy: Mapping[str, str] = field(default_factory=dict)

    def values(self) -> tuple[float, ...]:
        """Every value the range allows, smallest first."""
        count = round((self.maximum - self.minimum) / self.step)
        return tuple(round(self.minimum + i * self.step, 6) for i in range(count + 1))

    def allows(self, value: float) -> bool:
        return any(abs(value - allowed) < 1e-9 for allowed in self.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "min": self.minimum,
            "max": self.maximum,
            "step": self.step,
            "reason": in_language(self.reason, self.cy, "reason"),
        }


class Parameters:
    """A rule's parameters, already checked and converted when the rule set was loaded."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, object]) -> None:
        # Any, not object: the getters hand back the value the loader already checked without calling
        # ``typing.cast``, which costs a Python call per parameter read over a whole register.
        self._values: dict[str, Any] = dict(values)

    def number(self, name: str) -> float:
        value: float = self._values[name]
        return value

    def integer(self, name: str) -> int:
        value: int = self._values[name]
        return value

    def flag(self, name: str) -> bool:
        value: bool = self._values[name]
        return value

    def day(self, name: str) -> date:
        value: date = self._values[name]
        return value

    def kinds(self, name: str) -> frozenset[vocab.MemberClassKind]:
        value: frozenset[vocab.MemberClassKind] = self._values[name]
        return value

    def forms(self, name: str) -> frozenset[vocab.LegalForm]:
        value: frozenset[vocab.LegalForm] = self._values[name]
        return value

    def locks(self, name: str) -> frozenset[vocab.AssetLock]:
        value: frozenset[vocab.AssetLock] = self._values[name]
        return value

    def bases(self, name: str) -> frozenset[vocab.DistributionBasis]:
        value: frozenset[vocab.DistributionBasis] = self._values[name]
        return value

    def origins(self, name: str) -> frozenset[vocab.Origin]:
        value: frozenset[vocab.Origin] = self._values[name]
        return value

    def clauses(self, name: str) -> frozenset[vocab.DissolutionClause]:
        value: frozenset[vocab.DissolutionClause] = self._values[name]
        return value

    def lock_caps(self, name: str) -> Mapping[vocab.AssetLock, float]:
        value: Mapping[vocab.AssetLock, float] = self._values[name]
        return value

    def with_values(self, changes: Mapping[str, object]) -> Parameters:
        """The same parameters with ``changes`` (already checked against the rule's ranges) in place."""
        return Parameters({**self._values, **changes})

    def value(self, name: str) -> Any:
        return self._values[name]

    def to_dict(self) -> dict[str, Any]:
        def plain(value: object) -> Any:
            if isinstance(value, frozenset):
                return sorted(str(v) for v in value)
            if isinstance(value, Mapping):
                return {str(k): v for k, v in value.items()}
            if isinstance(value, date):
                return value.isoformat()
            return value

        return {name: plain(value) for name, value in self._values.items()}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: the check it runs with its parameters, and what it encodes.

    ``source`` is the main citation and ``also_cites`` the others (each its own document, quoted where the
    rule encodes its words). ``basis`` says, per parameter, whether a source states it or it is the
    registry's own reading. ``only_for_origins`` limits the rule to organisations of those origins.
    ``ranges`` are the parameters a commissioner may set in a profile of their own, each within its range.
    """

    id: str
    title: str
    check: str
    parameters: Parameters
    severity: Severity
    source: Source
    confidence: Confidence
    explanation: str
    also_cites: tuple[Source, ...] = ()
    basis: Mapping[str, ParameterBasis] = field(default_factory=dict)
    only_for_origins: frozenset[vocab.Origin] | None = None
    ranges: Mapping[str, ParameterRange] = field(default_factory=dict)
    # The Welsh of the title and explanation.
    cy: Mapping[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """The rule's ``title`` or ``explanation`` in the current language."""
        return in_language(getattr(self, name), self.cy, name) or ""

    @property
    def unverified(self) -> bool:
        return self.confidence is Confidence.M

    @property
    def citations(self) -> tuple[Source, ...]:
        return (self.source, *self.also_cites)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.text("title"),
            "check": self.check,
            "parameters": self.parameters.to_dict(),
            "severity": self.severity.value,
            "source": self.source.to_dict(),
            "confidence": self.confidence.value,
            "unverified": self.unverified,
            "explanation": self.text("explanation"),
            "citations": [s.to_dict() for s in self.citations],
            "parameter_basis": {name: b.to_dict() for name, b in self.basis.items()},
            "derived_parameters": sorted(name for name, b in self.basis.items() if b.derived),
            "only_for_origins": None if self.only_for_origins is None else sorted(self.only_for_origins),
            "ranges": {name: r.to_dict() for name, r in self.ranges.items()},
        }


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A named set of rules (a legal form's conditions, a label's criteria, or a policy profile).

    ``applies_to`` is the legal forms the set is for, or ``None`` for every form; ``excludes`` takes forms
    out of it, with ``excludes_reason`` saying why in plain English.
    """

    id: str
    title: str
    summary: str
    version: str
    applies_to: frozenset[vocab.LegalForm] | None
    excludes: frozenset[vocab.LegalForm]
    excludes_reason: str | None
    requires: str | None
    requires_reason: str | None
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    # What the rule set as a whole stands on, quoted (the profile's premise, say), beside each rule's own.
    cites: tuple[Source, ...] = ()
    # The Welsh of the title, summary, excludes_reason and requires_reason.
    cy: Mapping[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """The rule set's ``title``, ``summary``, ``excludes_reason`` or ``requires_reason`` in the current
        language."""
        return in_language(getattr(self, name), self.cy, name)

    def applies(self, form: vocab.LegalForm) -> bool:
        return form not in self.excludes and (self.applies_to is None or form in self.applies_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.text("title"),
            "summary": self.text("summary"),
            "version": self.version,
            "applies_to": "all" if self.applies_to is None else sorted(f.value for f in self.applies_to),
            "excludes": sorted(f.value for f in self.excludes),
            "sources": [s.to_dict() for s in self.sources],
            "rules": [r.to_dict() for r in self.rules],
            "citations": [s.to_dict() for s in self.cites],
        }


# Findings and assessments are named tuples, not frozen dataclasses: just as immutable, and several times
# quicker to create, which matters when every listing is reassessed against every rule set.
class Finding(NamedTuple):
    """What one rule found about one structure, and why."""

    rule_id: str
    title: str
    outcome: Outcome
    reason: str
    severity: Severity
    source: Source
    confidence: Confidence
    explanation: str
    # For a finding that needs information, what ``needs`` gives: the paths, or a function that works them out
    # when first asked (tracing a check costs several times running it, and most findings are never shown).
    needs_from: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()

    @property
    def needs(self) -> tuple[str, ...]:
        """For a finding that needs information: the facts (paths in the facts shape, like
        ``profits.asset_lock`` or ``member_classes[1].count``) the rule read and found unknown, so a form or
        an API client can ask for them. Empty for every other outcome."""
        found = self.needs_from
        return found if isinstance(found, tuple) else found()

    @property
    def unverified(self) -> bool:
        return self.confidence is Confidence.M

    @property
    def blocking(self) -> bool:
        """Whether this finding can decide the verdict (warnings and declarations never do)."""
        return self.severity is Severity.FAIL or self.severity is Severity.FAIL_POLICY

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "severity": self.severity.value,
            "source": self.source.to_dict(),
            "citation": self.source.cite(),
            "confidence": self.confidence.value,
            "confidence_note": CONFIDENCE_WORDING[self.confidence],
            "unverified": self.unverified,
            "explanation": self.explanation,
            "needs": list(self.needs),
        }


class Assessment(NamedTuple):
    """One rule set's verdict on one structure, with a finding per rule."""

    ruleset_id: str
    ruleset_title: str
    ruleset_version: str
    verdict: Verdict
    reason: str
    findings: tuple[Finding, ...]

    def findings_with(self, outcome: Outcome) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome is outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset_id": self.ruleset_id,
            "ruleset_title": self.ruleset_title,
            "ruleset_version": self.ruleset_version,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "findings": [f.to_dict() for f in self.findings],
        }
