"""Assessing facts against rule sets: a finding per rule, and a verdict per rule set.

The verdict: any failed rule of severity fail or fail_policy means the structure does not meet the rule
set; otherwise any such rule that needs information means it needs information; otherwise it meets it.
Warnings and self-declarations never decide the verdict (a warning rule that lacks facts still says so in
its finding). A rule set for other legal forms is not applicable; when the legal form is unknown the rules
run anyway and a finding asks for the legal form, so the verdict is at best "needs information". A rule for
some origins only (spin-outs, say) is not applicable to others, and needs the origin when it is unknown.

A finding that needs information names, in ``needs``, the facts the rule read and found unknown (see
``tracing``): the answers that would decide it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import NamedTuple

from registry.domain.language import current_language
from registry.domain.structure import StructureFacts
from registry.domain.validator import wording as w
from registry.domain.validator.checks import CHECKS, DECLARATION, CheckFunction
from registry.domain.validator.loading import load_rulesets
from registry.domain.validator.model import (
    Assessment,
    Confidence,
    Finding,
    Parameters,
    RuleSet,
    Severity,
    Source,
)
from registry.domain.validator.tracing import unknown_facts_read
from registry.domain.validator.wording import _, ngettext
from registry.domain.vocabulary import LegalForm, Origin, Outcome, Verdict

LEGAL_FORM_RULE = "LEGAL-FORM"


def unverified_note() -> str:
    """The sentence added to the reason of a rule recorded from memory."""
    return " " + _("This rule is unverified: it was recorded from memory and not yet checked against its source.")


# Bound once: enum member lookups in the per-rule loop are measurable over a whole register.
_PASS, _FAIL, _WARNING = Outcome.PASS, Outcome.FAIL, Outcome.WARNING
_NEEDS, _DECLARED = Outcome.NEEDS_INFORMATION, Outcome.SELF_DECLARED
_NOT_APPLICABLE = Outcome.NOT_APPLICABLE
_ORIGIN = ("origin",)


class _Words(NamedTuple):
    """The fixed sentences of the loop, in one language."""

    declared_yes: str
    declared_no: str
    origin_unknown: str


@functools.lru_cache(maxsize=4)
def _words(language: str) -> _Words:
    return _Words(
        _("The organisation declares that it meets this; it cannot be checked from the structure."),
        _("This cannot be checked from the structure, and the organisation has not declared that it meets it."),
        _("Whether it spun out of the public sector is not known; this rule is only for spin-outs."),
    )


class _Step(NamedTuple):
    """A rule with what the loop needs already looked up, in the order a finding holds it."""

    rule_id: str
    title: str
    function: CheckFunction | None  # None for declarations
    parameters: Parameters
    warn_only: bool
    blocking: bool
    note: str
    severity: Severity
    source: Source
    confidence: Confidence
    explanation: str
    origins: frozenset[Origin] | None


_PLANS: dict[tuple[int, str], tuple[RuleSet, tuple[_Step, ...]]] = {}

# A finding made straight from its fields, skipping the named tuple's Python-level ``__new__``: over a
# whole register (10,000 structures make some 400,000 findings) that call is measurable.
_new_tuple = tuple.__new__


def _plan(ruleset: RuleSet, language: str) -> tuple[_Step, ...]:
    """The rule set's steps with their words in ``language``."""
    cached = _PLANS.get((id(ruleset), language))
    if cached is not None and cached[0] is ruleset:
        return cached[1]
    steps = tuple(
        _Step(
            rule.id,
            rule.text("title"),
            None if rule.check == DECLARATION else CHECKS[rule.check].function,
            rule.parameters,
            rule.severity is Severity.WARN,
            rule.severity in (Severity.FAIL, Severity.FAIL_POLICY),
            unverified_note() if rule.confidence is Confidence.M else "",
            rule.severity,
            rule.source,
            rule.confidence,
            rule.text("explanation"),
            rule.only_for_origins,
        )
        for rule in ruleset.rules
    )
    _PLANS[(id(ruleset), language)] = (ruleset, steps)
    return steps


def assess(facts: StructureFacts, ruleset: RuleSet) -> Assessment:
    """Assess one structure against one rule set, in the current language."""
    form = facts.legal_form
    if form is not None and not ruleset.applies(form):
        return _not_applicable(ruleset, _why_not_applicable(ruleset, form))
    if ruleset.requires is not None and getattr(facts, ruleset.requires) is None:
        reason = ruleset.text("requires_reason") or _(
            "No %(facts)s facts are recorded.", facts=ruleset.requires.replace("_", " ")
        )
        return _not_applicable(ruleset, reason)
    language = current_language()
    words = _words(language)

    findings: list[Finding] = []
    failing: list[str] = []
    missing: list[str] = []
    passing = warnings = 0
    if form is None and ruleset.applies_to is not None:
        findings.append(_legal_form_finding(ruleset))
        missing.append(LEGAL_FORM_RULE)
    declared = facts.declarations or frozenset()
    origin = facts.origin
    for step in _plan(ruleset, language):
        rule_id, title, function, parameters, warn_only, blocking, note, severity, source, confidence, why, origins = (
            step
        )
        needs: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
        if origins is not None and (origin is None or origin not in origins):
            if origin is None:
                outcome, reason, needs = _NEEDS, words.origin_unknown, _ORIGIN
            else:
                outcome, reason = _NOT_APPLICABLE, origin_only_for_spin_outs(origin)
        elif function is None:
            outcome, reason = _DECLARED, words.declared_yes if rule_id in declared else words.declared_no
        else:
            outcome, reason = function(facts, parameters)
            if outcome is _FAIL and warn_only:
                outcome = _WARNING
            elif outcome is _NEEDS:
                needs = functools.partial(unknown_facts_read, function, facts, parameters)
        if note:
            reason += note
        findings.append(
            _new_tuple(Finding, (rule_id, title, outcome, reason, severity, source, confidence, why, needs))
        )
        if outcome is _WARNING:
            warnings += 1
        elif blocking:
            if outcome is _FAIL:
                failing.append(title)
            elif outcome is _NEEDS:
                missing.append(title)
            elif outcome is _PASS:
                passing += 1

    if failing:
        verdict, summary = Verdict.DOES_NOT_MEET, does_not_meet(failing)
    elif missing:
        verdict, summary = Verdict.NEEDS_INFORMATION, needs_information(missing)
    else:
        verdict = Verdict.MEETS
        if warnings:
            summary = _(
                "Meets every rule that decides the verdict (%(checked)s; %(warnings)s).",
                checked=ngettext("%(num)s checked", "%(num)s checked", passing),
                warnings=ngettext("%(num)s warning", "%(num)s warnings", warnings),
            )
        else:
            summary = ngettext(
                "Meets every rule that decides the verdict (%(num)s checked).",
                "Meets every rule that decides the verdict (%(num)s checked).",
                passing,
            )
    return Assessment(ruleset.id, ruleset.text("title") or "", ruleset.version, verdict, summary, tuple(findings))


def does_not_meet(titles: list[str]) -> str:
    """The verdict's reason when the rules ``titles`` fail: "Does not meet the rule “Asset lock”."."""
    if len(titles) == 1:
        return _("Does not meet the rule “%(rule)s”.", rule=titles[0])
    return ngettext(
        "Does not meet %(num)s rule: %(rules)s.",
        "Does not meet %(num)s rules: %(rules)s.",
        len(titles),
        rules="; ".join(titles),
    )


def needs_information(titles: list[str]) -> str:
    """The verdict's reason when the rules ``titles`` need information."""
    if len(titles) == 1:
        return _("More information is needed for the rule “%(rule)s”.", rule=titles[0])
    return ngettext(
        "More information is needed for %(num)s rule: %(rules)s.",
        "More information is needed for %(num)s rules: %(rules)s.",
        len(titles),
        rules="; ".join(titles),
    )


def origin_only_for_spin_outs(origin: Origin) -> str:
    """Why a rule for spin-outs does not apply to an organisation of another origin."""
    if origin is Origin.INDEPENDENT:
        return _("It started independently; this rule is only for spin-outs.")
    if origin is Origin.CONVERSION:
        return _("It converted from another kind of organisation; this rule is only for spin-outs.")
    return _("It %(origin)s; this rule is only for spin-outs.", origin=w.ORIGIN_NAMES[origin])


def assess_all(facts: StructureFacts, rulesets: Iterable[RuleSet] | None = None) -> tuple[Assessment, ...]:
    """Assess one structure against every rule set (by default, all those in ``data/rulesets``)."""
    return tuple(assess(facts, ruleset) for ruleset in (load_rulesets() if rulesets is None else rulesets))


def _legal_form_finding(ruleset: RuleSet) -> Finding:
    return Finding(
        rule_id=LEGAL_FORM_RULE,
        title=_("Legal form"),
        outcome=Outcome.NEEDS_INFORMATION,
        reason=_(
            "The legal form is not known; this rule set is for %(forms)s.", forms=_forms_wording(ruleset.applies_to)
        ),
        severity=Severity.FAIL,
        source=ruleset.sources[0],
        confidence=Confidence.V1,
        explanation=ruleset.text("summary") or "",
        needs_from=("legal_form",),
    )


def _forms_wording(forms: frozenset[LegalForm] | None) -> str:
    return _forms_in(forms, current_language())


@functools.lru_cache(maxsize=1024)
def _forms_in(forms: frozenset[LegalForm] | None, language: str) -> str:
    if forms is None:
        return _("every legal form")
    return w.listing((w.form_name(f) for f in LegalForm if f in forms), "or")


def _why_not_applicable(ruleset: RuleSet, form: LegalForm) -> str:
    if form in ruleset.excludes and ruleset.excludes_reason:
        return ruleset.text("excludes_reason") or ruleset.excludes_reason
    return _(
        "This rule set is for %(forms)s; the organisation is %(form)s.",
        forms=_forms_wording(ruleset.applies_to),
        form=w.form_name(form),
    )


def _not_applicable(ruleset: RuleSet, reason: str) -> Assessment:
    return Assessment(ruleset.id, ruleset.text("title") or "", ruleset.version, Verdict.NOT_APPLICABLE, reason, ())
