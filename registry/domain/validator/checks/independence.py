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
from registry.domain.validator.wording import _


@check("not_a_charity", never_charity_forms=ParamKind.FORMS)
def not_a_charity(facts: StructureFacts, params: Parameters) -> Result:
    """Not a charity. For the forms the law says cannot be charities, the form decides it unless the record
    says otherwise (a contradiction that fails)."""
    form = facts.legal_form
    if facts.registered_charity:
        return failed(_("It is recorded as a charity, which %(form)s cannot be.", form=w.form_name(form)))
    if form is not None and form in params.forms("never_charity_forms"):
        return passed(_("As %(form)s, it cannot be a charity in law.", form=w.form_name(form)))
    if facts.registered_charity is None:
        return unknown(_("Whether it is a charity is not known."))
    return passed(_("It is not a charity."))


@check("benefit_not_members_only")
def benefit_not_members_only(facts: StructureFacts, params: Parameters) -> Result:
    return decided_by(
        facts.member_benefit_only,
        unknown(_("Whether its objects benefit only its members or employees is not known.")),
        failed(_("Its objects benefit only its own members or employees, not the wider community.")),
        passed(_("Its objects benefit people beyond its own members and employees.")),
    )


@check("name_not_cooperative")
def name_not_cooperative(facts: StructureFacts, params: Parameters) -> Result:
    if facts.name is None:
        return unknown(_("The organisation's name is not known."))
    folded = facts.name.casefold().replace("-", "").replace(" ", "")
    if "cooperative" in folded or "coop" in folded:
        return failed(
            _(
                'Its name, "%(name)s", claims to be a co-operative, which only a co-operative society may.',
                name=facts.name,
            )
        )
    return passed(_('Its name, "%(name)s", does not claim to be a co-operative.', name=facts.name))


@check("trading_income", min_pct=ParamKind.NUMBER)
def trading_income(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    if facts.trading_income_pct is None:
        return unknown(
            _("Its share of income from trading is not known; at least %(floor)s is needed.", floor=w.pct(floor))
        )
    share = facts.trading_income_pct
    if share >= floor - EPSILON:
        return passed(
            _(
                "%(share)s of its income comes from trading (at least %(floor)s is needed).",
                share=w.pct(share),
                floor=w.pct(floor),
            )
        )
    return failed(
        _(
            "%(share)s of its income comes from trading; at least %(floor)s is needed.",
            share=w.pct(share),
            floor=w.pct(floor),
        )
    )


@check(
    "independent_of_state",
    public_forms=ParamKind.FORMS,
    max_public_appointee_pct=ParamKind.NUMBER,
    limit_is_inclusive=ParamKind.FLAG,
)
def independent_of_state(facts: StructureFacts, params: Parameters) -> Result:
    limit, inclusive = params.number("max_public_appointee_pct"), params.flag("limit_is_inclusive")
    if inclusive:
        allowed = _("less than %(limit)s", limit=w.pct(limit))
    else:
        allowed = _("no more than %(limit)s", limit=w.pct(limit))
    if facts.legal_form is not None and facts.legal_form in params.forms("public_forms"):
        return failed(_("It is %(form)s, a public body.", form=w.form_name(facts.legal_form)))
    parts = [
        decided_by(
            facts.is_public_body,
            unknown(_("Whether it is a public body is not known.")),
            failed(_("It is recorded as a public body.")),
            passed(_("It is not a public body.")),
        )
    ]
    seats = board_share(facts, public_appointee)
    if seats is None:
        parts.append(unknown(_("Who appoints the board is not known, seat by seat.")))
    elif beyond(seats[0], limit, inclusive):
        parts.append(
            failed(
                _(
                    "Public bodies appoint %(share)s of the board; the rule allows %(allowed)s.",
                    share=w.pct(seats[0]),
                    allowed=allowed,
                )
            )
        )
    elif not beyond(seats[1], limit, inclusive):
        parts.append(
            passed(
                _(
                    "Public bodies appoint %(share)s of the board (%(allowed)s is allowed).",
                    share=w.pct(seats[1]),
                    allowed=allowed,
                )
            )
        )
    else:
        parts.append(unknown(_("It is not known who appoints some board seats.")))
    controllers = facts.significant_control
    if controllers is None:
        parts.append(unknown(_("Who has significant control is not recorded (record none if nobody does).")))
    else:
        public = [p.name or _("a person with significant control") for p in controllers if p.is_public_body]
        if public:
            parts.append(
                failed(
                    _(
                        "%(names)s, a public body, has significant control.",
                        names=w.capitalised(w.listing(public)),
                    )
                )
            )
        elif any(p.is_public_body is None for p in controllers):
            parts.append(unknown(_("Whether each person with significant control is a public body is not known.")))
    return combine(*parts)


def _control_over(natures: tuple[str, ...], threshold: float) -> tuple[bool | None, str]:
    """Whether the natures of control pass ``threshold`` % (or give a board majority), and the words for it."""
    answer: bool | None = False
    words = _("significant influence or control")
    for nature in natures:
        if appoints_board_majority(nature):
            return True, _("the right to appoint or remove a majority of the board")
        band = control_band(nature)
        if band is None:
            continue
        low, high = band
        described = _band_words(nature, low, high)
        if low >= threshold - EPSILON:
            return True, described
        if high > threshold + EPSILON:
            answer, words = None, described
    return answer, words


def _band_words(nature: str, low: float, high: float) -> str:
    """A band of control, as a whole phrase: "more than 25% but not more than 50% of the shares"."""
    if nature.startswith("right-to-share-surplus-assets"):
        if high < 100:
            return _(
                "more than %(low)s but not more than %(high)s of the surplus assets", low=w.pct(low), high=w.pct(high)
            )
        return _("more than %(low)s of the surplus assets", low=w.pct(low))
    if nature.startswith("voting-rights"):
        if high < 100:
            return _(
                "more than %(low)s but not more than %(high)s of the voting rights", low=w.pct(low), high=w.pct(high)
            )
        return _("more than %(low)s of the voting rights", low=w.pct(low))
    if high < 100:
        return _("more than %(low)s but not more than %(high)s of the shares", low=w.pct(low), high=w.pct(high))
    return _("more than %(low)s of the shares", low=w.pct(low))


@check("no_for_profit_control", threshold_pct=ParamKind.NUMBER)
def no_for_profit_control(facts: StructureFacts, params: Parameters) -> Result:
    threshold = params.number("threshold_pct")
    controllers = facts.significant_control
    if controllers is None:
        return unknown(_("Who has significant control is not recorded (record none if nobody does)."))
    if not controllers:
        return passed(_("Nobody has significant control."))
    parts: list[Result] = []
    for controller in controllers:
        name = controller.name or _("A person with significant control")
        if controller.is_employee_trust:
            parts.append(passed(_("%(name)s is an employee trust, which the rule allows.", name=name)))
            continue
        if controller.is_asset_locked:
            parts.append(passed(_("%(name)s is an asset-locked body, which the rule allows.", name=name)))
            continue
        if controller.is_for_profit is False:
            parts.append(passed(_("%(name)s is not a for-profit company, fund or investor.", name=name)))
            continue
        if controller.natures_of_control is None:
            parts.append(unknown(_("The nature of %(name)s's control is not recorded.", name=name)))
            continue
        over, words = _control_over(controller.natures_of_control, threshold)
        if over is False:
            parts.append(passed(_("%(name)s holds %(control)s, below the threshold.", name=name, control=words)))
        elif controller.is_for_profit is None:
            parts.append(
                unknown(
                    _("%(name)s holds %(control)s; whether it is for profit is not known.", name=name, control=words)
                )
            )
        elif over:
            parts.append(
                failed(
                    _(
                        "%(name)s, a for-profit person with significant control, holds %(control)s; the rule allows "
                        "no for-profit person with more than %(threshold)s of shares or votes, or the right to "
                        "appoint a board majority.",
                        name=name,
                        control=words,
                        threshold=w.pct(threshold),
                    )
                )
            )
        else:
            parts.append(unknown(_over_not_known(name, words, threshold)))
    return combine(*parts)


def _over_not_known(name: str, words: str, threshold: float) -> str:
    return _(
        "%(name)s holds %(control)s; whether that is over %(threshold)s is not known.",
        name=name,
        control=words,
        threshold=w.pct(threshold),
    )


@check(
    "autonomy", outside_kinds=ParamKind.KINDS, threshold_pct=ParamKind.NUMBER, max_public_appointee_pct=ParamKind.NUMBER
)
def autonomy(facts: StructureFacts, params: Parameters) -> Result:
    outside = params.kinds("outside_kinds")
    threshold, board_limit = params.number("threshold_pct"), params.number("max_public_appointee_pct")
    parts: list[Result] = []
    bounds = vote_share_range(facts, outside)
    if bounds is None:
        parts.append(unknown(_("The share of votes %(kinds)s hold cannot be worked out.", kinds=w.kinds(outside))))
    else:
        who, share, over = w.capitalised(w.kinds(outside)), w.share_range(*bounds), w.pct(threshold)
        parts.append(
            decided_by(
                range_above(bounds, threshold, strictly=True),
                unknown(
                    _(
                        "%(who)s hold %(share)s of votes; whether over %(threshold)s is not known.",
                        who=who,
                        share=share,
                        threshold=over,
                    )
                ),
                failed(_("%(who)s hold %(share)s of votes, over %(threshold)s.", who=who, share=share, threshold=over)),
                passed(_("%(who)s hold %(share)s of votes.", who=who, share=share)),
            )
        )
    seats = board_share(facts, public_appointee)
    if seats is None:
        parts.append(unknown(_("Who appoints the board is not known, seat by seat.")))
    elif seats[0] > board_limit + EPSILON:
        parts.append(failed(_("Public bodies appoint %(share)s of the board, a majority.", share=w.pct(seats[0]))))
    elif seats[1] > board_limit + EPSILON:
        parts.append(unknown(_("It is not known who appoints some board seats.")))
    controllers = facts.significant_control
    if controllers is None:
        parts.append(unknown(_("Who has significant control is not recorded (record none if nobody does).")))
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
            name = controller.name or _("A person with significant control")
            if controller.natures_of_control is None:
                parts.append(unknown(_("The nature of %(name)s's control is not recorded.", name=name)))
                continue
            control, words = _control_over(controller.natures_of_control, threshold)
            if control is None:
                parts.append(unknown(_over_not_known(name, words, threshold)))
            elif control and (outsider or controller.is_member is False):
                parts.append(
                    failed(
                        _(
                            "%(name)s holds %(control)s, so the members do not control it democratically.",
                            name=name,
                            control=words,
                        )
                    )
                )
            elif control:
                parts.append(
                    unknown(
                        _(
                            "%(name)s holds %(control)s; whether it is one of the members, whose control this "
                            "allows, is not known.",
                            name=name,
                            control=words,
                        )
                    )
                )
    return combine(*parts)
