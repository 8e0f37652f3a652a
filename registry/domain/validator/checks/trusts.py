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
from registry.domain.validator.wording import _, _l, ngettext

# ---------------------------------------------------------------------------------------------------------
# Charities


@check("paid_trustees_minority")
def paid_trustees_minority(facts: StructureFacts, params: Parameters) -> Result:
    charity = facts.charity
    total = charity.trustees_total if charity else None
    paid = charity.trustees_paid if charity else None
    if total is None or paid is None or total <= 0:
        return unknown(
            _(
                "The numbers of trustees, and of those paid by the charity (or connected with someone who is), "
                "are needed."
            )
        )
    if paid * 2 < total:
        return passed(
            _(
                "%(paid)s of %(total)s trustees are paid or connected with someone who is: a minority.",
                paid=paid,
                total=total,
            )
        )
    return failed(
        _(
            "%(paid)s of %(total)s trustees are paid or connected with someone who is; they must be a minority.",
            paid=paid,
            total=total,
        )
    )


# ---------------------------------------------------------------------------------------------------------
# NHS foundation trusts

_NO_FOUNDATION_TRUST = FoundationTrustFacts()


def _foundation_trust(facts: StructureFacts) -> FoundationTrustFacts:
    """The foundation trust's facts; none recorded reads as each of them not known."""
    return facts.foundation_trust or _NO_FOUNDATION_TRUST


def _local_authority_governors(appointed: int | None, least: int) -> Result:
    """Whether local authorities appoint at least ``least`` governors."""
    if appointed is None:
        return unknown(_("The number of governors appointed by local authorities is not known."))
    if appointed >= least:
        return passed(
            ngettext(
                "Local authorities appoint %(num)s governor.", "Local authorities appoint %(num)s governors.", appointed
            )
        )
    return failed(
        _(
            "Local authorities appoint %(appointed)s governors; at least %(least)s is needed.",
            appointed=appointed,
            least=least,
        )
    )


def _university_governors(appointed: int | None, least: int) -> Result:
    """Whether the university appoints at least ``least`` governors."""
    if appointed is None:
        return unknown(_("The number of governors appointed by the university is not known."))
    if appointed >= least:
        return passed(
            ngettext(
                "The university appoints %(num)s governor.", "The university appoints %(num)s governors.", appointed
            )
        )
    return failed(
        _(
            "The university appoints %(appointed)s governors; at least %(least)s is needed.",
            appointed=appointed,
            least=least,
        )
    )


@check("ft_public_patient_majority", min_share_pct=ParamKind.NUMBER)
def ft_public_patient_majority(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_share_pct")
    ft = _foundation_trust(facts)
    if ft.governors_total is None or ft.public_governors_elected is None or ft.patient_governors_elected is None:
        return unknown(_("The numbers of public, patient and all governors are needed."))
    together, total = ft.public_governors_elected + ft.patient_governors_elected, ft.governors_total
    counts = {
        "public": ft.public_governors_elected,
        "patient": ft.patient_governors_elected,
        "together": together,
        "total": total,
        "floor": w.pct(floor),
    }
    if total > 0 and together * 100.0 > floor * total + EPSILON:
        return passed(
            _(
                "%(public)s public and %(patient)s patient governors are %(together)s of %(total)s: "
                "more than %(floor)s of the council.",
                **counts,
            )
        )
    return failed(
        _(
            "%(public)s public and %(patient)s patient governors are %(together)s of %(total)s; "
            "more than %(floor)s of the council (more than %(needed)s) is needed.",
            needed=format(floor * total / 100, "g"),
            **counts,
        )
    )


@check("ft_staff_governors", min_total=ParamKind.INTEGER, min_per_class=ParamKind.INTEGER)
def ft_staff_governors(facts: StructureFacts, params: Parameters) -> Result:
    least, per_class = params.integer("min_total"), params.integer("min_per_class")
    ft = _foundation_trust(facts)
    elected = ft.staff_governors_elected
    if elected is None:
        return unknown(_("The number of staff governors is not known; at least %(least)s are needed.", least=least))
    if elected < least:
        return failed(
            _("Staff elect %(elected)s governors; at least %(least)s are needed.", elected=elected, least=least)
        )
    classes = ft.staff_class_governors
    if classes and min(classes) < per_class:
        return failed(
            _(
                "A staff class elects %(elected)s governors; each class must elect at least %(least)s.",
                elected=min(classes),
                least=per_class,
            )
        )
    return passed(_("Staff elect %(elected)s governors (at least %(least)s are needed).", elected=elected, least=least))


@check("ft_local_authority_governor", min_governors=ParamKind.INTEGER)
def ft_local_authority_governor(facts: StructureFacts, params: Parameters) -> Result:
    appointed = _foundation_trust(facts).local_authority_governors
    return _local_authority_governors(appointed, params.integer("min_governors"))


@check("ft_university_governor", min_governors=ParamKind.INTEGER)
def ft_university_governor(facts: StructureFacts, params: Parameters) -> Result:
    ft = _foundation_trust(facts)
    school = ft.has_medical_or_dental_school
    if school is None:
        return unknown(_("Whether any of its hospitals includes a university medical or dental school is not known."))
    if not school:
        return not_applicable(_("None of its hospitals includes a university medical or dental school."))
    return _university_governors(ft.university_governors, params.integer("min_governors"))


@check("ft_ned_tenure", max_years=ParamKind.NUMBER)
def ft_ned_tenure(facts: StructureFacts, params: Parameters) -> Result:
    most = params.number("max_years")
    years = _foundation_trust(facts).longest_ned_tenure_years
    if years is None:
        return unknown(_("How long the longest-serving non-executive has served is not known."))
    if years > most + EPSILON:
        return failed(
            _(
                "A non-executive has served %(years)s years; the code expects no more than %(most)s.",
                years=format(years, "g"),
                most=format(most, "g"),
            )
        )
    return passed(
        _(
            "The longest-serving non-executive has served %(years)s years (at most %(most)s expected).",
            years=format(years, "g"),
            most=format(most, "g"),
        )
    )


@check("ft_principal_purpose", min_nhs_income_pct=ParamKind.NUMBER)
def ft_principal_purpose(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_nhs_income_pct")
    share = _foundation_trust(facts).nhs_income_pct
    if share is None:
        return unknown(_("The share of income from NHS purposes is not known."))
    if share > floor + EPSILON:
        return passed(
            _(
                "%(share)s of income is for NHS purposes (more than %(floor)s).",
                share=w.pct(share),
                floor=w.pct(floor),
            )
        )
    return failed(
        _(
            "%(share)s of income is for NHS purposes; it must be more than %(floor)s.",
            share=w.pct(share),
            floor=w.pct(floor),
        )
    )


@check("board_independent_balance", min_pct=ParamKind.NUMBER)
def board_independent_balance(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    seats = facts.board_seats
    if not seats:
        return unknown(_("The board is not described seat by seat."))
    # The code counts the board without its chair; rows marked as the chair are left out.
    share = board_share(facts, independent_non_executive, seats=tuple(s for s in seats if not s.is_chair))
    if share is None:
        return unknown(_("The number of seats, leaving out the chair, is not known."))
    if share[0] >= floor - EPSILON:
        return passed(
            _(
                "Independent non-executives are %(share)s of the board, leaving out the chair.",
                share=w.pct(share[0]),
            )
        )
    if share[1] < floor - EPSILON:
        return failed(
            _(
                "Independent non-executives are %(share)s of the board, leaving out the chair; "
                "at least %(floor)s is expected.",
                share=w.pct(share[1]),
                floor=w.pct(floor),
            )
        )
    return unknown(_("How some board seats are filled is not known."))


# ---------------------------------------------------------------------------------------------------------
# Employee ownership trusts


@check("eot_trading")
def eot_trading(facts: StructureFacts, params: Parameters) -> Result:
    trading = facts.employee_ownership.is_trading_company if facts.employee_ownership else None
    return decided_by(
        trading,
        unknown(_("Whether it is a trading company (or heads a trading group) is not known.")),
        passed(_("It is a trading company or heads a trading group.")),
        failed(_("It is not a trading company and does not head a trading group.")),
    )


# What an employee ownership trust must hold more than the threshold of, and a holding of each as words.
_MEASURES = {
    "shares": _l("ordinary share capital"),
    "votes": _l("votes"),
    "profits": _l("distributable profits"),
    "assets": _l("assets on a winding-up"),
}
_HOLDING = {
    "shares": lambda v: _("%(share)s of ordinary share capital", share=w.pct(v)),
    "votes": lambda v: _("%(share)s of votes", share=w.pct(v)),
    "profits": lambda v: _("%(share)s of distributable profits", share=w.pct(v)),
    "assets": lambda v: _("%(share)s of assets on a winding-up", share=w.pct(v)),
}


@check("eot_control", min_pct=ParamKind.NUMBER)
def eot_control(facts: StructureFacts, params: Parameters) -> Result:
    floor = params.number("min_pct")
    trust = facts.employee_ownership
    if trust is None:
        return unknown(_("The trust's holding is not recorded."))
    measures = {
        "shares": trust.trustee_shares_pct,
        "votes": trust.trustee_votes_pct,
        "profits": trust.trustee_profits_pct,
        "assets": trust.trustee_assets_pct,
    }
    short = [_HOLDING[what](v) for what, v in measures.items() if v is not None and v <= floor + EPSILON]
    parts: list[Result] = []
    if short:
        parts.append(
            failed(
                _(
                    "The trust holds %(holdings)s; it needs more than %(floor)s of each.",
                    holdings=w.listing(short),
                    floor=w.pct(floor),
                )
            )
        )
    missing = [_(_MEASURES[what]) for what, v in measures.items() if v is None]
    if missing:
        parts.append(unknown(_("The trust's share of %(measures)s is not known.", measures=w.listing(missing))))
    if trust.defeating_provisions:
        parts.append(failed(_("An agreement could end the trust's control without the trustees' consent.")))
    elif trust.defeating_provisions is None:
        parts.append(
            unknown(
                _("Whether any agreement could end the trust's control without the trustees' consent is not known.")
            )
        )
    if not parts:
        lowest = min(v for v in measures.values() if v is not None)
        parts.append(
            passed(
                _(
                    "The trust holds more than %(floor)s of shares, votes, profits and assets (at least %(lowest)s).",
                    floor=w.pct(floor),
                    lowest=w.pct(lowest),
                )
            )
        )
    return combine(*parts)


@check("eot_same_terms")
def eot_same_terms(facts: StructureFacts, params: Parameters) -> Result:
    same = facts.employee_ownership.all_employees_same_terms if facts.employee_ownership else None
    return decided_by(
        same,
        unknown(_("Whether the trust benefits all eligible employees on the same terms is not known.")),
        passed(_("The trust benefits all eligible employees on the same terms.")),
        failed(_("The trust does not benefit all eligible employees on the same terms.")),
    )


@check("eot_participation", max_numerator=ParamKind.INTEGER, max_denominator=ParamKind.INTEGER)
def eot_participation(facts: StructureFacts, params: Parameters) -> Result:
    top, bottom = params.integer("max_numerator"), params.integer("max_denominator")
    trust = facts.employee_ownership
    participators = trust.participators if trust else None
    employees = trust.employees if trust else None
    if participators is None or employees is None or employees <= 0:
        return unknown(
            _(
                "The numbers of participators and employees are needed (at most %(top)s/%(bottom)s may be "
                "participators).",
                top=top,
                bottom=bottom,
            )
        )
    words = _(
        "%(participators)s of %(employees)s employees (%(fraction)s) are participators or connected with them; "
        "at most %(top)s/%(bottom)s may be.",
        participators=participators,
        employees=employees,
        fraction=format(participators / employees, ".3f"),
        top=top,
        bottom=bottom,
    )
    if participators * bottom <= employees * top:
        return passed(words)
    return failed(words)


@check("eot_trustee_independence", from_date=ParamKind.DATE, max_connected_pct=ParamKind.NUMBER)
def eot_trustee_independence(facts: StructureFacts, params: Parameters) -> Result:
    start, limit = params.day("from_date"), params.number("max_connected_pct")
    trust = facts.employee_ownership
    sold = trust.disposal_date if trust else None
    if sold is None:
        return unknown(_("The date the shares were sold to the trust is not known."))
    if sold < start:
        return not_applicable(
            _(
                "The shares were sold to the trust on %(sold)s, before %(start)s.",
                sold=w.day(sold),
                start=w.day(start),
            )
        )
    parts: list[Result] = []
    total = trust.trustees_total if trust else None
    connected = trust.trustees_connected_to_former_owners if trust else None
    if total is None or connected is None or total <= 0:
        parts.append(
            unknown(
                _("The numbers of trustees, and of those who are former owners or connected with them, are needed.")
            )
        )
    elif connected * 100.0 < limit * total - EPSILON:
        parts.append(
            passed(
                _(
                    "%(connected)s of %(total)s trustees are former owners or connected with them.",
                    connected=connected,
                    total=total,
                )
            )
        )
    else:
        parts.append(
            failed(
                _(
                    "%(connected)s of %(total)s trustees are former owners or connected with them; "
                    "they must be fewer than %(limit)s.",
                    connected=connected,
                    total=total,
                    limit=w.pct(limit),
                )
            )
        )
    resident = trust.trustees_uk_resident if trust else None
    if resident is None:
        parts.append(unknown(_("Whether the trustees are UK resident is not known.")))
    elif not resident:
        parts.append(failed(_("The trustees are not UK resident.")))
    return combine(*parts)
