"""Checks for trusts: a charity's paid trustees, an NHS foundation trust's governors, an employee ownership trust."""

from __future__ import annotations

from registry.domain.structure import FoundationTrustFacts, StructureFacts
from registry.domain.validator import wording as w
from registry.domain.validator.checks.catalogue import (
    ParamKind,
    Result,
    check,
    combine,
    decided_by,
    failed,
    not_applicable,
    passed,
    unknown,
)
from registry.domain.validator.model import Parameters
from registry.domain.validator.shares import EPSILON, board_share, independent_non_executive

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

_NO_FOUNDATION_TRUST = FoundationTrustFacts()


def _foundation_trust(facts: StructureFacts) -> FoundationTrustFacts:
    """The foundation trust's facts; none recorded reads as each of them not known."""
    return facts.foundation_trust or _NO_FOUNDATION_TRUST


def _governors_appointed(appointer: str, verb: str, appointed: int | None, least: int) -> Result:
    """Whether ``appointer`` (local authorities, the university) appoint at least ``least`` governors."""
    if appointed is None:
        return unknown(f"The number of governors appointed by {appointer} is not known.")
    if appointed >= least:
        return passed(f"{w.capitalised(appointer)} {verb} {appointed} governor{'s' if appointed != 1 else ''}.")
    return failed(f"{w.capitalised(appointer)} {verb} {appointed} governors; at least {least} is needed.")


@check("ft_public_patient_majority", min_share_pct=ParamKind.NUMBER)
def ft_public_patient_majority(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_share_pct")
    ft = _foundation_trust(facts)
    if ft.governors_total is None or ft.public_governors_elected is None or ft.patient_governors_elected is None:
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
    ft = _foundation_trust(facts)
    elected = ft.staff_governors_elected
    if elected is None:
        return unknown(f"The number of staff governors is not known; at least {least} are needed.")
    if elected < least:
        return failed(f"Staff elect {elected} governors; at least {least} are needed.")
    classes = ft.staff_class_governors
    if classes and min(classes) < per_class:
        return failed(f"A staff class elects {min(classes)} governors; each class must elect at least {per_class}.")
    return passed(f"Staff elect {elected} governors (at least {least} are needed).")


@check("ft_local_authority_governor", min_governors=ParamKind.INTEGER)
def ft_local_authority_governor(facts: StructureFacts, params: Parameters) -> Result:
    appointed = _foundation_trust(facts).local_authority_governors
    return _governors_appointed("local authorities", "appoint", appointed, params.integer("min_governors"))


@check("ft_university_governor", min_governors=ParamKind.INTEGER)
def ft_university_governor(facts: StructureFacts, params: Parameters) -> Result:
    ft = _foundation_trust(facts)
    school = ft.has_medical_or_dental_school
    if school is None:
        return unknown("Whether any of its hospitals includes a university medical or dental school is not known.")
    if not school:
        return not_applicable("None of its hospitals includes a university medical or dental school.")
    return _governors_appointed("the university", "appoints", ft.university_governors, params.integer("min_governors"))


@check("ft_ned_tenure", max_years=ParamKind.NUMBER)
def ft_ned_tenure(facts: StructureFacts, params: Parameters) -> Result:
    most = params.number("max_years")
    years = _foundation_trust(facts).longest_ned_tenure_years
    if years is None:
        return unknown("How long the longest-serving non-executive has served is not known.")
    if years > most + EPSILON:
        return failed(f"A non-executive has served {years:g} years; the code expects no more than {most:g}.")
    return passed(f"The longest-serving non-executive has served {years:g} years (at most {most:g} expected).")


@check("ft_principal_purpose", min_nhs_income_pct=ParamKind.NUMBER)
def ft_principal_purpose(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_nhs_income_pct")
    share = _foundation_trust(facts).nhs_income_pct
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
    return decided_by(
        trading,
        unknown("Whether it is a trading company (or heads a trading group) is not known."),
        passed("It is a trading company or heads a trading group."),
        failed("It is not a trading company and does not head a trading group."),
    )


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
    return decided_by(
        same,
        unknown("Whether the trust benefits all eligible employees on the same terms is not known."),
        passed("The trust benefits all eligible employees on the same terms."),
        failed("The trust does not benefit all eligible employees on the same terms."),
    )


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
