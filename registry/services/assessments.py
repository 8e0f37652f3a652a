"""Assess listings with the member-structure validator and store the verdicts, so search can filter on them.

A listing's facts are read from its plain-data form (``listing_as_dict``) by ``facts_from_listing``
(``registry/domain/listing_facts.py``), which says how columns, child rows and ``structure_details`` become the
validator's facts and what counts as not known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.domain.language import DEFAULT_LANGUAGE, LANGUAGES, current_language, speaking
from registry.domain.listing_facts import facts_from_listing
from registry.domain.structure import StructureFacts
from registry.domain.structure_json import facts_from_dict
from registry.domain.validator import assess_all, rules_basis
from registry.models import Assessment, Organisation
from registry.services.listings import LISTING_LOAD, listing_as_dict


def listing_facts(org: Organisation) -> StructureFacts:
    """The listing's facts for the validator, read from its plain-data form (``listing_as_dict``)."""
    return facts_of(listing_as_dict(org))


def facts_of(listing: Mapping[str, Any]) -> StructureFacts:
    """The validator's facts of a listing already in ``listing_as_dict``'s shape (which it leaves unchanged)."""
    return facts_from_dict(facts_from_listing(listing))


# The words of a stored report that are in the language it was made in; the rest (codes, sources) are the same.
_REPORT_WORDS = ("ruleset_title", "reason")
_FINDING_WORDS = ("title", "reason", "explanation", "confidence_note")


def store_assessments(org: Organisation) -> None:
    """Assess ``org`` against every rule set and replace its stored verdicts (without touching the index).

    A stored report is the English report, with its words in each other language beside it under the
    language's code (``report["cy"]``: the title, reason, and each finding's words), so a listing's page shows
    its reasons in the reader's language; ``stored_reports`` picks them."""
    basis = rules_basis()
    stored = {a.ruleset_id: a for a in org.assessments}
    facts = listing_facts(org)
    with speaking(DEFAULT_LANGUAGE):
        reports = [assessment.to_dict() for assessment in assess_all(facts)]
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        with speaking(language):
            for report, assessment in zip(reports, assess_all(facts), strict=True):
                report[language] = _words_of(assessment.to_dict())
    for report in reports:
        row = stored.pop(report["ruleset_id"], None)
        if row is None:
            row = Assessment(ruleset_id=report["ruleset_id"])
            org.assessments.append(row)
        row.verdict = report["verdict"]
        row.report = report
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
    return [in_current_language(row.report) for row in rows if row.report]


def _words_of(report: Mapping[str, Any]) -> dict[str, Any]:
    """The words of a report made in another language than English (see ``store_assessments``)."""
    words: dict[str, Any] = {key: report[key] for key in _REPORT_WORDS}
    words["findings"] = [{key: f[key] for key in _FINDING_WORDS} for f in report.get("findings") or ()]
    return words


def in_current_language(report: dict[str, Any]) -> dict[str, Any]:
    """A stored report with its words in the current language, where it holds them (else the English)."""
    language = current_language()
    words = report.get(language) if language != DEFAULT_LANGUAGE else None
    if not isinstance(words, Mapping):
        return report
    shown = {**report, **{key: words[key] for key in _REPORT_WORDS if key in words}}
    translated = words.get("findings") or []
    findings = report.get("findings") or []
    if len(translated) == len(findings):
        shown["findings"] = [{**f, **t} for f, t in zip(findings, translated, strict=True)]
    return shown
