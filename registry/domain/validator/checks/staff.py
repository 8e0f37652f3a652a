"""Checks for public service mutuals: staff influence or control, spinning out, delivering public services."""

from __future__ import annotations

from registry.domain.structure import StructureFacts
from registry.domain.validator import wording as w
from registry.domain.validator.checks.catalogue import (
    ParamKind,
    Result,
    check,
    decided_by,
    failed,
    not_applicable,
    passed,
    range_above,
    unknown,
)
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON, board_share, elected_by, seat_count, vote_share_range
from registry.domain.validator.wording import _, ngettext


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
            return unknown(_("Whether it spun out of the public sector is not known."))
        if facts.origin not in params.origins("spin_out_origins"):
            return not_applicable(
                _("It %(origin)s, so the spin-out rule does not apply.", origin=w.ORIGIN_NAMES[facts.origin])
            )
    bounds = vote_share_range(facts, staff)
    enough = None if bounds is None else range_above(bounds, vote_floor, strictly=False)
    if bounds is not None and enough:
        return passed(
            _(
                "Staff hold %(share)s of votes (at least %(floor)s shows significant influence).",
                share=w.share_range(*bounds),
                floor=w.pct(vote_floor),
            )
        )
    trust = facts.employee_ownership
    owned = trust.trustee_shares_pct if trust else None
    if owned is not None and owned >= ownership_floor - EPSILON:
        return passed(
            _(
                "An employee ownership trust holds %(owned)s of the shares (at least %(floor)s).",
                owned=w.pct(owned),
                floor=w.pct(ownership_floor),
            )
        )
    seats = seat_count(facts, elected_by(staff))
    eligible = facts.all_employees_eligible
    if seats is not None and seats[0] >= seat_floor and eligible:
        return passed(
            ngettext(
                "Staff elect %(num)s board seat and every employee can be a member.",
                "Staff elect %(num)s board seats and every employee can be a member.",
                seats[0],
            )
        )
    vote_low = bounds is not None and enough is False
    board_low = (seats is not None and seats[1] < seat_floor) or eligible is False
    owned_low = trust is None or (owned is not None and owned < ownership_floor - EPSILON)
    if bounds is not None and vote_low and board_low and owned_low:
        return failed(_staff_influence_too_low(bounds, vote_floor, eligible, seats, seat_floor, trust is None))
    return unknown(
        ngettext(
            "Staff influence cannot be confirmed: it needs the staff share of votes (at least %(floor)s), "
            "or staff electing at least %(num)s board seat with every employee able to be a member.",
            "Staff influence cannot be confirmed: it needs the staff share of votes (at least %(floor)s), "
            "or staff electing at least %(num)s board seats with every employee able to be a member.",
            seat_floor,
            floor=w.pct(vote_floor),
        )
    )


def _staff_influence_too_low(
    bounds: tuple[float, float],
    vote_floor: float,
    eligible: bool | None,
    seats: tuple[int, int] | None,
    seat_floor: int,
    no_trust: bool,
) -> str:
    """Why staff influence falls short, as one sentence: votes, then membership or seats, then the trust."""
    share, floor = w.share_range(*bounds), w.pct(vote_floor)
    if eligible is False:
        if no_trust:
            return _(
                "Staff hold %(share)s of votes (at least %(floor)s is needed), not every employee can be a member "
                "and no employee ownership trust is recorded.",
                share=share,
                floor=floor,
            )
        return _(
            "Staff hold %(share)s of votes (at least %(floor)s is needed), not every employee can be a member.",
            share=share,
            floor=floor,
        )
    if seats is not None:
        if no_trust:
            return _(
                "Staff hold %(share)s of votes (at least %(floor)s is needed), staff elect %(seats)s board seats "
                "(at least %(seat_floor)s is needed) and no employee ownership trust is recorded.",
                share=share,
                floor=floor,
                seats=seats[1],
                seat_floor=seat_floor,
            )
        return _(
            "Staff hold %(share)s of votes (at least %(floor)s is needed), staff elect %(seats)s board seats "
            "(at least %(seat_floor)s is needed).",
            share=share,
            floor=floor,
            seats=seats[1],
            seat_floor=seat_floor,
        )
    if no_trust:
        return _(
            "Staff hold %(share)s of votes (at least %(floor)s is needed) and no employee ownership trust is recorded.",
            share=share,
            floor=floor,
        )
    return _("Staff hold %(share)s of votes (at least %(floor)s is needed).", share=share, floor=floor)


@check("staff_control", staff_kinds=ParamKind.KINDS, min_vote_pct=ParamKind.NUMBER, min_board_pct=ParamKind.NUMBER)
def staff_control(facts: StructureFacts, params: Parameters) -> Result:
    staff = params.kinds("staff_kinds")
    vote_floor, board_floor = params.number("min_vote_pct"), params.number("min_board_pct")
    bounds = vote_share_range(facts, staff)
    over = None if bounds is None else range_above(bounds, vote_floor, strictly=True)
    if bounds is not None and over:
        return passed(
            _(
                "Staff hold %(share)s of votes (more than %(floor)s).",
                share=w.share_range(*bounds),
                floor=w.pct(vote_floor),
            )
        )
    seats = board_share(facts, elected_by(staff))
    if seats is not None and seats[0] > board_floor + EPSILON:
        return passed(
            _(
                "Staff elect %(share)s of the board (more than %(floor)s).",
                share=w.pct(seats[0]),
                floor=w.pct(board_floor),
            )
        )
    if bounds is not None and over is False and seats is not None and seats[1] <= board_floor + EPSILON:
        return failed(
            _(
                "Staff hold %(share)s of votes and elect %(board)s of the board; employees control it only "
                "with more than %(vote_floor)s of votes or more than %(board_floor)s of the board.",
                share=w.share_range(*bounds),
                board=w.pct(seats[1]),
                vote_floor=w.pct(vote_floor),
                board_floor=w.pct(board_floor),
            )
        )
    return unknown(
        _("Whether employees control it cannot be worked out: enter the member classes' votes and the board.")
    )


@check("spun_out", spin_out_origins=ParamKind.ORIGINS)
def spun_out(facts: StructureFacts, params: Parameters) -> Result:
    if facts.is_public_body:
        return failed(_("It is recorded as a public body, so it has not left the public sector."))
    if facts.origin is None:
        return unknown(_("Whether it spun out of the public sector is not known."))
    if facts.origin in params.origins("spin_out_origins"):
        origin = w.ORIGIN_NAMES[facts.origin]
        if facts.spin_out_date is not None:
            return passed(_("It %(origin)s in %(when)s.", origin=origin, when=w.month(facts.spin_out_date)))
        return passed(_("It %(origin)s.", origin=origin))
    return failed(
        _(
            "It %(origin)s; a public service mutual has left the public sector.",
            origin=w.ORIGIN_NAMES[facts.origin],
        )
    )


@check("delivers_public_services")
def delivers_public_services(facts: StructureFacts, params: Parameters) -> Result:
    return decided_by(
        facts.delivers_public_services,
        unknown(_("Whether it delivers public services is not known.")),
        passed(_("It delivers public services.")),
        failed(_("It does not deliver public services.")),
    )
