"""Write a listing from plain data, the one shape shared by seed files, importers and the registration forms.

The shape is the one ``listing_as_dict`` reads out, with codes in place of labelled objects:
``legal_form``, ``governance_model`` and ``region`` are codes; ``service_areas`` are groups
``{"described_as": "South Yorkshire", "local_authorities": [{"code": ..., "name": ...}]}``.
Keys that are absent are left as they are; keys present with ``null`` clear the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from registry.models import (
    LISTING_RECORD_LISTS,
    BoardSeat,
    Identifier,
    Location,
    MemberClass,
    Organisation,
    Service,
    ServiceArea,
    SignificantControl,
    Source,
)

_SCALARS = {
    "name": "name",
    "trading_names": "trading_names",
    "legal_form": "legal_form_code",
    "governance_model": "governance_model_code",
    "region": "region_code",
    "status": "status",
    "verification": "verification",
    "registered_status": "registered_status",
    "dissolved_on": "dissolved_on",
    "merged_into": "merged_into",
    "provenance": "provenance",
    "description": "description",
    "website": "website",
    "email": "email",
    "phone": "phone",
    "founded": "founded",
    "structure_details": "structure_details",
    "is_public_body": "is_public_body",
    "members_registered_societies": "members_registered_societies",
    "has_significant_control": "has_significant_control",
}
_NESTED = {
    "origin": {
        "type": "origin",
        "parent_body": "origin_parent_body",
        "programme": "origin_programme",
        "spun_out": "spun_out",
    },
    "size": {
        "employees": "employees",
        "members": "members",
        "year": "size_year",
        "turnover_gbp": "turnover_gbp",
        "turnover_year": "turnover_year",
        "trading_income_pct": "trading_income_pct",
    },
    "financial_rules": {
        "asset_lock": "asset_lock",
        "cic_asset_lock_schedule": "cic_asset_lock_schedule",
        "dissolution_clause": "dissolution_clause",
        "distribution_basis": "distribution_basis",
        "dividend_cap_pct": "dividend_cap_pct",
        "share_interest_cap_pct": "share_interest_cap_pct",
        "profits_reinvested_pct": "profits_reinvested_pct",
    },
    "charity": {
        "trustees_total": "charity_trustees",
        "trustees_paid": "charity_trustees_paid",
    },
}
_DECIMALS = {
    "trading_income_pct",
    "dividend_cap_pct",
    "share_interest_cap_pct",
    "profits_reinvested_pct",
    "vote_share_pct",
}


def _clear_replaced_children(session: Session, org: Organisation, data: Mapping[str, Any]) -> None:
    # Rows removed from a list are deleted after new rows are inserted; clearing and flushing first keeps
    # unique constraints (one row per service type, per area) from seeing the old and new rows together.
    replaced = [key for key in _CHILDREN if key in data]
    if org.id is None or not replaced:
        return
    for key in replaced:
        getattr(org, key).clear()
    session.flush()


_CHILDREN = LISTING_RECORD_LISTS


def _value(attribute: str, value: Any) -> Any:
    if attribute in _DECIMALS and value is not None:
        return Decimal(str(value))
    if attribute == "trading_names" and value is None:
        return []
    if attribute == "structure_details" and value is None:
        return {}
    if attribute in {"description"} and value is None:
        return ""
    return value


def apply_listing_data(session: Session, org: Organisation, data: Mapping[str, Any]) -> None:
    """Set ``org``'s fields and child rows from ``data``. Child lists given are replaced whole."""
    _clear_replaced_children(session, org, data)
    for key, attribute in _SCALARS.items():
        if key in data:
            setattr(org, attribute, _value(attribute, data[key]))
    for group, fields in _NESTED.items():
        if group in data:
            given = data[group] or {}
            for key, attribute in fields.items():
                if key in given:
                    setattr(org, attribute, _value(attribute, given[key]))

    if "identifiers" in data:
        org.identifiers = [Identifier(scheme_code=i["scheme"], value=i["value"]) for i in data["identifiers"]]
    if "member_classes" in data:
        org.member_classes = [
            MemberClass(
                position=position,
                name=m["name"],
                kind_code=m["kind"],
                description=m.get("description") or "",
                member_count=m.get("count"),
                voting_rule=m.get("voting_rule"),
                vote_share_pct=_value("vote_share_pct", m.get("vote_share_pct")),
                votes_on=m.get("votes_on"),
            )
            for position, m in enumerate(data["member_classes"])
        ]
    if "board_seats" in data:
        by_name = {m.name: m for m in org.member_classes}
        org.board_seats = [
            BoardSeat(
                position=position,
                role=b.get("role") or "",
                source=b.get("source"),
                elected_by=by_name.get(b["elected_by"]) if b.get("elected_by") else None,
                whole_membership=b.get("whole_membership"),
                appointed_by=b.get("appointed_by"),
                appointer_is_public_body=b.get("appointer_is_public_body"),
                appointer_kind_code=b.get("appointer_kind"),
                seats=b.get("seats", 1),
                is_non_executive=b.get("is_non_executive"),
                is_chair=bool(b.get("is_chair")),
            )
            for position, b in enumerate(data["board_seats"])
        ]
    if "significant_controls" in data:
        org.significant_controls = [
            SignificantControl(
                position=position,
                name=p["name"],
                natures_of_control=p.get("natures_of_control"),
                is_member=p.get("is_member"),
                is_for_profit=p.get("is_for_profit"),
                is_public_body=p.get("is_public_body"),
                is_employee_trust=p.get("is_employee_trust"),
                is_asset_locked=p.get("is_asset_locked"),
            )
            for position, p in enumerate(data["significant_controls"])
        ]
    if "services" in data:
        org.services = [
            Service(position=position, service_type_code=s["code"], description=s.get("description") or "")
            for position, s in enumerate(data["services"])
        ]
    if "service_areas" in data:
        org.service_areas = [
            ServiceArea(local_authority_code=la["code"], name=la["name"], described_as=group.get("described_as"))
            for group in data["service_areas"]
            for la in group["local_authorities"]
        ]
    if "locations" in data:
        org.locations = [
            Location(
                position=position,
                name=loc.get("name") or "",
                address=loc.get("address") or "",
                postcode=loc.get("postcode"),
                latitude=loc.get("latitude"),
                longitude=loc.get("longitude"),
                local_authority_code=loc.get("local_authority_code"),
                region_code=loc.get("region_code"),
                is_registered_office=bool(loc.get("is_registered_office")),
            )
            for position, loc in enumerate(data["locations"])
        ]
    if "sources" in data:
        org.sources = [
            Source(
                position=position,
                title=s["title"],
                publisher=s.get("publisher"),
                url=s.get("url"),
                published=s.get("published"),
                licence=s.get("licence"),
                note=s.get("note") or "",
                facts=list(s["facts"]) if s.get("facts") is not None else None,
            )
            for position, s in enumerate(data["sources"])
        ]
