"""Labels for the closed vocabularies that are not reference tables, by name: read-only views of
``data/reference/labels.yaml`` (through ``registry.domain.reference_data.vocabulary_labels``), the one place the
words live. Each answers in the language being spoken when it is read (English, or Welsh from the items' ``cy``
mappings), so the mappings made here at import serve every request."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from registry.domain.reference_data import vocabulary_labels

# How the organisation started; how its members vote and its board is filled; its financial rules.
ORIGIN, SPIN_OUT_PROGRAMME = map(vocabulary_labels, ("origin", "spin_out_programme"))
VOTING_RULE, VOTE_DECISION, BOARD_SEAT_SOURCE = map(
    vocabulary_labels, ("voting_rule", "vote_decision", "board_seat_source")
)
ASSET_LOCK, DISSOLUTION_CLAUSE, DISTRIBUTION_BASIS = map(
    vocabulary_labels, ("asset_lock", "dissolution_clause", "distribution_basis")
)

# Verdicts in their order (meets first), as tags and as the preferred-provider facet's values.
VERDICT = vocabulary_labels("verdict")
VERDICT_FACET = vocabulary_labels("verdict", "facet_label")
OUTCOME = vocabulary_labels("outcome")
FACET_TITLES = vocabulary_labels("facet_title")
# The audit log's events in words ("Listing claimed", not "listing.claimed").
AUDIT_ACTION = vocabulary_labels("audit_action")
# The market charts' series (the verdicts, then listings not yet assessed): their wording and colours.
CHART_SERIES, CHART_COLOURS = vocabulary_labels("chart_series"), vocabulary_labels("chart_series", "colour")
# The Open Referral feed's words for a verdict; a verdict with none is not published.
FEED_NAMES, FEED_PHRASES = vocabulary_labels("verdict", "feed_name"), vocabulary_labels("verdict", "feed_phrase")


class _Tags(Mapping[str, tuple[str, str]]):
    """``{code: (nhsuk-tag colour, label)}``, the label in the language being spoken when it is read."""

    def __init__(self, section: str) -> None:
        self._colours = vocabulary_labels(section, "tag_colour")
        self._labels = vocabulary_labels(section)

    def __getitem__(self, code: str) -> tuple[str, str]:
        return self._colours[code], self._labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return len(self._labels)


def tags(section: str) -> Mapping[str, tuple[str, str]]:
    """``{code: (nhsuk-tag colour, label)}`` for the verdicts or the rule outcomes."""
    return _Tags(section)


# The template globals (the names the templates use).
LABELS = {
    "origin_labels": ORIGIN,
    "programme_labels": SPIN_OUT_PROGRAMME,
    "voting_labels": VOTING_RULE,
    "decision_labels": VOTE_DECISION,
    "seat_labels": BOARD_SEAT_SOURCE,
    "asset_lock_labels": ASSET_LOCK,
    "distribution_labels": DISTRIBUTION_BASIS,
    "dissolution_labels": DISSOLUTION_CLAUSE,
    "verdict_tags": tags("verdict"),
    "outcome_tags": tags("outcome"),
    "facet_titles": FACET_TITLES,
    "audit_action_labels": AUDIT_ACTION,
}
