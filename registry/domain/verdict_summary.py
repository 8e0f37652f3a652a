"""The one sentence a listing page starts with: what its preferred-provider verdict is, and why, in plain English.

It is read off the stored report and the facts that would decide it (``facts_to_decide``, named as the forms
name them), never worked out again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

PROFILE = "the preferred-provider profile"
# A sentence stays one line on a phone's second glance: past this many facts the rest are counted, not named.
NAMED_FACTS = 2
_BLOCKING = frozenset({"fail", "fail_policy"})
# A form label's unit ("Share of income from trading (%)") says how to answer, not what the fact is.
_UNIT = re.compile(r"\s*\([^()]*\)$")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 fact``, ``2 facts``, ``3 other rules``."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def _failed_rules(report: Mapping[str, Any]) -> list[str]:
    """The titles of the rules whose failure decides the verdict, in the report's order."""
    findings = report.get("findings") or ()
    titles = (f.get("title") or "" for f in findings if f.get("outcome") == "fail" and f.get("severity") in _BLOCKING)
    return list(dict.fromkeys(title for title in titles if title))


def _named(facts: Sequence[str]) -> str:
    """The first few facts by name, the rest counted: "a; b and 3 more"."""
    listed = "; ".join(_UNIT.sub("", fact) for fact in facts[:NAMED_FACTS])
    left = len(facts) - NAMED_FACTS
    return f"{listed} and {left} more" if left > 0 else listed


def verdict_summary(report: Mapping[str, Any] | None, facts_needed: Sequence[str] = ()) -> str | None:
    """One sentence for the preferred-provider verdict of ``report`` (a stored report), or None when the
    listing has not been assessed. ``facts_needed`` are the names of the facts that would decide it.

    "Meets the preferred-provider profile." / "Does not meet the preferred-provider profile: it does not meet
    the rule “…”." / "2 facts needed to decide: Who the members are; The board's seats."
    """
    if not report:
        return None
    verdict = report.get("verdict")
    if verdict == "meets":
        return f"Meets {PROFILE}."
    if verdict == "does_not_meet":
        failed = _failed_rules(report)
        if not failed:
            return f"Does not meet {PROFILE}."
        first = f"it does not meet the rule “{failed[0]}”"
        others = len(failed) - 1
        return f"Does not meet {PROFILE}: {first}" + (f" and {plural(others, 'other rule')}." if others else ".")
    if verdict == "needs_information":
        if not facts_needed:
            return f"More information is needed to decide whether it meets {PROFILE}."
        count = plural(len(facts_needed), "fact")
        return f"{count} needed to decide whether it meets {PROFILE}: {_named(facts_needed)}."
    if verdict == "not_applicable":
        return f"{PROFILE.capitalize()} does not apply to this kind of organisation."
    return None
