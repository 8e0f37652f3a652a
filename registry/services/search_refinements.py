"""The commissioner tools' refinements of a search: filters by verdict, verification, size and area served,
orders by a listing's fields, and a commissioner's profile (its verdicts, and the ``plausible`` ranking)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, union
from sqlalchemy.orm import Session

from registry.domain.areas import PlaceKind
from registry.domain.labels import VERDICT
from registry.models import Assessment, LegalForm, LocalAuthority, Location, Organisation, Service, ServiceArea
from registry.services.gazetteer.lookup import AreaRef, ResolvedPlace
from registry.services.profiles import ChosenProfile, verdicts_over
from registry.services.search_index import PREFERRED_PROVIDER_RULESET, FacetIndex, facet_index
from registry.services.search_places import published_based_within

SORT_KEYS = ("name", "legal_form", "verdict", "services", "coverage", "size", "updated", "plausible")
# Sorted in memory, from the profile's verdicts: the database has no column to order by.
PLAUSIBLE = "plausible"
_VERDICT_RANK = {verdict: rank for rank, verdict in enumerate(VERDICT)}  # meets first, the order of labels.yaml


@dataclass(frozen=True)
class Band:
    """A range of a size figure, ``low`` inclusive and ``high`` exclusive (None: unbounded). ``Band()`` with
    neither bound means "not known": the figure is empty."""

    low: int | None = None
    high: int | None = None

    def condition(self, column: Any) -> ColumnElement[bool]:
        if self.low is None and self.high is None:
            empty: ColumnElement[bool] = column.is_(None)
            return empty
        parts: list[ColumnElement[bool]] = [column.is_not(None)]
        if self.low is not None:
            parts.append(column >= self.low)
        if self.high is not None:
            parts.append(column < self.high)
        return and_(*parts)


@dataclass(frozen=True)
class Refinement:
    """Filters and an order beyond the public search's. Each field narrows the results; empty means any.

    ``verdicts`` maps a rule set id to the verdicts wanted (rule sets combine with AND). ``areas`` are local
    authority codes a listing's service areas must cover: any of them, or all with ``all_areas``;
    ``based_within_km`` also admits listings with a location in one of the areas or that close to its centre.
    ``employees`` and ``turnover_gbp`` are bands (any of them). ``sort`` is one of ``SORT_KEYS``.
    ``profile`` keeps the listings whose verdict against a commissioner's profile is one of those it names;
    sorting by ``plausible`` ranks them against it: meets, then no rule failed with fewest facts unknown.
    """

    verdicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    verification: tuple[str, ...] = ()
    employees: tuple[Band, ...] = ()
    turnover_gbp: tuple[Band, ...] = ()
    areas: tuple[str, ...] = ()
    all_areas: bool = False
    based_within_km: float | None = None
    sort: str | None = None
    descending: bool = False
    profile: ChosenProfile | None = None


def _serving_areas(codes: tuple[str, ...], every: bool) -> ColumnElement[bool]:
    served = select(ServiceArea.organisation_id).where(ServiceArea.local_authority_code.in_(codes))
    if every:
        served = served.group_by(ServiceArea.organisation_id).having(
            func.count(func.distinct(ServiceArea.local_authority_code)) == len(set(codes))
        )
    return Organisation.id.in_(served)


def _based_near_areas(session: Session, codes: tuple[str, ...], radius_km: float) -> ColumnElement[bool]:
    """Listings with a location in one of the areas, or within ``radius_km`` of one's centre (gazetteer)."""
    admitted: list[Any] = [select(Location.organisation_id).where(Location.local_authority_code.in_(codes))]
    centres = session.execute(
        select(LocalAuthority.code, LocalAuthority.name, LocalAuthority.latitude, LocalAuthority.longitude).where(
            LocalAuthority.code.in_(codes)
        )
    ).all()
    for code, name, latitude, longitude in centres:
        if latitude is None or longitude is None:
            continue
        centre = ResolvedPlace(PlaceKind.LOCAL_AUTHORITY, name, latitude, longitude, AreaRef(code, name), None)
        near = published_based_within(centre, radius_km).subquery()
        admitted.append(select(near.c.organisation_id))
    return Organisation.id.in_(union(*admitted))


def refinement_conditions(session: Session, refinement: Refinement) -> list[ColumnElement[bool]]:
    """The WHERE conditions a refinement adds."""
    conditions: list[ColumnElement[bool]] = []
    for ruleset_id, verdicts in refinement.verdicts.items():
        if verdicts:
            conditions.append(
                Organisation.id.in_(
                    select(Assessment.organisation_id).where(
                        Assessment.ruleset_id == ruleset_id, Assessment.verdict.in_(verdicts)
                    )
                )
            )
    if refinement.verification:
        conditions.append(Organisation.verification.in_(refinement.verification))
    if refinement.employees:
        conditions.append(or_(*(band.condition(Organisation.employees) for band in refinement.employees)))
    if refinement.turnover_gbp:
        conditions.append(or_(*(band.condition(Organisation.turnover_gbp) for band in refinement.turnover_gbp)))
    if refinement.areas:
        serving_condition = _serving_areas(refinement.areas, refinement.all_areas)
        if refinement.based_within_km:
            based = _based_near_areas(session, refinement.areas, refinement.based_within_km)
            conditions.append(or_(serving_condition, based))
        else:
            conditions.append(serving_condition)
    return conditions


def refinement_order(refinement: Refinement) -> list[Any]:
    """ORDER BY terms for ``refinement.sort``; empty values always come last, whichever the direction."""
    key = refinement.sort
    if key == PLAUSIBLE:
        return []
    if key == "name":
        value: Any = func.lower(Organisation.name)
    elif key == "legal_form":
        value = select(LegalForm.label).where(LegalForm.code == Organisation.legal_form_code).scalar_subquery()
    elif key == "verdict":
        verdict = (
            select(Assessment.verdict)
            .where(Assessment.organisation_id == Organisation.id, Assessment.ruleset_id == PREFERRED_PROVIDER_RULESET)
            .scalar_subquery()
        )
        value = case(_VERDICT_RANK, value=verdict, else_=None)
    elif key == "services":
        value = select(func.count(Service.id)).where(Service.organisation_id == Organisation.id).scalar_subquery()
    elif key == "coverage":
        value = (
            select(func.count(ServiceArea.id)).where(ServiceArea.organisation_id == Organisation.id).scalar_subquery()
        )
    elif key == "size":
        value = Organisation.employees
    elif key == "updated":
        value = Organisation.updated_at
    else:
        raise ValueError(f"unknown sort {key!r}; choose one of {', '.join(SORT_KEYS)}")
    terms = [value.is_(None), value.desc() if refinement.descending else value.asc()]
    if key == "size":
        turnover = Organisation.turnover_gbp
        terms += [turnover.is_(None), turnover.desc() if refinement.descending else turnover.asc()]
    return terms


def profile_arrays(session: Session, index: FacetIndex, refinement: Refinement | None) -> list[np.ndarray[Any, Any]]:
    """For a refinement with a profile: the listings whose verdict it wants, then (sorting by ``plausible``)
    the keys that rank them: the verdict (meets first), then how many facts are unknown. Empty without one."""
    if refinement is None or refinement.profile is None:
        return []
    from registry.domain.validator.profiles import verdict_mask
    from registry.domain.vocabulary import Verdict

    verdicts, unknown = verdicts_over(session, index, refinement.profile)
    arrays: list[np.ndarray[Any, Any]] = [verdict_mask(verdicts, [Verdict(v) for v in refinement.profile.verdicts])]
    if refinement.sort == PLAUSIBLE:
        sign = -1 if refinement.descending else 1
        arrays += [sign * verdicts.astype(np.int64), sign * unknown.astype(np.int64)]
    return arrays


def ordered_ids(session: Session, prepared_ids: Select[int], refinement: Refinement | None) -> list[int]:
    """The ids a ``matching_listings`` SELECT gives, ranked by ``plausible`` when the refinement asks."""
    ids = list(session.scalars(prepared_ids))
    if refinement is None or refinement.sort != PLAUSIBLE or refinement.profile is None or not ids:
        return ids
    index = facet_index(session)
    arrays = profile_arrays(session, index, refinement)
    pos, found = index.positions(np.array(ids, dtype=np.int64))
    rank = np.where(found, arrays[1][np.minimum(pos, len(index) - 1)], 99) if len(index) else np.zeros(len(ids))
    unknown = np.where(found, arrays[2][np.minimum(pos, len(index) - 1)], 0) if len(index) else np.zeros(len(ids))
    order = np.lexsort([np.arange(len(ids)), unknown, rank])
    return [ids[i] for i in order]
