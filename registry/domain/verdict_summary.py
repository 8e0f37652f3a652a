"""The one sentence a listing page starts with: what its preferred-provider verdict is, and why, in plain English.

It is read off the stored report and the facts that would decide it (``facts_to_decide``, named as the forms
name them), never worked out again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from registry.domain.language import gettext as _
from registry.domain.language import ngettext

# A sentence stays one line on a phone's second glance: past this many facts the rest are counted, not named.
NAMED_FACTS = 2
_BLOCKING = frozenset({"fail", "fail_policy"})
# A form label's unit ("Share of income from trading (%)") says how to answer, not what the fact is.
_UNIT = re.compile(r"\s*\([^()]*\)$")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 fact``, ``2 facts``, ``3 other rules`` (English words; a page's sentences use ``ngettext``)."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def _failed_rules(report: Mapping[str, Any]) -> list[str]:
    """The titles of the rules whose failure decides the verdict, in the report's order."""
    findings = report.get("findings") or ()
    titles = (f.get("title") or "" for f in findings if f.get("outcome") == "fail" and f.get("severity") in _BLOCKING)
    return list(dict.fromkeys(title for title in titles if title))


def _named(facts: Sequence[str]) -> str:
    """The first few facts by name, the rest counted: "a; b and 3 more"."""
    listed = "; ".join(_UNIT.sub("", str(fact)) for fact in facts[:NAMED_FACTS])
    left = len(facts) - NAMED_FACTS
    return _("%(facts)s and %(more)s more", facts=listed, more=left) if left > 0 else listed


def verdict_summary(report: Mapping[str, Any] | None, facts_needed: Sequence[str] = ()) -> str | None:
    """One sentence for the preferred-provider verdict of ``report`` (a stored report), or None when the
    listing has not been assessed. ``facts_needed`` are the names of the facts that would decide it.

    "Meets the preferred-provider profile." / "Does not meet the preferred-provider profile: it does not meet
    the rule “…”." / "2 facts needed to decide: Who the members are; The board's seats." Each is one whole
    message of the catalogue, in the language being spoken.
    """
    if not report:
        return None
    verdict = report.get("verdict")
    if verdict == "meets":
        return _("Meets the preferred-provider profile.")
    if verdict == "does_not_meet":
        failed = _failed_rules(report)
        if not failed:
            return _("Does not meet the preferred-provider profile.")
        others = len(failed) - 1
        if not others:
            return _(
                "Does not meet the preferred-provider profile: it does not meet the rule “%(rule)s”.", rule=failed[0]
            )
        return ngettext(
            "Does not meet the preferred-provider profile: it does not meet the rule “%(rule)s”"
            " and %(num)s other rule.",
            "Does not meet the preferred-provider profile: it does not meet the rule “%(rule)s”"
            " and %(num)s other rules.",
            others,
            rule=failed[0],
        )
    if verdict == "needs_information":
        if not facts_needed:
            return _("More information is needed to decide whether it meets the preferred-provider profile.")
        return ngettext(
            "%(num)s fact needed to decide whether it meets the preferred-provider profile: %(facts)s.",
            "%(num)s facts needed to decide whether it meets the preferred-provider profile: %(facts)s.",
            len(facts_needed),
            facts=_named(facts_needed),
        )
    if verdict == "not_applicable":
        return _("The preferred-provider profile does not apply to this kind of organisation.")
    return None
