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
    enough = None if bounds is None else range_above(bounds, vote_floor, strictly=False)
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
    over = None if bounds is None else range_above(bounds, vote_floor, strictly=True)
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
    return decided_by(
        facts.delivers_public_services,
        unknown("Whether it delivers public services is not known."),
        passed("It delivers public services."),
        failed("It does not deliver public services."),
    )
