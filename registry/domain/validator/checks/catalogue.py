"""The catalogue of checks by name, the outcomes a check returns, and the comparisons several checks share.

A check reads the facts and the rule's parameters (thresholds live in the rule set files, never here) and
returns an outcome with a plain-English reason naming the facts that decided it. Checks answer pass, fail,
needs information or not applicable; the assessment turns a failed warning rule into a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from registry.domain.structure import StructureFacts
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON
from registry.domain.validator.wording import _
from registry.domain.vocabulary import Outcome

Result = tuple[Outcome, str]
CheckFunction = Callable[[StructureFacts, Parameters], Result]


class ParamKind(StrEnum):
    """The type of a rule parameter, so the loader can check and convert it."""

    NUMBER = "number"
    INTEGER = "integer"
    FLAG = "flag"
    DATE = "date"
    KINDS = "kinds"  # a list of MemberClassKind codes
    FORMS = "forms"  # a list of LegalForm codes
    LOCKS = "locks"  # a list of AssetLock codes
    BASES = "bases"  # a list of DistributionBasis codes
    ORIGINS = "origins"  # a list of Origin codes
    CLAUSES = "clauses"  # a list of DissolutionClause codes
    LOCK_CAPS = "lock_caps"  # AssetLock code -> the most of its profits such a lock lets a body distribute


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    function: CheckFunction
    parameters: dict[str, ParamKind]


CHECKS: dict[str, Check] = {}

DECLARATION = "declaration"


def check(name: str, **parameters: ParamKind) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name``, with the parameters a rule must give it."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"Two checks are registered as {name!r}")
        CHECKS[name] = Check(name, function, dict(parameters))
        return function

    return register


def passed(reason: str) -> Result:
    return Outcome.PASS, reason


def failed(reason: str) -> Result:
    return Outcome.FAIL, reason


def unknown(reason: str) -> Result:
    return Outcome.NEEDS_INFORMATION, reason


def not_applicable(reason: str) -> Result:
    return Outcome.NOT_APPLICABLE, reason


def combine(*results: Result) -> Result:
    """One result from several parts: any failure fails (giving the failing reasons), else anything unknown
    needs information (giving what is known and what is not), else it passes."""
    failures = [reason for outcome, reason in results if outcome is Outcome.FAIL]
    if failures:
        return Outcome.FAIL, " ".join(failures)
    joined = " ".join(reason for _, reason in results)
    if any(outcome is Outcome.NEEDS_INFORMATION for outcome, _ in results):
        return Outcome.NEEDS_INFORMATION, joined
    return Outcome.PASS, joined


def beyond(value: float, limit: float, inclusive: bool) -> bool:
    return value >= limit - EPSILON if inclusive else value > limit + EPSILON


def range_above(bounds: tuple[float, float], limit: float, strictly: bool) -> bool | None:
    """Whether a share known only as a range is above ``limit`` (strictly, or at least it): ``None`` if the
    range straddles it."""
    low, high = bounds
    if beyond(low, limit, not strictly):
        return True
    if not beyond(high, limit, not strictly):
        return False
    return None


# ---------------------------------------------------------------------------------------------------------
# Declarations


@check(DECLARATION)
def declaration(facts: StructureFacts, params: Parameters) -> Result:
    """Stands in for rules that no fact can show; the assessment records the organisation's declaration."""
    return Outcome.SELF_DECLARED, _(
        "This cannot be checked from the structure; the organisation's statement is recorded."
    )


def decided_by(answer: bool | None, if_unknown: Result, if_yes: Result, if_no: Result) -> Result:
    """The result for a yes-or-no fact: ``if_unknown`` when it is not known."""
    if answer is None:
        return if_unknown
    return if_yes if answer else if_no
