"""Plain-English explanation pages: what the registry's words mean, linked from where they appear."""

from __future__ import annotations

from dataclasses import dataclass

from babel.support import LazyProxy
from flask import abort, render_template, url_for
from markupsafe import Markup, escape

from registry.domain.language import lazy_gettext as _l
from registry.web.public import bp


@dataclass(frozen=True)
class Explanation:
    """One explanation page: its address, its title and the one line the index shows for it (both said in the
    language being spoken)."""

    slug: str
    title: str | LazyProxy
    summary: str | LazyProxy


EXPLANATIONS = (
    Explanation("co-operatives", _l("What a co-operative is"), _l("A business owned and run by its members.")),
    Explanation("mutuals", _l("What a mutual is"), _l("An organisation owned by its members, not by investors.")),
    Explanation(
        "public-service-mutuals",
        _l("What a public service mutual is"),
        _l("A mutual that left the public sector and still delivers public services."),
    ),
    Explanation(
        "social-enterprises",
        _l("What a social enterprise is"),
        _l("A business that trades for a social purpose."),
    ),
    Explanation(
        "nhs-spin-outs",
        _l("What an NHS spin-out is"),
        _l("A service that left the NHS to become its own organisation."),
    ),
    Explanation(
        "asset-lock",
        _l("What an asset lock is"),
        _l("A rule that keeps an organisation's assets for its purpose."),
    ),
    Explanation(
        "preferred-providers",
        _l("What “preferred provider” means here"),
        _l("A policy idea, not a legal status, and how commissioners can lawfully favour these organisations."),
    ),
    Explanation(
        "reading-verdicts",
        _l("How to read a listing's verdicts"),
        _l("What “meets”, “does not meet” and “needs information” mean on a listing."),
    ),
)
_BY_SLUG = {page.slug: page for page in EXPLANATIONS}


class Source:
    """A document the pages quote, in the registry's own words about it (``wording``, translated) around the names
    it holds as published (``names``: documents' titles and bodies' names, English, kept English in Welsh and
    marked ``lang="en"``, filling the ``%(name)s`` placeholders of the wording)."""

    def __init__(self, wording: str | LazyProxy, **names: str) -> None:
        self.wording = wording
        self.names = names

    def __html__(self) -> Markup:
        words = escape(str(self.wording))
        if not self.names:
            return words
        return words % {key: Markup('<span lang="en">{}</span>').format(name) for key, name in self.names.items()}

    def __str__(self) -> str:
        return str(self.wording) % self.names if self.names else str(self.wording)


# The documents the pages quote, named as /work/shared/reference cites them, so every page names them alike.
SOURCES = {
    "brief": Source(_l("Co-operative Party, %(document)s, June 2014"), document="Health & Social Care (Policy Brief)"),
    "vernon": Source(
        _l(
            "Cllr Patrick Vernon OBE, on the future of co-operative structures in the NHS (about 2013, published "
            "by the Co-operative Party as a councillor's proposal for a manifesto, not party policy)"
        )
    ),
    "ica": Source(
        _l("%(body)s, %(document)s (1995), as the Financial Conduct Authority quotes it (RFCCBS 4.3.1 to 4.3.3)"),
        body="International Co-operative Alliance",
        document="Statement on the Co-operative Identity",
    ),
    "ica_notes": Source(
        _l("%(body)s, %(document)s (2015)"),
        body="International Co-operative Alliance",
        document="Guidance Notes to the Co-operative Principles",
    ),
    "ccbsa": Source(_l("%(act)s, section 2"), act="Co-operative and Community Benefit Societies Act 2014"),
    "psm": Source(
        _l("%(publisher)s, %(document)s"), publisher="GOV.UK", document="Introduction to Public Service Mutuals"
    ),
    "cic": Source(
        _l("%(act)s, section 26, and the %(regulations)s (SI 2005/1788)"),
        act="Companies (Audit, Investigations and Community Enterprise) Act 2004",
        regulations="Community Interest Company Regulations 2005",
    ),
    "cbs_lock": Source(
        _l("%(regulations)s (SI 2006/264), Schedule 1"),
        regulations="Community Benefit Societies (Restriction on Use of Assets) Regulations 2006",
    ),
    "seuk": Source(_l("%(body)s's criteria, as councils and others reproduce them"), body="Social Enterprise UK"),
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
