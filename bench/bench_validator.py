"""Benchmark: assess 10,000 generated member structures against every rule set and print the figures.

The structures are synthetic (random legal forms, member classes, boards, profit rules and controllers,
with some facts left unknown), made from a fixed seed so runs compare. The same structures are
assessed ``--runs`` times in one process and every run is printed with the median, as the machine's
speed wanders from run to run. Target: under 2 seconds for 10,000.

    .venv/bin/python bench/bench_validator.py [count] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import date
from typing import TypeVar

from registry.domain.structure import (
    BoardSeatFacts,
    EmployeeOwnershipFacts,
    FoundationTrustFacts,
    MemberClassFacts,
    ProfitRules,
    SignificantControl,
    StructureFacts,
)
from registry.domain.validator import assess_all, load_rulesets
from registry.domain.vocabulary import (
    AssetLock,
    BoardSeatSource,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
    VotingRule,
)

T = TypeVar("T")

NATURES = (
    "ownership-of-shares-25-to-50-percent",
    "ownership-of-shares-75-to-100-percent",
    "voting-rights-50-to-75-percent",
    "right-to-appoint-and-remove-directors",
    "significant-influence-or-control",
)


def maybe(rng: random.Random, value: T) -> T | None:
    """The value, or unknown one time in five."""
    return None if rng.random() < 0.2 else value


def synthetic_structure(rng: random.Random, number: int) -> StructureFacts:
    classes: list[MemberClassFacts] = []
    for _ in range(rng.randint(1, 4)):
        rule = rng.choice(list(VotingRule))
        classes.append(
            MemberClassFacts(
                name=None,
                kind=maybe(rng, rng.choice(list(MemberClassKind))),
                count=maybe(rng, rng.randint(0, 500)),
                voting_rule=maybe(rng, rule),
                vote_share_pct=rng.choice((5.0, 10.0, 20.0, 40.0))
                if rule in (VotingRule.WEIGHTED_SHARE, VotingRule.CAPPED_SHARE)
                else None,
            )
        )
    seats = tuple(
        BoardSeatFacts(
            source=maybe(rng, rng.choice(list(BoardSeatSource))),
            seats=rng.randint(1, 4),
            member_class=rng.randrange(len(classes)),
            appointer_is_public_body=maybe(rng, rng.random() < 0.3),
            appointer_kind=maybe(rng, rng.choice(list(MemberClassKind))),
            is_chair=rng.random() < 0.2,
        )
        for _ in range(rng.randint(0, 5))
    )
    form = maybe(rng, rng.choice(list(LegalForm)))
    return StructureFacts(
        name=f"Synthetic structure {number}",
        legal_form=form,
        origin=maybe(rng, rng.choice(list(Origin))),
        is_public_body=maybe(rng, rng.random() < 0.1),
        registered_charity=maybe(rng, rng.random() < 0.1),
        delivers_public_services=maybe(rng, rng.random() < 0.7),
        member_benefit_only=maybe(rng, rng.random() < 0.1),
        membership_open=maybe(rng, rng.random() < 0.8),
        all_employees_eligible=maybe(rng, rng.random() < 0.6),
        members_total=maybe(rng, rng.randint(0, 2000)),
        trading_income_pct=maybe(rng, rng.uniform(0, 100)),
        member_classes=maybe(rng, tuple(classes)),
        board_seats=maybe(rng, seats),
        profits=maybe(
            rng,
            ProfitRules(
                asset_lock=maybe(rng, rng.choice(list(AssetLock))),
                distribution_basis=maybe(rng, rng.choice(list(DistributionBasis))),
                distribution_cap_pct=maybe(rng, rng.choice((0.0, 35.0, 49.0, 100.0))),
                pays_share_interest=maybe(rng, rng.random() < 0.5),
                share_interest_cap_pct=maybe(rng, rng.uniform(0, 10)),
                max_shareholding_gbp=maybe(rng, rng.choice((1.0, 20_000.0, 100_000.0, 250_000.0))),
                distributable_profits_gbp=maybe(rng, rng.uniform(0, 1_000_000)),
                dividends_declared_gbp=maybe(rng, rng.uniform(0, 400_000)),
                dividends_exempt_gbp=maybe(rng, 0.0),
            ),
        ),
        significant_control=maybe(
            rng,
            tuple(
                SignificantControl(
                    name=f"Synthetic controller {n}",
                    natures_of_control=(rng.choice(NATURES),),
                    is_for_profit=maybe(rng, rng.random() < 0.5),
                    is_public_body=maybe(rng, rng.random() < 0.2),
                )
                for n in range(rng.randint(0, 2))
            ),
        ),
        foundation_trust=FoundationTrustFacts(
            governors_total=30,
            public_governors_elected=rng.randint(10, 16),
            patient_governors_elected=2,
            staff_governors_elected=rng.randint(2, 6),
            local_authority_governors=1,
            has_medical_or_dental_school=False,
            nhs_income_pct=rng.uniform(40, 100),
        )
        if form is LegalForm.NHS_FOUNDATION_TRUST
        else None,
        employee_ownership=EmployeeOwnershipFacts(
            trustee_shares_pct=rng.choice((50.0, 51.0, 100.0)),
            trustee_votes_pct=100.0,
            trustee_profits_pct=100.0,
            trustee_assets_pct=100.0,
            defeating_provisions=False,
            is_trading_company=True,
            all_employees_same_terms=True,
            participators=rng.randint(0, 10),
            employees=rng.randint(10, 40),
            disposal_date=date(2025, 1, 1),
            trustees_total=3,
            trustees_connected_to_former_owners=rng.randint(0, 2),
            trustees_uk_resident=True,
        )
        if rng.random() < 0.2
        else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=10_000, help="structures to assess (10,000)")
    parser.add_argument("--runs", type=int, default=5, help="times to assess them all (5)")
    arguments = parser.parse_args()
    count = arguments.count
    rng = random.Random(20261123)
    structures = [synthetic_structure(rng, n) for n in range(count)]

    started = time.perf_counter()
    rulesets = load_rulesets()
    loaded = time.perf_counter()
    print(
        f"rule sets: {len(rulesets)} ({sum(len(r.rules) for r in rulesets)} rules), loaded in {loaded - started:.3f} s"
    )
    timings: list[float] = []
    for run in range(1, max(arguments.runs, 1) + 1):
        verdicts: Counter[str] = Counter()
        findings = 0
        began = time.perf_counter()
        for facts in structures:
            for assessment in assess_all(facts, rulesets):
                verdicts[assessment.verdict.value] += 1
                findings += len(assessment.findings)
        timings.append(time.perf_counter() - began)
        print(f"run {run}: {timings[-1]:.3f} s")

    median = statistics.median(timings)
    print(f"structures: {count:,} synthetic; assessments: {count * len(rulesets):,}; findings: {findings:,}")
    print(
        f"median: {median:.3f} s (fastest {min(timings):.3f} s, slowest {max(timings):.3f} s, {len(timings)} runs); "
        f"per structure: {median / count * 1e6:.1f} µs (target: under 2 s for 10,000)"
    )
    print("verdicts: " + ", ".join(f"{verdict} {number:,}" for verdict, number in sorted(verdicts.items())))


if __name__ == "__main__":
    main()
