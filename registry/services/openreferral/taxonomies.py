"""The taxonomies the feed publishes: service types, legal forms, governance models and the validator's verdicts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from registry.domain.labels import FEED_NAMES, FEED_PHRASES
from registry.domain.paging import Page, PageRequest
from registry.domain.reference_data import load_vocabulary
from registry.domain.validator import load_rulesets
from registry.domain.vocabulary import Verdict
from registry.services.openreferral.ids import parse_uuid, taxonomy_id, taxonomy_term_id

SERVICE_TYPES = "hcmr-service-type"
LEGAL_FORMS = "hcmr-legal-form"
GOVERNANCE_MODELS = "hcmr-governance-model"
VERDICTS = "hcmr-verdict"

# The verdicts with feed wordings in labels.yaml: not "not applicable", which says only that a rule set is about
# other legal forms.
PUBLISHED_VERDICTS = tuple(Verdict(code) for code in FEED_NAMES)


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> str:
        return taxonomy_term_id(self.taxonomy, self.code)

    @property
    def parent_id(self) -> str | None:
        return taxonomy_term_id(self.taxonomy, self.parent_code) if self.parent_code else None


@dataclass(frozen=True)
class Taxonomy:
    name: str
    description: str
    terms: tuple[Term, ...]

    @property
    def id(self) -> str:
        return taxonomy_id(self.name)


def _sentence(value: Any) -> str:
    return " ".join(str(value or "").split())


def _vocabulary_terms(taxonomy: str, vocabulary: str, label: str = "label") -> tuple[Term, ...]:
    return tuple(
        Term(taxonomy, item["code"], _sentence(item[label]), _sentence(item["description"]), item.get("parent"))
        for item in load_vocabulary(vocabulary)
    )


def _verdict_terms() -> tuple[Term, ...]:
    terms: list[Term] = []
    for ruleset in load_rulesets():
        terms.append(Term(VERDICTS, ruleset.id, ruleset.title, _sentence(ruleset.summary) or ruleset.title))
        for verdict in PUBLISHED_VERDICTS:
            short, phrase = FEED_NAMES[verdict], FEED_PHRASES[verdict]
            terms.append(
                Term(
                    VERDICTS,
                    f"{ruleset.id}:{verdict.value}",
                    f"{ruleset.title}: {short}",
                    f"The registry's member-structure validator found that the organisation {phrase} the rule set "
                    f"'{ruleset.title}'.",
                    ruleset.id,
                )
            )
    return tuple(terms)


@functools.cache
def published_taxonomies() -> tuple[Taxonomy, ...]:
    """The taxonomies the feed publishes, built from the reference vocabularies and the validator's rule sets."""
    return (
        Taxonomy(
            SERVICE_TYPES,
            "Health and social care services: the Health & Care Mutuals Registry's service taxonomy. Codes are "
            "stable and never reused.",
            _vocabulary_terms(SERVICE_TYPES, "services"),
        ),
        Taxonomy(
            LEGAL_FORMS,
            "Legal forms of UK organisations (co-operative and community benefit societies, community interest "
            "companies, charities, NHS bodies...), as the Health & Care Mutuals Registry records them.",
            _vocabulary_terms(LEGAL_FORMS, "legal_forms"),
        ),
        Taxonomy(
            GOVERNANCE_MODELS,
            "Who owns and controls an organisation (workers, service users, a multi-stakeholder membership, a "
            "trust...), as the Health & Care Mutuals Registry records it.",
            _vocabulary_terms(GOVERNANCE_MODELS, "governance_models"),
        ),
        Taxonomy(
            VERDICTS,
            "Verdicts of the Health & Care Mutuals Registry's member-structure validator: for each published rule "
            "set (a top-level term), whether the organisation meets it, does not, or needs more information.",
            _verdict_terms(),
        ),
    )


@functools.cache
def _terms_by_id() -> dict[str, Term]:
    return {term.id: term for taxonomy in published_taxonomies() for term in taxonomy.terms}


def find_taxonomy(value: str | None) -> Taxonomy | None:
    wanted = parse_uuid(value)
    return next((t for t in published_taxonomies() if t.id == wanted), None)


def find_term(value: str | None) -> Term | None:
    wanted = parse_uuid(value)
    return _terms_by_id().get(wanted) if wanted else None


def term_for(taxonomy: str, code: str | None) -> Term | None:
    return _terms_by_id().get(taxonomy_term_id(taxonomy, code)) if code else None


def term_codes(term: Term) -> frozenset[str]:
    """The term's code and its descendants' codes."""
    terms = next(t.terms for t in published_taxonomies() if t.name == term.taxonomy)
    codes = {term.code}
    grew = True
    while grew:
        found = {t.code for t in terms if t.parent_code in codes} - codes
        codes |= found
        grew = bool(found)
    return frozenset(codes)


def _matches_text(text: str, *values: str) -> bool:
    wanted = text.casefold().split()
    haystack = " ".join(values).casefold()
    return all(word in haystack for word in wanted)


def taxonomies_page(search: str, paging: PageRequest) -> Page[Taxonomy]:
    found = [t for t in published_taxonomies() if _matches_text(search, t.name, t.description)]
    return _slice(found, paging)


def taxonomy_terms_page(
    paging: PageRequest,
    search: str = "",
    taxonomy: Taxonomy | None = None,
    parent: Term | None = None,
    top_only: bool = False,
) -> Page[Term]:
    """Terms in taxonomy order. ``top_only`` keeps the terms without a parent."""
    found = [
        term
        for tax in published_taxonomies()
        if taxonomy is None or tax.name == taxonomy.name
        for term in tax.terms
        if (parent is None or term.parent_id == parent.id)
        and (not top_only or term.parent_code is None)
        and _matches_text(search, term.name, term.description, term.code)
    ]
    return _slice(found, paging)


def _slice(items: list[Any], paging: PageRequest) -> Page[Any]:
    return Page(items[paging.offset : paging.offset + paging.per_page], len(items), paging.page, paging.per_page)
