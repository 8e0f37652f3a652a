"""Benchmark: filter and rank 150,000 listings by a commissioner's own profile, from their precomputed rule outcomes.

SYNTHETIC DATA, clearly not real organisations: the member structures are ``bench_validator``'s generated ones
(random legal forms, member classes, boards, profit rules and controllers, some facts unknown, fixed seed).
``--distinct`` of them (default 3,000) are run through the real catalogue (``Catalogue.rule_outcomes``, the very
checks ``assess_profile`` runs), and their rows are repeated to make ``count`` listings (default 150,000): the
filter's cost depends on the number of rows, not on how varied they are. The outcome table is then what each
process holds in memory (``services.rule_outcomes``); the database is not involved.

Timed, ``--runs`` times each, median printed: a profile with a 20% investor cap (the preferred-provider rules,
that cap changed) giving every listing's verdict and the listings that meet it; and the same with the
plausible ranking (meets, then no rule failed with fewest facts unknown) taking the first page of 50. Target:
under 200 ms for 150,000. Also printed: the cost of making one listing's row, paid when a listing is indexed.

    .venv/bin/python bench/bench_profiles.py [count] [--distinct N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_validator import synthetic_structure

from registry.domain.validator import load_rulesets
from registry.domain.validator.profiles import (
    VERDICT_CODES,
    Catalogue,
    profile_columns,
    profile_verdicts,
    verdict_mask,
)
from registry.domain.vocabulary import Verdict

TARGET_MS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=150_000, help="synthetic listings (150,000)")
    parser.add_argument("--distinct", type=int, default=3_000, help="distinct synthetic structures (3,000)")
    parser.add_argument("--runs", type=int, default=7, help="times to time each (7)")
    arguments = parser.parse_args()

    catalogue = Catalogue(load_rulesets())
    rng = random.Random(20261208)
    structures = [synthetic_structure(rng, n) for n in range(arguments.distinct)]
    began = time.perf_counter()
    rows = [catalogue.rule_outcomes(facts) for facts in structures]
    made = time.perf_counter() - began
    distinct = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), catalogue.width)
    table = np.ascontiguousarray(np.resize(distinct, (arguments.count, catalogue.width)))
    print(
        f"SYNTHETIC: {arguments.count:,} listings from {arguments.distinct:,} generated structures; catalogue "
        f"{len(catalogue.rules)} rules, {catalogue.width} columns ({table.nbytes / 1e6:.1f} MB in memory)"
    )
    print(f"making a listing's row (at indexing): {made / len(rows) * 1e3:.2f} ms per listing")

    choice = {
        key: catalogue.published(key) for key, e in catalogue.rules.items() if e.ruleset.id == "preferred-provider"
    }
    choice["preferred-provider/PP-T2-INVESTOR-CAP"] = {"max_vote_pct": 20.0}

    def filter_only() -> int:
        verdicts, _ = profile_verdicts(table, profile_columns(catalogue, choice))
        return int(verdict_mask(verdicts, [Verdict.MEETS]).sum())

    def ranked_page() -> int:
        verdicts, unknown = profile_verdicts(table, profile_columns(catalogue, choice))
        wanted = np.flatnonzero(verdict_mask(verdicts, [Verdict.MEETS, Verdict.NEEDS_INFORMATION]))
        key = verdicts[wanted].astype(np.int64) * 10_000 + unknown[wanted]
        first = wanted[np.argsort(key, kind="stable")[:50]]
        return len(first)

    for name, work in (
        ("filter (verdicts, meets)", filter_only),
        ("filter + plausible ranking, page of 50", ranked_page),
    ):
        timings = []
        for _ in range(max(arguments.runs, 1)):
            start = time.perf_counter()
            found = work()
            timings.append((time.perf_counter() - start) * 1e3)
        median = statistics.median(timings)
        print(
            f"{name}: median {median:.1f} ms (fastest {min(timings):.1f}, slowest {max(timings):.1f}; "
            f"{len(timings)} runs); {found:,} found; target under {TARGET_MS} ms: "
            + ("met" if median < TARGET_MS else "NOT met")
        )
    verdicts, _ = profile_verdicts(table, profile_columns(catalogue, choice))
    counts = np.bincount(verdicts, minlength=len(VERDICT_CODES))
    print("verdicts: " + ", ".join(f"{v.value} {int(n):,}" for v, n in zip(VERDICT_CODES, counts, strict=True)))


if __name__ == "__main__":
    main()
