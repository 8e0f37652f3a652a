"""Who holds the votes and who fills the board, worked out only from known facts.

Votes: a class with a ``weighted_share`` holds that fixed share of the votes. A ``capped_share`` class is
counted at its cap: the cap is what the rules guarantee, so a rule about investor control sees the most the
class could hold, and the other classes the least they could. What remains is shared among the
one-member-one-vote classes in proportion to their member counts; a lone class takes all of it, whatever
its count. A class whose votes follow shareholdings, or whose rule is unknown, can only take the remainder
when it is the only such class. Fixed shares that leave votes over with no class to take them mean classes
are missing from the description: those votes belong to nobody known. Anything that cannot be worked out
gives ``None``, never an estimate.

``vote_share_range`` bounds a group's share where the exact figure is unknown (a class of unknown kind, or
member counts missing), as ``board_share`` does for seats: staff at a fixed 60% beside a class of unknown
kind hold at least 60%.

Board seats: ``board_share`` gives the lowest and highest share of seats that can be of a kind, so a seat
filled in an unknown way widens the range instead of being guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.domain.structure import BoardSeatFacts, MemberClassFacts, StructureFacts
from registry.domain.validator.tracing import untraced
from registry.domain.vocabulary import BoardSeatSource, MemberClassKind, VoteDecision, VotingRule

EPSILON = 1e-9

_FIXED = (VotingRule.WEIGHTED_SHARE, VotingRule.CAPPED_SHARE)


def _votes_on(member_class: MemberClassFacts, decision: VoteDecision) -> bool:
    # A class votes on ordinary resolutions unless its rules say otherwise: that is what having a voting
    # rule means. For other decisions an unrestricted class is taken to vote too; rules that care whether
    # a class votes on a particular decision (conversion, say) read ``votes_on`` themselves. Left out, it
    # means no restriction, so counting votes never asks for it (``untraced``).
    votes_on = untraced(member_class).votes_on
    return votes_on is None or decision in votes_on


def _split(
    facts: StructureFacts, decision: VoteDecision
) -> tuple[tuple[MemberClassFacts, ...], dict[int, float], float, list[int]] | None:
    """The member classes, their fixed shares by index, the share left over, and the classes that share what
    is left over; ``None`` when there are no classes or the fixed shares are not all known."""
    classes = facts.member_classes
    if not classes:
        return None
    fixed: dict[int, float] = {}
    variable: list[int] = []
    for index, member_class in enumerate(classes):
        if not _votes_on(member_class, decision):
            fixed[index] = 0.0
        elif member_class.voting_rule in _FIXED:
            if member_class.vote_share_pct is None:
                return None
            fixed[index] = member_class.vote_share_pct
        else:
            variable.append(index)
    remainder = 100.0 - sum(fixed.values())
    if remainder < -EPSILON:
        return None
    return classes, fixed, max(remainder, 0.0), variable


def vote_shares(facts: StructureFacts, decision: VoteDecision = VoteDecision.ORDINARY) -> dict[int, float] | None:
    """Each member class's percentage of the votes on ``decision``, by index, or ``None`` if unknowable."""
    split = _split(facts, decision)
    if split is None:
        return None
    classes, fixed, remainder, variable = split
    shares = dict(fixed)
    if not variable:
        return shares if remainder <= EPSILON else None
    if len(variable) == 1:
        shares[variable[0]] = remainder
        return shares
    if remainder <= EPSILON:
        shares.update(dict.fromkeys(variable, 0.0))
        return shares
    counts: list[int] = []
    for index in variable:
        member_class = classes[index]
        if member_class.voting_rule is not VotingRule.ONE_MEMBER_ONE_VOTE or member_class.count is None:
            return None
        counts.append(max(member_class.count, 0))
    total = sum(counts)
    if total == 0:
        return None
    for index, count in zip(variable, counts, strict=True):
        shares[index] = remainder * count / total
    return shares


def vote_share_range(
    facts: StructureFacts,
    kinds: frozenset[MemberClassKind],
    decision: VoteDecision = VoteDecision.ORDINARY,
) -> tuple[float, float] | None:
    """The lowest and highest percentage of the votes that classes of the given kinds can hold together.

    ``None`` when the member classes are not described, or a fixed share is missing or the fixed shares add
    up to more than every vote. Votes held by a class of unknown kind, shared among classes whose member
    counts are unknown, or left over by fixed shares with no class to take them, widen the range.
    """
    split = _split(facts, decision)
    if split is None:
        return None
    classes, fixed, remainder, variable = split
    low = high = 0.0
    for index, share in fixed.items():
        kind = classes[index].kind
        if kind is None:
            high += share
        elif kind in kinds:
            low += share
            high += share
    if not variable:
        # Votes nobody described: classes are missing, of kinds unknown.
        return low, high + remainder
    sides = {None if classes[i].kind is None else classes[i].kind in kinds for i in variable}
    if sides == {True}:
        return low + remainder, high + remainder
    if sides == {False}:
        return low, high
    shares = vote_shares(facts, decision)
    if shares is None:
        # Member counts (or voting rules) are missing: the classes sharing the remainder may hold any of it.
        return low, high + remainder
    for index in variable:
        kind = classes[index].kind
        if kind is None:
            high += shares[index]
        elif kind in kinds:
            low += shares[index]
            high += shares[index]
    return low, high


def vote_share_of(
    facts: StructureFacts,
    kinds: frozenset[MemberClassKind],
    decision: VoteDecision = VoteDecision.ORDINARY,
) -> float | None:
    """The percentage of the votes held by all classes of the given kinds together, or ``None`` unless exact.

    Works where ``vote_shares`` cannot: when every class that shares the remainder is on the same side
    (all three classes of a co-operative are user classes, say), their member counts do not matter.
    """
    bounds = vote_share_range(facts, kinds, decision)
    if bounds is None or bounds[1] - bounds[0] > EPSILON:
        return None
    return bounds[0]


def class_kind(facts: StructureFacts, index: int | None) -> MemberClassKind | None:
    """The kind of the member class at ``index``, or ``None`` when it is not known."""
    classes = facts.member_classes
    if index is None or classes is None or not 0 <= index < len(classes):
        return None
    return classes[index].kind


SeatTest = Callable[[StructureFacts, BoardSeatFacts], bool | None]


def board_share(
    facts: StructureFacts, test: SeatTest, seats: tuple[BoardSeatFacts, ...] | None = None
) -> tuple[float, float] | None:
    """The lowest and highest percentage of board seats that pass ``test`` (which may answer ``None``).

    ``seats`` narrows the board to some of its rows. ``None`` when the board, or the number of seats in any
    row, is unknown, or there are no seats.
    """
    if seats is None:
        seats = facts.board_seats
    if not seats:
        return None
    total = yes = unsure = 0
    for seat in seats:
        if seat.seats is None:
            return None
        number = max(seat.seats, 0)
        total += number
        answer = test(facts, seat)
        if answer is None:
            unsure += number
        elif answer:
            yes += number
    if total == 0:
        return None
    return 100.0 * yes / total, 100.0 * (yes + unsure) / total


def _elected_for(facts: StructureFacts, seat: BoardSeatFacts, kinds: frozenset[MemberClassKind]) -> bool | None:
    """Whether members of ``kinds`` decide an elected seat: its class's kind, or, for a seat the whole
    membership elects, whether they hold more than half the votes in board elections."""
    if seat.whole_membership:
        bounds = vote_share_range(facts, kinds, VoteDecision.BOARD_ELECTION)
        if bounds is None:
            return None
        if bounds[0] > 50.0 + EPSILON:
            return True
        return False if bounds[1] <= 50.0 + EPSILON else None
    kind = class_kind(facts, seat.member_class)
    return None if kind is None else kind in kinds


def elected_by(kinds: frozenset[MemberClassKind]) -> SeatTest:
    """A seat test: is the seat elected by a member class of one of ``kinds`` (or by a whole membership in
    which they hold a majority of the votes)?"""

    def test(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
        if seat.source is None:
            return None
        if seat.source is not BoardSeatSource.ELECTED_BY_CLASS:
            return False
        return _elected_for(facts, seat, kinds)

    return test


def filled_by(kinds: frozenset[MemberClassKind]) -> SeatTest:
    """A seat test: is the seat elected by, or appointed by a body of, one of ``kinds``?"""

    def test(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
        if seat.source is None:
            return None
        if seat.source is BoardSeatSource.ELECTED_BY_CLASS:
            return _elected_for(facts, seat, kinds)
        if seat.source is BoardSeatSource.APPOINTED:
            return None if seat.appointer_kind is None else seat.appointer_kind in kinds
        return False

    return test


def public_appointee(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
    """A seat test: is the seat appointed by (or elected by the members of) a public body?"""
    if seat.source is None:
        return None
    if seat.source is BoardSeatSource.APPOINTED:
        if seat.appointer_is_public_body is not None:
            return seat.appointer_is_public_body
        if seat.appointer_kind is MemberClassKind.LOCAL_AUTHORITY:
            return True
        return None
    if seat.source is BoardSeatSource.ELECTED_BY_CLASS:
        return _elected_for(facts, seat, _PUBLIC_KINDS)
    return False


_PUBLIC_KINDS = frozenset({MemberClassKind.LOCAL_AUTHORITY})


def independent_non_executive(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
    """A seat test for the foundation trust board balance: an independent non-executive."""
    if seat.source is None:
        return None
    return seat.source is BoardSeatSource.INDEPENDENT


def seat_count(facts: StructureFacts, test: SeatTest) -> tuple[int, int] | None:
    """The lowest and highest number of seats that pass ``test``; ``None`` if a row's count is unknown."""
    seats = facts.board_seats
    if seats is None:
        return None
    yes = unsure = 0
    for seat in seats:
        if seat.seats is None:
            return None
        answer = test(facts, seat)
        if answer is None:
            unsure += max(seat.seats, 0)
        elif answer:
            yes += max(seat.seats, 0)
    return yes, yes + unsure
