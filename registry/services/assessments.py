"""Assess listings with the member-structure validator and store the verdicts, so search can filter on them.

A listing's facts are read from its columns and child rows; what the model has no column for (Foundation
Trust councils, employee ownership trusts, declarations, ...) is kept in ``structure_details`` in the
validator's own facts shape. An empty list of member classes, seats or controllers means "not known",
never "none", so the validator says it needs information rather than guessing; the one "none" a listing can
say is that no person or body has significant control (``has_significant_control`` false).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import assess_all, rules_basis
from registry.models import Assessment, Organisation
from registry.services.listings import control_as_dict

DATE_OR_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def facts_dict(org: Organisation) -> dict[str, Any]:
    """The listing's facts in the validator's input shape (the same JSON the API and ``check`` accept)."""
    details = dict(org.structure_details or {})
    profits = {
        "asset_lock": org.asset_lock,
        "dissolution_clause": org.dissolution_clause,
        "cic_asset_lock_schedule": org.cic_asset_lock_schedule,
        "distribution_basis": org.distribution_basis,
        "distribution_cap_pct": _number(org.dividend_cap_pct),
        "share_interest_cap_pct": _number(org.share_interest_cap_pct),
        "profits_reinvested_pct": _number(org.profits_reinvested_pct),
        **details.pop("profits", {}),
    }
    charity = {"trustees_total": org.charity_trustees, "trustees_paid": org.charity_trustees_paid}
    controllers: list[dict[str, Any]] | None = [control_as_dict(p) for p in org.significant_controls]
    if not controllers:
        # No rows is "not known", unless the listing says no person or body has significant control.
        controllers = [] if org.has_significant_control is False else None
    facts: dict[str, Any] = {
        "name": org.name,
        "legal_form": org.legal_form_code,
        "origin": org.origin,
        "spin_out_programme": org.origin_programme,
        "spin_out_date": org.spun_out if org.spun_out and DATE_OR_MONTH.match(org.spun_out) else None,
        "parent_body": org.origin_parent_body,
        "is_public_body": org.is_public_body,
        "members_total": org.members,
        "members_registered_societies": org.members_registered_societies,
        "trading_income_pct": _number(org.trading_income_pct),
        "profits": {key: value for key, value in profits.items() if value is not None} or None,
        "member_classes": [
            {
                "name": m.name,
                "kind": m.kind_code,
                "count": m.member_count,
                "voting_rule": m.voting_rule,
                "vote_share_pct": _number(m.vote_share_pct),
                "votes_on": m.votes_on,
            }
            for m in org.member_classes
        ]
        or None,
        "board_seats": [
            {
                "source": b.source,
                "seats": b.seats,
                "member_class": b.elected_by.name if b.elected_by else None,
                "whole_membership": b.whole_membership,
                "appointer": b.appointed_by,
                "appointer_is_public_body": b.appointer_is_public_body,
                "appointer_kind": b.appointer_kind_code,
                "is_chair": b.is_chair,
                "is_non_executive": b.is_non_executive,
            }
            for b in org.board_seats
        ]
        or None,
        "significant_control": controllers,
        "charity": {key: value for key, value in charity.items() if value is not None} or None,
        **details,
    }
    cleaned: dict[str, Any] = _without_nones(facts)
    return cleaned


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nones(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


def listing_facts(org: Organisation) -> StructureFacts:
    return facts_from_dict(facts_dict(org))


def store_assessments(org: Organisation) -> None:
    """Assess ``org`` against every rule set and replace its stored verdicts (without touching the index)."""
    basis = rules_basis()
    stored = {a.ruleset_id: a for a in org.assessments}
    for assessment in assess_all(listing_facts(org)):
        row = stored.pop(assessment.ruleset_id, None)
        if row is None:
            row = Assessment(ruleset_id=assessment.ruleset_id)
            org.assessments.append(row)
        row.verdict = assessment.verdict.value
        row.report = assessment.to_dict()
        row.organisation_version = org.version
        row.basis = basis
    for leftover in stored.values():
        org.assessments.remove(leftover)


def reassess(session: Session, org: Organisation) -> list[Assessment]:
    """Assess ``org`` against every rule set and replace its stored verdicts; then refresh its index entry."""
    from registry.services.search_index import reindex

    session.flush()
    store_assessments(org)
    reindex(session, [org])
    return org.assessments


def outdated_listing_ids(session: Session) -> list[int]:
    """Listings with a verdict made on other rule sets or validator code than today's (or never recorded)."""
    basis = rules_basis()
    query = (
        select(Assessment.organisation_id)
        .where(or_(Assessment.basis.is_(None), Assessment.basis != basis))
        .distinct()
        .order_by(Assessment.organisation_id)
    )
    return list(session.scalars(query))


def reassess_listings(
    session: Session, ids: list[int], batch_size: int = 200, progress: Callable[[int], None] | None = None
) -> int:
    """Assess the listings ``ids`` again, committing a batch at a time (an interrupted run leaves whole
    batches, and the next run finds what is left); returns how many were assessed."""
    from registry.services.listings import LISTING_LOAD
    from registry.services.search_index import reindex

    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        orgs = list(session.scalars(select(Organisation).where(Organisation.id.in_(chunk)).options(*LISTING_LOAD)))
        for org in orgs:
            store_assessments(org)
        reindex(session, orgs)
        session.commit()
        done += len(orgs)
        if progress is not None:
            progress(len(orgs))
    return done


def facts_to_decide(report: Mapping[str, Any]) -> list[str]:
    """The distinct facts (paths) that would decide a stored report's findings that need information and decide
    its verdict (warnings and declarations never do), in the order the findings name them."""
    blocking = {"fail", "fail_policy"}
    paths = (
        path
        for finding in report.get("findings") or ()
        if finding.get("outcome") == "needs_information" and finding.get("severity") in blocking
        for path in finding.get("needs") or ()
    )
    return list(dict.fromkeys(paths))


def stored_reports(org: Organisation) -> list[dict[str, Any]]:
    """The listing's stored assessments in the rule sets' display order, preferred-provider profile first."""
    from registry.domain.validator import load_rulesets

    order = {ruleset.id: position for position, ruleset in enumerate(load_rulesets())}
    order["preferred-provider"] = -1
    rows = sorted(org.assessments, key=lambda a: order.get(a.ruleset_id, len(order)))
    return [row.report for row in rows if row.report]
