"""Properties of the validator over arbitrary structures, including inconsistent and nonsensical ones."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from registry.domain.structure import (
    BoardSeatFacts,
    EmployeeOwnershipFacts,
    FoundationTrustFacts,
    MemberClassFacts,
    ProfitRules,
    SignificantControl,
    StructureFacts,
)
from registry.domain.validator import (
    Assessment,
    Severity,
    assess,
    assess_all,
    load_rulesets,
    vote_share_of,
    vote_shares,
)
from registry.domain.vocabulary import (
    AssetLock,
    BoardSeatSource,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Origin,
    Outcome,
    SpinOutProgramme,
    Verdict,
    VoteDecision,
    VotingRule,
)

RULESETS = load_rulesets()
PREFERRED_PROVIDER = next(r for r in RULESETS if r.id == "preferred-provider")
RANK = {Verdict.DOES_NOT_MEET: 0, Verdict.NEEDS_INFORMATION: 1, Verdict.MEETS: 2}

NATURES = [
    "ownership-of-shares-25-to-50-percent",
    "ownership-of-shares-75-to-100-percent-as-firm",
    "voting-rights-50-to-75-percent",
    "voting-rights-more-than-25-percent-registered-overseas-entity",
    "right-to-appoint-and-remove-directors",
    "significant-influence-or-control",
]


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), strategy)


# Mostly sensible numbers, sometimes anything at all: the validator must not fall over on facts built in code.
pcts = st.one_of(
    st.sampled_from([0.0, 5.0, 10.0, 25.0, 35.0, 49.0, 50.0, 51.0, 60.0, 100.0]),
    st.floats(min_value=0, max_value=100),
    st.floats(allow_nan=True, allow_infinity=True),
)
counts = st.one_of(st.integers(min_value=0, max_value=200), st.integers(min_value=-5, max_value=10**6))
money = st.one_of(st.floats(min_value=0, max_value=1e7), st.floats(allow_nan=True, allow_infinity=True))
texts = st.text(max_size=30)
flags = maybe(st.booleans())

member_classes = st.builds(
    MemberClassFacts,
    name=maybe(texts),
    kind=maybe(st.sampled_from(MemberClassKind)),
    count=maybe(counts),
    voting_rule=maybe(st.sampled_from(VotingRule)),
    vote_share_pct=maybe(pcts),
    votes_on=maybe(st.frozensets(st.sampled_from(VoteDecision))),
)
board_seats = st.builds(
    BoardSeatFacts,
    source=maybe(st.sampled_from(BoardSeatSource)),
    seats=maybe(st.integers(min_value=-2, max_value=12)),
    member_class=maybe(st.integers(min_value=-1, max_value=5)),
    appointer=maybe(texts),
    appointer_is_public_body=flags,
    appointer_kind=maybe(st.sampled_from(MemberClassKind)),
    is_chair=flags,
    is_non_executive=flags,
)
profit_rules = st.builds(
    ProfitRules,
    asset_lock=maybe(st.sampled_from(AssetLock)),
    distribution_basis=maybe(st.sampled_from(DistributionBasis)),
    distribution_cap_pct=maybe(pcts),
    distributions_only_to_members=flags,
    pays_share_interest=flags,
    share_interest_cap_pct=maybe(pcts),
    min_shareholding_gbp=maybe(money),
    max_shareholding_gbp=maybe(money),
    distributable_profits_gbp=maybe(money),
    dividends_declared_gbp=maybe(money),
    dividends_exempt_gbp=maybe(money),
)
controllers = st.builds(
    SignificantControl,
    name=maybe(texts),
    natures_of_control=maybe(st.lists(st.one_of(st.sampled_from(NATURES), texts), max_size=3).map(tuple)),
    is_for_profit=flags,
    is_public_body=flags,
    is_employee_trust=flags,
    is_asset_locked=flags,
)
foundation_trusts = st.builds(
    FoundationTrustFacts,
    governors_total=maybe(counts),
    public_governors_elected=maybe(counts),
    patient_governors_elected=maybe(counts),
    staff_governors_elected=maybe(counts),
    staff_class_governors=maybe(st.lists(counts, max_size=3).map(tuple)),
    local_authority_governors=maybe(counts),
    has_medical_or_dental_school=flags,
    university_governors=maybe(counts),
    longest_ned_tenure_years=maybe(pcts),
    nhs_income_pct=maybe(pcts),
)
employee_trusts = st.builds(
    EmployeeOwnershipFacts,
    trustee_shares_pct=maybe(pcts),
    trustee_votes_pct=maybe(pcts),
    trustee_profits_pct=maybe(pcts),
    trustee_assets_pct=maybe(pcts),
    defeating_provisions=flags,
    is_trading_company=flags,
    all_employees_same_terms=flags,
    participators=maybe(counts),
    employees=maybe(counts),
    trustees_total=maybe(counts),
    trustees_connected_to_former_owners=maybe(counts),
    trustees_uk_resident=flags,
    disposal_date=maybe(st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))),
)

structures = st.builds(
    StructureFacts,
    name=maybe(texts),
    legal_form=maybe(st.sampled_from(LegalForm)),
    origin=maybe(st.sampled_from(Origin)),
    spin_out_programme=maybe(st.sampled_from(SpinOutProgramme)),
    spin_out_date=maybe(st.dates()),
    parent_body=maybe(texts),
    is_public_body=flags,
    registered_charity=flags,
    delivers_public_services=flags,
    member_benefit_only=flags,
    membership_open=flags,
    all_employees_eligible=flags,
    members_total=maybe(counts),
    trading_income_pct=maybe(pcts),
    member_classes=maybe(st.lists(member_classes, max_size=5).map(tuple)),
    board_seats=maybe(st.lists(board_seats, max_size=5).map(tuple)),
    profits=maybe(profit_rules),
    significant_control=maybe(st.lists(controllers, max_size=3).map(tuple)),
    foundation_trust=maybe(foundation_trusts),
    employee_ownership=maybe(employee_trusts),
    declarations=maybe(st.frozensets(st.sampled_from(["ICA-P5-P7", "CIC-CIT", "SEMARK-A-OBJECTS"]))),
)


def expected_verdict(assessment: Assessment) -> Verdict:
    blocking = [f.outcome for f in assessment.findings if f.severity in (Severity.FAIL, Severity.FAIL_POLICY)]
    if Outcome.FAIL in blocking:
        return Verdict.DOES_NOT_MEET
    if Outcome.NEEDS_INFORMATION in blocking:
        return Verdict.NEEDS_INFORMATION
    return Verdict.MEETS


@settings(max_examples=250, deadline=None)
@given(structures)
def test_any_structure_is_assessed_without_error_and_every_finding_is_sourced(facts: StructureFacts) -> None:
    for assessment in assess_all(facts, RULESETS):
        assert assessment.reason
        json.dumps(assessment.to_dict())
        if assessment.verdict is Verdict.NOT_APPLICABLE:
            assert assessment.findings == ()
            continue
        assert assessment.verdict is expected_verdict(assessment)
        for finding in assessment.findings:
            assert finding.source.title.strip()
            assert finding.reason.strip()
            assert finding.outcome is not Outcome.FAIL or finding.severity is not Severity.WARN


def with_more_investor_votes(facts: StructureFacts, extra: float) -> StructureFacts | None:
    """The structure with its investor classes given a larger share of the votes, or None if it has none."""
    classes = facts.member_classes
    if not classes or not any(c.kind is MemberClassKind.INVESTOR for c in classes):
        return None
    changed: list[MemberClassFacts] = []
    for member_class in classes:
        if member_class.kind is MemberClassKind.INVESTOR:
            if member_class.vote_share_pct is not None and member_class.voting_rule in (
                VotingRule.WEIGHTED_SHARE,
                VotingRule.CAPPED_SHARE,
            ):
                member_class = dataclasses.replace(member_class, vote_share_pct=member_class.vote_share_pct + extra)
            elif member_class.count is not None:
                member_class = dataclasses.replace(member_class, count=member_class.count + int(extra))
        changed.append(member_class)
    return dataclasses.replace(facts, member_classes=tuple(changed))


FAILING_WITH_INVESTORS = StructureFacts(
    legal_form=LegalForm.CIC_CLS,
    member_classes=(
        MemberClassFacts(kind=MemberClassKind.STAFF, voting_rule=VotingRule.ONE_MEMBER_ONE_VOTE),
        MemberClassFacts(kind=MemberClassKind.INVESTOR, voting_rule=VotingRule.WEIGHTED_SHARE, vote_share_pct=40.0),
    ),
)


@settings(max_examples=250, deadline=None)
@given(structures, st.floats(min_value=0.5, max_value=60))
@example(FAILING_WITH_INVESTORS, 10.0)
def test_giving_investors_more_votes_never_turns_a_failing_preferred_provider_verdict_into_a_pass(
    facts: StructureFacts, extra: float
) -> None:
    more = with_more_investor_votes(facts, extra)
    if more is None:
        return
    before = assess(facts, PREFERRED_PROVIDER).verdict
    after = assess(more, PREFERRED_PROVIDER).verdict

    if before is Verdict.DOES_NOT_MEET:
        assert after is not Verdict.MEETS


@settings(max_examples=250, deadline=None)
@given(structures)
@example(StructureFacts(legal_form=LegalForm.CIC_CLG, profits=ProfitRules(asset_lock=AssetLock.CIC_STATUTORY)))
@example(StructureFacts(legal_form=LegalForm.CIC_CLG))
def test_removing_an_asset_lock_never_improves_any_verdict(facts: StructureFacts) -> None:
    profits = facts.profits or ProfitRules()
    unlocked = dataclasses.replace(facts, profits=dataclasses.replace(profits, asset_lock=AssetLock.NONE))

    for before, after in zip(assess_all(facts, RULESETS), assess_all(unlocked, RULESETS), strict=True):
        if before.verdict is Verdict.NOT_APPLICABLE:
            assert after.verdict is Verdict.NOT_APPLICABLE
            continue
        assert RANK[after.verdict] <= RANK[before.verdict], (before.ruleset_id, before.reason, after.reason)


sensible_classes = st.lists(
    st.builds(
        MemberClassFacts,
        kind=maybe(st.sampled_from(MemberClassKind)),
        count=maybe(st.integers(min_value=0, max_value=500)),
        voting_rule=maybe(st.sampled_from(VotingRule)),
        vote_share_pct=maybe(st.floats(min_value=0, max_value=100)),
        votes_on=maybe(st.frozensets(st.sampled_from(VoteDecision))),
    ),
    min_size=1,
    max_size=5,
).map(tuple)


@settings(max_examples=250, deadline=None)
@given(sensible_classes, st.sampled_from(VoteDecision), st.frozensets(st.sampled_from(MemberClassKind)))
def test_vote_shares_when_known_share_out_every_vote_and_agree_with_the_group_share(
    classes: tuple[MemberClassFacts, ...], decision: VoteDecision, kinds: frozenset[MemberClassKind]
) -> None:
    facts = StructureFacts(member_classes=classes)

    shares = vote_shares(facts, decision)
    group = vote_share_of(facts, kinds, decision)

    if shares is not None:
        assert set(shares) <= set(range(len(classes)))
        assert all(share >= 0 for share in shares.values())
        assert abs(sum(shares.values()) - 100.0) < 1e-6
        if group is not None and all(classes[i].kind is not None for i, s in shares.items() if s > 0):
            in_group = sum(s for i, s in shares.items() if classes[i].kind in kinds)
            assert abs(group - in_group) < 1e-6
    if group is not None:
        assert -1e-6 <= group <= 100.0 + 1e-6
