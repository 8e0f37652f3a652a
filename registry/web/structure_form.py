"""The structure questions /check and the registration wizard's governance step both ask. Every answer is
optional ("not known" is a real answer); the validator, not the form, decides what is valid, so the form, the API
and the CLI give the same messages for the same input."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, RadioField, SelectField, StringField

from registry.domain import labels
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.structure import StructureFactsError
from registry.models import BoardSeat, MemberClass, SignificantControl
from registry.web.forms import MultiCheckboxField, SubForm, choices, fits, one_line, options, vocabulary_choices

YES_NO_UNKNOWN = options([("", _l("Not known")), ("yes", _l("Yes")), ("no", _l("No"))])
HAS_CONTROL = options(
    [("", _l("Not known")), ("yes", _l("Yes, listed below")), ("no", _l("No person or body has significant control"))]
)
NATURES_OF_CONTROL = options(
    [
        ("ownership-of-shares-25-to-50-percent", _l("Owns more than 25% and up to 50% of shares")),
        ("ownership-of-shares-50-to-75-percent", _l("Owns more than 50% and up to 75% of shares")),
        ("ownership-of-shares-75-to-100-percent", _l("Owns more than 75% of shares")),
        ("voting-rights-25-to-50-percent", _l("Holds more than 25% and up to 50% of votes")),
        ("voting-rights-50-to-75-percent", _l("Holds more than 50% and up to 75% of votes")),
        ("voting-rights-75-to-100-percent", _l("Holds more than 75% of votes")),
        ("right-to-appoint-and-remove-directors", _l("Can appoint or remove a majority of the board")),
        ("significant-influence-or-control", _l("Has significant influence or control")),
    ]
)


class MemberClassForm(SubForm):
    name = StringField(
        _l("Name of the class"), validators=[fits(MemberClass.name, _l("The class's name"))], filters=[one_line]
    )
    kind = SelectField(_l("Who the members are"), choices=[], validate_choice=False)
    count = StringField(_l("Number of members"))
    voting_rule = SelectField(_l("How the class votes"), choices=choices(labels.VOTING_RULE), validate_choice=False)
    vote_share_pct = StringField(_l("Share of the votes (%)"))
    votes_on = MultiCheckboxField(
        _l("The class votes on"), choices=options(labels.VOTE_DECISION), validate_choice=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(vocabulary_choices("member_class_kinds"))


class BoardSeatForm(SubForm):
    source = SelectField(
        _l("How these seats are filled"), choices=choices(labels.BOARD_SEAT_SOURCE), validate_choice=False
    )
    seats = StringField(_l("Number of seats"))
    # The structure editor offers the member classes named on the form; the answer stays a class's name, as the
    # validator reads it, so a name no class has any more is kept and refused on this field.
    member_class = SelectField(_l("Elected by"), choices=[], validate_choice=False, filters=[one_line])
    whole_membership = RadioField(
        _l("Every member votes for these seats, whatever their class"), choices=YES_NO_UNKNOWN, default="",
        validate_choice=False,
    )  # fmt: skip
    appointer = StringField(
        _l("Appointed by"), validators=[fits(BoardSeat.appointed_by, _l("Who appoints them"))], filters=[one_line]
    )
    appointer_kind = SelectField(_l("What kind of body appoints them"), choices=[], validate_choice=False)
    appointer_is_public_body = RadioField(
        _l("The appointing body is a public body"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_chair = RadioField(_l("Includes the chair"), choices=YES_NO_UNKNOWN, default="", validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appointer_kind.choices = choices(vocabulary_choices("member_class_kinds"))


class SignificantControlForm(SubForm):
    name = StringField(
        _l("Name of the person or body"),
        validators=[fits(SignificantControl.name, _l("The name"))],
        filters=[one_line],
    )
    natures_of_control = MultiCheckboxField(_l("Their control"), choices=NATURES_OF_CONTROL, validate_choice=False)
    is_member = RadioField(
        _l("It is one of the organisation's own members"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_for_profit = RadioField(
        _l("It is a for-profit company, fund or investor"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_public_body = RadioField(_l("It is a public body"), choices=YES_NO_UNKNOWN, default="", validate_choice=False)
    is_employee_trust = RadioField(
        _l("It is an employee ownership trust"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_asset_locked = RadioField(
        _l("It is itself asset-locked"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )


CIC_SCHEDULES = options(
    [
        ("", _l("Not known")),
        ("1", _l("Schedule 1 (a company without a share capital)")),
        ("2", _l("Schedule 2")),
        ("3", _l("Schedule 3")),
    ]
)


class ProfitsForm(SubForm):
    asset_lock = SelectField(_l("Asset lock"), choices=choices(labels.ASSET_LOCK), validate_choice=False)
    cic_asset_lock_schedule = SelectField(
        _l("For a community interest company: the asset-lock Schedule its articles adopt"),
        choices=CIC_SCHEDULES,
        validate_choice=False,
    )
    dissolution_clause = SelectField(
        _l("Where its rules send what is left if it is dissolved"),
        choices=choices(labels.DISSOLUTION_CLAUSE),
        validate_choice=False,
    )
    distribution_basis = SelectField(
        _l("How profits are distributed"), choices=choices(labels.DISTRIBUTION_BASIS), validate_choice=False
    )
    distribution_cap_pct = StringField(_l("Most of its profits it may distribute (%)"))
    distributions_only_to_members = RadioField(
        _l("Profits may be paid out only to members"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    profits_reinvested_pct = StringField(_l("Share of last year's profits kept for its purpose (%)"))
    pays_share_interest = RadioField(
        _l("It pays interest on members' shares"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    share_interest_cap_pct = StringField(_l("Highest interest rate paid on shares (%)"))
    min_shareholding_gbp = StringField(_l("Smallest shareholding a member must hold (£)"))
    max_shareholding_gbp = StringField(_l("Largest withdrawable shareholding one member may hold (£)"))
    distributable_profits_gbp = StringField(_l("Last year's distributable profits (£)"))
    dividends_declared_gbp = StringField(_l("Last year's dividends declared (£)"))
    dividends_exempt_gbp = StringField(_l("Of those, dividends paid to asset-locked bodies with consent (£)"))


class CharityForm(SubForm):
    trustees_total = StringField(_l("Trustees in all"))
    trustees_paid = StringField(_l("Trustees paid by the charity, or connected with someone who is"))


class FoundationTrustForm(SubForm):
    governors_total = StringField(_l("Governors in all"))
    public_governors_elected = StringField(_l("Public governors"))
    patient_governors_elected = StringField(_l("Patient and carer governors"))
    staff_governors_elected = StringField(_l("Staff governors"))
    staff_class_governors = StringField(_l("Governors elected by each staff class"))
    local_authority_governors = StringField(_l("Local authority governors"))
    has_medical_or_dental_school = RadioField(
        _l("A hospital includes a university medical or dental school"), choices=YES_NO_UNKNOWN, default="",
        validate_choice=False,
    )  # fmt: skip
    university_governors = StringField(_l("University governors"))
    longest_ned_tenure_years = StringField(_l("Longest time a non-executive director has served (years)"))
    nhs_income_pct = StringField(_l("Share of income from NHS purposes (%)"))


class EmployeeOwnershipForm(SubForm):
    trustee_shares_pct = StringField(_l("Shares held by the trust (%)"))
    trustee_votes_pct = StringField(_l("Votes held by the trust (%)"))
    trustee_profits_pct = StringField(_l("Share of distributable profits the trust is entitled to (%)"))
    trustee_assets_pct = StringField(_l("Share of assets on a winding-up the trust is entitled to (%)"))
    defeating_provisions = RadioField(
        _l("An agreement could end the trust's control without the trustees' consent"), choices=YES_NO_UNKNOWN,
        default="", validate_choice=False,
    )  # fmt: skip
    is_trading_company = RadioField(
        _l("The company trades, or heads a trading group"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    all_employees_same_terms = RadioField(
        _l("All employees benefit on the same terms"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    participators = StringField(_l("Employees who are participators, or connected with one"))
    employees = StringField(_l("Employees in all"))
    trustees_total = StringField(_l("Trustees in all"))
    trustees_connected_to_former_owners = StringField(
        _l("Trustees who sold shares to the trust, or are connected with them")
    )
    trustees_uk_resident = RadioField(
        _l("The trustees are resident in the UK"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    disposal_date = StringField(_l("When the shares were sold to the trust"))


def structure_rows(
    member_class: type[MemberClassForm], board_seat: type[BoardSeatForm]
) -> tuple[FieldList, FieldList, FieldList]:
    """The lists of rows a structure has, in ``STRUCTURE_LISTS`` order: member classes, board seats (each form
    names its own row kind) and significant controllers. Called inside the form's class body, so the lists keep
    their place in the page order."""
    return (
        FieldList(FormField(member_class), min_entries=1, max_entries=20),
        FieldList(FormField(board_seat), min_entries=1, max_entries=20),
        FieldList(FormField(SignificantControlForm), min_entries=0, max_entries=20),
    )


class StructureFields:
    """Fields the ``/check`` form and the registration wizard's governance step share, beyond the member
    classes, board seats, profits and controllers (each names its own rows): one definition, one label."""

    members_registered_societies = StringField(_l("Members that are themselves registered societies"))
    all_employees_eligible = RadioField(
        _l("Every employee can become a member"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    membership_open = RadioField(
        _l("Membership is open to everyone who uses its services"), choices=YES_NO_UNKNOWN, default="",
        validate_choice=False,
    )  # fmt: skip
    member_benefit_only = RadioField(
        _l("Its objects benefit only its members or employees"),
        choices=YES_NO_UNKNOWN,
        default="",
        validate_choice=False,
    )
    is_public_body = RadioField(
        _l("It is itself a public body"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    registered_charity = RadioField(_l("It is a charity"), choices=YES_NO_UNKNOWN, default="", validate_choice=False)
    delivers_public_services = RadioField(
        _l("It delivers public services"), choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    profits = FormField(ProfitsForm)
    has_significant_control = RadioField(
        _l("Does any person or body have significant control?"), choices=HAS_CONTROL, default="", validate_choice=False
    )
    charity = FormField(CharityForm)
    foundation_trust = FormField(FoundationTrustForm)
    employee_ownership = FormField(EmployeeOwnershipForm)


class StructureForm(StructureFields, FlaskForm):
    name = StringField(_l("Organisation name"), filters=[one_line])
    legal_form = SelectField(_l("Legal form"), choices=[], validate_choice=False)
    origin = SelectField(_l("How it started"), choices=choices(labels.ORIGIN), validate_choice=False)
    spin_out_programme = SelectField(
        _l("Spin-out programme"), choices=choices(labels.SPIN_OUT_PROGRAMME), validate_choice=False
    )
    spin_out_date = StringField(_l("When it spun out"))
    members_total = StringField(_l("Members in all"))
    trading_income_pct = StringField(_l("Share of income from trading (%)"))
    member_classes, board_seats, significant_control = structure_rows(MemberClassForm, BoardSeatForm)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.legal_form.choices = choices(vocabulary_choices("legal_forms"))


# The rows a structure can list, by their field names.
STRUCTURE_LISTS = ("member_classes", "board_seats", "significant_control")
# The answer that says whether anyone has significant control: the field a finding that needs the list asks for.
NO_CONTROL_FIELD = "has_significant_control"


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> Any:
    """Form data to facts data: blanks become absent (unknown)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items() if not _blank(v)}
        return cleaned or None
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value.strip() if isinstance(value, str) else value


def _numbers(text: Any) -> Any:
    """ "2, 1, 1" as [2, 1, 1] for a list of counts typed in one box; the text itself when it is not that, so
    the validator says what to enter."""
    if not isinstance(text, str) or not text.strip():
        return text
    items = [item.strip() for item in re.split(r"[,;\s]+", text.strip()) if item.strip()]
    return [int(item) for item in items] if all(item.isdecimal() for item in items) else text


def structure_data(form: Any) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    """The facts dict for the validator, and for each repeatable list the map from its index in the facts
    back to the row on the form (blank rows are left out), so error paths can be shown against the field.

    "No person or body has significant control" is the empty list of controllers; with controllers listed
    as well it is refused (``StructureFactsError``), since the answers disagree.
    """
    raw = {key: value for key, value in form.data.items() if key != "csrf_token"}
    rows: dict[str, dict[int, int]] = {}
    for name in STRUCTURE_LISTS:
        kept = [(i, item) for i, item in enumerate(raw.get(name) or []) if not _blank(item)]
        rows[name] = {new: old for new, (old, _item) in enumerate(kept)}
        raw[name] = [item for _index, item in kept] or None
    control = raw.pop("has_significant_control", None)
    if control == "no":
        if raw.get("significant_control"):
            raise StructureFactsError(
                {NO_CONTROL_FIELD: _("Remove the people or bodies listed, or answer that one has significant control")}
            )
        raw["significant_control"] = []
    governors = raw.get("foundation_trust")
    if isinstance(governors, dict):
        governors["staff_class_governors"] = _numbers(governors.get("staff_class_governors"))
    data = _clean(raw) or {}
    if control == "no":
        data["significant_control"] = []
    return data, rows


_PATH_ROW = re.compile(r"^(\w+)\[(\d+)\](.*)$")


def field_id(path: str, rows: dict[str, dict[int, int]]) -> str:
    """The form field id for a validator error path: member_classes[1].count -> member_classes-1-count."""
    match = _PATH_ROW.match(path)
    if match and match.group(1) in rows:
        index = rows[match.group(1)].get(int(match.group(2)), int(match.group(2)))
        path = f"{match.group(1)}-{index}{match.group(3)}"
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")
