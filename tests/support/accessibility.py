"""Accessibility in the browser tests: axe-core (from npm) run on the page against WCAG 2.2 A and AA, and, for the
sweep of every page, best-practice rules turned on by name (`region`: all content inside a landmark)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe runs the tagged rules plus these, each turned on by name (the tags alone leave best practices out).
RUN = """([tags, extra]) => axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    rules: Object.fromEntries(extra.map(id => [id, {enabled: true}])),
    resultTypes: ['violations'],
})"""


def axe_violations(page: Any, best_practice_rules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 A/AA rules, and ``best_practice_rules``, on the page; injected by evaluate, as a
    strict CSP blocks a script tag. Each violation: its rule id, impact, help text and the elements it found."""
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(RUN, [WCAG_TAGS, list(best_practice_rules)])
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "count": len(v["nodes"]),
        }
        for v in result["violations"]
    ]


def violations_report(violations: list[dict[str, Any]]) -> str:
    """One line per rule: its id, how many elements break it, the help text and the first elements' selectors."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}, {v['count']} element{'s' if v['count'] != 1 else ''}): {v['help']}: "
        + "; ".join(" ".join(str(part) for part in target) for target in v["nodes"])
        for v in violations
    )


def axe_violations_report(page: Any, best_practice_rules: Sequence[str] = ()) -> str:
    """The page's violations as ``violations_report`` lines, empty when axe finds none."""
    return violations_report(axe_violations(page, best_practice_rules))


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG 2.2 AA violations on {page.url}: {violations}"
