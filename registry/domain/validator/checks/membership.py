"""Checks on members and their votes: how many, who may join, one member one vote, investors and stakeholders."""

from __future__ import annotations

from registry.domain.structure import MemberClassFacts, StructureFacts
from registry.domain.validator import wording as w
from registry.domain.validator.checks.catalogue import (
    ParamKind,
    Result,
    check,
    combine,
    failed,
    not_applicable,
    passed,
    range_above,
    unknown,
)
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON, board_share, elected_by, filled_by, seat_count, vote_share_range
from registry.domain.vocabulary import MemberClassKind, VoteDecision, VotingRule


@check("minimum_members", min_members=ParamKind.INTEGER, min_society_members=ParamKind.INTEGER)
def minimum_members(facts: StructureFacts, params: Parameters) -> Result:
    """At least ``min_members``, or ``min_society_members`` that are all registered societies."""
    least, societies_least = params.integer("min_members"), params.integer("min_society_members")
    rule = f"at least {least} are needed, or {societies_least} that are all registered societies"
    total: int | None = facts.members_total
    words = f"It has {total} members"
    if total is None:
        classes = facts.member_classes
        counts = [c.count for c in classes or () if c.count is not None]
        if sum(counts) >= least:
            return passed(f"Its member classes have at least {sum(counts)} members between them; {least} are needed.")
        if classes is None or len(counts) != len(classes):
            return unknown(f"The number of members is not known; at least {least} are needed.")
        total, words = sum(counts), f"Its member classes have {sum(counts)} members between them"
    if total >= least:
        return passed(f"{words}; at least {least} are needed.")
    if total < societies_least:
        return failed(f"{words}; {rule}.")
    societies = facts.members_registered_societies
    if societies is None:
        return unknown(f"{words}; {rule}: whether they are all registered societies is not known.")
    if societies >= total:
        return passed(f"{words}, all of them registered societies; {rule}.")
    return failed(f"{words}, and {societies} of them are registered societies; {rule}.")


@check("one_member_one_vote", allow_class_weighting=ParamKind.FLAG, secondary_exempt=ParamKind.FLAG)
def one_member_one_vote(facts: StructureFacts, params: Parameters) -> Result:
    classes = facts.member_classes
    if classes is None:
        return unknown("How members vote is not known: describe the member classes and their voting rules.")
    if not classes:
        return unknown("No member classes are recorded, so how members vote is not known.")
    if params.flag("secondary_exempt") and all(c.kind is MemberClassKind.PARTNER_ORG for c in classes):
        return not_applicable(
            "All members are organisations (a secondary co-operative), which need not vote one member, one vote."
        )
    follow = [w.class_name(c, i) for i, c in enumerate(classes) if c.voting_rule is VotingRule.VOTES_FOLLOW_SHARES]
    if follow:
        return failed(
            f"Votes follow shareholdings for {w.listing(follow)}; members must have equal votes "
            "(one member, one vote), not votes in proportion to the capital they hold."
        )
    weighted = [
        w.class_name(c, i)
        for i, c in enumerate(classes)
        if c.voting_rule in (VotingRule.WEIGHTED_SHARE, VotingRule.CAPPED_SHARE)
    ]
    if weighted and not params.flag("allow_class_weighting"):
        return failed(
            f"{w.capitalised(w.listing(weighted))} {'has' if len(weighted) == 1 else 'have'} a fixed or capped "
            "share of the votes; every member should have an equal vote."
        )
    missing = [w.class_name(c, i) for i, c in enumerate(classes) if c.voting_rule is None]
    if missing:
        return unknown(f"The voting rule for {w.listing(missing)} is not known.")
    if weighted:
        return passed(
            f"Each member has one vote within their class; {w.listing(weighted)} "
            f"{'has' if len(weighted) == 1 else 'have'} a fixed or capped share of the votes, "
            "which is allowed for different classes of member in a multi-stakeholder co-operative."
        )
    return passed("Every member has one vote (one member, one vote).")


def _classes_of(
    facts: StructureFacts, kinds: frozenset[MemberClassKind], why: str
) -> tuple[list[tuple[int, MemberClassFacts]], Result | None]:
    """The member classes of ``kinds``, each with its position, and the check's result when that settles it:
    the classes or their kinds not known (``why`` they are needed), or no class of those kinds."""
    classes = facts.member_classes
    if classes is None:
        return [], unknown("The member classes are not described.")
    if any(c.kind is None for c in classes):
        return [], unknown(f"The kind of every member class is needed {why}.")
    found = [(i, c) for i, c in enumerate(classes) if c.kind in kinds]
    return found, None if found else passed(f"No member class is made up of {w.kinds(kinds)}.")


@check("no_capital_control", capital_kinds=ParamKind.KINDS)
def no_capital_control(facts: StructureFacts, params: Parameters) -> Result:
    investing, settled = _classes_of(facts, params.kinds("capital_kinds"), "to see whether any is defined by capital")
    if settled:
        return settled
    classes = facts.member_classes or ()
    results: list[Result] = []
    member_total = None
    if all(c.count is not None for c in classes):
        member_total = sum(c.count or 0 for c in classes)
    for index, member_class in investing:
        name = w.class_name(member_class, index)
        rule = member_class.voting_rule
        if rule is VotingRule.VOTES_FOLLOW_SHARES:
            results.append(failed(f"Votes follow shareholdings for {name}, which gives control for capital."))
        elif rule is None:
            results.append(unknown(f"The voting rule for {name} is not known."))
        elif rule is VotingRule.WEIGHTED_SHARE and member_class.vote_share_pct is not None:
            share = member_class.vote_share_pct
            if member_total is None or member_class.count is None:
                results.append(unknown(f"{name} has {w.pct(share)} of the votes; member counts are needed to compare."))
            elif member_total == 0:
                results.append(unknown(f"{name} has {w.pct(share)} of the votes but no members are recorded."))
            else:
                members = 100.0 * member_class.count / member_total
                if share > members + EPSILON:
                    results.append(
                        failed(
                            f"{name} has {w.pct(share)} of the votes but is {w.pct(members)} of the members: "
                            "more control than its numbers, on the basis of the capital it provides."
                        )
                    )
                else:
                    results.append(
                        passed(f"{name} has {w.pct(share)} of the votes and is {w.pct(members)} of members.")
                    )
        elif rule is VotingRule.WEIGHTED_SHARE:
            results.append(unknown(f"The share of votes fixed for {name} is not known."))
        else:
            results.append(passed(f"{w.capitalised(name)} gets no more votes than its members' numbers give it."))
    return combine(*results)


@check("open_membership", max_min_holding_gbp=ParamKind.NUMBER)
def open_membership(facts: StructureFacts, params: Parameters) -> Result:
    ceiling = params.number("max_min_holding_gbp")
    parts: list[Result] = []
    if facts.membership_open is None:
        parts.append(unknown("Whether membership is open to everyone who uses its services is not known."))
    elif facts.membership_open:
        parts.append(passed("Membership is open to everyone who uses its services."))
    else:
        parts.append(failed("Membership is not open to everyone who uses its services."))
    least = facts.profits.min_shareholding_gbp if facts.profits else None
    if least is not None:
        if least > ceiling + EPSILON:
            parts.append(
                failed(f"The smallest shareholding is {w.money(least)}, above {w.money(ceiling)}: it may bar people.")
            )
        else:
            parts.append(passed(f"The smallest shareholding is {w.money(least)}."))
    return combine(*parts)


@check("investor_vote_cap", investor_kinds=ParamKind.KINDS, max_vote_pct=ParamKind.NUMBER)
def investor_vote_cap(facts: StructureFacts, params: Parameters) -> Result:
    investors = params.kinds("investor_kinds")
    ceiling = params.number("max_vote_pct")
    who = w.capitalised(w.kinds(investors))
    classes = facts.member_classes
    if classes is None:
        return unknown(
            f"The member classes are not described, so the share of votes {w.kinds(investors)} hold is unknown."
        )
    bounds = vote_share_range(facts, investors)
    over = None if bounds is None else range_above(bounds, ceiling, strictly=True)
    if bounds is None or over is None:
        held = "" if bounds is None else f" (they hold {w.share_range(*bounds)})"
        return unknown(
            f"The share of votes {w.kinds(investors)} hold cannot be worked out{held}: enter each class's kind, "
            "voting rule, its fixed share or cap, and member counts."
        )
    if over:
        return failed(f"{who} hold {w.share_range(*bounds)} of votes; the rule allows at most {w.pct(ceiling)}.")
    if not any(c.kind in investors or c.kind is None for c in classes):
        return passed(f"No member class is made up of {w.kinds(investors)}.")
    return passed(f"{who} hold {w.share_range(*bounds)} of votes; the rule allows at most {w.pct(ceiling)}.")


@check(
    "investor_board_cap", investor_kinds=ParamKind.KINDS, max_seats=ParamKind.INTEGER, max_board_pct=ParamKind.NUMBER
)
def investor_board_cap(facts: StructureFacts, params: Parameters) -> Result:
    investors = params.kinds("investor_kinds")
    most, majority = params.integer("max_seats"), params.number("max_board_pct")
    who = w.kinds(investors)
    test = filled_by(investors)
    counted, share = seat_count(facts, test), board_share(facts, test)
    if counted is None or share is None:
        return unknown(f"The board is not described seat by seat, so how many seats {who} fill is unknown.")
    (low, high), (share_low, share_high) = counted, share
    if low > most or share_low > majority + EPSILON:
        return failed(
            f"{w.capitalised(who)} elect or appoint {low} of the board seats ({w.pct(share_low)}); the rule allows "
            f"at most {most} and never more than {w.pct(majority)}."
        )
    if high <= most and share_high <= majority + EPSILON:
        return passed(f"{w.capitalised(who)} elect or appoint {high} board seats; the rule allows at most {most}.")
    return unknown(f"It is not known who fills some board seats, so how many {who} fill is unknown.")


@check("investor_no_conversion_vote", investor_kinds=ParamKind.KINDS)
def investor_no_conversion_vote(facts: StructureFacts, params: Parameters) -> Result:
    investors = params.kinds("investor_kinds")
    investing, settled = _classes_of(facts, investors, "to find any investor class")
    if settled:
        return settled
    voting = [
        w.class_name(c, i) for i, c in investing if c.votes_on is not None and VoteDecision.CONVERSION in c.votes_on
    ]
    if voting:
        return failed(f"{w.capitalised(w.listing(voting))} can vote on conversion or dissolution; investors must not.")
    silent = [w.class_name(c, i) for i, c in investing if c.votes_on is None]
    if silent:
        return unknown(f"Whether {w.listing(silent)} can vote on conversion or dissolution is not recorded.")
    return passed(f"{w.capitalised(w.kinds(investors))} cannot vote on conversion or dissolution.")


@check(
    "stakeholder_control",
    stakeholder_kinds=ParamKind.KINDS,
    min_vote_pct=ParamKind.NUMBER,
    min_board_pct=ParamKind.NUMBER,
)
def stakeholder_control(facts: StructureFacts, params: Parameters) -> Result:
    stakeholders = params.kinds("stakeholder_kinds")
    vote_floor, board_floor = params.number("min_vote_pct"), params.number("min_board_pct")
    who = w.capitalised(w.kinds(stakeholders))
    parts: list[Result] = []
    bounds = vote_share_range(facts, stakeholders)
    over = None if bounds is None else range_above(bounds, vote_floor, strictly=True)
    if bounds is None:
        parts.append(
            unknown(f"The share of votes {w.kinds(stakeholders)} hold cannot be worked out from what is known.")
        )
    elif over:
        parts.append(passed(f"{who} hold {w.share_range(*bounds)} of votes (more than {w.pct(vote_floor)} is needed)."))
    elif over is False:
        parts.append(failed(f"{who} hold {w.share_range(*bounds)} of votes; more than {w.pct(vote_floor)} is needed."))
    else:
        parts.append(
            unknown(
                f"{who} hold {w.share_range(*bounds)} of votes; whether that is more than {w.pct(vote_floor)} "
                "is not known."
            )
        )
    seats = board_share(facts, elected_by(stakeholders))
    if seats is None:
        parts.append(unknown("How the board is filled is not known, seat by seat."))
    elif seats[0] > board_floor + EPSILON:
        parts.append(passed(f"They elect {w.pct(seats[0])} of the board (more than {w.pct(board_floor)} is needed)."))
    elif seats[1] <= board_floor + EPSILON:
        parts.append(
            failed(
                f"They elect {w.pct(seats[1])} of the board; more than {w.pct(board_floor)} must be elected by them."
            )
        )
    else:
        parts.append(
            unknown(
                f"It is not known who fills some board seats, so whether {w.kinds(stakeholders)} "
                "elect a majority is unknown."
            )
        )
    return combine(*parts)
