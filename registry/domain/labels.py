"""Plain-English labels for the closed vocabularies that are not reference tables."""

from __future__ import annotations

ORIGIN = {
    "independent": "Started independently",
    "nhs_spin_out": "Spun out of the NHS",
    "local_authority_spin_out": "Spun out of a local authority",
    "central_government_spin_out": "Spun out of central government",
    "conversion": "Converted from another kind of organisation",
}

SPIN_OUT_PROGRAMME = {
    "right_to_request": "Right to Request",
    "right_to_provide": "Right to Provide",
    "mutuals_support_programme": "Mutuals Support Programme",
    "other": "Another programme",
}

VOTING_RULE = {
    "one_member_one_vote": "One member, one vote",
    "weighted_share": "A fixed share of the votes",
    "capped_share": "Votes capped at a share of the total",
    "votes_follow_shares": "Votes follow shareholdings",
}

VOTE_DECISION = {
    "ordinary": "ordinary resolutions",
    "special": "special resolutions",
    "board_election": "board elections",
    "conversion": "conversion or dissolution",
}

BOARD_SEAT_SOURCE = {
    "elected_by_class": "elected",
    "appointed": "appointed",
    "executive": "executive",
    "independent": "independent",
    "co_opted": "co-opted",
}

ASSET_LOCK = {
    "cic_statutory": "Statutory asset lock (community interest company)",
    "cbs_statutory": "Statutory asset lock (community benefit society)",
    "charitable": "Charitable: assets held for charitable purposes",
    "constitutional": "Asset lock in the organisation's own rules",
    "none": "No asset lock",
}

DISSOLUTION_CLAUSE = {
    "to_asset_locked_body": "To another asset-locked body, like a charity or a community interest company",
    "common_ownership": "To another body in common ownership",
    "to_members": "Shared out among the members",
    "none": "The rules do not say",
}

DISTRIBUTION_BASIS = {
    "none": "No profits are distributed to members or investors",
    "patronage": "In proportion to members' trade with the organisation",
    "capital": "In proportion to capital invested",
    "mixed": "Partly by trade, partly by capital",
}

LABELS = {
    "origin_labels": ORIGIN,
    "programme_labels": SPIN_OUT_PROGRAMME,
    "voting_labels": VOTING_RULE,
    "decision_labels": VOTE_DECISION,
    "seat_labels": BOARD_SEAT_SOURCE,
    "asset_lock_labels": ASSET_LOCK,
    "distribution_labels": DISTRIBUTION_BASIS,
    "dissolution_labels": DISSOLUTION_CLAUSE,
}
