"""The rule logic: small pure functions, each registered under the name a rule set's ``check`` uses.

A check reads the facts and the rule's parameters (thresholds live in the rule set files, never here) and
returns an outcome with a plain-English reason naming the facts that decided it. Checks answer pass, fail,
needs information or not applicable; the assessment turns a failed warning rule into a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from registry.domain.structure import (
    StructureFacts,
    appoints_board_majority,
    control_band,
)
from registry.domain.validator import wording as w
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import (
    EPSILON,
    board_share,
    elected_by,
    filled_by,
    independent_non_executive,
    public_appointee,
    seat_count,
    vote_share_range,
)
from registry.domain.vocabulary import (
    AssetLock,
    DissolutionClause,
    DistributionBasis,
    LegalForm,
    MemberClassKind,
    Outcome,
    VoteDecision,
    VotingRule,
)

Result = tuple[Outcome, str]
CheckFunction = Callable[[StructureFacts, Parameters], Result]


class ParamKind(StrEnum):
    """The type of a rule parameter, so the loader can check and convert it."""

    NUMBER = "number"
    INTEGER = "integer"
    FLAG = "flag"
    DATE = "date"
    KINDS = "kinds"  # a list of MemberClassKind codes
    FORMS = "forms"  # a list of LegalForm codes
    LOCKS = "locks"  # a list of AssetLock codes
    BASES = "bases"  # a list of DistributionBasis codes
    ORIGINS = "origins"  # a list of Origin codes
    CLAUSES = "clauses"  # a list of DissolutionClause codes
    LOCK_CAPS = "lock_caps"  # AssetLock code -> the most of its profits such a lock lets a body distribute


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    function: CheckFunction
    parameters: dict[str, ParamKind]


CHECKS: dict[str, Check] = {}

DECLARATION = "declaration"


def check(name: str, **parameters: ParamKind) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name``, with the parameters a rule must give it."""

    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"Two checks are registered as {name!r}")
        CHECKS[name] = Check(name, function, dict(parameters))
        return function

    return register


def passed(reason: str) -> Result:
    return Outcome.PASS, reason


def failed(reason: str) -> Result:
    return Outcome.FAIL, reason


def unknown(reason: str) -> Result:
    return Outcome.NEEDS_INFORMATION, reason


def not_applicable(reason: str) -> Result:
    return Outcome.NOT_APPLICABLE, reason


def combine(*results: Result) -> Result:
    """One result from several parts: any failure fails (giving the failing reasons), else anything unknown
    needs information (giving what is known and what is not), else it passes."""
    failures = [reason for outcome, reason in results if outcome is Outcome.FAIL]
    if failures:
        return Outcome.FAIL, " ".join(failures)
    joined = " ".join(reason for _, reason in results)
    if any(outcome is Outcome.NEEDS_INFORMATION for outcome, _ in results):
        return Outcome.NEEDS_INFORMATION, joined
    return Outcome.PASS, joined


def _beyond(value: float, limit: float, inclusive: bool) -> bool:
    return value >= limit - EPSILON if inclusive else value > limit + EPSILON


def _compare(bounds: tuple[float, float], limit: float, strictly: bool) -> bool | None:
    """Whether a share known only as a range is above ``limit`` (strictly, or at least it): ``None`` if the
    range straddles it."""
    low, high = bounds
    if _beyond(low, limit, not strictly):
        return True
    if not _beyond(high, limit, not strictly):
        return False
    return None


# The asset lock the law gives a legal form whatever its articles say: a community interest company's
# (C(AICE)A 2004 s30 and the CIC Regulations 2005, Schedules 1 to 3) and a charity's (its assets may serve
# only its charitable purposes). A statutory lock can only be held by the forms that law is for: the CIC lock
# by a CIC, and the community benefit society lock (SI 2006/264) by a community benefit society that is not a
# charity.
_CIC_FORMS = frozenset({LegalForm.CIC_CLS, LegalForm.CIC_CLG, LegalForm.COMMUNITY_INTEREST_COMPANY})
LOCKS_BY_LAW: dict[LegalForm, AssetLock] = {
    **dict.fromkeys(_CIC_FORMS, AssetLock.CIC_STATUTORY),
    **dict.fromkeys(
        (LegalForm.CHARITABLE_COMPANY, LegalForm.CIO, LegalForm.SCIO, LegalForm.CHARITABLE_CBS), AssetLock.CHARITABLE
    ),
}
LOCK_HOLDERS: dict[AssetLock, frozenset[LegalForm]] = {
    AssetLock.CIC_STATUTORY: _CIC_FORMS,
    AssetLock.CBS_STATUTORY: frozenset({LegalForm.COMMUNITY_BENEFIT_SOCIETY}),
}
_LOCKING_CLAUSES = frozenset({DissolutionClause.TO_ASSET_LOCKED_BODY, DissolutionClause.COMMON_OWNERSHIP})


def _impossible_lock(lock: AssetLock, form: LegalForm | None) -> str | None:
    """Why the recorded statutory lock cannot be the organisation's, or ``None`` when it can."""
    holders = LOCK_HOLDERS.get(lock)
    if holders is None or form is None or form in holders:
        return None
    if lock is AssetLock.CBS_STATUTORY:
        return (
            f"It records {w.LOCK_NAMES[lock]}, which only a community benefit society that is not a charity can "
            f"adopt (SI 2006/264); {w.form_name(form)} cannot."
        )
    return f"It records {w.LOCK_NAMES[lock]}, which only a community interest company has; {w.form_name(form)} cannot."


def _lock_of(facts: StructureFacts) -> tuple[AssetLock | None, str]:
    """The asset lock as recorded or, when not recorded, the one its legal form has by law; and how it is known.

    An impossible recorded lock gives ``None``; the checks that judge the lock say why.
    """
    profits = facts.profits
    lock = profits.asset_lock if profits else None
    form = facts.legal_form
    if lock is not None:
        return (None, "") if _impossible_lock(lock, form) else (lock, "recorded")
    if form is not None and form in LOCKS_BY_LAW:
        return LOCKS_BY_LAW[form], f"as {w.form_name(form)}, by law"
    return None, ""


# ---------------------------------------------------------------------------------------------------------
# Declarations


@check(DECLARATION)
def declaration(facts: StructureFacts, params: Parameters) -> Result:
    """Stands in for rules that no fact can show; the assessment records the organisation's declaration."""
    return Outcome.SELF_DECLARED, "This cannot be checked from the structure; the organisation's statement is recorded."


# ---------------------------------------------------------------------------------------------------------
# Members and votes


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


@check("no_capital_control", capital_kinds=ParamKind.KINDS)
def no_capital_control(facts: StructureFacts, params: Parameters) -> Result:
    capital = params.kinds("capital_kinds")
    classes = facts.member_classes
    if classes is None:
        return unknown("The member classes are not described.")
    if any(c.kind is None for c in classes):
        return unknown("The kind of every member class is needed to see whether any is defined by capital.")
    investing = [(i, c) for i, c in enumerate(classes) if c.kind in capital]
    if not investing:
        return passed(f"No member class is made up of {w.kinds(capital)}.")
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
    over = None if bounds is None else _compare(bounds, ceiling, strictly=True)
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
    classes = facts.member_classes
    if classes is None:
        return unknown("The member classes are not described.")
    if any(c.kind is None for c in classes):
        return unknown("The kind of every member class is needed to find any investor class.")
    investing = [(i, c) for i, c in enumerate(classes) if c.kind in investors]
    if not investing:
        return passed(f"No member class is made up of {w.kinds(investors)}.")
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
    over = None if bounds is None else _compare(bounds, vote_floor, strictly=True)
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


# ---------------------------------------------------------------------------------------------------------
# Staff influence and control (public service mutuals)


@check(
    "staff_influence",
    staff_kinds=ParamKind.KINDS,
    min_vote_pct=ParamKind.NUMBER,
    min_board_seats=ParamKind.INTEGER,
    min_ownership_pct=ParamKind.NUMBER,
    spin_outs_only=ParamKind.FLAG,
    spin_out_origins=ParamKind.ORIGINS,
)
def staff_influence(facts: StructureFacts, params: Parameters) -> Result:
    """Staff vote share, an employee trust's holding, or a staff-elected seat with all employees eligible.

    No employee ownership facts means no employee trust is recorded (as for the employee ownership trust
    rule set), so that route is closed rather than unknown; the reason says so.
    """
    staff = params.kinds("staff_kinds")
    vote_floor, seat_floor = params.number("min_vote_pct"), params.integer("min_board_seats")
    ownership_floor = params.number("min_ownership_pct")
    if params.flag("spin_outs_only"):
        if facts.origin is None:
            return unknown("Whether it spun out of the public sector is not known.")
        if facts.origin not in params.origins("spin_out_origins"):
            return not_applicable(f"It {w.ORIGIN_NAMES[facts.origin]}, so the spin-out rule does not apply.")
    bounds = vote_share_range(facts, staff)
    enough = None if bounds is None else _compare(bounds, vote_floor, strictly=False)
    if bounds is not None and enough:
        return passed(
            f"Staff hold {w.share_range(*bounds)} of votes (at least {w.pct(vote_floor)} shows significant influence)."
        )
    trust = facts.employee_ownership
    owned = trust.trustee_shares_pct if trust else None
    if owned is not None and owned >= ownership_floor - EPSILON:
        return passed(
            f"An employee ownership trust holds {w.pct(owned)} of the shares (at least {w.pct(ownership_floor)})."
        )
    seats = seat_count(facts, elected_by(staff))
    eligible = facts.all_employees_eligible
    if seats is not None and seats[0] >= seat_floor and eligible:
        return passed(
            f"Staff elect {seats[0]} board seat{'s' if seats[0] != 1 else ''} and every employee can be a member."
        )
    vote_low = bounds is not None and enough is False
    board_low = (seats is not None and seats[1] < seat_floor) or eligible is False
    owned_low = trust is None or (owned is not None and owned < ownership_floor - EPSILON)
    if bounds is not None and vote_low and board_low and owned_low:
        detail = f"Staff hold {w.share_range(*bounds)} of votes (at least {w.pct(vote_floor)} is needed)"
        if eligible is False:
            detail += ", not every employee can be a member"
        elif seats is not None:
            detail += f", staff elect {seats[1]} board seats (at least {seat_floor} is needed)"
        if trust is None:
            detail += " and no employee ownership trust is recorded"
        return failed(detail + ".")
    return unknown(
        f"Staff influence cannot be confirmed: it needs the staff share of votes (at least {w.pct(vote_floor)}), "
        f"or staff electing at least {seat_floor} board seat{'s' if seat_floor != 1 else ''} with every employee "
        "able to be a member."
    )


@check("staff_control", staff_kinds=ParamKind.KINDS, min_vote_pct=ParamKind.NUMBER, min_board_pct=ParamKind.NUMBER)
def staff_control(facts: StructureFacts, params: Parameters) -> Result:
    staff = params.kinds("staff_kinds")
    vote_floor, board_floor = params.number("min_vote_pct"), params.number("min_board_pct")
    bounds = vote_share_range(facts, staff)
    over = None if bounds is None else _compare(bounds, vote_floor, strictly=True)
    if bounds is not None and over:
        return passed(f"Staff hold {w.share_range(*bounds)} of votes (more than {w.pct(vote_floor)}).")
    seats = board_share(facts, elected_by(staff))
    if seats is not None and seats[0] > board_floor + EPSILON:
        return passed(f"Staff elect {w.pct(seats[0])} of the board (more than {w.pct(board_floor)}).")
    if bounds is not None and over is False and seats is not None and seats[1] <= board_floor + EPSILON:
        return failed(
            f"Staff hold {w.share_range(*bounds)} of votes and elect {w.pct(seats[1])} of the board; "
            "employees control it only "
            f"with more than {w.pct(vote_floor)} of votes or more than {w.pct(board_floor)} of the board."
        )
    return unknown("Whether employees control it cannot be worked out: enter the member classes' votes and the board.")


@check("spun_out", spin_out_origins=ParamKind.ORIGINS)
def spun_out(facts: StructureFacts, params: Parameters) -> Result:
    if facts.is_public_body:
        return failed("It is recorded as a public body, so it has not left the public sector.")
    if facts.origin is None:
        return unknown("Whether it spun out of the public sector is not known.")
    if facts.origin in params.origins("spin_out_origins"):
        detail = w.ORIGIN_NAMES[facts.origin]
        if facts.spin_out_date is not None:
            detail += f" in {facts.spin_out_date:%B %Y}"
        return passed(f"It {detail}.")
    return failed(f"It {w.ORIGIN_NAMES[facts.origin]}; a public service mutual has left the public sector.")


@check("delivers_public_services")
def delivers_public_services(facts: StructureFacts, params: Parameters) -> Result:
    if facts.delivers_public_services is None:
        return unknown("Whether it delivers public services is not known.")
    if facts.delivers_public_services:
        return passed("It delivers public services.")
    return failed("It does not deliver public services.")


# ---------------------------------------------------------------------------------------------------------
# Purpose, status and independence


@check("not_a_charity", never_charity_forms=ParamKind.FORMS)
def not_a_charity(facts: StructureFacts, params: Parameters) -> Result:
    """Not a charity. For the forms the law says cannot be charities, the form decides it unless the record
    says otherwise (a contradiction that fails)."""
    form = facts.legal_form
    if facts.registered_charity:
        return failed(f"It is recorded as a charity, which {w.form_name(form)} cannot be.")
    if form is not None and form in params.forms("never_charity_forms"):
        return passed(f"As {w.form_name(form)}, it cannot be a charity in law.")
    if facts.registered_charity is None:
        return unknown("Whether it is a charity is not known.")
    return passed("It is not a charity.")


@check("benefit_not_members_only")
def benefit_not_members_only(facts: StructureFacts, params: Parameters) -> Result:
    if facts.member_benefit_only is None:
        return unknown("Whether its objects benefit only its members or employees is not known.")
    if facts.member_benefit_only:
        return failed("Its objects benefit only its own members or employees, not the wider community.")
    return passed("Its objects benefit people beyond its own members and employees.")


@check("name_not_cooperative")
def name_not_cooperative(facts: StructureFacts, params: Parameters) -> Result:
    if facts.name is None:
        return unknown("The organisation's name is not known.")
    folded = facts.name.casefold().replace("-", "").replace(" ", "")
    if "cooperative" in folded or "coop" in folded:
        return failed(f'Its name, "{facts.name}", claims to be a co-operative, which only a co-operative society may.')
    return passed(f'Its name, "{facts.name}", does not claim to be a co-operative.')


@check("trading_income", min_pct=ParamKind.NUMBER)
def trading_income(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    if facts.trading_income_pct is None:
        return unknown(f"Its share of income from trading is not known; at least {w.pct(floor)} is needed.")
    share = facts.trading_income_pct
    if share >= floor - EPSILON:
        return passed(f"{w.pct(share)} of its income comes from trading (at least {w.pct(floor)} is needed).")
    return failed(f"{w.pct(share)} of its income comes from trading; at least {w.pct(floor)} is needed.")


@check(
    "independent_of_state",
    public_forms=ParamKind.FORMS,
    max_public_appointee_pct=ParamKind.NUMBER,
    limit_is_inclusive=ParamKind.FLAG,
)
def independent_of_state(facts: StructureFacts, params: Parameters) -> Result:
    limit, inclusive = params.number("max_public_appointee_pct"), params.flag("limit_is_inclusive")
    allowed = f"{'less than' if inclusive else 'no more than'} {w.pct(limit)}"
    if facts.legal_form is not None and facts.legal_form in params.forms("public_forms"):
        return failed(f"It is {w.form_name(facts.legal_form)}, a public body.")
    parts: list[Result] = []
    if facts.is_public_body is None:
        parts.append(unknown("Whether it is a public body is not known."))
    elif facts.is_public_body:
        parts.append(failed("It is recorded as a public body."))
    else:
        parts.append(passed("It is not a public body."))
    seats = board_share(facts, public_appointee)
    if seats is None:
        parts.append(unknown("Who appoints the board is not known, seat by seat."))
    elif _beyond(seats[0], limit, inclusive):
        parts.append(failed(f"Public bodies appoint {w.pct(seats[0])} of the board; the rule allows {allowed}."))
    elif not _beyond(seats[1], limit, inclusive):
        parts.append(passed(f"Public bodies appoint {w.pct(seats[1])} of the board ({allowed} is allowed)."))
    else:
        parts.append(unknown("It is not known who appoints some board seats."))
    controllers = facts.significant_control
    if controllers is None:
        parts.append(unknown("Who has significant control is not recorded (record none if nobody does)."))
    else:
        public = [p.name or "a person with significant control" for p in controllers if p.is_public_body]
        if public:
            parts.append(failed(f"{w.capitalised(w.listing(public))}, a public body, has significant control."))
        elif any(p.is_public_body is None for p in controllers):
            parts.append(unknown("Whether each person with significant control is a public body is not known."))
    return combine(*parts)


def _control_over(natures: tuple[str, ...], threshold: float) -> tuple[bool | None, str]:
    """Whether the natures of control pass ``threshold`` % (or give a board majority), and the words for it."""
    answer: bool | None = False
    words = "significant influence or control"
    for nature in natures:
        if appoints_board_majority(nature):
            return True, "the right to appoint or remove a majority of the board"
        band = control_band(nature)
        if band is None:
            continue
        low, high = band
        what = "the voting rights" if nature.startswith("voting-rights") else "the shares"
        if nature.startswith("right-to-share-surplus-assets"):
            what = "the surplus assets"
        described = f"more than {w.pct(low)}" + (f" but not more than {w.pct(high)}" if high < 100 else "")
        if low >= threshold - EPSILON:
            return True, f"{described} of {what}"
        if high > threshold + EPSILON:
            answer, words = None, f"{described} of {what}"
    return answer, words


@check("no_for_profit_control", threshold_pct=ParamKind.NUMBER)
def no_for_profit_control(facts: StructureFacts, params: Parameters) -> Result:
    threshold = params.number("threshold_pct")
    controllers = facts.significant_control
    rule = (
        f"the rule allows no for-profit person with more than {w.pct(threshold)} of shares or votes, "
        "or the right to appoint a board majority"
    )
    if controllers is None:
        return unknown("Who has significant control is not recorded (record none if nobody does).")
    if not controllers:
        return passed("Nobody has significant control.")
    parts: list[Result] = []
    for controller in controllers:
        name = controller.name or "A person with significant control"
        if controller.is_employee_trust or controller.is_asset_locked:
            kind = "an employee trust" if controller.is_employee_trust else "an asset-locked body"
            parts.append(passed(f"{name} is {kind}, which the rule allows."))
            continue
        if controller.is_for_profit is False:
            parts.append(passed(f"{name} is not a for-profit company, fund or investor."))
            continue
        if controller.natures_of_control is None:
            parts.append(unknown(f"The nature of {name}'s control is not recorded."))
            continue
        over, words = _control_over(controller.natures_of_control, threshold)
        if over is False:
            parts.append(passed(f"{name} holds {words}, below the threshold."))
        elif controller.is_for_profit is None:
            parts.append(unknown(f"{name} holds {words}; whether it is for profit is not known."))
        elif over:
            parts.append(failed(f"{name}, a for-profit person with significant control, holds {words}; {rule}."))
        else:
            parts.append(unknown(f"{name} holds {words}; whether that is over {w.pct(threshold)} is not known."))
    return combine(*parts)


@check(
    "autonomy", outside_kinds=ParamKind.KINDS, threshold_pct=ParamKind.NUMBER, max_public_appointee_pct=ParamKind.NUMBER
)
def autonomy(facts: StructureFacts, params: Parameters) -> Result:
    outside = params.kinds("outside_kinds")
    threshold, board_limit = params.number("threshold_pct"), params.number("max_public_appointee_pct")
    parts: list[Result] = []
    bounds = vote_share_range(facts, outside)
    over = None if bounds is None else _compare(bounds, threshold, strictly=True)
    who = w.capitalised(w.kinds(outside))
    if bounds is None:
        parts.append(unknown(f"The share of votes {w.kinds(outside)} hold cannot be worked out."))
    elif over:
        parts.append(failed(f"{who} hold {w.share_range(*bounds)} of votes, over {w.pct(threshold)}."))
    elif over is False:
        parts.append(passed(f"{who} hold {w.share_range(*bounds)} of votes."))
    else:
        parts.append(
            unknown(f"{who} hold {w.share_range(*bounds)} of votes; whether over {w.pct(threshold)} is not known.")
        )
    seats = board_share(facts, public_appointee)
    if seats is None:
        parts.append(unknown("Who appoints the board is not known, seat by seat."))
    elif seats[0] > board_limit + EPSILON:
        parts.append(failed(f"Public bodies appoint {w.pct(seats[0])} of the board, a majority."))
    elif seats[1] > board_limit + EPSILON:
        parts.append(unknown("It is not known who appoints some board seats."))
    controllers = facts.significant_control
    if controllers is None:
        parts.append(unknown("Who has significant control is not recorded (record none if nobody does)."))
    else:
        # Principle 4 is about control from outside the membership: a member's own votes are the democratic
        # control it protects (three workers with a third of the votes each are each a PSC), unless the member
        # is a public body or an investor, whose control the principle guards against.
        for controller in controllers:
            if controller.is_employee_trust:
                continue
            outsider = controller.is_public_body or controller.is_for_profit
            if controller.is_member and not outsider:
                continue
            name = controller.name or "A person with significant control"
            if controller.natures_of_control is None:
                parts.append(unknown(f"The nature of {name}'s control is not recorded."))
                continue
            control, words = _control_over(controller.natures_of_control, threshold)
            if control is None:
                parts.append(unknown(f"{name} holds {words}; whether that is over {w.pct(threshold)} is not known."))
            elif control and (outsider or controller.is_member is False):
                parts.append(failed(f"{name} holds {words}, so the members do not control it democratically."))
            elif control:
                parts.append(
                    unknown(
                        f"{name} holds {words}; whether it is one of the members, whose control this allows, "
                        "is not known."
                    )
                )
    return combine(*parts)


# ---------------------------------------------------------------------------------------------------------
# Profits and assets


@check("asset_lock_in", allowed=ParamKind.LOCKS)
def asset_lock_in(facts: StructureFacts, params: Parameters) -> Result:
    allowed = params.locks("allowed")
    profits = facts.profits
    lock = profits.asset_lock if profits else None
    schedule = profits.cic_asset_lock_schedule if profits else None
    if lock is None and schedule is not None:
        if AssetLock.CIC_STATUTORY in allowed:
            return passed(
                f"Its articles adopt the asset-lock provisions of Schedule {schedule} of the CIC Regulations."
            )
        lock = AssetLock.CIC_STATUTORY
    if lock is None:
        return unknown("Whether its assets are locked is not known.")
    impossible = _impossible_lock(lock, facts.legal_form)
    if impossible:
        return failed(impossible)
    if lock in allowed:
        return passed(f"It has {w.LOCK_NAMES[lock]}.")
    wanted = w.listing((w.LOCK_NAMES[a] for a in sorted(allowed)), "or")
    return failed(f"It has {w.LOCK_NAMES[lock]}; the rule needs {wanted}.")


@check("legal_asset_lock", constitutional_forms=ParamKind.FORMS)
def legal_asset_lock(facts: StructureFacts, params: Parameters) -> Result:
    """A legally binding asset lock: statutory or charitable (recorded, or given by the legal form in law),
    or a lock in its own rules for the forms the rule accepts, with no dissolution clause undoing it."""
    profits = facts.profits
    recorded = profits.asset_lock if profits else None
    clause = profits.dissolution_clause if profits else None
    form = facts.legal_form
    if recorded is not None:
        impossible = _impossible_lock(recorded, form)
        if impossible:
            return failed(impossible)
    lock, how = _lock_of(facts)
    if lock is None and clause in _LOCKING_CLAUSES:
        lock, how = AssetLock.CONSTITUTIONAL, "its dissolution clause"
    if lock is None:
        return unknown("Whether its assets are locked is not known.")
    if lock is AssetLock.NONE:
        return failed("It has no asset lock; the rule needs a legally binding asset lock.")
    undone = clause is DissolutionClause.TO_MEMBERS
    if undone or (lock is AssetLock.CONSTITUTIONAL and clause is DissolutionClause.NONE):
        where = "to its members" if clause is DissolutionClause.TO_MEMBERS else "nowhere (its rules are silent)"
        return failed(
            f"It has {w.LOCK_NAMES[lock]}, but its rules send what is left on dissolution {where}; a binding lock "
            "sends it to another asset-locked body or to common ownership."
        )
    if lock is not AssetLock.CONSTITUTIONAL:
        return passed(f"It has {w.LOCK_NAMES[lock]}" + (f" ({how})." if how != "recorded" else "."))
    forms = params.forms("constitutional_forms")
    what = "an asset lock in its own rules"
    if how != "recorded" and clause is not None:
        what = f"a dissolution clause sending residual assets {w.CLAUSE_NAMES[clause]}"
    if form is None:
        return unknown(f"It has {what}; its legal form is needed to see whether that binds.")
    if form in forms:
        return passed(f"It has {what}, which the rule accepts for {w.form_name(form)}.")
    accepted = w.listing((w.form_name(f) for f in LegalForm if f in forms), "or")
    return failed(
        f"It has an asset lock only in its own rules; for {w.form_name(form)} the rule needs a statutory or "
        f"charitable lock (an asset lock in the rules is accepted only for {accepted})."
    )


@check("distribution_basis_allowed", allowed=ParamKind.BASES)
def distribution_basis_allowed(facts: StructureFacts, params: Parameters) -> Result:
    allowed = params.bases("allowed")
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is None:
        return unknown("How profits are distributed is not known.")
    if basis in allowed:
        return passed(f"{w.capitalised(w.BASIS_NAMES[basis])}.")
    wanted = w.listing((w.BASIS_NAMES[b] for b in DistributionBasis if b in allowed), "or")
    return failed(f"{w.capitalised(w.BASIS_NAMES[basis])}; the rule allows only that {wanted}.")


def _distribution_ceiling(facts: StructureFacts, params: Parameters) -> tuple[float | None, str]:
    """The most of its profits the organisation may distribute, and what sets that limit."""
    profits = facts.profits
    if profits is not None and profits.distribution_basis is DistributionBasis.NONE:
        return 0.0, "its rules distribute no profits"
    limits: list[tuple[float, str]] = []
    if profits is not None and profits.distribution_cap_pct is not None:
        limits.append((profits.distribution_cap_pct, "its rules"))
    form = facts.legal_form
    if profits is not None and (form is None or form in _CIC_FORMS) and profits.cic_asset_lock_schedule == 1:
        limits.append((0.0, "Schedule 1 of the CIC Regulations, for a company without shares to pay dividends on"))
    caps = params.lock_caps("lock_caps")
    lock, how = _lock_of(facts)
    if lock is not None and lock in caps:
        limits.append((caps[lock], w.LOCK_NAMES[lock] + (f", {how}" if how != "recorded" else "")))
    if not limits:
        return None, ""
    return min(limits)


@check("profits_to_purpose", min_pct=ParamKind.NUMBER, lock_caps=ParamKind.LOCK_CAPS)
def profits_to_purpose(facts: StructureFacts, params: Parameters) -> Result:
    """At least ``min_pct`` of profits go to its purpose: what it actually kept in the latest year decides;
    without that figure, rules that cannot pay out more than the rest guarantee it."""
    floor = params.number("min_pct")
    kept_pct = facts.profits.profits_reinvested_pct if facts.profits else None
    if kept_pct is not None:
        if kept_pct >= floor - EPSILON:
            return passed(
                f"It kept {w.pct(kept_pct)} of the latest year's profits for its purpose; {w.pct(floor)} is needed."
            )
        return failed(
            f"It kept {w.pct(kept_pct)} of the latest year's profits for its purpose; "
            f"at least {w.pct(floor)} is needed."
        )
    ceiling, why = _distribution_ceiling(facts, params)
    if ceiling is None:
        return unknown(
            f"The most of its profits it may distribute is not known, nor the share it kept for its purpose in "
            f"the latest year; at least {w.pct(floor)} must go to its purpose."
        )
    kept = 100.0 - ceiling
    if kept >= floor - EPSILON:
        return passed(f"At least {w.pct(kept)} of profits go to its purpose ({why}); {w.pct(floor)} is needed.")
    return unknown(
        f"Up to {w.pct(ceiling)} of profits may be distributed ({why}), which could leave only {w.pct(kept)} for "
        f"its purpose; the share of the latest year's profits it actually kept is needed (at least {w.pct(floor)})."
    )


@check("capped_distributions", max_pct=ParamKind.NUMBER, lock_caps=ParamKind.LOCK_CAPS)
def capped_distributions(facts: StructureFacts, params: Parameters) -> Result:
    """Returns on capital capped at ``max_pct`` of profits, by its rules or by the cap its asset lock sets in
    law (inferred from the legal form when no lock is recorded, as the asset-lock rule does)."""
    most = params.number("max_pct")
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is DistributionBasis.NONE:
        return passed("It distributes no profits to members or investors.")
    if basis is DistributionBasis.PATRONAGE:
        return passed("Profits are shared by patronage (members' trade with it), not as a return on capital.")
    ceiling, why = _distribution_ceiling(facts, params)
    if ceiling is None:
        if basis is None:
            return unknown("How profits are distributed is not known.")
        return unknown(
            f"Profits go to investors, but the most it may distribute is not known; at most {w.pct(most)} is allowed."
        )
    if ceiling <= most + EPSILON:
        return passed(f"At most {w.pct(ceiling)} of profits may be distributed ({why}); the rule allows {w.pct(most)}.")
    return failed(
        f"Up to {w.pct(ceiling)} of profits may be distributed ({why}); the rule allows at most {w.pct(most)}."
    )


@check("share_interest_declared", benchmark_pct=ParamKind.NUMBER)
def share_interest_declared(facts: StructureFacts, params: Parameters) -> Result:
    benchmark = params.number("benchmark_pct")
    profits = facts.profits
    pays = profits.pays_share_interest if profits else None
    if pays is None:
        return unknown("Whether it pays interest on members' shares is not known.")
    if not pays:
        return passed("It pays no interest on members' shares.")
    cap = profits.share_interest_cap_pct if profits else None
    if cap is None:
        return unknown("It pays interest on shares, but the highest rate its rules allow is not recorded.")
    if cap > benchmark + EPSILON:
        return failed(
            f"Its rules allow interest on shares of up to {w.pct(cap)}, above the {w.pct(benchmark)} benchmark."
        )
    return passed(f"Its rules cap interest on shares at {w.pct(cap)}.")


@check("max_withdrawable_holding", max_gbp=ParamKind.NUMBER)
def max_withdrawable_holding(facts: StructureFacts, params: Parameters) -> Result:
    ceiling = params.number("max_gbp")
    most = facts.profits.max_shareholding_gbp if facts.profits else None
    if most is None:
        return unknown(
            f"The largest withdrawable shareholding its rules allow is not known (the limit is {w.money(ceiling)})."
        )
    if most > ceiling + EPSILON:
        return failed(
            f"Its rules let a member hold {w.money(most)} in withdrawable shares; the limit is {w.money(ceiling)}."
        )
    return passed(f"Its rules cap a member's withdrawable shares at {w.money(most)} (the limit is {w.money(ceiling)}).")


@check("no_dividends_without_shares", guarantee_forms=ParamKind.FORMS, share_forms=ParamKind.FORMS)
def no_dividends_without_shares(facts: StructureFacts, params: Parameters) -> Result:
    form = facts.legal_form
    schedule = facts.profits.cic_asset_lock_schedule if facts.profits else None
    if schedule is not None and schedule != 1:
        return not_applicable(f"Its articles adopt Schedule {schedule}, for a company with shares.")
    if form is not None and form in params.forms("share_forms") and schedule is None:
        return not_applicable(f"As {w.form_name(form)}, it may pay dividends within the cap.")
    basis = facts.profits.distribution_basis if facts.profits else None
    if basis is DistributionBasis.NONE:
        return passed("It distributes no profits.")
    if schedule is None and (form is None or form not in params.forms("guarantee_forms")):
        return unknown("Whether it is limited by shares or by guarantee is not known.")
    if basis is None:
        return unknown("How profits are distributed is not known.")
    if basis is DistributionBasis.PATRONAGE:
        return unknown("Its rules share profits by patronage; whether these are dividends is not known.")
    without = "its articles adopt Schedule 1, for a company" if schedule == 1 else f"{w.form_name(form)} has"
    return failed(f"{w.capitalised(w.BASIS_NAMES[basis])}, but {without} no shares to pay dividends on.")


@check("dividend_cap", max_pct=ParamKind.NUMBER, no_share_forms=ParamKind.FORMS)
def dividend_cap(facts: StructureFacts, params: Parameters) -> Result:
    cap = params.number("max_pct")
    form = facts.legal_form
    profits = facts.profits
    if profits is not None and profits.cic_asset_lock_schedule == 1:
        return not_applicable(
            "Its articles adopt Schedule 1 of the CIC Regulations: it has no shares to pay dividends on."
        )
    if form is not None and form in params.forms("no_share_forms"):
        return not_applicable(f"As {w.form_name(form)}, it has no shares and pays no dividends.")
    if profits is not None and profits.distribution_basis is DistributionBasis.NONE:
        return passed("Its rules distribute no profits, so it declares no dividends.")
    declared = profits.dividends_declared_gbp if profits else None
    if declared is None:
        return unknown("The dividends declared for the latest year are not known.")
    if declared <= 0:
        return passed("It declared no dividends in the latest year.")
    exempt = profits.dividends_exempt_gbp if profits else None
    pool = profits.distributable_profits_gbp if profits else None
    if pool is None:
        return unknown(f"Dividends of {w.money(declared)} were declared; distributable profits are needed to compare.")
    counted = declared - (exempt or 0.0)
    within = counted * 100.0 <= cap * pool + EPSILON
    share = (
        f"{w.pct(100.0 * counted / pool)} of distributable profits of {w.money(pool)}"
        if pool > 0
        else "declared with no distributable profits"
    )
    if within:
        return passed(f"Dividends of {w.money(counted)} (not exempt) are {share}; the cap is {w.pct(cap)}.")
    if exempt is None:
        return unknown(
            f"Dividends of {w.money(declared)} are over {w.pct(cap)} of distributable profits of {w.money(pool)} "
            "unless some are exempt (paid to an asset-locked body); the exempt amount is not known."
        )
    return failed(f"Dividends of {w.money(counted)} (not exempt) are {share}; the cap is {w.pct(cap)}.")


@check("not_for_profit_or_member_distribution")
def not_for_profit_or_member_distribution(facts: StructureFacts, params: Parameters) -> Result:
    profits = facts.profits
    basis = profits.distribution_basis if profits else None
    if basis is DistributionBasis.NONE:
        return passed("It distributes no profits (it runs on a not-for-profit basis).")
    if basis is DistributionBasis.PATRONAGE:
        return passed("It distributes profits only to members, by patronage.")
    only_members = profits.distributions_only_to_members if profits else None
    if only_members:
        return passed("Its rules distribute profits only to members.")
    if basis is None:
        return unknown("How profits are distributed is not known.")
    if only_members is None:
        return unknown(f"{w.capitalised(w.BASIS_NAMES[basis])}; whether only members receive them is not known.")
    return failed(f"{w.capitalised(w.BASIS_NAMES[basis])}, including to people who are not members.")


@check("residual_assets_to_purpose", locks=ParamKind.LOCKS, clauses=ParamKind.CLAUSES)
def residual_assets_to_purpose(facts: StructureFacts, params: Parameters) -> Result:
    """All residual assets go to its purpose on dissolution: a dissolution clause in ``clauses``, or an asset
    lock in ``locks`` (recorded, or given by the legal form in law) that no dissolution clause contradicts."""
    clauses = params.clauses("clauses")
    profits = facts.profits
    clause = profits.dissolution_clause if profits else None
    recorded = profits.asset_lock if profits else None
    if recorded is not None:
        impossible = _impossible_lock(recorded, facts.legal_form)
        if impossible:
            return failed(impossible)
    if clause is not None and clause in clauses:
        return passed(f"Its dissolution clause sends residual assets {w.CLAUSE_NAMES[clause]}.")
    lock, how = _lock_of(facts)
    if clause is not None:
        return failed(
            f"Its dissolution clause sends residual assets {w.CLAUSE_NAMES[clause]}; the rule needs them sent "
            + w.listing((w.CLAUSE_NAMES[c] for c in DissolutionClause if c in clauses), "or")
            + "."
        )
    if lock is not None and lock in params.locks("locks"):
        known = f" ({how})" if how != "recorded" else ""
        return passed(f"It has {w.LOCK_NAMES[lock]}{known}, which commits its residual assets.")
    if lock is not None:
        return failed(f"It has {w.LOCK_NAMES[lock]} and no dissolution clause committing its residual assets.")
    return unknown("Where its residual assets go on dissolution is not known (its dissolution clause or asset lock).")


@check("dissolution_clause_in", clauses=ParamKind.CLAUSES)
def dissolution_clause_in(facts: StructureFacts, params: Parameters) -> Result:
    clauses = params.clauses("clauses")
    clause = facts.profits.dissolution_clause if facts.profits else None
    if clause is None:
        return unknown("Where its rules send residual assets on dissolution is not known.")
    if clause in clauses:
        return passed(f"Its dissolution clause sends residual assets {w.CLAUSE_NAMES[clause]}.")
    wanted = w.listing((w.CLAUSE_NAMES[c] for c in DissolutionClause if c in clauses), "or")
    return failed(
        f"Its dissolution clause sends residual assets {w.CLAUSE_NAMES[clause]}; the rule needs them sent {wanted}."
    )


# ---------------------------------------------------------------------------------------------------------
# Charities


@check("paid_trustees_minority")
def paid_trustees_minority(facts: StructureFacts, params: Parameters) -> Result:
    charity = facts.charity
    total = charity.trustees_total if charity else None
    paid = charity.trustees_paid if charity else None
    if total is None or paid is None or total <= 0:
        return unknown(
            "The numbers of trustees, and of those paid by the charity (or connected with someone who is), are needed."
        )
    if paid * 2 < total:
        return passed(f"{paid} of {total} trustees are paid or connected with someone who is: a minority.")
    return failed(f"{paid} of {total} trustees are paid or connected with someone who is; they must be a minority.")


# ---------------------------------------------------------------------------------------------------------
# NHS foundation trusts


@check("ft_public_patient_majority", min_share_pct=ParamKind.NUMBER)
def ft_public_patient_majority(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_share_pct")
    ft = facts.foundation_trust
    if (
        ft is None
        or ft.governors_total is None
        or ft.public_governors_elected is None
        or ft.patient_governors_elected is None
    ):
        return unknown("The numbers of public, patient and all governors are needed.")
    together, total = ft.public_governors_elected + ft.patient_governors_elected, ft.governors_total
    words = (
        f"{ft.public_governors_elected} public and {ft.patient_governors_elected} patient governors "
        f"are {together} of {total}"
    )
    if total > 0 and together * 100.0 > floor * total + EPSILON:
        return passed(f"{words}: more than {w.pct(floor)} of the council.")
    return failed(f"{words}; more than {w.pct(floor)} of the council ({_more_than(floor, total)}) is needed.")


def _more_than(floor_pct: float, total: int) -> str:
    return f"more than {floor_pct * total / 100:g}"


@check("ft_staff_governors", min_total=ParamKind.INTEGER, min_per_class=ParamKind.INTEGER)
def ft_staff_governors(facts: StructureFacts, params: Parameters) -> Result:
    least, per_class = params.integer("min_total"), params.integer("min_per_class")
    ft = facts.foundation_trust
    elected = ft.staff_governors_elected if ft else None
    if elected is None:
        return unknown(f"The number of staff governors is not known; at least {least} are needed.")
    if elected < least:
        return failed(f"Staff elect {elected} governors; at least {least} are needed.")
    classes = ft.staff_class_governors if ft else None
    if classes and min(classes) < per_class:
        return failed(f"A staff class elects {min(classes)} governors; each class must elect at least {per_class}.")
    return passed(f"Staff elect {elected} governors (at least {least} are needed).")


@check("ft_local_authority_governor", min_governors=ParamKind.INTEGER)
def ft_local_authority_governor(facts: StructureFacts, params: Parameters) -> Result:
    least = params.integer("min_governors")
    appointed = facts.foundation_trust.local_authority_governors if facts.foundation_trust else None
    if appointed is None:
        return unknown("The number of governors appointed by local authorities is not known.")
    if appointed >= least:
        return passed(f"Local authorities appoint {appointed} governor{'s' if appointed != 1 else ''}.")
    return failed(f"Local authorities appoint {appointed} governors; at least {least} is needed.")


@check("ft_university_governor", min_governors=ParamKind.INTEGER)
def ft_university_governor(facts: StructureFacts, params: Parameters) -> Result:
    least = params.integer("min_governors")
    ft = facts.foundation_trust
    school = ft.has_medical_or_dental_school if ft else None
    if school is None:
        return unknown("Whether any of its hospitals includes a university medical or dental school is not known.")
    if not school:
        return not_applicable("None of its hospitals includes a university medical or dental school.")
    appointed = ft.university_governors if ft else None
    if appointed is None:
        return unknown("The number of governors appointed by the university is not known.")
    if appointed >= least:
        return passed(f"The university appoints {appointed} governor{'s' if appointed != 1 else ''}.")
    return failed(f"The university appoints {appointed} governors; at least {least} is needed.")


@check("ft_ned_tenure", max_years=ParamKind.NUMBER)
def ft_ned_tenure(facts: StructureFacts, params: Parameters) -> Result:
    most = params.number("max_years")
    years = facts.foundation_trust.longest_ned_tenure_years if facts.foundation_trust else None
    if years is None:
        return unknown("How long the longest-serving non-executive has served is not known.")
    if years > most + EPSILON:
        return failed(f"A non-executive has served {years:g} years; the code expects no more than {most:g}.")
    return passed(f"The longest-serving non-executive has served {years:g} years (at most {most:g} expected).")


@check("ft_principal_purpose", min_nhs_income_pct=ParamKind.NUMBER)
def ft_principal_purpose(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_nhs_income_pct")
    share = facts.foundation_trust.nhs_income_pct if facts.foundation_trust else None
    if share is None:
        return unknown("The share of income from NHS purposes is not known.")
    if share > floor + EPSILON:
        return passed(f"{w.pct(share)} of income is for NHS purposes (more than {w.pct(floor)}).")
    return failed(f"{w.pct(share)} of income is for NHS purposes; it must be more than {w.pct(floor)}.")


@check("board_independent_balance", min_pct=ParamKind.NUMBER)
def board_independent_balance(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    seats = facts.board_seats
    if not seats:
        return unknown("The board is not described seat by seat.")
    # The code counts the board without its chair; rows marked as the chair are left out.
    share = board_share(facts, independent_non_executive, seats=tuple(s for s in seats if not s.is_chair))
    if share is None:
        return unknown("The number of seats, leaving out the chair, is not known.")
    if share[0] >= floor - EPSILON:
        return passed(f"Independent non-executives are {w.pct(share[0])} of the board, leaving out the chair.")
    if share[1] < floor - EPSILON:
        return failed(
            f"Independent non-executives are {w.pct(share[1])} of the board, leaving out the chair; "
            f"at least {w.pct(floor)} is expected."
        )
    return unknown("How some board seats are filled is not known.")


# ---------------------------------------------------------------------------------------------------------
# Employee ownership trusts


@check("eot_trading")
def eot_trading(facts: StructureFacts, params: Parameters) -> Result:
    trading = facts.employee_ownership.is_trading_company if facts.employee_ownership else None
    if trading is None:
        return unknown("Whether it is a trading company (or heads a trading group) is not known.")
    if trading:
        return passed("It is a trading company or heads a trading group.")
    return failed("It is not a trading company and does not head a trading group.")


@check("eot_control", min_pct=ParamKind.NUMBER)
def eot_control(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    trust = facts.employee_ownership
    if trust is None:
        return unknown("The trust's holding is not recorded.")
    measures = {
        "ordinary share capital": trust.trustee_shares_pct,
        "votes": trust.trustee_votes_pct,
        "distributable profits": trust.trustee_profits_pct,
        "assets on a winding-up": trust.trustee_assets_pct,
    }
    short = [f"{w.pct(v)} of {what}" for what, v in measures.items() if v is not None and v <= floor + EPSILON]
    parts: list[Result] = []
    if short:
        parts.append(failed(f"The trust holds {w.listing(short)}; it needs more than {w.pct(floor)} of each."))
    missing = [what for what, v in measures.items() if v is None]
    if missing:
        parts.append(unknown(f"The trust's share of {w.listing(missing)} is not known."))
    if trust.defeating_provisions:
        parts.append(failed("An agreement could end the trust's control without the trustees' consent."))
    elif trust.defeating_provisions is None:
        parts.append(
            unknown("Whether any agreement could end the trust's control without the trustees' consent is not known.")
        )
    if not parts:
        lowest = min(v for v in measures.values() if v is not None)
        parts.append(
            passed(
                f"The trust holds more than {w.pct(floor)} of shares, votes, profits and assets "
                f"(at least {w.pct(lowest)})."
            )
        )
    return combine(*parts)


@check("eot_same_terms")
def eot_same_terms(facts: StructureFacts, params: Parameters) -> Result:
    same = facts.employee_ownership.all_employees_same_terms if facts.employee_ownership else None
    if same is None:
        return unknown("Whether the trust benefits all eligible employees on the same terms is not known.")
    if same:
        return passed("The trust benefits all eligible employees on the same terms.")
    return failed("The trust does not benefit all eligible employees on the same terms.")


@check("eot_participation", max_numerator=ParamKind.INTEGER, max_denominator=ParamKind.INTEGER)
def eot_participation(facts: StructureFacts, params: Parameters) -> Result:
    top, bottom = params.integer("max_numerator"), params.integer("max_denominator")
    trust = facts.employee_ownership
    participators = trust.participators if trust else None
    employees = trust.employees if trust else None
    if participators is None or employees is None or employees <= 0:
        return unknown(
            f"The numbers of participators and employees are needed (at most {top}/{bottom} may be participators)."
        )
    words = (
        f"{participators} of {employees} employees ({participators / employees:.3f}) are participators "
        "or connected with them"
    )
    if participators * bottom <= employees * top:
        return passed(f"{words}; at most {top}/{bottom} may be.")
    return failed(f"{words}; at most {top}/{bottom} may be.")


@check("eot_trustee_independence", from_date=ParamKind.DATE, max_connected_pct=ParamKind.NUMBER)
def eot_trustee_independence(facts: StructureFacts, params: Parameters) -> Result:
    start, limit = params.day("from_date"), params.number("max_connected_pct")
    trust = facts.employee_ownership
    sold = trust.disposal_date if trust else None
    if sold is None:
        return unknown("The date the shares were sold to the trust is not known.")
    if sold < start:
        return not_applicable(f"The shares were sold to the trust on {sold:%d %B %Y}, before {start:%d %B %Y}.")
    parts: list[Result] = []
    total = trust.trustees_total if trust else None
    connected = trust.trustees_connected_to_former_owners if trust else None
    if total is None or connected is None or total <= 0:
        parts.append(
            unknown("The numbers of trustees, and of those who are former owners or connected with them, are needed.")
        )
    elif connected * 100.0 < limit * total - EPSILON:
        parts.append(passed(f"{connected} of {total} trustees are former owners or connected with them."))
    else:
        parts.append(
            failed(
                f"{connected} of {total} trustees are former owners or connected with them; "
                f"they must be fewer than {w.pct(limit)}."
            )
        )
    resident = trust.trustees_uk_resident if trust else None
    if resident is None:
        parts.append(unknown("Whether the trustees are UK resident is not known."))
    elif not resident:
        parts.append(failed("The trustees are not UK resident."))
    return combine(*parts)
