"""Plain-English explanation pages: what the registry's words mean, linked from where they appear."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, url_for

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

# The documents the pages quote, named as /work/shared/reference cites them, so every page names them alike.
SOURCES = {
    "brief": "Co-operative Party, Health & Social Care (Policy Brief), June 2014",
    "vernon": (
        "Cllr Patrick Vernon OBE, on the future of co-operative structures in the NHS (about 2013, published by the "
        "Co-operative Party as a councillor's proposal for a manifesto, not party policy)"
    ),
    "ica": (
        "International Co-operative Alliance, Statement on the Co-operative Identity (1995), as the Financial "
        "Conduct Authority quotes it (RFCCBS 4.3.1 to 4.3.3)"
    ),
    "ica_notes": "International Co-operative Alliance, Guidance Notes to the Co-operative Principles (2015)",
    "ccbsa": "Co-operative and Community Benefit Societies Act 2014, section 2",
    "psm": "GOV.UK, Introduction to Public Service Mutuals",
    "cic": (
        "Companies (Audit, Investigations and Community Enterprise) Act 2004, section 26, and the Community "
        "Interest Company Regulations 2005 (SI 2005/1788)"
    ),
    "cbs_lock": "Community Benefit Societies (Restriction on Use of Assets) Regulations 2006 (SI 2006/264), Schedule 1",
    "seuk": "Social Enterprise UK's criteria, as councils and others reproduce them",
}

# Which page explains the kind of organisation a legal form makes; forms not named here link to the index.
_FOR_LEGAL_FORM = {
    "co_operative_society": "co-operatives",
    "community_benefit_society": "mutuals",
    "charitable_cbs": "mutuals",
    "friendly_society": "mutuals",
    "cic_cls": "social-enterprises",
    "cic_clg": "social-enterprises",
    "community_interest_company": "social-enterprises",
}


@bp.app_template_global()
def explanation_url(slug: str | None = None, *, legal_form: str | None = None) -> str:
    """The address of the page that explains ``slug``, or the kind of organisation ``legal_form`` (a code) makes;
    the list of explanations when there is no page for it."""
    slug = slug or _FOR_LEGAL_FORM.get(legal_form or "")
    if slug is None:
        return url_for("public.explain_index")
    if slug not in _BY_SLUG:
        raise ValueError(f"There is no explanation page called {slug!r}.")
    return url_for("public.explain", slug=slug)


@bp.get("/explain")
def explain_index() -> str:
    return render_template("explain/index.html", explanations=EXPLANATIONS)


@bp.get("/explain/<slug>")
def explain(slug: str) -> str:
    page = _BY_SLUG.get(slug)
    if page is None:
        abort(404)
    return render_template(f"explain/{slug}.html", page=page, explanations=EXPLANATIONS, sources=SOURCES)
