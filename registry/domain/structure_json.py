"""Reading structure facts from a JSON-like dict, and writing them back in the same shape.

A missing key and an explicit ``null`` both mean "unknown"; the one exception is a board seat's ``seats``,
which counts one seat when the key is left out. ``facts_from_dict`` reports every invalid field at once,
keyed by its path (``member_classes[1].count``), in plain words in the current language (English or Welsh).
``facts_to_dict`` writes the same shape back, so the two round-trip.

Each message is one whole sentence to translate; where a sentence names the field ("Enter %(what)s as a whole
number ..."), the field's words are a translated phrase of their own, given lazily (``_l``) so they are only
looked up when a field is wrong. Their Welsh is written to fit the sentences that use them:

- a field phrase of ``count``, ``pct``, ``money``, ``years``, ``text``, ``day``, ``group`` and ``enum`` follows an
  imperative ("Rhowch %(what)s ...", "Dewiswch %(what)s ..."), so its Welsh takes the soft mutation a direct
  object takes there ("reol bleidleisio", "gyfran o'r pleidleisiau"); "y"/"yr" and "nifer" do not mutate;
- a ``rows`` phrase also follows "o" ("... mwy na %(max)s o %(what)s"), so its Welsh has no article and is
  soft-mutated ("ddosbarthiadau aelodau");
- a ``flag`` phrase is a "whether" clause; its Welsh starts with the question word ("a yw'r sefydliad yn ...").
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from babel.numbers import format_decimal

from registry.domain import vocabulary
from registry.domain.language import current_language
from registry.domain.language import gettext as _
from registry.domain.structure import (
    MAX_COUNT,
    MAX_ROWS,
    MAX_TEXT,
    BoardSeatFacts,
    CharityFacts,
    EmployeeOwnershipFacts,
    FoundationTrustFacts,
    MemberClassFacts,
    ProfitRules,
    SignificantControl,
    StructureFacts,
    StructureFactsError,
    is_nature_of_control,
)

E = TypeVar("E", bound=StrEnum)


class _Phrase:
    """A field's words for a message, translated only when the message is made (``str()``, or a ``%(what)s`` of
    ``gettext``): a lazy phrase like ``lazy_gettext``'s, but cheap enough to make for every field of every
    structure read, valid or not (a ``LazyProxy`` each made reading a structure twice as slow)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return _(self.message)


# ``_l`` is how the phrases are marked for ``pybabel extract -k _l`` (make translations).
_l = _Phrase
Words = str | _Phrase

_DECLARATION = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,79}$")


class _Reader:
    """Reads one JSON object's fields, recording every problem under its path instead of stopping."""

    def __init__(self, data: Mapping[str, Any], path: str, errors: dict[str, str], allowed: Sequence[str]) -> None:
        self.data = data
        self.prefix = f"{path}." if path else ""
        self.errors = errors
        for key in data:
            if key not in allowed:
                errors[self.path(str(key))] = _(
                    "Remove %(key)s: it is not one of the fields this part can have", key=key
                )

    def path(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, message: str) -> None:
        self.errors[self.path(key)] = message

    def raw(self, key: str) -> Any:
        value = self.data.get(key)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def enum(self, key: str, kind: type[E], what: Words) -> E | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return kind(value.strip())
            except ValueError:
                pass
        codes = ", ".join(member.value for member in kind)
        self.fail(key, _("Choose %(what)s from the list: %(codes)s", what=what, codes=codes))
        return None

    def number(self, key: str, low: float, high: float | None) -> tuple[float | None, bool]:
        """The field's number (``None`` when unknown), and whether it was valid: a number from low to high."""
        value = self.raw(key)
        if value is None:
            return None, True
        number: float | None = None
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                number = float(value)
            elif isinstance(value, str):
                number = float(value.strip().rstrip("%").replace(",", ""))
        except (ValueError, OverflowError):  # not a number, or an integer too big for a float
            number = None
        if number is None or not math.isfinite(number) or number < low or (high is not None and number > high):
            return None, False
        return number, True

    def pct(self, key: str, what: Words) -> float | None:
        number, valid = self.number(key, 0.0, 100.0)
        if not valid:
            self.fail(key, _("Enter %(what)s between 0 and 100", what=what))
        return number

    def money(self, key: str, what: Words) -> float | None:
        number, valid = self.number(key, 0.0, None)
        if not valid:
            self.fail(key, _("Enter %(what)s in pounds, as a number of 0 or more, like 35000", what=what))
        return number

    def years(self, key: str, what: Words) -> float | None:
        number, valid = self.number(key, 0.0, None)
        if not valid:
            self.fail(key, _("Enter %(what)s in years, as a number of 0 or more, like 6", what=what))
        return number

    def count(self, key: str, what: Words) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_COUNT:
            self.fail(
                key, _("Enter %(what)s as a whole number from 0 to %(max)s, like 12", what=what, max=_num(MAX_COUNT))
            )
            return None
        return value

    def flag(self, key: str, what: Words) -> bool | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "yes", "false", "no"}:
            return value.strip().lower() in {"true", "yes"}
        self.fail(key, _("Answer yes or no (true or false) for whether %(what)s", what=what))
        return None

    def text(self, key: str, what: Words) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, str) or len(value.strip()) > MAX_TEXT:
            self.fail(key, _("Enter %(what)s as text of %(max)s characters or fewer", what=what, max=_num(MAX_TEXT)))
            return None
        return value.strip()

    def day(self, key: str, what: Words) -> date | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(f"{text}-01" if re.fullmatch(r"\d{4}-\d{2}", text) else text)
            except ValueError:
                pass
        self.fail(key, _("Enter %(what)s as a date, like 2011-04-01 (or a month, like 2011-04)", what=what))
        return None

    def rows(self, key: str, what: Words) -> list[tuple[str, Any]] | None:
        """The items of a list field, each with its own path, or ``None`` when unknown or invalid."""
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
            self.fail(key, _("Enter %(what)s as a list", what=what))
            return None
        if len(value) > MAX_ROWS:
            self.fail(key, _("Enter no more than %(max)s %(what)s", max=_num(MAX_ROWS), what=what))
            return None
        return [(f"{self.path(key)}[{index}]", item) for index, item in enumerate(value)]

    def group(self, key: str, what: Words) -> Mapping[str, Any] | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(key, _("Enter %(what)s as a group of fields (a JSON object)", what=what))
            return None
        return value


def _num(number: float) -> str:
    """A number as the current language writes it (1,000,000,000)."""
    return format_decimal(number, locale=current_language())


def _names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _object(item: Any, path: str, errors: dict[str, str], message: Words) -> Mapping[str, Any] | None:
    """``item`` when it is a JSON object; else ``message`` (a whole sentence: "Enter each ...") is its error."""
    if isinstance(item, Mapping):
        return item
    errors[path] = str(message)
    return None


def _member_class(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> MemberClassFacts:
    r = _Reader(data, path, errors, _names(MemberClassFacts))
    voting_rule = r.enum("voting_rule", vocabulary.VotingRule, _l("a voting rule"))
    share = r.pct("vote_share_pct", _l("a vote share"))
    if share is not None and voting_rule in {
        vocabulary.VotingRule.ONE_MEMBER_ONE_VOTE,
        vocabulary.VotingRule.VOTES_FOLLOW_SHARES,
    }:
        r.fail("vote_share_pct", _("Leave the vote share empty unless the class has a fixed or capped share of votes"))
    votes_on: frozenset[vocabulary.VoteDecision] | None = None
    rows = r.rows("votes_on", _l("the decisions the class votes on"))
    if rows is not None:
        decisions: set[vocabulary.VoteDecision] = set()
        codes = ", ".join(d.value for d in vocabulary.VoteDecision)
        for item_path, item in rows:
            try:
                decisions.add(vocabulary.VoteDecision(item))
            except ValueError:
                errors[item_path] = _("Choose a decision from the list: %(codes)s", codes=codes)
        votes_on = frozenset(decisions)
    return MemberClassFacts(
        name=r.text("name", _l("the class's name")),
        kind=r.enum("kind", vocabulary.MemberClassKind, _l("a kind of member")),
        count=r.count("count", _l("the number of members in the class")),
        voting_rule=voting_rule,
        vote_share_pct=share,
        votes_on=votes_on,
    )


def _board_seat(
    data: Mapping[str, Any], path: str, errors: dict[str, str], classes: tuple[MemberClassFacts, ...] | None
) -> BoardSeatFacts:
    r = _Reader(data, path, errors, _names(BoardSeatFacts))
    source = r.enum("source", vocabulary.BoardSeatSource, _l("how the seat is filled"))
    seats: int | None = 1 if "seats" not in data else r.count("seats", _l("the number of seats filled this way"))
    whole = r.flag("whole_membership", _l("every member votes for the seat, whatever their class"))
    if whole and source is not None and source is not vocabulary.BoardSeatSource.ELECTED_BY_CLASS:
        r.fail("whole_membership", _("Say the whole membership elects a seat only for seats that members elect"))
    member_class: int | None = None
    raw_class = r.raw("member_class")
    if whole and raw_class is not None:
        r.fail("member_class", _("Leave the member class empty for a seat the whole membership elects"))
        raw_class = None
    if raw_class is not None:
        if source is not None and source is not vocabulary.BoardSeatSource.ELECTED_BY_CLASS:
            r.fail("member_class", _("Name a member class only for seats elected by a class of members"))
        elif isinstance(raw_class, int) and not isinstance(raw_class, bool):
            if classes is not None and 0 <= raw_class < len(classes):
                member_class = raw_class
            else:
                r.fail("member_class", _("Choose a member class that is in the list of member classes"))
        elif isinstance(raw_class, str):
            wanted = raw_class.strip().casefold()
            matches = [i for i, c in enumerate(classes or ()) if c.name and c.name.casefold() == wanted]
            if len(matches) == 1:
                member_class = matches[0]
            else:
                r.fail("member_class", _("Choose a member class that is in the list of member classes"))
        else:
            r.fail("member_class", _("Choose a member class that is in the list of member classes"))
    return BoardSeatFacts(
        source=source,
        seats=seats,
        member_class=member_class,
        # A seat that one named class elects is, by saying so, not elected by the whole membership.
        whole_membership=False if whole is None and member_class is not None else whole,
        appointer=r.text("appointer", _l("the name of the appointing body")),
        appointer_is_public_body=r.flag("appointer_is_public_body", _l("the appointing body is a public body")),
        appointer_kind=r.enum("appointer_kind", vocabulary.MemberClassKind, _l("the kind of appointing body")),
        is_chair=r.flag("is_chair", _l("the seat is the chair")),
        is_non_executive=r.flag("is_non_executive", _l("the seat is non-executive")),
    )


def _profits(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> ProfitRules:
    r = _Reader(data, path, errors, _names(ProfitRules))
    schedule = r.count("cic_asset_lock_schedule", _l("the Schedule its articles adopt"))
    if schedule is not None and not 1 <= schedule <= 3:
        r.fail("cic_asset_lock_schedule", _("Choose the Schedule of the CIC Regulations its articles adopt: 1, 2 or 3"))
        schedule = None
    rules = ProfitRules(
        asset_lock=r.enum("asset_lock", vocabulary.AssetLock, _l("an asset lock")),
        dissolution_clause=r.enum(
            "dissolution_clause", vocabulary.DissolutionClause, _l("where residual assets go on dissolution")
        ),
        cic_asset_lock_schedule=schedule,
        distribution_basis=r.enum(
            "distribution_basis", vocabulary.DistributionBasis, _l("how profits are distributed")
        ),
        distribution_cap_pct=r.pct(
            "distribution_cap_pct", _l("the most of its profits the rules allow it to distribute")
        ),
        distributions_only_to_members=r.flag(
            "distributions_only_to_members", _l("profits may be distributed only to members")
        ),
        pays_share_interest=r.flag("pays_share_interest", _l("interest is paid on members' shares")),
        share_interest_cap_pct=r.pct("share_interest_cap_pct", _l("the highest interest rate on shares")),
        min_shareholding_gbp=r.money("min_shareholding_gbp", _l("the smallest shareholding")),
        max_shareholding_gbp=r.money("max_shareholding_gbp", _l("the largest withdrawable shareholding")),
        distributable_profits_gbp=r.money("distributable_profits_gbp", _l("the distributable profits")),
        dividends_declared_gbp=r.money("dividends_declared_gbp", _l("the dividends declared")),
        dividends_exempt_gbp=r.money("dividends_exempt_gbp", _l("the exempt dividends")),
        profits_reinvested_pct=r.pct(
            "profits_reinvested_pct", _l("the share of the year's profits kept for its purpose rather than paid out")
        ),
    )
    declared, exempt = rules.dividends_declared_gbp, rules.dividends_exempt_gbp
    if declared is not None and exempt is not None and exempt > declared:
        r.fail("dividends_exempt_gbp", _("Enter exempt dividends that are no more than the dividends declared"))
    return rules


def _significant_control(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> SignificantControl:
    r = _Reader(data, path, errors, _names(SignificantControl))
    natures: tuple[str, ...] | None = None
    rows = r.rows("natures_of_control", _l("the natures of control"))
    if rows is not None:
        found: list[str] = []
        for item_path, item in rows:
            if isinstance(item, str) and is_nature_of_control(item.strip()):
                found.append(item.strip())
            else:
                errors[item_path] = _(
                    "Enter a Companies House nature of control, like ownership-of-shares-25-to-50-percent "
                    "or right-to-appoint-and-remove-directors"
                )
        natures = tuple(found)
    return SignificantControl(
        name=r.text("name", _l("the name of the person with significant control")),
        natures_of_control=natures,
        is_member=r.flag("is_member", _l("the person is one of the organisation's members")),
        is_for_profit=r.flag("is_for_profit", _l("the person is a for-profit company, fund or investor")),
        is_public_body=r.flag("is_public_body", _l("the person is a public body")),
        is_employee_trust=r.flag("is_employee_trust", _l("the person is an employee ownership or employee trust")),
        is_asset_locked=r.flag("is_asset_locked", _l("the person is an asset-locked body")),
    )


def _foundation_trust(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> FoundationTrustFacts:
    r = _Reader(data, path, errors, _names(FoundationTrustFacts))
    staff_classes: tuple[int, ...] | None = None
    rows = r.rows("staff_class_governors", _l("the governors elected by each staff class"))
    if rows is not None:
        numbers: list[int] = []
        for item_path, item in rows:
            if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
                numbers.append(item)
            else:
                errors[item_path] = _("Enter the number of governors this staff class elects, like 2")
        staff_classes = tuple(numbers)
    ft = FoundationTrustFacts(
        governors_total=r.count("governors_total", _l("the number of governors")),
        public_governors_elected=r.count("public_governors_elected", _l("the number of public governors")),
        patient_governors_elected=r.count("patient_governors_elected", _l("the number of patient and carer governors")),
        staff_governors_elected=r.count("staff_governors_elected", _l("the number of staff governors")),
        staff_class_governors=staff_classes,
        local_authority_governors=r.count("local_authority_governors", _l("the number of local authority governors")),
        has_medical_or_dental_school=r.flag(
            "has_medical_or_dental_school", _l("a hospital includes a university medical or dental school")
        ),
        university_governors=r.count("university_governors", _l("the number of university governors")),
        longest_ned_tenure_years=r.years("longest_ned_tenure_years", _l("the longest non-executive's time in post")),
        nhs_income_pct=r.pct("nhs_income_pct", _l("the share of income from NHS purposes")),
    )
    parts = (
        ft.public_governors_elected,
        ft.patient_governors_elected,
        ft.staff_governors_elected,
        ft.local_authority_governors,
        ft.university_governors,
    )
    if ft.governors_total is not None and sum(p for p in parts if p is not None) > ft.governors_total:
        r.fail("governors_total", _("Enter a total number of governors that includes every group of governors"))
    return ft


def _employee_ownership(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> EmployeeOwnershipFacts:
    r = _Reader(data, path, errors, _names(EmployeeOwnershipFacts))
    eo = EmployeeOwnershipFacts(
        trustee_shares_pct=r.pct("trustee_shares_pct", _l("the trust's share of the ordinary share capital")),
        trustee_votes_pct=r.pct("trustee_votes_pct", _l("the trust's share of the votes")),
        trustee_profits_pct=r.pct("trustee_profits_pct", _l("the trust's share of distributable profits")),
        trustee_assets_pct=r.pct("trustee_assets_pct", _l("the trust's share of assets on a winding-up")),
        defeating_provisions=r.flag(
            "defeating_provisions", _l("any agreement could end the trust's control without the trustees' consent")
        ),
        is_trading_company=r.flag(
            "is_trading_company", _l("the company is a trading company or heads a trading group")
        ),
        all_employees_same_terms=r.flag(
            "all_employees_same_terms", _l("the trust benefits all eligible employees on the same terms")
        ),
        participators=r.count("participators", _l("the number of participators and people connected with them")),
        employees=r.count("employees", _l("the number of employees")),
        trustees_total=r.count("trustees_total", _l("the number of trustees")),
        trustees_connected_to_former_owners=r.count(
            "trustees_connected_to_former_owners", _l("the number of trustees who are former owners or connected")
        ),
        trustees_uk_resident=r.flag("trustees_uk_resident", _l("the trustees are resident in the UK")),
        disposal_date=r.day("disposal_date", _l("the date the shares were sold to the trust")),
    )
    if eo.participators is not None and eo.employees is not None and eo.participators > eo.employees:
        r.fail("participators", _("Enter a number of participators that is no more than the number of employees"))
    connected, trustees = eo.trustees_connected_to_former_owners, eo.trustees_total
    if connected is not None and trustees is not None and connected > trustees:
        r.fail("trustees_connected_to_former_owners", _("Enter a number that is no more than the number of trustees"))
    return eo


def _charity(data: Mapping[str, Any], path: str, errors: dict[str, str]) -> CharityFacts:
    r = _Reader(data, path, errors, _names(CharityFacts))
    charity = CharityFacts(
        trustees_total=r.count("trustees_total", _l("the number of trustees")),
        trustees_paid=r.count(
            "trustees_paid", _l("the number of trustees who are paid, or connected with someone paid")
        ),
    )
    total, paid = charity.trustees_total, charity.trustees_paid
    if total is not None and paid is not None and paid > total:
        r.fail("trustees_paid", _("Enter a number of paid trustees that is no more than the number of trustees"))
    return charity


def facts_from_dict(data: Mapping[str, Any]) -> StructureFacts:
    """Read facts from a JSON-like dict, or raise ``StructureFactsError`` listing every invalid field."""
    errors: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise StructureFactsError({"structure": _("Enter the structure as a group of fields (a JSON object)")})
    r = _Reader(data, "", errors, _names(StructureFacts))

    classes: tuple[MemberClassFacts, ...] | None = None
    rows = r.rows("member_classes", _l("member classes"))
    if rows is not None:
        classes = tuple(
            _member_class(obj, p, errors)
            for p, item in rows
            if (obj := _object(item, p, errors, _l("Enter each member class as a group of fields (a JSON object)")))
            is not None
        )
        fixed = sum(
            c.vote_share_pct
            for c in classes
            if c.voting_rule is vocabulary.VotingRule.WEIGHTED_SHARE and c.vote_share_pct is not None
        )
        if fixed > 100.0 + 1e-9:
            errors["member_classes"] = _(
                "The fixed shares of the votes add up to %(total)s%%; make them add up to no more than 100%%",
                total=_num(fixed),
            )

    seats: tuple[BoardSeatFacts, ...] | None = None
    rows = r.rows("board_seats", _l("board seats"))
    if rows is not None:
        seats = tuple(
            _board_seat(obj, p, errors, classes)
            for p, item in rows
            if (obj := _object(item, p, errors, _l("Enter each board seat as a group of fields (a JSON object)")))
            is not None
        )

    controllers: tuple[SignificantControl, ...] | None = None
    rows = r.rows("significant_control", _l("people with significant control"))
    if rows is not None:
        controllers = tuple(
            _significant_control(obj, p, errors)
            for p, item in rows
            if (
                obj := _object(
                    item,
                    p,
                    errors,
                    _l("Enter each person with significant control as a group of fields (a JSON object)"),
                )
            )
            is not None
        )

    declarations: frozenset[str] | None = None
    rows = r.rows("declarations", _l("declarations"))
    if rows is not None:
        ids: set[str] = set()
        for item_path, item in rows:
            if isinstance(item, str) and _DECLARATION.match(item.strip()):
                ids.add(item.strip())
            else:
                errors[item_path] = _("Enter the id of a rule the organisation declares it meets, like ICA-P5-P7")
        declarations = frozenset(ids)

    profits_data = r.group("profits", _l("the profit rules"))
    ft_data = r.group("foundation_trust", _l("the foundation trust facts"))
    eo_data = r.group("employee_ownership", _l("the employee ownership facts"))
    charity_data = r.group("charity", _l("the charity's trustees"))
    facts = StructureFacts(
        name=r.text("name", _l("the organisation's name")),
        legal_form=r.enum("legal_form", vocabulary.LegalForm, _l("a legal form")),
        origin=r.enum("origin", vocabulary.Origin, _l("where the organisation came from")),
        spin_out_programme=r.enum("spin_out_programme", vocabulary.SpinOutProgramme, _l("a spin-out programme")),
        spin_out_date=r.day("spin_out_date", _l("the date it spun out")),
        parent_body=r.text("parent_body", _l("the body it spun out of")),
        is_public_body=r.flag("is_public_body", _l("the organisation is a public body")),
        registered_charity=r.flag("registered_charity", _l("the organisation is a charity")),
        delivers_public_services=r.flag("delivers_public_services", _l("the organisation delivers public services")),
        member_benefit_only=r.flag("member_benefit_only", _l("its objects benefit only its members or employees")),
        membership_open=r.flag("membership_open", _l("membership is open to everyone who uses its services")),
        all_employees_eligible=r.flag("all_employees_eligible", _l("every employee can become a member")),
        members_total=r.count("members_total", _l("the number of members")),
        members_registered_societies=r.count(
            "members_registered_societies", _l("the number of members that are themselves registered societies")
        ),
        trading_income_pct=r.pct("trading_income_pct", _l("the share of income from trading")),
        member_classes=classes,
        board_seats=seats,
        profits=None if profits_data is None else _profits(profits_data, "profits", errors),
        significant_control=controllers,
        foundation_trust=None if ft_data is None else _foundation_trust(ft_data, "foundation_trust", errors),
        employee_ownership=None if eo_data is None else _employee_ownership(eo_data, "employee_ownership", errors),
        charity=None if charity_data is None else _charity(charity_data, "charity", errors),
        declarations=declarations,
    )
    societies, members = facts.members_registered_societies, facts.members_total
    if societies is not None and members is not None and societies > members:
        errors["members_registered_societies"] = _("Enter a number that is no more than the number of members")
    if errors:
        raise StructureFactsError(errors)
    return facts


# ---------------------------------------------------------------------------------------------------------
# Writing a dict


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def facts_to_dict(facts: StructureFacts) -> dict[str, Any]:
    """The facts as a JSON-ready dict that ``facts_from_dict`` reads back to equal facts."""
    result: dict[str, Any] = _plain(facts)
    return result
