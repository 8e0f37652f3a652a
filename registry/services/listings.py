"""Reading listings: the published list, one listing with everything it holds, and its plain-data form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from registry.domain.identifiers import register_url
from registry.domain.paging import Page, PageRequest
from registry.models import BoardSeat, ListingStatus, MemberClass, Organisation

PUBLIC_STATUSES = (ListingStatus.PUBLISHED,)

LISTING_LOAD = (
    selectinload(Organisation.identifiers),
    selectinload(Organisation.member_classes).joinedload(MemberClass.kind),
    selectinload(Organisation.board_seats).joinedload(BoardSeat.elected_by),
    selectinload(Organisation.significant_controls),
    selectinload(Organisation.services),
    selectinload(Organisation.service_areas),
    selectinload(Organisation.locations),
    selectinload(Organisation.sources),
    selectinload(Organisation.assessments),
)


def published_listings(session: Session, paging: PageRequest) -> Page[Organisation]:
    """Published listings in name order, one page of them, with what the list shows loaded up front."""
    where = Organisation.status.in_(PUBLIC_STATUSES)
    total = session.scalar(select(func.count()).select_from(Organisation).where(where)) or 0
    items = session.scalars(
        select(Organisation)
        .where(where)
        .options(selectinload(Organisation.member_classes), selectinload(Organisation.services))
        .order_by(func.lower(Organisation.name), Organisation.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    ).all()
    return Page(list(items), total, paging.page, paging.per_page)


def get_listing(session: Session, slug: str, *, published_only: bool = True) -> Organisation | None:
    """One listing with everything it holds, or None. Unpublished listings only when asked for."""
    query = select(Organisation).where(Organisation.slug == slug).options(*LISTING_LOAD)
    if published_only:
        query = query.where(Organisation.status.in_(PUBLIC_STATUSES))
    return session.scalars(query).first()


def _number(value: Any) -> Any:
    if value is None:
        return None
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def listing_as_dict(organisation: Organisation) -> dict[str, Any]:
    """The whole listing as plain data: the API's listing, a revision's snapshot and the exports' row."""
    org = organisation
    return {
        "slug": org.slug,
        "name": org.name,
        "trading_names": list(org.trading_names or []),
        "status": org.status,
        "verification": org.verification,
        "registered_status": org.registered_status,
        "dissolved_on": org.dissolved_on,
        "merged_into": org.merged_into,
        "provenance": org.provenance,
        "legal_form": {"code": org.legal_form.code, "label": org.legal_form.label} if org.legal_form else None,
        "governance_model": (
            {"code": org.governance_model.code, "label": org.governance_model.label} if org.governance_model else None
        ),
        "region": {"code": org.region.code, "name": org.region.name} if org.region else None,
        "description": org.description,
        "website": org.website,
        "email": org.email,
        "phone": org.phone,
        "founded": org.founded,
        "origin": {
            "type": org.origin,
            "parent_body": org.origin_parent_body,
            "programme": org.origin_programme,
            "spun_out": org.spun_out,
        },
        "size": {
            "employees": org.employees,
            "members": org.members,
            "year": org.size_year,
            "turnover_gbp": org.turnover_gbp,
            "turnover_year": org.turnover_year,
            "trading_income_pct": _number(org.trading_income_pct),
        },
        "is_public_body": org.is_public_body,
        "members_registered_societies": org.members_registered_societies,
        "financial_rules": {
            "asset_lock": org.asset_lock,
            "cic_asset_lock_schedule": org.cic_asset_lock_schedule,
            "dissolution_clause": org.dissolution_clause,
            "distribution_basis": org.distribution_basis,
            "dividend_cap_pct": _number(org.dividend_cap_pct),
            "share_interest_cap_pct": _number(org.share_interest_cap_pct),
            "profits_reinvested_pct": _number(org.profits_reinvested_pct),
        },
        "charity": {"trustees_total": org.charity_trustees, "trustees_paid": org.charity_trustees_paid},
        "identifiers": [
            {"scheme": i.scheme_code, "value": i.value, "url": register_url(i.scheme_code, i.value)}
            for i in org.identifiers
        ],
        "member_classes": [
            {
                "name": m.name,
                "kind": m.kind_code,
                "description": m.description,
                "count": m.member_count,
                "voting_rule": m.voting_rule,
                "vote_share_pct": _number(m.vote_share_pct),
                "votes_on": m.votes_on,
            }
            for m in org.member_classes
        ],
        "board_seats": [
            {
                "role": b.role,
                "source": b.source,
                "elected_by": b.elected_by.name if b.elected_by else None,
                "whole_membership": b.whole_membership,
                "appointed_by": b.appointed_by,
                "appointer_is_public_body": b.appointer_is_public_body,
                "appointer_kind": b.appointer_kind_code,
                "seats": b.seats,
                "is_non_executive": b.is_non_executive,
                "is_chair": b.is_chair,
            }
            for b in org.board_seats
        ],
        "has_significant_control": org.has_significant_control,
        "significant_controls": [control_as_dict(p) for p in org.significant_controls],
        "structure_details": dict(org.structure_details or {}),
        "services": [
            {"code": s.service_type_code, "label": s.service_type.label, "description": s.description}
            for s in org.services
        ],
        "service_areas": [
            {"local_authority_code": a.local_authority_code, "name": a.name, "as_described": a.described_as}
            for a in org.service_areas
        ],
        "locations": [
            {
                "name": loc.name,
                "address": loc.address,
                "postcode": loc.postcode,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "local_authority_code": loc.local_authority_code,
                "region_code": loc.region_code,
                "is_registered_office": loc.is_registered_office,
            }
            for loc in org.locations
        ],
        "sources": [
            {
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "published": s.published,
                "licence": s.licence,
                "note": s.note,
                "facts": s.facts,
            }
            for s in org.sources
        ],
        "updated_at": org.updated_at.isoformat() if org.updated_at else None,
    }


def control_as_dict(p: Any) -> dict[str, Any]:
    """A person or body with significant control, as the listing shape and the validator's facts both hold it."""
    return {
        "name": p.name,
        "natures_of_control": p.natures_of_control,
        "is_member": p.is_member,
        "is_for_profit": p.is_for_profit,
        "is_public_body": p.is_public_body,
        "is_employee_trust": p.is_employee_trust,
        "is_asset_locked": p.is_asset_locked,
    }
