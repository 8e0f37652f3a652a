"""Checks on purpose and independence: charity status, who benefits, the name, trading, outside control."""

from __future__ import annotations

from registry.domain.structure import StructureFacts, appoints_board_majority, control_band
from registry.domain.validator import wording as w
from registry.domain.validator.checks.catalogue import (
    ParamKind,
    Result,
    beyond,
    check,
    combine,
    decided_by,
    failed,
    passed,
    range_above,
    unknown,
)
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON, board_share, public_appointee, vote_share_range


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
    return decided_by(
        facts.member_benefit_only,
        unknown("Whether its objects benefit only its members or employees is not known."),
        failed("Its objects benefit only its own members or employees, not the wider community."),
        passed("Its objects benefit people beyond its own members and employees."),
    )


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
    parts = [
        decided_by(
            facts.is_public_body,
            unknown("Whether it is a public body is not known."),
            failed("It is recorded as a public body."),
            passed("It is not a public body."),
        )
    ]
    seats = board_share(facts, public_appointee)
    if seats is None:
        parts.append(unknown("Who appoints the board is not known, seat by seat."))
    elif beyond(seats[0], limit, inclusive):
        parts.append(failed(f"Public bodies appoint {w.pct(seats[0])} of the board; the rule allows {allowed}."))
    elif not beyond(seats[1], limit, inclusive):
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
    if bounds is None:
        parts.append(unknown(f"The share of votes {w.kinds(outside)} hold cannot be worked out."))
    else:
        held = f"{w.capitalised(w.kinds(outside))} hold {w.share_range(*bounds)} of votes"
        parts.append(
            decided_by(
                range_above(bounds, threshold, strictly=True),
                unknown(f"{held}; whether over {w.pct(threshold)} is not known."),
                failed(f"{held}, over {w.pct(threshold)}."),
                passed(f"{held}."),
            )
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
