"""The vocabularies' labels (data/reference/labels.yaml): one label per code of each enum, and nothing else."""

from __future__ import annotations

import copy
import re
from enum import StrEnum
from typing import Any

import pytest
import yaml

from registry.domain import labels, vocabulary
from registry.domain.reference_data import (
    REFERENCE_DIR,
    VocabularyError,
    load_labels,
    validate_labels,
    vocabulary_labels,
)
from registry.domain.search_query import FACETS

ENUM_SECTIONS: list[tuple[str, type[StrEnum]]] = [
    ("verdict", vocabulary.Verdict),
    ("outcome", vocabulary.Outcome),
    ("origin", vocabulary.Origin),
    ("spin_out_programme", vocabulary.SpinOutProgramme),
    ("voting_rule", vocabulary.VotingRule),
    ("vote_decision", vocabulary.VoteDecision),
    ("board_seat_source", vocabulary.BoardSeatSource),
    ("asset_lock", vocabulary.AssetLock),
    ("dissolution_clause", vocabulary.DissolutionClause),
    ("distribution_basis", vocabulary.DistributionBasis),
    ("audit_action", vocabulary.AuditAction),
]


def _document() -> dict[str, Any]:
    with (REFERENCE_DIR / "labels.yaml").open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return copy.deepcopy(document)


@pytest.mark.parametrize(("section", "enum"), ENUM_SECTIONS, ids=[s for s, _ in ENUM_SECTIONS])
def test_every_member_of_the_enum_has_exactly_one_label(section: str, enum: type[StrEnum]) -> None:
    items = load_labels()[section]
    codes = [item["code"] for item in items]
    assert sorted(codes) == sorted(member.value for member in enum)
    assert all(item["label"].strip() for item in items)


def test_the_facet_titles_name_every_facet_and_the_charts_every_verdict_and_the_unassessed() -> None:
    assert set(vocabulary_labels("facet_title")) == set(FACETS)
    assert set(vocabulary_labels("chart_series")) == {v.value for v in vocabulary.Verdict} | {"not_assessed"}
    assert set(vocabulary_labels("chart_series", "colour")) == set(vocabulary_labels("chart_series"))


@pytest.mark.parametrize(("section", "enum"), ENUM_SECTIONS, ids=[s for s, _ in ENUM_SECTIONS])
def test_an_enum_member_without_a_label_is_refused(section: str, enum: type[StrEnum]) -> None:
    document = _document()
    dropped = document[section].pop()["code"]
    with pytest.raises(VocabularyError, match=f"labels.yaml, {section}: .*no label for: {dropped}"):
        validate_labels(document)


def test_a_label_for_a_code_outside_the_enum_is_refused() -> None:
    document = _document()
    document["origin"].append({"code": "franchise", "label": "A franchise"})
    with pytest.raises(VocabularyError, match="not a code of this vocabulary: franchise"):
        validate_labels(document)


def test_a_code_labelled_twice_is_refused() -> None:
    document = _document()
    document["asset_lock"].append({"code": "none", "label": "No lock at all"})
    with pytest.raises(VocabularyError, match="the code 'none' is used more than once"):
        validate_labels(document)


@pytest.mark.parametrize(
    ("section", "field", "value", "message"),
    [
        ("voting_rule", "label", "", "'label' must not be empty"),
        ("verdict", "facet_label", None, "'facet_label' must be text"),
        ("outcome", "tag_colour", ..., "missing tag_colour"),
    ],
)
def test_an_item_missing_a_wording_is_refused(section: str, field: str, value: Any, message: str) -> None:
    document = _document()
    if value is ...:
        del document[section][0][field]
    else:
        document[section][0][field] = value
    with pytest.raises(VocabularyError, match=message):
        validate_labels(document)


def test_a_missing_or_unknown_section_is_refused() -> None:
    document = _document()
    del document["facet_title"]
    document["colours"] = []
    with pytest.raises(VocabularyError, match="missing: facet_title; unknown: colours"):
        validate_labels(document)


def test_the_verdict_wordings_per_context_stay_as_the_pages_show_them() -> None:
    assert labels.VERDICT["needs_information"] == "Needs information"
    assert labels.VERDICT_FACET["needs_information"] == "Needs more information"
    assert vocabulary_labels("chart_series")["not_applicable"] == "Not applicable (NHS bodies)"
    assert list(labels.VERDICT) == ["meets", "needs_information", "does_not_meet", "not_applicable"]
    assert labels.LABELS["verdict_tags"]["meets"] == ("green", "Meets")
    assert labels.LABELS["outcome_tags"]["self_declared"] == ("blue", "Self-declared")


def test_the_feed_publishes_every_verdict_but_not_applicable() -> None:
    assert list(vocabulary_labels("verdict", "feed_name")) == ["meets", "needs_information", "does_not_meet"]


# audit(session, "<action>", ...) in the services, the action on the same line or the next.
AUDIT_CALL = re.compile(r"\baudit\(\s*session,\s*\"([a-z_.]+)\"")


def test_every_action_the_services_record_is_an_audit_action_with_words() -> None:
    package = REFERENCE_DIR.parents[1] / "registry"
    recorded = {
        action for path in package.rglob("*.py") for action in AUDIT_CALL.findall(path.read_text(encoding="utf-8"))
    }
    assert len(recorded) > 20, "the pattern no longer finds the services' audit calls"
    assert recorded == {member.value for member in vocabulary.AuditAction}
    assert labels.LABELS["audit_action_labels"]["listing.claimed"] == "Listing claimed"
