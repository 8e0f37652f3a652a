"""The structure form. Every answer is optional ("not known" is a real answer); the validator, not the form,
decides what is valid, so the form, the API and the CLI give the same messages for the same input."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from registry.domain import labels
from registry.domain.reference_data import load_vocabulary
from registry.domain.text import clean_line, clean_lines
from registry.models import BoardSeat, MemberClass, SignificantControl, column_limit


def fits(attribute: Any, what: str) -> Length:
    """A ``Length`` validator whose limit is the column's, so the form and the database agree."""
    limit = column_limit(attribute)
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def one_line(value: Any) -> Any:
    """Filter for one-line fields: NFKC, no control or invisible characters, whitespace collapsed."""
    return clean_line(value) if isinstance(value, str) else value


def several_lines(value: Any) -> Any:
    """Filter for text areas: as ``one_line`` but keeping line breaks."""
    return clean_lines(value) if isinstance(value, str) else value


def options(pairs: Any) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


YES_NO_UNKNOWN = options([("", "Not known"), ("yes", "Yes"), ("no", "No")])
NATURES_OF_CONTROL = options(
    [
        ("ownership-of-shares-25-to-50-percent", "Owns more than 25% and up to 50% of shares"),
        ("ownership-of-shares-50-to-75-percent", "Owns more than 50% and up to 75% of shares"),
        ("ownership-of-shares-75-to-100-percent", "Owns more than 75% of shares"),
        ("voting-rights-25-to-50-percent", "Holds more than 25% and up to 50% of votes"),
        ("voting-rights-50-to-75-percent", "Holds more than 50% and up to 75% of votes"),
        ("voting-rights-75-to-100-percent", "Holds more than 75% of votes"),
        ("right-to-appoint-and-remove-directors", "Can appoint or remove a majority of the board"),
        ("significant-influence-or-control", "Has significant influence or control"),
    ]
)


@cache
def _vocabulary_choices(name: str) -> tuple[tuple[str, str], ...]:
    return tuple((item["code"], item["label"]) for item in load_vocabulary(name))


def _choices(pairs: Any, blank: str = "Not known") -> list[SelectChoice]:
    return options([("", blank), *list(pairs)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberClassForm(Form):
    name = StringField("Name of the class", validators=[fits(MemberClass.name, "The class's name")], filters=[one_line])
    kind = SelectField("Who the members are", choices=[], validate_choice=False)
    count = StringField("Number of members")
    voting_rule = SelectField(
        "How the class votes", choices=_choices(labels.VOTING_RULE.items()), validate_choice=False
    )
    vote_share_pct = StringField("Share of the votes (%)")
    votes_on = MultiCheckboxField(
        "The class votes on", choices=options(labels.VOTE_DECISION.items()), validate_choice=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(_vocabulary_choices("member_class_kinds"))


class BoardSeatForm(Form):
    source = SelectField(
        "How these seats are filled", choices=_choices(labels.BOARD_SEAT_SOURCE.items()), validate_choice=False
    )
    seats = StringField("Number of seats")
    member_class = StringField("Elected by (name of the member class)", filters=[one_line])
    appointer = StringField(
        "Appointed by", validators=[fits(BoardSeat.appointed_by, "Who appoints them")], filters=[one_line]
    )
    appointer_is_public_body = RadioField(
        "The appointing body is a public body", choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_chair = RadioField("Includes the chair", choices=YES_NO_UNKNOWN, default="", validate_choice=False)


class SignificantControlForm(Form):
    name = StringField(
        "Name of the person or body",
        validators=[fits(SignificantControl.name, "The name")],
        filters=[one_line],
    )
    natures_of_control = MultiCheckboxField("Their control", choices=NATURES_OF_CONTROL, validate_choice=False)
    is_for_profit = RadioField(
        "It is a for-profit company, fund or investor", choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_public_body = RadioField("It is a public body", choices=YES_NO_UNKNOWN, default="", validate_choice=False)
    is_employee_trust = RadioField(
        "It is an employee ownership trust", choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_asset_locked = RadioField("It is itself asset-locked", choices=YES_NO_UNKNOWN, default="", validate_choice=False)


class ProfitsForm(Form):
    asset_lock = SelectField("Asset lock", choices=_choices(labels.ASSET_LOCK.items()), validate_choice=False)
    distribution_basis = SelectField(
        "How profits are distributed", choices=_choices(labels.DISTRIBUTION_BASIS.items()), validate_choice=False
    )
    distribution_cap_pct = StringField("Most of its profits it may distribute (%)")
    share_interest_cap_pct = StringField("Highest interest rate paid on shares (%)")


class FoundationTrustForm(Form):
    governors_total = StringField("Governors in all")
    public_governors_elected = StringField("Public governors")
    patient_governors_elected = StringField("Patient and carer governors")
    staff_governors_elected = StringField("Staff governors")
    local_authority_governors = StringField("Local authority governors")


class EmployeeOwnershipForm(Form):
    trustee_shares_pct = StringField("Shares held by the trust (%)")
    trustee_votes_pct = StringField("Votes held by the trust (%)")
    all_employees_same_terms = RadioField(
        "All employees benefit on the same terms", choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )


class StructureForm(FlaskForm):
    name = StringField("Organisation name", filters=[one_line])
    legal_form = SelectField("Legal form", choices=[], validate_choice=False)
    origin = SelectField("How it started", choices=_choices(labels.ORIGIN.items()), validate_choice=False)
    spin_out_programme = SelectField(
        "Spin-out programme", choices=_choices(labels.SPIN_OUT_PROGRAMME.items()), validate_choice=False
    )
    members_total = StringField("Members in all")
    all_employees_eligible = RadioField(
        "Every employee can become a member", choices=YES_NO_UNKNOWN, default="", validate_choice=False
    )
    is_public_body = RadioField("It is itself a public body", choices=YES_NO_UNKNOWN, default="", validate_choice=False)
    trading_income_pct = StringField("Share of income from trading (%)")
    member_classes = FieldList(FormField(MemberClassForm), min_entries=1, max_entries=20)
    board_seats = FieldList(FormField(BoardSeatForm), min_entries=1, max_entries=20)
    profits = FormField(ProfitsForm)
    significant_control = FieldList(FormField(SignificantControlForm), min_entries=0, max_entries=20)
    foundation_trust = FormField(FoundationTrustForm)
    employee_ownership = FormField(EmployeeOwnershipForm)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.legal_form.choices = _choices(_vocabulary_choices("legal_forms"))


REPEATABLE = {"member-class": "member_classes", "board-seat": "board_seats", "control": "significant_control"}
_ACTION = re.compile(r"^(add|remove)-(member-class|board-seat|control)(?:-(\d+))?$")


def parse_action(value: str | None) -> tuple[str, str, int | None] | None:
    """("add" | "remove", list field name, index) for the add-another and remove buttons, else None."""
    match = _ACTION.match(value or "")
    if not match:
        return None
    return match.group(1), REPEATABLE[match.group(2)], int(match.group(3)) if match.group(3) else None


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


def structure_data(form: StructureForm) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    """The facts dict for the validator, and for each repeatable list the map from its index in the facts
    back to the row on the form (blank rows are left out), so error paths can be shown against the field."""
    raw = {key: value for key, value in form.data.items() if key != "csrf_token"}
    rows: dict[str, dict[int, int]] = {}
    for name in REPEATABLE.values():
        kept = [(i, item) for i, item in enumerate(raw.get(name) or []) if not _blank(item)]
        rows[name] = {new: old for new, (old, _) in enumerate(kept)}
        raw[name] = [item for _, item in kept] or None
    data = _clean(raw) or {}
    return data, rows


_PATH_ROW = re.compile(r"^(\w+)\[(\d+)\](.*)$")


def field_id(path: str, rows: dict[str, dict[int, int]]) -> str:
    """The form field id for a validator error path: member_classes[1].count -> member_classes-1-count."""
    match = _PATH_ROW.match(path)
    if match and match.group(1) in rows:
        index = rows[match.group(1)].get(int(match.group(2)), int(match.group(2)))
        path = f"{match.group(1)}-{index}{match.group(3)}"
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")
