"""Load the reference vocabularies in ``data/reference/`` into their tables (insert or update by code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from registry.domain.reference_data import load_vocabulary
from registry.extensions import db
from registry.models import GovernanceModel, IdentifierScheme, LegalForm, MemberClassKind, Region, ServiceType

# file name → (model, the model's columns read from each item)
VOCABULARIES: dict[str, tuple[type[db.Model], tuple[str, ...]]] = {  # type: ignore[name-defined]
    "regions": (Region, ("name", "nation")),
    "identifier_schemes": (IdentifierScheme, ("label", "registrar", "pattern", "example", "url_template")),
    "legal_forms": (
        LegalForm,
        ("label", "description", "registrar", "has_share_capital", "statutory_asset_lock", "charitable"),
    ),
    "member_class_kinds": (MemberClassKind, ("label", "description", "stakeholder")),
    "governance_models": (GovernanceModel, ("label", "description", "coops_uk_ownership")),
    "services": (ServiceType, ("label", "description", "parent")),
}


@dataclass
class LoadReport:
    vocabulary: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def load_reference_data(session: Session) -> list[LoadReport]:
    """Insert new codes and update changed ones. Codes are never deleted: listings may still use them."""
    reports = []
    for name, (model, fields) in VOCABULARIES.items():
        report = LoadReport(name)
        existing = {row.code: row for row in session.query(model)}
        items = load_vocabulary(name)
        # Parents before children, so a service type's parent row exists when the child is inserted.
        order = sorted(range(len(items)), key=lambda i: items[i].get("parent") is not None)
        for position in order:
            item = items[position]
            values: dict[str, Any] = {("parent_code" if f == "parent" else f): item.get(f) for f in fields}
            values["position"] = position
            row = existing.get(item["code"])
            if row is None:
                session.add(model(code=item["code"], **values))
                report.inserted += 1
            elif any(getattr(row, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                report.updated += 1
            else:
                report.unchanged += 1
        session.flush()
        reports.append(report)
    return reports
