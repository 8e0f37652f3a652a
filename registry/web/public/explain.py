"""Plain-English explanation pages: what the registry's words mean, linked from where they appear."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template

from registry.web.public import bp


@dataclass(frozen=True)
class Explanation:
    """One explanation page: its address, its title and the one line the index shows for it."""

    slug: str
    title: str
    summary: str


EXPLANATIONS = (
    Explanation("co-operatives", "What a co-operative is", "A business owned and run by its members."),
    Explanation("mutuals", "What a mutual is", "An organisation owned by its members, not by investors."),
    Explanation(
        "public-service-mutuals",
        "What a public service mutual is",
        "A mutual that left the public sector and still delivers public services.",
    ),
    Explanation("social-enterprises", "What a social enterprise is", "A business that trades for a social purpose."),
    Explanation(
        "nhs-spin-outs", "What an NHS spin-out is", "A service that left the NHS to become its own organisation."
    ),
    Explanation("asset-lock", "What an asset lock is", "A rule that keeps an organisation's assets for its purpose."),
    Explanation(
        "preferred-providers",
        "What “preferred provider” means here",
        "A policy idea, not a legal status, and how commissioners can lawfully favour these organisations.",
    ),
    Explanation(
        "reading-verdicts",
        "How to read a listing's verdicts",
        "What “meets”, “does not meet” and “needs information” mean on a listing.",
    ),
)
_BY_SLUG = {page.slug: page for page in EXPLANATIONS}


@bp.get("/explain")
def explain_index() -> str:
    return render_template("explain/index.html", explanations=EXPLANATIONS)


@bp.get("/explain/<slug>")
def explain(slug: str) -> str:
    page = _BY_SLUG.get(slug)
    if page is None:
        abort(404)
    return render_template(f"explain/{slug}.html", page=page, explanations=EXPLANATIONS)
