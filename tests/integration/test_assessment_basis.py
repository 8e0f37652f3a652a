"""Stored verdicts follow the rules: a change to a rule set or to the validator makes them again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from registry.domain.validator import loading, rules_basis
from registry.models import Assessment, Organisation, SearchFacet
from registry.services.assessments import outdated_listing_ids, reassess_listings

PREFERRED = "preferred-provider"


def _ripplez(session: Session) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.slug == "ripplez-cic")).one()


def _verdict(session: Session, org: Organisation) -> str:
    return session.scalars(
        select(Assessment.verdict).where(Assessment.organisation_id == org.id, Assessment.ruleset_id == PREFERRED)
    ).one()


def _make_outdated(session: Session, org: Organisation, verdict: str) -> None:
    """As if the listing had been assessed under older rules that gave another verdict."""
    session.execute(
        update(Assessment)
        .where(Assessment.organisation_id == org.id, Assessment.ruleset_id == PREFERRED)
        .values(basis="0000000000000000", verdict=verdict)
    )
    session.commit()


def test_every_stored_verdict_was_made_on_todays_rules(session: Session) -> None:
    bases = set(session.scalars(select(Assessment.basis).distinct()))
    assert bases == {rules_basis()}
    assert outdated_listing_ids(session) == []


def test_verdicts_made_on_other_rules_are_made_again_and_reindexed(session: Session) -> None:
    org = _ripplez(session)
    right = _verdict(session, org)
    wrong = "meets" if right != "meets" else "does_not_meet"
    _make_outdated(session, org, wrong)

    assert outdated_listing_ids(session) == [org.id]
    assert reassess_listings(session, outdated_listing_ids(session)) == 1

    session.expire_all()
    assert _verdict(session, org) == right
    assert outdated_listing_ids(session) == []
    indexed = session.scalars(
        select(SearchFacet.value).where(SearchFacet.organisation_id == org.id, SearchFacet.facet == "eligible")
    ).all()
    assert indexed == [right]


def test_flask_assess_reports_what_it_did(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    assert "Assessments: up to date." in runner.invoke(args=["assess"]).output

    org = _ripplez(session)
    _make_outdated(session, org, "meets")
    result = runner.invoke(args=["assess"])
    assert result.exit_code == 0, result.output
    assert "Assessments: 1 listing assessed again with the current rule sets." in result.output

    everything = runner.invoke(args=["assess", "--all"])
    listings = session.scalar(select(func.count()).select_from(Organisation))
    assert f"Assessments: {listings:,} listings assessed again" in everything.output


def test_the_basis_changes_with_a_rule_set_and_not_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rulesets = tmp_path / "rulesets"
    shutil.copytree(loading.DEFAULT_PATH, rulesets)
    monkeypatch.setattr(loading, "DEFAULT_PATH", rulesets)
    loading.clear_cache()
    try:
        before = rules_basis()
        loading.clear_cache()
        assert rules_basis() == before  # the same files, the same basis
        profile = rulesets / "preferred-provider.yaml"
        text = profile.read_text(encoding="utf-8")
        assert "max_vote_pct: 10" in text
        profile.write_text(text.replace("max_vote_pct: 10", "max_vote_pct: 25"), encoding="utf-8")
        loading.clear_cache()
        assert rules_basis() != before
    finally:
        monkeypatch.undo()
        loading.clear_cache()
