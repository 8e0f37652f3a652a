"""The market overview: how many listings there are by region, legal form and service group, each split by the
preferred-provider verdict, for the commissioners' overview and the public summary on the about-the-data page.

Counts are over published listings, or over the listings a commissioner's search matches (the same search
service's ``matching_listings``). A listing counts once in each breakdown by region or legal form, and once in
each service group it offers, so the service breakdown can add up to more than the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from registry.domain.labels import CHART_SERIES
from registry.domain.language import gettext as _
from registry.models import Assessment, LegalForm, ListingStatus, Organisation, Region, SearchFacet, ServiceType
from registry.services.search_index import PREFERRED_PROVIDER_RULESET

NOT_ASSESSED = "not_assessed"
NOT_KNOWN = ""


@dataclass
class Breakdown:
    """One bar of a chart: a region, legal form or service group and its listings by verdict."""

    code: str
    label: str
    by_verdict: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_verdict.values())

    def count(self, verdict: str) -> int:
        return self.by_verdict.get(verdict, 0)


@dataclass
class MarketOverview:
    total: int
    by_verdict: dict[str, int]
    regions: list[Breakdown]
    legal_forms: list[Breakdown]
    service_groups: list[Breakdown]
    # (region code, legal form code, service group code, verdict, listings): every combination that occurs.
    cube: list[tuple[str, str, str, str, int]]

    def verdict_count(self, verdict: str) -> int:
        return self.by_verdict.get(verdict, 0)


def _matching(ids: Select[Any] | None) -> Any:
    if ids is None:
        return select(Organisation.id).where(Organisation.status == ListingStatus.PUBLISHED)
    return ids.order_by(None)


def _verdict_join() -> Any:
    return and_(Assessment.organisation_id == Organisation.id, Assessment.ruleset_id == PREFERRED_PROVIDER_RULESET)


def _breakdowns(labels: dict[str, str], counts: dict[str, dict[str, int]], keep_empty: bool) -> list[Breakdown]:
    rows = [
        Breakdown(code, label, dict(counts.get(code, {})))
        for code, label in labels.items()
        if keep_empty or counts.get(code)
    ]
    if counts.get(NOT_KNOWN):
        rows.append(Breakdown(NOT_KNOWN, _("Not known"), dict(counts[NOT_KNOWN])))
    return rows


def market_overview(session: Session, ids: Select[Any] | None = None) -> MarketOverview:
    """Counts of the listings ``ids`` selects (default: every published listing)."""
    matching = _matching(ids)
    verdict = func.coalesce(Assessment.verdict, NOT_ASSESSED)
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_form: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_verdict: dict[str, int] = defaultdict(int)
    for region, form, outcome, count in session.execute(
        select(Organisation.region_code, Organisation.legal_form_code, verdict, func.count(Organisation.id))
        .outerjoin(Assessment, _verdict_join())
        .where(Organisation.id.in_(matching))
        .group_by(Organisation.region_code, Organisation.legal_form_code, verdict)
    ):
        by_region[region or NOT_KNOWN][outcome] += count
        by_form[form or NOT_KNOWN][outcome] += count
        by_verdict[outcome] += count

    top_groups = dict(
        session.execute(
            select(ServiceType.code, ServiceType.label)
            .where(ServiceType.parent_code.is_(None))
            .order_by(ServiceType.position)
        ).all()
    )
    group = SearchFacet.value
    service_join = and_(
        SearchFacet.organisation_id == Organisation.id,
        SearchFacet.facet == "service",
        SearchFacet.value.in_(list(top_groups)),
    )
    by_group: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cube: list[tuple[str, str, str, str, int]] = []
    for region, form, service_group, outcome, count in session.execute(
        select(Organisation.region_code, Organisation.legal_form_code, group, verdict, func.count(Organisation.id))
        .outerjoin(Assessment, _verdict_join())
        .outerjoin(SearchFacet, service_join)
        .where(Organisation.id.in_(matching))
        .group_by(Organisation.region_code, Organisation.legal_form_code, group, verdict)
        .order_by(Organisation.region_code, Organisation.legal_form_code, group, verdict)
    ):
        by_group[service_group or NOT_KNOWN][outcome] += count
        cube.append((region or NOT_KNOWN, form or NOT_KNOWN, service_group or NOT_KNOWN, outcome, count))

    regions = dict(session.execute(select(Region.code, Region.name).order_by(Region.position)).all())
    forms = dict(session.execute(select(LegalForm.code, LegalForm.label).order_by(LegalForm.position)).all())
    return MarketOverview(
        total=sum(by_verdict.values()),
        by_verdict={key: by_verdict.get(key, 0) for key in CHART_SERIES},  # NOT_ASSESSED last
        regions=_breakdowns(regions, by_region, keep_empty=True),
        legal_forms=_breakdowns(forms, by_form, keep_empty=False),
        service_groups=_breakdowns(top_groups, by_group, keep_empty=False),
        cube=cube,
    )


__all__ = ["NOT_ASSESSED", "Breakdown", "MarketOverview", "market_overview"]
