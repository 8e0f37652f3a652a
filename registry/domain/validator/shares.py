"""Who holds the votes and who fills the board, worked out only from known facts.

Votes: a class with a ``weighted_share`` holds that fixed share of the votes. A ``capped_share`` class is
counted at its cap: the cap is what the rules guarantee, so a rule about investor control sees the most the
class could hold, and the other classes the least they could. What remains is shared among the
one-member-one-vote classes in proportion to their member counts; a lone class takes all of it, whatever
its count. A class whose votes follow shareholdings, or whose rule is unknown, can only take the remainder
when it is the only such class. Anything that cannot be worked out gives ``None``, never an estimate.

Board seats: ``board_share`` gives the lowest and highest share of seats that can be of a kind, so a seat
filled in an unknown way widens the range instead of being guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.domain.structure import BoardSeatFacts, MemberClassFacts, StructureFacts
from registry.domain.vocabulary import BoardSeatSource, MemberClassKind, VoteDecision, VotingRule

EPSILON = 1e-9

_FIXED = (VotingRule.WEIGHTED_SHARE, VotingRule.CAPPED_SHARE)


def _votes_on(member_class: MemberClassFacts, decision: VoteDecision) -> bool:
    # A class votes on ordinary resolutions unless its rules say otherwise: that is what having a voting
    # rule means. For other decisions an unrestricted class is taken to vote too; rules that care whether
    # a class votes on a particular decision (conversion, say) read ``votes_on`` themselves.
    return member_class.votes_on is None or decision in member_class.votes_on


def _split(
    classes: tuple[MemberClassFacts, ...], decision: VoteDecision
) -> tuple[dict[int, float], float, list[int]] | None:
    """Fixed shares by class index, the share left over, and the classes that share what is left over."""
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
    return fixed, max(remainder, 0.0), variable


def vote_shares(facts: StructureFacts, decision: VoteDecision = VoteDecision.ORDINARY) -> dict[int, float] | None:
    """Each member class's percentage of the votes on ``decision``, by index, or ``None`` if unknowable."""
    classes = facts.member_classes
    if not classes:
        return None
    split = _split(classes, decision)
    if split is None:
        return None
    fixed, remainder, variable = split
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


def vote_share_of(
    facts: StructureFacts,
    kinds: frozenset[MemberClassKind],
    decision: VoteDecision = VoteDecision.ORDINARY,
) -> float | None:
    """The percentage of the votes held by all classes of the given kinds together, or ``None``.

    Works where ``vote_shares`` cannot: when every class that shares the remainder is on the same side
    (all three classes of a co-operative are user classes, say), their member counts do not matter.
    """
    classes = facts.member_classes
    if classes is None:
        return None
    inside = outside = unsure = False
    for member_class in classes:
        if member_class.votes_on is not None and decision not in member_class.votes_on:
            continue
        kind = member_class.kind
        if kind is None:
            unsure = True
        elif kind in kinds:
            inside = True
        else:
            outside = True
    if not unsure and not (inside and outside):
        return 100.0 if inside else 0.0
    split = _split(classes, decision)
    if split is not None:
        fixed, remainder, variable = split
        if all(classes[i].kind is not None for i in fixed if fixed[i] > EPSILON):
            in_group = sum(share for i, share in fixed.items() if classes[i].kind in kinds)
            if not variable:
                return in_group if remainder <= EPSILON else None
            sides = {classes[i].kind is not None and classes[i].kind in kinds for i in variable}
            unknown_kind = any(classes[i].kind is None for i in variable)
            if not unknown_kind and sides == {True}:
                return in_group + remainder
            if not unknown_kind and sides == {False}:
                return in_group
    shares = vote_shares(facts, decision)
    if shares is None:
        return None
    total = 0.0
    for index, share in shares.items():
        kind = classes[index].kind
        if share > EPSILON:
            if kind is None:
                return None
            if kind in kinds:
                total += share
    return total


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


def elected_by(kinds: frozenset[MemberClassKind]) -> SeatTest:
    """A seat test: is the seat elected by a member class of one of ``kinds``?"""

    def test(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
        if seat.source is None:
            return None
        if seat.source is not BoardSeatSource.ELECTED_BY_CLASS:
            return False
        kind = class_kind(facts, seat.member_class)
        return None if kind is None else kind in kinds

    return test


def filled_by(kinds: frozenset[MemberClassKind]) -> SeatTest:
    """A seat test: is the seat elected by, or appointed by a body of, one of ``kinds``?"""

    def test(facts: StructureFacts, seat: BoardSeatFacts) -> bool | None:
        if seat.source is None:
            return None
        if seat.source is BoardSeatSource.ELECTED_BY_CLASS:
            kind = class_kind(facts, seat.member_class)
            return None if kind is None else kind in kinds
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
        kind = class_kind(facts, seat.member_class)
        return None if kind is None else kind is MemberClassKind.LOCAL_AUTHORITY
    return False


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
