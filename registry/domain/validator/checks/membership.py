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
from registry.domain.validator.wording import _
from registry.domain.vocabulary import MemberClassKind, VoteDecision, VotingRule


@check("minimum_members", min_members=ParamKind.INTEGER, min_society_members=ParamKind.INTEGER)
def minimum_members(facts: StructureFacts, params: Parameters) -> Result:
    """At least ``min_members``, or ``min_society_members`` that are all registered societies."""
    least, societies_least = params.integer("min_members"), params.integer("min_society_members")
    rule = _(
        "at least %(least)s are needed, or %(societies)s that are all registered societies",
        least=least,
        societies=societies_least,
    )
    total: int | None = facts.members_total
    counted = False
    if total is None:
        classes = facts.member_classes
        counts = [c.count for c in classes or () if c.count is not None]
        if sum(counts) >= least:
            return passed(
                _(
                    "Its member classes have at least %(total)s members between them; %(least)s are needed.",
                    total=sum(counts),
                    least=least,
                )
            )
        if classes is None or len(counts) != len(classes):
            return unknown(_("The number of members is not known; at least %(least)s are needed.", least=least))
        total, counted = sum(counts), True
    if counted:
        words = _("Its member classes have %(total)s members between them", total=total)
    else:
        words = _("It has %(total)s members", total=total)
    if total >= least:
        return passed(_("%(members)s; at least %(least)s are needed.", members=words, least=least))
    if total < societies_least:
        return failed(_("%(members)s; %(rule)s.", members=words, rule=rule))
    societies = facts.members_registered_societies
    if societies is None:
        return unknown(
            _(
                "%(members)s; %(rule)s: whether they are all registered societies is not known.",
                members=words,
                rule=rule,
            )
        )
    if societies >= total:
        return passed(_("%(members)s, all of them registered societies; %(rule)s.", members=words, rule=rule))
    return failed(
        _(
            "%(members)s, and %(societies)s of them are registered societies; %(rule)s.",
            members=words,
            societies=societies,
            rule=rule,
        )
    )


@check("one_member_one_vote", allow_class_weighting=ParamKind.FLAG, secondary_exempt=ParamKind.FLAG)
def one_member_one_vote(facts: StructureFacts, params: Parameters) -> Result:
    classes = facts.member_classes
    if classes is None:
        return unknown(_("How members vote is not known: describe the member classes and their voting rules."))
    if not classes:
        return unknown(_("No member classes are recorded, so how members vote is not known."))
    if params.flag("secondary_exempt") and all(c.kind is MemberClassKind.PARTNER_ORG for c in classes):
        return not_applicable(
            _("All members are organisations (a secondary co-operative), which need not vote one member, one vote.")
        )
    follow = [w.class_name(c, i) for i, c in enumerate(classes) if c.voting_rule is VotingRule.VOTES_FOLLOW_SHARES]
    if follow:
        return failed(
            _(
                "Votes follow shareholdings for %(classes)s; members must have equal votes "
                "(one member, one vote), not votes in proportion to the capital they hold.",
                classes=w.listing(follow),
            )
        )
    weighted = [
        w.class_name(c, i)
        for i, c in enumerate(classes)
        if c.voting_rule in (VotingRule.WEIGHTED_SHARE, VotingRule.CAPPED_SHARE)
    ]
    if weighted and not params.flag("allow_class_weighting"):
        if len(weighted) == 1:
            reason = _(
                "%(classes)s has a fixed or capped share of the votes; every member should have an equal vote.",
                classes=w.capitalised(weighted[0]),
            )
        else:
            reason = _(
                "%(classes)s have a fixed or capped share of the votes; every member should have an equal vote.",
                classes=w.capitalised(w.listing(weighted)),
            )
        return failed(reason)
    missing = [w.class_name(c, i) for i, c in enumerate(classes) if c.voting_rule is None]
    if missing:
        return unknown(_("The voting rule for %(classes)s is not known.", classes=w.listing(missing)))
    if weighted and len(weighted) == 1:
        return passed(
            _(
                "Each member has one vote within their class; %(classes)s has a fixed or capped share of the "
                "votes, which is allowed for different classes of member in a multi-stakeholder co-operative.",
                classes=weighted[0],
            )
        )
    if weighted:
        return passed(
            _(
                "Each member has one vote within their class; %(classes)s have a fixed or capped share of the "
                "votes, which is allowed for different classes of member in a multi-stakeholder co-operative.",
                classes=w.listing(weighted),
            )
        )
    return passed(_("Every member has one vote (one member, one vote)."))


def _classes_of(
    facts: StructureFacts, kinds: frozenset[MemberClassKind], why: str
) -> tuple[list[tuple[int, MemberClassFacts]], Result | None]:
    """The member classes of ``kinds``, each with its position, and the check's result when that settles it:
    the classes or their kinds not known (``why``: the sentence saying why they are needed), or no class of
    those kinds."""
    classes = facts.member_classes
    if classes is None:
        return [], unknown(_("The member classes are not described."))
    if any(c.kind is None for c in classes):
        return [], unknown(why)
    found = [(i, c) for i, c in enumerate(classes) if c.kind in kinds]
    return found, None if found else passed(_("No member class is made up of %(kinds)s.", kinds=w.kinds(kinds)))


@check("no_capital_control", capital_kinds=ParamKind.KINDS)
def no_capital_control(facts: StructureFacts, params: Parameters) -> Result:
    investing, settled = _classes_of(
        facts,
        params.kinds("capital_kinds"),
        _("The kind of every member class is needed to see whether any is defined by capital."),
    )
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
            results.append(
                failed(_("Votes follow shareholdings for %(name)s, which gives control for capital.", name=name))
            )
        elif rule is None:
            results.append(unknown(_("The voting rule for %(classes)s is not known.", classes=name)))
        elif rule is VotingRule.WEIGHTED_SHARE and member_class.vote_share_pct is not None:
            share = member_class.vote_share_pct
            if member_total is None or member_class.count is None:
                results.append(
                    unknown(
                        _(
                            "%(name)s has %(share)s of the votes; member counts are needed to compare.",
                            name=name,
                            share=w.pct(share),
                        )
                    )
                )
            elif member_total == 0:
                results.append(
                    unknown(
                        _(
                            "%(name)s has %(share)s of the votes but no members are recorded.",
                            name=name,
                            share=w.pct(share),
                        )
                    )
                )
            else:
                members = 100.0 * member_class.count / member_total
                if share > members + EPSILON:
                    results.append(
                        failed(
                            _(
                                "%(name)s has %(share)s of the votes but is %(members)s of the members: "
                                "more control than its numbers, on the basis of the capital it provides.",
                                name=name,
                                share=w.pct(share),
                                members=w.pct(members),
                            )
                        )
                    )
                else:
                    results.append(
                        passed(
                            _(
                                "%(name)s has %(share)s of the votes and is %(members)s of members.",
                                name=name,
                                share=w.pct(share),
                                members=w.pct(members),
                            )
                        )
                    )
        elif rule is VotingRule.WEIGHTED_SHARE:
            results.append(unknown(_("The share of votes fixed for %(name)s is not known.", name=name)))
        else:
            results.append(
                passed(
                    _(
                        "%(name)s gets no more votes than its members' numbers give it.",
                        name=w.capitalised(name),
                    )
                )
            )
    return combine(*results)


@check("open_membership", max_min_holding_gbp=ParamKind.NUMBER)
def open_membership(facts: StructureFacts, params: Parameters) -> Result:
    ceiling = params.number("max_min_holding_gbp")
    parts: list[Result] = []
    if facts.membership_open is None:
        parts.append(unknown(_("Whether membership is open to everyone who uses its services is not known.")))
    elif facts.membership_open:
        parts.append(passed(_("Membership is open to everyone who uses its services.")))
    else:
        parts.append(failed(_("Membership is not open to everyone who uses its services.")))
    least = facts.profits.min_shareholding_gbp if facts.profits else None
    if least is not None:
        if least > ceiling + EPSILON:
            parts.append(
                failed(
                    _(
                        "The smallest shareholding is %(least)s, above %(ceiling)s: it may bar people.",
                        least=w.money(least),
                        ceiling=w.money(ceiling),
                    )
                )
            )
        else:
            parts.append(passed(_("The smallest shareholding is %(least)s.", least=w.money(least))))
    return combine(*parts)


@check("investor_vote_cap", investor_kinds=ParamKind.KINDS, max_vote_pct=ParamKind.NUMBER)
def investor_vote_cap(facts: StructureFacts, params: Parameters) -> Result:
    investors = params.kinds("investor_kinds")
    ceiling = params.number("max_vote_pct")
    who = w.capitalised(w.kinds(investors))
    classes = facts.member_classes
    if classes is None:
        return unknown(
            _(
                "The member classes are not described, so the share of votes %(kinds)s hold is unknown.",
                kinds=w.kinds(investors),
            )
        )
    bounds = vote_share_range(facts, investors)
    over = None if bounds is None else range_above(bounds, ceiling, strictly=True)
    if bounds is None or over is None:
        if bounds is None:
            return unknown(
                _(
                    "The share of votes %(kinds)s hold cannot be worked out: enter each class's kind, "
                    "voting rule, its fixed share or cap, and member counts.",
                    kinds=w.kinds(investors),
                )
            )
        return unknown(
            _(
                "The share of votes %(kinds)s hold cannot be worked out (they hold %(share)s): enter each class's "
                "kind, voting rule, its fixed share or cap, and member counts.",
                kinds=w.kinds(investors),
                share=w.share_range(*bounds),
            )
        )
    held = _(
        "%(who)s hold %(share)s of votes; the rule allows at most %(ceiling)s.",
        who=who,
        share=w.share_range(*bounds),
        ceiling=w.pct(ceiling),
    )
    if over:
        return failed(held)
    if not any(c.kind in investors or c.kind is None for c in classes):
        return passed(_("No member class is made up of %(kinds)s.", kinds=w.kinds(investors)))
    return passed(held)


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
        return unknown(
            _("The board is not described seat by seat, so how many seats %(who)s fill is unknown.", who=who)
        )
    (low, high), (share_low, share_high) = counted, share
    if low > most or share_low > majority + EPSILON:
        return failed(
            _(
                "%(who)s elect or appoint %(seats)s of the board seats (%(share)s); the rule allows at most "
                "%(most)s and never more than %(majority)s.",
                who=w.capitalised(who),
                seats=low,
                share=w.pct(share_low),
                most=most,
                majority=w.pct(majority),
            )
        )
    if high <= most and share_high <= majority + EPSILON:
        return passed(
            _(
                "%(who)s elect or appoint %(seats)s board seats; the rule allows at most %(most)s.",
                who=w.capitalised(who),
                seats=high,
                most=most,
            )
        )
    return unknown(_("It is not known who fills some board seats, so how many %(who)s fill is unknown.", who=who))


@check("investor_no_conversion_vote", investor_kinds=ParamKind.KINDS)
def investor_no_conversion_vote(facts: StructureFacts, params: Parameters) -> Result:
    investors = params.kinds("investor_kinds")
    investing, settled = _classes_of(
        facts, investors, _("The kind of every member class is needed to find any investor class.")
    )
    if settled:
        return settled
    voting = [
        w.class_name(c, i) for i, c in investing if c.votes_on is not None and VoteDecision.CONVERSION in c.votes_on
    ]
    if voting:
        return failed(
            _(
                "%(classes)s can vote on conversion or dissolution; investors must not.",
                classes=w.capitalised(w.listing(voting)),
            )
        )
    silent = [w.class_name(c, i) for i, c in investing if c.votes_on is None]
    if silent:
        return unknown(
            _(
                "Whether %(classes)s can vote on conversion or dissolution is not recorded.",
                classes=w.listing(silent),
            )
        )
    return passed(_("%(who)s cannot vote on conversion or dissolution.", who=w.capitalised(w.kinds(investors))))


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
            unknown(
                _(
                    "The share of votes %(kinds)s hold cannot be worked out from what is known.",
                    kinds=w.kinds(stakeholders),
                )
            )
        )
    elif over:
        parts.append(
            passed(
                _(
                    "%(who)s hold %(share)s of votes (more than %(floor)s is needed).",
                    who=who,
                    share=w.share_range(*bounds),
                    floor=w.pct(vote_floor),
                )
            )
        )
    elif over is False:
        parts.append(
            failed(
                _(
                    "%(who)s hold %(share)s of votes; more than %(floor)s is needed.",
                    who=who,
                    share=w.share_range(*bounds),
                    floor=w.pct(vote_floor),
                )
            )
        )
    else:
        parts.append(
            unknown(
                _(
                    "%(who)s hold %(share)s of votes; whether that is more than %(floor)s is not known.",
                    who=who,
                    share=w.share_range(*bounds),
                    floor=w.pct(vote_floor),
                )
            )
        )
    seats = board_share(facts, elected_by(stakeholders))
    if seats is None:
        parts.append(unknown(_("How the board is filled is not known, seat by seat.")))
    elif seats[0] > board_floor + EPSILON:
        parts.append(
            passed(
                _(
                    "They elect %(share)s of the board (more than %(floor)s is needed).",
                    share=w.pct(seats[0]),
                    floor=w.pct(board_floor),
                )
            )
        )
    elif seats[1] <= board_floor + EPSILON:
        parts.append(
            failed(
                _(
                    "They elect %(share)s of the board; more than %(floor)s must be elected by them.",
                    share=w.pct(seats[1]),
                    floor=w.pct(board_floor),
                )
            )
        )
    else:
        parts.append(
            unknown(
                _(
                    "It is not known who fills some board seats, so whether %(kinds)s elect a majority is unknown.",
                    kinds=w.kinds(stakeholders),
                )
            )
        )
    return combine(*parts)
