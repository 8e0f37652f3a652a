"""Check a described structure against the published rule sets: the one entry point behind ``/check``, the
``POST /api/v1/structure-checks`` endpoint and the ``flask check`` command, so all three agree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_from_dict, facts_to_dict
from registry.domain.validator import Assessment, RuleSet, assess_all, load_rulesets


@dataclass(frozen=True)
class StructureReport:
    facts: StructureFacts
    assessments: tuple[Assessment, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"facts": facts_to_dict(self.facts), "assessments": [a.to_dict() for a in self.assessments]}

    def assessment(self, ruleset_id: str) -> Assessment | None:
        return next((a for a in self.assessments if a.ruleset_id == ruleset_id), None)


class UnknownRuleSet(KeyError):
    pass


def check_structure(data: Mapping[str, Any], ruleset_ids: list[str] | None = None) -> StructureReport:
    """Assess a structure given as plain data. Raises ``StructureFactsError`` naming every invalid field,
    and ``UnknownRuleSet`` for a rule set id that does not exist."""
    facts = facts_from_dict(data)
    assessments = assess_all(facts)
    if ruleset_ids:
        known = {a.ruleset_id for a in assessments}
        missing = [r for r in ruleset_ids if r not in known]
        if missing:
            raise UnknownRuleSet(missing[0])
        assessments = tuple(a for a in assessments if a.ruleset_id in ruleset_ids)
    return StructureReport(facts, tuple(assessments))


def rulesets() -> tuple[RuleSet, ...]:
    return tuple(load_rulesets())


def ruleset(ruleset_id: str) -> RuleSet | None:
    return next((r for r in load_rulesets() if r.id == ruleset_id), None)
