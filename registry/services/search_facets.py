"""A search's facets: their values and labels, the SQL filters for the values chosen, and counts per value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, String, literal, select, union_all
from sqlalchemy.orm import Session

from registry.domain.labels import VERDICT_FACET
from registry.domain.language import DEFAULT_LANGUAGE, current_language
from registry.domain.reference_data import reference_wording
from registry.domain.search_query import FACETS, SearchQuery
from registry.models import GovernanceModel, LegalForm, MemberClassKind, Organisation, Region, SearchFacet, ServiceType
from registry.services.search_index import FacetIndex

# Each facet's vocabulary and the field its labels are: the tables (and the cached labels) hold the English, so
# a search in Welsh shows each value's words from the vocabulary's file.
_VOCABULARIES = {
    "legal_form": (LegalForm.__vocabulary__, "label"),
    "governance": (GovernanceModel.__vocabulary__, "label"),
    "region": (Region.__vocabulary__, "name"),
    "service": (ServiceType.__vocabulary__, "label"),
    "member_kind": (MemberClassKind.__vocabulary__, "label"),
}


def shown_label(facet: str, value: str, label: str) -> str:
    """A facet value's label in the language being spoken (``label``, the English, when there is no other)."""
    if current_language() == DEFAULT_LANGUAGE:
        return label
    if facet == "eligible":
        return str(VERDICT_FACET.get(value, label))
    vocabulary = _VOCABULARIES.get(facet)
    return str(reference_wording(vocabulary[0], value, vocabulary[1], label)) if vocabulary else label


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _facet_filter(facet: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    return Organisation.id.in_(
        select(SearchFacet.organisation_id).where(SearchFacet.facet == facet, SearchFacet.value.in_(values))
    )


def facet_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the facet values the query chooses (values of one facet combine with OR)."""
    return [_facet_filter(facet, query.filter_values(facet)) for facet in FACETS if query.filter_values(facet)]


def facet_labels(session: Session) -> dict[str, dict[str, str]]:
    """Every facet's values and their labels, from the reference tables, in their order (one query)."""
    vocabularies: list[tuple[str, Any, Any, Any]] = [
        ("legal_form", LegalForm.code, LegalForm.label, LegalForm.position),
        ("governance", GovernanceModel.code, GovernanceModel.label, GovernanceModel.position),
        ("region", Region.code, Region.name, Region.position),
        ("service", ServiceType.code, ServiceType.label, ServiceType.position),
        ("member_kind", MemberClassKind.code, MemberClassKind.label, MemberClassKind.position),
    ]
    every = union_all(
        *(
            select(
                literal(facet, String).label("facet"),
                code.label("code"),
                label.label("label"),
                position.label("position"),
            )
            for facet, code, label, position in vocabularies
        )
    ).subquery()
    labels: dict[str, dict[str, str]] = {facet: {} for facet, *_ in vocabularies}
    for facet, code, label in session.execute(
        select(every.c.facet, every.c.code, every.c.label).order_by(every.c.facet, every.c.position)
    ):
        labels[facet][code] = label
    labels["eligible"] = {code: str(label) for code, label in VERDICT_FACET.items()}
    return labels


def known_facet_values(session: Session) -> dict[str, frozenset[str]]:
    return {facet: frozenset(labels) for facet, labels in facet_labels(session).items()}


def facet_counts(
    index: FacetIndex,
    admitted: np.ndarray[Any, np.dtype[np.bool_]],
    chosen: dict[str, np.ndarray[Any, np.dtype[np.bool_]]],
    query: SearchQuery,
    labels: dict[str, dict[str, str]],
) -> dict[str, list[FacetValue]]:
    """Counts per facet value, each facet counted with every filter but its own (so choices can widen)."""
    everything = all_of(admitted, chosen.values())
    shared = index.value_counts(everything)
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        if facet in chosen:
            others = all_of(admitted, (mask for other, mask in chosen.items() if other != facet))
            counts = index.value_counts(others).get(facet, {})
        else:
            counts = shared.get(facet, {})
        selected = set(query.filter_values(facet))
        facets[facet] = [
            FacetValue(value, shown_label(facet, value, label), counts.get(value, 0), value in selected)
            for value, label in labels[facet].items()
            if counts.get(value) or value in selected
        ]
    return facets


def all_of(
    first: np.ndarray[Any, np.dtype[np.bool_]], others: Iterable[np.ndarray[Any, np.dtype[np.bool_]]]
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    result = first.copy()
    for mask in others:
        result &= mask
    return result
