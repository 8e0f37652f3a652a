"""The registration journey's forms, one per step, each carrying the version of the listing it was loaded at.

The governance step reuses the ``/check`` form's member class, board seat, profit and control forms (with the
two fields a listing keeps that a check does not: a class's description and a seat's name), and the
validator reads its answers, so the check and the listing give the same messages for the same structure.
Repeatable rows are added and removed by submit buttons, so every step works without JavaScript.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Optional, ValidationError

from registry.domain import labels
from registry.domain.areas import AREA_KINDS, PlaceKind, area_catalogue
from registry.domain.identifiers import load_identifier_schemes
from registry.domain.language import current_language, localised, speaking
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.reference_data import reference_wording
from registry.domain.text import is_web_address
from registry.models import BoardSeat, Claim, Identifier, Location, MemberClass, Organisation, column_limit
from registry.services.gazetteer.sources import load_lad_regions
from registry.web.forms import MultiCheckboxField, choices, fits, one_line, options, several_lines, vocabulary_choices
from registry.web.structure_form import (
    YES_NO_UNKNOWN,
    BoardSeatForm,
    MemberClassForm,
    StructureFields,
    structure_rows,
)

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PHONE = re.compile(r"^[0-9 +()\-]{6,40}$")


class PartialDate:
    """A year, a year and month, or a whole date, written the ISO way: 2011, 2011-04 or 2011-04-01."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        match = _PARTIAL_DATE.match(field.data or "")
        if not match:
            raise ValidationError(self.message)
        year, month, day = (int(part) if part else None for part in match.groups())
        try:
            date(year or 1, month or 1, day or 1)
        except ValueError:
            raise ValidationError(self.message) from None
        if year is not None and not 1800 <= year <= date.today().year:
            raise ValidationError(_("Enter a year between 1800 and %(year)s", year=date.today().year))


class WholeNumber:
    def __init__(self, message: Any, high: int = 10_000_000) -> None:
        self.message, self.high = message, high

    def __call__(self, form: Any, field: Any) -> None:
        text = (field.data or "").replace(",", "")
        if not text.isdecimal() or int(text) > self.high:
            raise ValidationError(self.message)


class Percentage:
    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        try:
            value = float((field.data or "").rstrip("%"))
        except ValueError:
            raise ValidationError(self.message) from None
        if not 0 <= value <= 100:
            raise ValidationError(self.message)


def web_address(form: Any, field: Any) -> None:
    """Only http and https addresses with a host: a ``javascript:`` link must never reach a listing page."""
    if not is_web_address(field.data):
        raise ValidationError(_("Enter a web address that starts with https://, like https://www.example.org"))


class StepForm(FlaskForm):
    # The listing's version when the form was loaded: a save from an out-of-date form is refused.
    version = HiddenField()


class AboutStepForm(StepForm):
    name = StringField(
        _l("Organisation name"),
        validators=[
            InputRequired(_l("Enter the organisation's name")),
            fits(Organisation.name, _l("Organisation name")),
        ],
        filters=[one_line],
    )
    trading_names = TextAreaField(_l("Other names it uses (optional)"), filters=[several_lines])
    description = TextAreaField(
        _l("What the organisation does"),
        validators=[fits(Organisation.description, _l("Description"))],
        filters=[several_lines],
    )
    website = StringField(
        _l("Website (optional)"),
        validators=[Optional(), fits(Organisation.website, _l("Web address")), web_address],
        filters=[one_line],
    )
    email = StringField(
        _l("Contact email address (optional)"),
        validators=[
            Optional(),
            fits(Organisation.email, _l("Email address")),
            Email(_l("Enter an email address like name@example.org")),
        ],
        filters=[one_line],
    )
    phone = StringField(_l("Phone number (optional)"), validators=[Optional()], filters=[one_line])
    founded = StringField(
        _l("When it was founded (optional)"),
        validators=[
            Optional(),
            PartialDate(_l("Enter when it was founded as a year, like 2011, or a date, like 2011-04-01")),
        ],
    )
    origin = SelectField(_l("How it started"), choices=choices(labels.ORIGIN.items()), validate_choice=False)
    origin_parent_body = StringField(
        _l("The body it spun out of (optional)"),
        validators=[Optional(), fits(Organisation.origin_parent_body, _l("The body it spun out of"))],
        filters=[one_line],
    )
    origin_programme = SelectField(
        _l("Spin-out programme"), choices=choices(labels.SPIN_OUT_PROGRAMME.items()), validate_choice=False
    )
    spun_out = StringField(
        _l("When it spun out (optional)"),
        validators=[
            Optional(),
            PartialDate(_l("Enter when it spun out as a year, like 2011, or a date, like 2011-04-01")),
        ],
    )
    employees = StringField(
        _l("Number of employees (optional)"),
        validators=[Optional(), WholeNumber(_l("Enter the number of employees as a whole number, like 40"))],
    )
    members = StringField(
        _l("Number of members in all (optional)"),
        validators=[Optional(), WholeNumber(_l("Enter the number of members as a whole number, like 250"))],
    )
    trading_income_pct = StringField(
        _l("Share of income from trading (%) (optional)"),
        validators=[Optional(), Percentage(_l("Enter the share of income from trading as a number from 0 to 100"))],
    )

    def validate_phone(self, field: Field) -> None:
        if field.data and not _PHONE.match(field.data):
            raise ValidationError(_("Enter a phone number, like 0114 496 0000 or +44 114 496 0000"))

    def validate_trading_names(self, field: Field) -> None:
        names = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        limit = column_limit(Organisation.name)
        if len(names) > 10 or any(len(name) > limit for name in names):
            raise ValidationError(
                _("Enter up to 10 other names, one on each line, each %(limit)s characters or fewer", limit=limit)
            )

    def validate_origin_programme(self, field: Field) -> None:
        if field.data and field.data not in labels.SPIN_OUT_PROGRAMME:
            raise ValidationError(_("Choose a spin-out programme from the list"))

    def validate_origin(self, field: Field) -> None:
        if field.data and field.data not in labels.ORIGIN:
            raise ValidationError(_("Choose how the organisation started from the list"))


def identifier_schemechoices() -> tuple[tuple[str, str], ...]:
    """The registers a listing's identifier can be on, named in the page's language."""
    return tuple(
        (code, str(reference_wording("identifier_schemes", code, "label", scheme.label)))
        for code, scheme in load_identifier_schemes().items()
    )


class IdentifierForm(Form):
    scheme = SelectField(_l("Register"), choices=[], validate_choice=False)
    value = StringField(
        _l("Number or code"), validators=[fits(Identifier.value, _l("The number or code"))], filters=[one_line]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme.choices = choices(identifier_schemechoices(), blank=_l("Choose a register"))


class LegalStepForm(StepForm):
    legal_form = SelectField(_l("Legal form"), choices=[], validate_choice=False)
    identifiers = FieldList(FormField(IdentifierForm), min_entries=1, max_entries=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.legal_form.choices = choices(vocabulary_choices("legal_forms"), blank=_l("Choose a legal form"))


class ListingMemberClassForm(MemberClassForm):
    description = TextAreaField(
        _l("Who can join this class (optional)"),
        validators=[fits(MemberClass.description, _l("Who can join"))],
        filters=[several_lines],
    )


class ListingBoardSeatForm(BoardSeatForm):
    role = StringField(
        _l("Name of these seats (optional)"),
        validators=[fits(BoardSeat.role, _l("The seats' name"))],
        filters=[one_line],
    )
    is_non_executive = RadioField(_l("Non-executive seats"), choices=YES_NO_UNKNOWN, default="", validate_choice=False)


class GovernanceStepForm(StructureFields, StepForm):
    governance_model = SelectField(_l("Governance model"), choices=[], validate_choice=False)
    member_classes, board_seats, significant_control = structure_rows(ListingMemberClassForm, ListingBoardSeatForm)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.governance_model.choices = choices(vocabulary_choices("governance_models"))


def service_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Services to choose from, grouped under their parent terms: (group label, ((code, label), ...)), in the
    page's language."""
    return _service_groups(current_language())


@cache
def _service_groups(language: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    from registry.domain.reference_data import load_vocabulary

    items = load_vocabulary("services")
    with speaking(language):
        groups = {item["code"]: localised(item) for item in items if not item.get("parent")}
        return tuple(
            (label, tuple((item["code"], localised(item)) for item in items if item.get("parent") == code))
            for code, label in groups.items()
        )


def local_authority_groups() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Local authorities grouped by region: (region code, region name, ((code, name), ...)), names sorted; the
    regions named in the page's language."""
    return _local_authority_groups(current_language())


@cache
def _local_authority_groups(language: str) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    from registry.domain.reference_data import load_vocabulary

    with speaking(language):
        regions = {item["code"]: localised(item, "name") for item in load_vocabulary("regions")}
    districts = load_lad_regions()
    return tuple(
        (
            region,
            name,
            tuple(
                sorted(
                    ((d.lad_code, d.lad_name) for d in districts.values() if d.region_code == region),
                    key=lambda pair: pair[1],
                )
            ),
        )
        for region, name in regions.items()
    )


class LocationForm(Form):
    name = StringField(
        _l("Name of the place (optional)"), validators=[fits(Location.name, _l("The place's name"))], filters=[one_line]
    )
    address = TextAreaField(_l("Address"), validators=[fits(Location.address, _l("Address"))], filters=[several_lines])
    postcode = StringField(_l("Postcode"), filters=[one_line])
    is_registered_office = BooleanField(_l("This is the registered office"))


class ServicesStepForm(StepForm):
    services = MultiCheckboxField(_l("Services"), choices=[], validate_choice=False)
    locations = FieldList(FormField(LocationForm), min_entries=1, max_entries=10)
    service_areas = MultiCheckboxField(_l("Local authority areas served"), choices=[], validate_choice=False)
    # A whole county, ICB, health board...: saved as its districts, described by its name.
    whole_areas = MultiCheckboxField(_l("Whole areas served"), choices=[], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services.choices = options(pair for _group, pairs in service_groups() for pair in pairs)
        self.service_areas.choices = options(
            pair for _region, _name, pairs in local_authority_groups() for pair in pairs
        )
        self.whole_areas.choices = options(pair for _group, pairs in whole_area_groups() for pair in pairs)


def whole_area_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The wider areas a listing can serve whole, by kind: (kind label, ((code, name), ...)), names sorted; the
    kinds named in the page's language."""
    return _whole_area_groups(current_language())


@cache
def _whole_area_groups(language: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    catalogue = area_catalogue()
    kinds = [kind for kind in AREA_KINDS if kind is not PlaceKind.REGION]
    with speaking(language):
        return tuple(
            (kind.label, tuple(sorted(((a.code, a.name) for a in catalogue.of_kind(kind)), key=lambda pair: pair[1])))
            for kind in kinds
        )


class SubmitForm(FlaskForm):
    pass


class WithdrawForm(FlaskForm):
    version = HiddenField()
    confirm = BooleanField(
        _l("I want to withdraw this listing"),
        validators=[InputRequired(_l("Confirm that you want to withdraw the listing"))],
    )


class ClaimForm(FlaskForm):
    role_at_organisation = StringField(
        _l("Your role at the organisation"),
        validators=[
            InputRequired(_l("Enter your role at the organisation")),
            fits(Claim.role_at_organisation, _l("Your role")),
        ],
        filters=[one_line],
    )
    evidence = TextAreaField(
        _l("How can we check that you represent it?"),
        validators=[
            InputRequired(_l("Tell us how we can check that you represent the organisation")),
            fits(Claim.evidence, _l("Evidence")),
        ],
        filters=[several_lines],
    )


class ClaimSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Organisation name"), filters=[one_line])
