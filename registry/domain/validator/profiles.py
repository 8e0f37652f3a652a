"""Profiles commissioners compose: chosen rules from every rule set, each number set within its published range.

A profile is a choice of rules from the catalogue (every rule of every rule set, keyed ``ruleset-id/RULE-ID``)
with a value for each of a chosen rule's ranged parameters. ``assess_profile`` assesses one structure against
it with the validator's own checks, a finding per rule.

Filtering a whole register by a profile must not run the validator per listing per search. Each listing's
outcome for every rule of the catalogue, at every value of its ranges, is worked out once when the listing
changes (``rule_outcomes``: a few hundred bytes) and kept; a profile is then a choice of columns of that
table, and its verdicts over every listing are a vectorised comparison (``profile_verdicts``). The table is
made by the very checks ``assess_profile`` runs, so the two cannot disagree (a unit test holds them to it),
and a range is a handful of values (``loading.MAX_RANGE_COMBINATIONS``), so the table stays small.

Each cell is one byte: the outcome in the low two bits (0 not applicable, 1 passes or cannot decide the
verdict, 2 needs information, 3 fails) and, above them, how many facts the finding asks for (at most 63).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from registry.domain.structure import StructureFacts
from registry.domain.validator.assessment import LEGAL_FORM_RULE, assess, does_not_meet, needs_information
from registry.domain.validator.checks import CHECKS, ParamKind
from registry.domain.validator.model import Assessment, Finding, Rule, RuleSet, Severity
from registry.domain.validator.wording import _
from registry.domain.vocabulary import Outcome, Verdict

NOT_APPLICABLE, PASSES, NEEDS, FAILS = 0, 1, 2, 3
MAX_COUNTED = 63

# Verdict codes of ``profile_verdicts``, in the order commissioners rank them ("meets" first).
VERDICT_CODES: tuple[Verdict, ...] = (
    Verdict.MEETS,
    Verdict.NEEDS_INFORMATION,
    Verdict.DOES_NOT_MEET,
    Verdict.NOT_APPLICABLE,
)
_MEETS, _NEEDS_INFORMATION, _DOES_NOT_MEET, _NOT_APPLICABLE = range(4)


class ProfileError(ValueError):
    """A profile that cannot be used, with a message per field (``rule`` or ``RULE-KEY.parameter``)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class CatalogueRule:
    """A rule of the catalogue, with the rule set it comes from (which decides the forms it applies to)."""

    key: str
    ruleset: RuleSet
    rule: Rule

    @property
    def deciding(self) -> bool:
        return self.rule.severity in (Severity.FAIL, Severity.FAIL_POLICY)


# A profile's choice: the chosen rules' keys, each with its ranged parameters' values.
Choice = Mapping[str, Mapping[str, float]]


def rule_key(ruleset: RuleSet, rule: Rule) -> str:
    return f"{ruleset.id}/{rule.id}"


class Catalogue:
    """Every rule of every rule set, and the layout of the outcome table: a column per rule per combination
    of its ranged parameters' values."""

    def __init__(self, rulesets: Sequence[RuleSet]) -> None:
        self.rules: dict[str, CatalogueRule] = {}
        self._start: dict[str, int] = {}
        self._variants: list[tuple[CatalogueRule, dict[str, float]]] = []
        for ruleset in rulesets:
            for rule in ruleset.rules:
                entry = CatalogueRule(rule_key(ruleset, rule), ruleset, rule)
                self.rules[entry.key] = entry
                self._start[entry.key] = len(self._variants)
                names = list(rule.ranges)
                for values in itertools.product(*(rule.ranges[name].values() for name in names)):
                    self._variants.append((entry, dict(zip(names, values, strict=True))))
        self._sets: dict[tuple[str, tuple[tuple[str, float], ...]], RuleSet] = {}

    @property
    def width(self) -> int:
        """Columns of the outcome table (bytes per listing)."""
        return len(self._variants)

    def published(self, key: str) -> dict[str, float]:
        """The ranged parameters' published values of the rule ``key``."""
        rule = self.rules[key].rule
        return {name: float(rule.parameters.value(name)) for name in rule.ranges}

    def check_choice(self, choice: Choice) -> dict[str, dict[str, float]]:
        """``choice`` with every ranged parameter filled in (the published value when left out); raises
        ``ProfileError`` naming each unknown rule or value outside its range."""
        errors: dict[str, str] = {}
        checked: dict[str, dict[str, float]] = {}
        for key, values in choice.items():
            entry = self.rules.get(key)
            if entry is None:
                errors[key] = _("There is no rule %(key)s in the catalogue", key=key)
                continue
            filled = self.published(key)
            for name, value in values.items():
                allowed = entry.rule.ranges.get(name)
                if allowed is None:
                    errors[f"{key}.{name}"] = _(
                        "%(rule)s: %(name)s cannot be changed", rule=entry.rule.text("title"), name=name
                    )
                elif not allowed.allows(float(value)):
                    errors[f"{key}.{name}"] = _(
                        "%(rule)s: enter a value from %(low)s to %(high)s in steps of %(step)s",
                        rule=entry.rule.text("title"),
                        low=format(allowed.minimum, "g"),
                        high=format(allowed.maximum, "g"),
                        step=format(allowed.step, "g"),
                    )
                else:
                    filled[name] = float(value)
            checked[key] = filled
        if not checked and not errors:
            errors["rules"] = _("Choose at least one rule")
        elif checked and not errors and not any(self.rules[key].deciding for key in checked):
            errors["rules"] = _(
                "Choose at least one rule that can decide the verdict, not only warnings or declarations"
            )
        if errors:
            raise ProfileError(errors)
        return checked

    def column(self, key: str, values: Mapping[str, float]) -> int:
        """The outcome table's column for the rule ``key`` with its ranged parameters at ``values``."""
        entry = self.rules[key]
        position = 0
        for name in entry.rule.ranges:
            allowed = entry.rule.ranges[name].values()
            position = position * len(allowed) + _index(allowed, values[name])
        return self._start[key] + position

    def single(self, entry: CatalogueRule, values: Mapping[str, float]) -> RuleSet:
        """A rule set of just this rule at ``values``: assessed, it applies the rule set's forms and origins
        exactly as the whole rule set would."""
        marker = (entry.key, tuple(sorted(values.items())))
        found = self._sets.get(marker)
        if found is None:
            rule = entry.rule
            if values:
                kinds = CHECKS[rule.check].parameters
                changes = {n: int(v) if kinds[n] is ParamKind.INTEGER else float(v) for n, v in values.items()}
                rule = dataclasses.replace(rule, parameters=rule.parameters.with_values(changes))
            found = dataclasses.replace(entry.ruleset, rules=(rule,))
            self._sets[marker] = found
        return found

    def rule_outcomes(self, facts: StructureFacts) -> bytes:
        """One structure's outcome for every column (see the module's note on a cell's byte)."""
        cells = bytearray(len(self._variants))
        # Tracing which facts a finding asks for costs several times the check; a rule's other values ask
        # for the same facts often enough to count them once per rule (counts only order the plausible).
        counted: dict[str, int] = {}
        for column, (entry, values) in enumerate(self._variants):
            finding = _finding(facts, entry, self.single(entry, values))
            outcome = finding.outcome
            if outcome is Outcome.NEEDS_INFORMATION:
                count = counted.get(entry.key)
                if count is None:
                    count = counted[entry.key] = len({_INDEX.sub("", path) for path in finding.needs})
                cells[column] = NEEDS | (min(count, MAX_COUNTED) << 2)
            elif outcome is Outcome.FAIL:
                cells[column] = FAILS
            elif outcome is not Outcome.NOT_APPLICABLE:
                cells[column] = PASSES
        return bytes(cells)


def _index(allowed: tuple[float, ...], value: float) -> int:
    for position, candidate in enumerate(allowed):
        if abs(candidate - value) < 1e-9:
            return position
    raise ValueError(f"{value} is not one of {allowed}")


_INDEX = re.compile(r"\[\d+\]")


def fact_name(path: str) -> str:
    """A fact's path as a person reads it: ``member_classes[1].vote_share_pct`` -> "member classes: vote
    share pct"."""
    return _INDEX.sub("", path).replace(".", ": ").replace("_", " ")


def _finding(facts: StructureFacts, entry: CatalogueRule, single: RuleSet) -> Finding:
    """The rule's finding on ``facts``, with its rule set's applicability folded in."""
    assessment = assess(facts, single)
    if assessment.verdict is Verdict.NOT_APPLICABLE:
        rule = entry.rule
        return Finding(
            rule.id,
            rule.text("title"),
            Outcome.NOT_APPLICABLE,
            assessment.reason,
            rule.severity,
            rule.source,
            rule.confidence,
            rule.text("explanation"),
        )
    own = assessment.findings[-1]
    if assessment.findings[0].rule_id == LEGAL_FORM_RULE and own.outcome is not Outcome.FAIL:
        # The rule's set is for some legal forms only, and the legal form is not known.
        form = assessment.findings[0]
        paths = ("legal_form", *(p for p in own.needs if p != "legal_form"))
        return own._replace(outcome=Outcome.NEEDS_INFORMATION, reason=f"{form.reason} {own.reason}", needs_from=paths)
    return own


@dataclass(frozen=True)
class ProfileColumns:
    """A profile as columns of the outcome table: which to read, and which of them decide the verdict."""

    columns: np.ndarray[Any, np.dtype[np.intp]]
    deciding: np.ndarray[Any, np.dtype[np.bool_]]


def profile_columns(catalogue: Catalogue, choice: Choice) -> ProfileColumns:
    checked = catalogue.check_choice(choice)
    keys = sorted(checked)
    return ProfileColumns(
        np.array([catalogue.column(key, checked[key]) for key in keys], dtype=np.intp),
        np.array([catalogue.rules[key].deciding for key in keys], dtype=bool),
    )


def profile_verdicts(
    table: np.ndarray[Any, np.dtype[np.uint8]], profile: ProfileColumns
) -> tuple[np.ndarray[Any, np.dtype[np.int8]], np.ndarray[Any, np.dtype[np.int16]]]:
    """Every listing's verdict code (``VERDICT_CODES``) against the profile, and how many facts its deciding
    rules that need information ask for (summed over those rules: a fact two rules ask for counts twice).

    ``table`` has a row per listing and a column per ``Catalogue`` column. As ``assess_profile``: a failed
    deciding rule means it does not meet the profile; else one that needs information means it needs
    information; else, if any deciding rule applied, it meets it; else the profile does not apply to it.
    """
    cells = table[:, profile.columns[profile.deciding]]
    outcomes = cells & 3
    fails = (outcomes == FAILS).any(axis=1)
    needs = outcomes == NEEDS
    any_needs = needs.any(axis=1)
    applies = (outcomes != NOT_APPLICABLE).any(axis=1)
    verdicts = np.full(len(table), _NOT_APPLICABLE, dtype=np.int8)
    verdicts[applies] = _MEETS
    verdicts[any_needs] = _NEEDS_INFORMATION
    verdicts[fails] = _DOES_NOT_MEET
    unknown = np.where(needs, cells >> 2, 0).sum(axis=1, dtype=np.int16)
    return verdicts, unknown


def assess_profile(facts: StructureFacts, catalogue: Catalogue, choice: Choice, title: str, version: str) -> Assessment:
    """Assess one structure against a profile: a finding per chosen rule (in catalogue order), and the
    verdict as ``profile_verdicts`` gives it."""
    checked = catalogue.check_choice(choice)
    findings: list[Finding] = []
    failing: list[str] = []
    missing: list[str] = []
    applies = False
    for key, entry in catalogue.rules.items():
        if key not in checked:
            continue
        finding = _finding(facts, entry, catalogue.single(entry, checked[key]))
        findings.append(finding)
        if not entry.deciding or finding.outcome is Outcome.NOT_APPLICABLE:
            continue
        applies = True
        if finding.outcome is Outcome.FAIL:
            failing.append(finding.title)
        elif finding.outcome is Outcome.NEEDS_INFORMATION:
            missing.append(finding.title)
    if failing:
        verdict, reason = Verdict.DOES_NOT_MEET, does_not_meet(failing)
    elif missing:
        verdict, reason = Verdict.NEEDS_INFORMATION, needs_information(missing)
    elif applies:
        verdict, reason = Verdict.MEETS, _("Meets every chosen rule that decides the verdict.")
    else:
        verdict, reason = Verdict.NOT_APPLICABLE, _("None of the chosen rules applies to this organisation.")
    return Assessment("profile", title, version, verdict, reason, tuple(findings))


def facts_unknown(assessment: Assessment) -> tuple[str, ...]:
    """The facts (as people read them) the deciding findings that need information ask for, each once."""
    seen: dict[str, None] = {}
    for finding in assessment.findings:
        if finding.outcome is Outcome.NEEDS_INFORMATION and finding.blocking:
            for path in finding.needs:
                seen[fact_name(path)] = None
    return tuple(seen)


def verdict_mask(verdicts: np.ndarray[Any, np.dtype[np.int8]], wanted: Iterable[Verdict]) -> np.ndarray[Any, Any]:
    codes = [VERDICT_CODES.index(v) for v in wanted]
    return np.isin(verdicts, codes)
