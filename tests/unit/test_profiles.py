"""Commissioners' profiles in the domain: published ranges are checked, and a profile's verdicts computed from the
precomputed outcome rows (vectorised) always equal assessing each structure against the profile."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from registry.domain.structure import StructureFacts, StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import assess, load_rulesets
from registry.domain.validator.loading import parse_ruleset
from registry.domain.validator.model import RuleSetError
from registry.domain.validator.profiles import (
    VERDICT_CODES,
    Catalogue,
    ProfileError,
    assess_profile,
    profile_columns,
    profile_verdicts,
)

KINDS = ["staff", "service_user", "carer", "community_public", "investor", None]
FORMS = ["co_operative_society", "community_benefit_society", "cic_cls", "company_limited_by_shares", "nhs_trust", None]


def random_facts(rng: random.Random) -> dict[str, Any]:
    classes = []
    for _ in range(rng.randint(0, 3)):
        member: dict[str, Any] = {"kind": rng.choice(KINDS)}
        if rng.random() < 0.6:
            member.update(voting_rule="weighted_share", vote_share_pct=rng.choice([5, 10, 15, 20, 30, 50]))
        elif rng.random() < 0.5:
            member["voting_rule"] = "one_member_one_vote"
        if rng.random() < 0.5:
            member["votes_on"] = rng.choice([["ordinary"], ["ordinary", "conversion"]])
        classes.append(member)
    facts: dict[str, Any] = {
        "legal_form": rng.choice(FORMS),
        "origin": rng.choice(["independent", "nhs_spin_out", None]),
        "trading_income_pct": rng.choice([None, 20, 45, 60, 90]),
        "member_classes": classes or None,
    }
    if rng.random() < 0.5:
        facts["profits"] = {"asset_lock": rng.choice(["constitutional", "none"]), "distribution_basis": "none"}
    if rng.random() < 0.3:
        facts["significant_control"] = []
    return {key: value for key, value in facts.items() if value is not None}


def structures(seed: int, count: int) -> list[StructureFacts]:
    """``count`` valid random structures (invalid combinations, like vote shares over 100%, are skipped)."""
    rng = random.Random(seed)
    found: list[StructureFacts] = []
    while len(found) < count:
        try:
            found.append(facts_from_dict(random_facts(rng)))
        except StructureFactsError:
            continue
    return found


def test_vectorised_profile_verdicts_equal_assessing_each_structure() -> None:
    catalogue = Catalogue(load_rulesets())
    made = structures(16, 300)
    table = np.frombuffer(b"".join(catalogue.rule_outcomes(f) for f in made), dtype=np.uint8).reshape(
        len(made), catalogue.width
    )
    choices = [
        {key: {} for key, e in catalogue.rules.items() if e.ruleset.id == "preferred-provider"},
        {
            "preferred-provider/PP-T2-INVESTOR-CAP": {"max_vote_pct": 20},
            "social-enterprise/SEMARK-C-TRADING": {"min_pct": 40},
            "community-interest-company/CIC-DIV-AGG-CAP": {},
        },
    ]
    for choice in choices:
        verdicts, _ = profile_verdicts(table, profile_columns(catalogue, choice))
        for row, facts in enumerate(made):
            expected = assess_profile(facts, catalogue, choice, "test", "1").verdict
            assert VERDICT_CODES[verdicts[row]] is expected, (row, facts)


def test_a_profile_of_a_rule_set_as_published_gives_that_rule_set_s_verdict() -> None:
    catalogue = Catalogue(load_rulesets())
    ruleset = next(r for r in load_rulesets() if r.id == "preferred-provider")
    choice = {key: {} for key, e in catalogue.rules.items() if e.ruleset.id == ruleset.id}
    for facts in structures(7, 200):
        assert assess_profile(facts, catalogue, choice, "t", "1").verdict is assess(facts, ruleset).verdict


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"max_vote_pct": 26}, "preferred-provider/PP-T2-INVESTOR-CAP.max_vote_pct"),
        ({"max_vote_pct": 12.5}, "preferred-provider/PP-T2-INVESTOR-CAP.max_vote_pct"),
        ({"investor_kinds": 1}, "preferred-provider/PP-T2-INVESTOR-CAP.investor_kinds"),
    ],
)
def test_a_value_outside_its_published_range_is_refused_naming_the_field(values: dict[str, Any], field: str) -> None:
    catalogue = Catalogue(load_rulesets())
    with pytest.raises(ProfileError) as refused:
        catalogue.check_choice({"preferred-provider/PP-T2-INVESTOR-CAP": values})
    assert field in refused.value.errors


def test_a_profile_of_only_warnings_is_refused() -> None:
    catalogue = Catalogue(load_rulesets())
    with pytest.raises(ProfileError) as refused:
        catalogue.check_choice({"registered-cooperative-society/COOP-INVESTOR-CAP-25": {}})
    assert "rules" in refused.value.errors


def test_every_range_has_a_reason_and_holds_its_published_value() -> None:
    ranged = [r for s in load_rulesets() for r in s.rules if r.ranges]
    assert {r.id for r in ranged} >= {"PP-T2-INVESTOR-CAP", "PP-SPINOUT", "PP-T2-TRADING", "PSM-STAFF-INFLUENCE"}
    for rule in ranged:
        for name, allowed in rule.ranges.items():
            assert allowed.reason
            assert allowed.allows(float(rule.parameters.value(name)))


RULE_SET = """
id: example
title: Example
summary: An example.
sources: {law: {title: A law}}
rules:
  - id: CAP
    title: Investors capped
    check: investor_vote_cap
    ranges: {max_vote_pct: {min: 0, max: 25, step: 1, reason: %s}}
    parameters: {investor_kinds: [investor], max_vote_pct: %s}
    severity: fail
    confidence: V1
    source: {ref: law}
    explanation: Capped.
"""


@pytest.mark.parametrize(
    ("reason", "published", "message"),
    [("null", "10", "reason is missing"), ("Because.", "30", "published value 30")],
)
def test_the_loader_refuses_a_range_without_a_reason_or_without_its_published_value(
    reason: str, published: str, message: str
) -> None:
    with pytest.raises(RuleSetError, match=message):
        parse_ruleset(RULE_SET % (reason, published))
