"""Structures for the forms' tests: one that meets each rule set, the same as form answers, and the facts the
rule catalogue reads, found by running the checks themselves (no list of facts kept by hand)."""

from __future__ import annotations

import dataclasses
import random
import re
import typing
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import CHECKS, assess_all, load_rulesets
from registry.domain.validator.checks import DECLARATION
from registry.domain.validator.tracing import unknown_facts_read
from registry.web.manage.steps import wizard_field

# --- A structure that meets each rule set --------------------------------------------------------------

_COOP: dict[str, Any] = {
    "name": "Valley Care Co-operative",
    "legal_form": "co_operative_society",
    "origin": "independent",
    "is_public_body": False,
    "registered_charity": False,
    "delivers_public_services": True,
    "member_benefit_only": False,
    "membership_open": True,
    "all_employees_eligible": True,
    "members_total": 125,
    "trading_income_pct": 92,
    "member_classes": [
        {"name": "Users", "kind": "service_user", "voting_rule": "one_member_one_vote", "count": 60},
        {"name": "Staff", "kind": "staff", "voting_rule": "one_member_one_vote", "count": 40},
        {"name": "Carers", "kind": "carer", "voting_rule": "one_member_one_vote", "count": 25},
    ],
    "board_seats": [
        {"source": "elected_by_class", "member_class": "Users", "seats": 3},
        {"source": "elected_by_class", "member_class": "Staff", "seats": 3},
        {"source": "elected_by_class", "member_class": "Carers", "seats": 2},
    ],
    "profits": {
        "asset_lock": "constitutional",
        "distribution_basis": "patronage",
        "pays_share_interest": False,
        "min_shareholding_gbp": 1,
        "max_shareholding_gbp": 1,
    },
    "significant_control": [],
}
# A staff-controlled spin-out: what the public service mutual definitions ask for.
_SPIN_OUT: dict[str, Any] = {
    **_COOP,
    "name": "Valley Health Mutual",
    "origin": "nhs_spin_out",
    "spin_out_date": "2011-04-01",
    "members_total": 100,
    "member_classes": [
        {"name": "Staff", "kind": "staff", "voting_rule": "one_member_one_vote", "count": 70},
        {"name": "Users", "kind": "service_user", "voting_rule": "one_member_one_vote", "count": 30},
    ],
    "board_seats": [
        {"source": "elected_by_class", "member_class": "Staff", "seats": 4},
        {"source": "elected_by_class", "member_class": "Users", "seats": 2},
        {"source": "elected_by_class", "whole_membership": True, "seats": 1},
    ],
    "profits": {**_COOP["profits"], "distributions_only_to_members": True},
}

# Rule set id → a structure that meets it. Every one is a legal form the registration wizard offers.
MEETING: dict[str, dict[str, Any]] = {
    "preferred-provider": _COOP,
    "ica-cooperative-identity": _COOP,
    "registered-cooperative-society": _COOP,
    "community-benefit-society": {
        **_COOP,
        "name": "Valley Community Care",
        "legal_form": "community_benefit_society",
        "members_registered_societies": 0,
        "profits": {"asset_lock": "cbs_statutory", "distribution_basis": "none", "max_shareholding_gbp": 1},
    },
    "community-interest-company": {
        "name": "Valley Therapies CIC",
        "legal_form": "cic_clg",
        "registered_charity": False,
        "member_benefit_only": False,
        "profits": {"asset_lock": "cic_statutory", "cic_asset_lock_schedule": 1, "distribution_basis": "none"},
    },
    "social-enterprise": {
        **_COOP,
        "name": "Valley Social Enterprise",
        "profits": {
            **_COOP["profits"],
            "dissolution_clause": "to_asset_locked_body",
            "distribution_cap_pct": 20,
            "profits_reinvested_pct": 80,
        },
    },
    "public-service-mutual": _SPIN_OUT,
    "public-service-mutual-procurement-act": _SPIN_OUT,
    "nhs-foundation-trust": {
        "name": "Valley NHS Foundation Trust",
        "legal_form": "nhs_foundation_trust",
        "is_public_body": True,
        "foundation_trust": {
            "governors_total": 30,
            "public_governors_elected": 14,
            "patient_governors_elected": 2,
            "staff_governors_elected": 6,
            "staff_class_governors": [3, 3],
            "local_authority_governors": 1,
            "has_medical_or_dental_school": False,
            "longest_ned_tenure_years": 4,
            "nhs_income_pct": 94,
        },
        "board_seats": [{"source": "independent", "seats": 1, "is_chair": True}, {"source": "executive", "seats": 4}],
    },
    "charity": {
        "name": "Valley Care Trust",
        "legal_form": "charitable_company",
        "charity": {"trustees_total": 9, "trustees_paid": 2},
        "profits": {"dissolution_clause": "to_asset_locked_body"},
    },
    "employee-ownership-trust": {
        "name": "Valley Engineering Ltd",
        "legal_form": "company_limited_by_shares",
        "employee_ownership": {
            "trustee_shares_pct": 60,
            "trustee_votes_pct": 60,
            "trustee_profits_pct": 60,
            "trustee_assets_pct": 60,
            "defeating_provisions": False,
            "is_trading_company": True,
            "all_employees_same_terms": True,
            "participators": 8,
            "employees": 21,
            "trustees_total": 3,
            "trustees_connected_to_former_owners": 1,
            "trustees_uk_resident": True,
            "disposal_date": "2025-03-01",
        },
    },
}


def form_answers(data: dict[str, Any]) -> dict[str, str | list[str]]:
    """A facts dict as ``/check``'s answers by field id: ``member_classes-0-kind``, ``profits-asset_lock``; yes
    or no for a flag; a list of values for checkboxes; "no" to "does anyone have significant control?" for an
    empty list of controllers."""
    answers: dict[str, str | list[str]] = {}

    def put(prefix: str, value: Any) -> None:
        if isinstance(value, bool):
            answers[prefix] = "yes" if value else "no"
        elif isinstance(value, dict):
            for key, item in value.items():
                put(f"{prefix}-{key}", item)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                put(f"{prefix}-{index}", item)
        elif isinstance(value, list) and all(isinstance(item, int) for item in value):
            answers[prefix] = ", ".join(str(item) for item in value)
        elif isinstance(value, list):
            answers[prefix] = [str(item) for item in value]
        elif value is not None:
            answers[prefix] = f"{value:g}" if isinstance(value, float) else str(value)

    for key, value in data.items():
        if key == "significant_control" and value == []:
            answers["has_significant_control"] = "no"
        else:
            put(key, value)
    return {key.removeprefix("-"): value for key, value in answers.items()}


def wizard_answers(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A structure's answers for the registration wizard's first three steps, each by the field that asks for
    it there (``wizard_field``): the name and origin on "about", the legal form on "legal", the rest on
    "governance" under /check's own field ids."""
    steps: dict[str, dict[str, Any]] = {"about": {}, "legal": {}, "governance": {}}
    for field, value in form_answers(data).items():
        step, wizard_id = wizard_field(field) if "-" not in field else ("governance", field)
        steps[step][wizard_id] = value
    return steps


# --- The facts the rules read ---------------------------------------------------------------------------

_NATURES = (
    "ownership-of-shares-25-to-50-percent",
    "voting-rights-50-to-75-percent",
    "voting-rights-75-to-100-percent",
    "right-to-appoint-and-remove-directors",
    "significant-influence-or-control",
)


def _value(hint: Any, rng: random.Random) -> Any:
    kind = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
    if typing.get_origin(kind) is tuple:
        inner = typing.get_args(kind)[0]
        if dataclasses.is_dataclass(inner):
            return tuple(_random(typing.cast(type[Any], inner), rng) for _ in range(rng.randint(0, 3)))
        if inner is str:
            return tuple(rng.sample(_NATURES, rng.randint(0, 2)))
        return tuple(rng.randint(0, 5) for _ in range(rng.randint(0, 3)))
    if typing.get_origin(kind) is frozenset:
        inner = typing.get_args(kind)[0]
        members = list(inner) if isinstance(inner, type) and issubclass(inner, Enum) else []
        return frozenset(rng.sample(members, rng.randint(0, len(members))))
    if dataclasses.is_dataclass(kind):
        return _random(typing.cast(type[Any], kind), rng)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return rng.choice(list(kind))
    if kind is bool:
        return rng.random() < 0.5
    if kind is int:
        return rng.choice([0, 1, 2, 3, 5, 12, 100])
    if kind is float:
        return rng.choice([0.0, 10.0, 25.0, 35.0, 50.0, 51.0, 75.0, 100.0])
    if kind is date:
        return rng.choice([date(2005, 1, 1), date(2015, 6, 1), date(2024, 1, 1), date(2025, 12, 1), date.today()])
    return "Named"


def _random(cls: type[Any], rng: random.Random, known: float = 0.5) -> Any:
    hints = typing.get_type_hints(cls)
    values = {f.name: _value(hints[f.name], rng) for f in dataclasses.fields(cls) if rng.random() < known}
    return cls(**values)


def _fill(facts: Any, path: str, rng: random.Random) -> Any:
    """``facts`` with the fact at ``path`` (``profits.asset_lock``, ``member_classes[1].kind``) given a value."""
    head, _, rest = path.partition(".")
    match = re.fullmatch(r"(\w+)\[(\d+)\]", head)
    name = match.group(1) if match else head
    hint = typing.get_type_hints(type(facts))[name]
    current = getattr(facts, name)
    if match:
        rows = list(current)
        rows[int(match.group(2))] = _fill(rows[int(match.group(2))], rest, rng) if rest else rows[int(match.group(2))]
        return dataclasses.replace(facts, **{name: tuple(rows)})
    if rest:
        group = current if current is not None else _value(hint, random.Random(0)).__class__()
        return dataclasses.replace(facts, **{name: _fill(group, rest, rng)})
    return dataclasses.replace(facts, **{name: _value(hint, rng)})


def _consistent(facts: StructureFacts) -> StructureFacts:
    """Seats elect only classes that exist: the validator's reader refuses any other."""
    classes = len(facts.member_classes or ())
    seats = facts.board_seats
    if seats is None:
        return facts
    fixed = tuple(
        dataclasses.replace(
            s, member_class=(s.member_class % classes) if s.member_class is not None and classes else None
        )
        for s in seats
    )
    return dataclasses.replace(facts, board_seats=fixed)


@cache
def facts_the_rules_read(structures: int = 400, rounds: int = 4) -> frozenset[str]:
    """Every fact (its path, rows as ``[]``: ``member_classes[].kind``) some rule of some rule set reads and
    asks for when it is unknown, found by running each check over random structures, then again with each
    fact it asked for filled in, so facts read only once others are known are found too; plus the facts the
    assessment itself asks for (the legal form, the origin)."""
    rng = random.Random(16)
    rules = [rule for ruleset in load_rulesets() for rule in ruleset.rules if rule.check != DECLARATION]
    found: set[str] = set()
    samples = [facts_from_dict(data) for data in MEETING.values()]
    samples += [_consistent(_random(StructureFacts, rng)) for _ in range(structures)]
    for facts in samples:
        for _ in range(rounds):
            asked: set[str] = set()
            for rule in rules:
                asked.update(unknown_facts_read(CHECKS[rule.check].function, facts, rule.parameters))
            for assessment in assess_all(facts):
                for finding in assessment.findings:
                    asked.update(finding.needs)
            found.update(re.sub(r"\[\d+\]", "[]", path) for path in asked)
            if not asked:
                break
            for path in sorted(asked):
                try:
                    facts = _consistent(_fill(facts, path, rng))
                except (TypeError, IndexError):
                    continue
    return frozenset(found)
