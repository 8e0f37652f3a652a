"""What every form page shares: field filters, the email address field and choices, the errors by field id, the
add-another and remove buttons, committing a form's action, and rendering the page with a 400 when it has errors."""

from __future__ import annotations

import re
from collections.abc import Callable, ItemsView, Iterator, Mapping
from functools import cache
from typing import Any, TypeVar

from babel.support import LazyProxy
from flask import current_app, render_template
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from sqlalchemy.orm import Session
from wtforms import EmailField, Field, FieldList, Form, FormField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from registry.domain.language import gettext, localised
from registry.domain.language import lazy_gettext as _l
from registry.domain.reference_data import load_vocabulary
from registry.domain.text import clean_line, clean_lines
from registry.models import column_limit

T = TypeVar("T")


def _too_long(what: Any, limit: int) -> str:
    # Length fills %(max)d-style placeholders in its message; a % in the words themselves must survive that.
    return gettext("%(what)s must be %(limit)s characters or fewer", what=str(what), limit=format(limit, ",")).replace(
        "%", "%%"
    )


def fits(attribute: Any, what: Any) -> Length:
    """A ``Length`` validator whose limit is the column's, so the form and the database agree. ``what`` names the
    field as the start of a sentence (``_l("The class's name")``); the message is made in the language of the
    request that shows it."""
    limit = column_limit(attribute)
    return Length(max=limit, message=LazyProxy(_too_long, what, limit, enable_cache=False))


def one_line(value: Any) -> Any:
    """Filter for one-line fields: NFKC, no control or invisible characters, whitespace collapsed."""
    return clean_line(value) if isinstance(value, str) else value


def several_lines(value: Any) -> Any:
    """Filter for text areas: as ``one_line`` but keeping line breaks."""
    return clean_lines(value) if isinstance(value, str) else value


def stripped(value: Any) -> Any:
    """Filter that only trims the ends: for email addresses and reasons, whose inside is kept as typed."""
    return value.strip() if isinstance(value, str) else value


EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


EMAIL_LABEL = _l("Email address")
EMAIL_REQUIRED = _l("Enter your email address")


def email_field(label: Any = EMAIL_LABEL, required: Any = EMAIL_REQUIRED) -> EmailField:
    """The one email address field: your own on the account pages, someone else's where a moderator names an
    account. Blank after trimming asks for the address; 254 characters is the most an address can have."""
    return EmailField(
        label,
        validators=[
            DataRequired(required),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(EMAIL_FORMAT),
        ],
        filters=[stripped],
    )


def _labels_of(pairs: Any) -> Mapping[str, Any] | None:
    """The mapping behind ``labels.items()`` (a vocabulary's labels), else None."""
    if isinstance(pairs, Mapping):
        return pairs
    if isinstance(pairs, ItemsView):
        mapping = getattr(pairs, "mapping", None) or getattr(pairs, "_mapping", None)
        return mapping if isinstance(mapping, Mapping) else None
    return None


def options(pairs: Any) -> list[SelectChoice]:
    """Choices from ``(value, label)`` pairs, or from a mapping of labels (or its ``items()``). Choices made when
    a module is imported must not freeze their words in one language: a mapping's labels are read from it each
    time they are shown (a vocabulary's labels answer in the request's language), and labels written in code are
    ``_l`` lazy."""
    mapping = _labels_of(pairs)
    if mapping is not None:
        return [SelectChoice(code, LazyProxy(mapping.__getitem__, code, enable_cache=False)) for code in mapping]
    return [SelectChoice(value, label) for value, label in pairs]


def choices(pairs: Any, blank: Any = None) -> list[SelectChoice]:
    """A select's options with a blank first one: "Not known", or what to do, like "Choose a register"."""
    return [SelectChoice("", _l("Not known") if blank is None else blank), *options(pairs)]


@cache
def _vocabulary(name: str) -> tuple[Mapping[str, Any], ...]:
    return tuple(load_vocabulary(name))


def vocabulary_choices(name: str) -> tuple[tuple[str, str], ...]:
    """A reference vocabulary's ``(code, label)`` pairs, its labels in the current language."""
    return tuple((item["code"], localised(item, "label")) for item in _vocabulary(name))


class SubForm(Form):
    """A form inside a ``FlaskForm`` (a row of a list, a group of fields, through ``FormField``/``FieldList``).
    WTForms' own messages ("This field is required.") come in the request's language, as a ``FlaskForm``'s do:
    Flask-WTF reads WTForms' own Welsh catalogue for the language Flask-Babel has (``WTF_I18N_ENABLED``, on by
    default). A plain ``Form`` would answer in English."""

    class Meta(DefaultMeta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _walk(field: Any) -> Iterator[Any]:
    if isinstance(field, FormField):
        for sub in field.form:
            yield from _walk(sub)
    elif isinstance(field, FieldList):
        for entry in field.entries:
            yield from _walk(entry)
    else:
        yield field


def form_errors(form: FlaskForm) -> dict[str, str]:
    """The first message for each field with one, keyed by field id (rows included), in page order: the error
    summary links to these ids and each field shows its own message."""
    return {
        field.id: str(field.errors[0])
        for top in form
        if top.name != "csrf_token"
        for field in _walk(top)
        if isinstance(field.errors, list | tuple) and field.errors
    }


# Add-another and remove buttons: "add-identifier", "remove-location-2", "add-member-class".
REPEATABLE = {
    "identifier": "identifiers",
    "member-class": "member_classes",
    "board-seat": "board_seats",
    "control": "significant_control",
    "location": "locations",
}
_ACTION = re.compile(r"^(add|remove)-([a-z-]+?)(?:-(\d+))?$")


def parse_action(value: str | None, form: FlaskForm) -> tuple[str, str, int | None] | None:
    """("add" | "remove", list field name, row) for an add-another or remove button on ``form``, else None."""
    match = _ACTION.match(value or "")
    if not match or match.group(2) not in REPEATABLE:
        return None
    name = REPEATABLE[match.group(2)]
    if not isinstance(getattr(form, name, None), FieldList):
        return None
    return match.group(1), name, int(match.group(3)) if match.group(3) else None


def change_rows(form: FlaskForm, action: str, name: str, index: int | None) -> FlaskForm:
    """The form with a row added or removed, keeping everything else that was typed (and the version)."""
    field = getattr(form, name)
    if action == "add":
        if len(field.entries) < field.max_entries:
            field.append_entry()
        return form
    # Removing a row from the middle: rebuild the form from its data without that row.
    data = {key: value for key, value in form.data.items() if key != "csrf_token"}
    rows = list(data[name])
    if index is not None and 0 <= index < len(rows):
        rows.pop(index)
    data[name] = rows
    return type(form)(formdata=None, data=data)


class Refused:
    """What ``commit_or_refuse`` returns when the service refused: the refusal is already on the field."""


REFUSED = Refused()


def commit_or_refuse(session: Session, action: Callable[[], T], field: Field, refusal: type[Exception]) -> T | Refused:
    """Run a form's action and commit. A ``refusal`` (a service error with a ``message``) is rolled back and
    shown against ``field``; any other error is rolled back and raised, for the view to handle."""
    try:
        result = action()
        session.commit()
    except refusal as error:
        session.rollback()
        field.errors = [getattr(error, "message", str(error))]
        return REFUSED
    except BaseException:
        session.rollback()
        raise
    return result


def render_form_page(
    template: str, form: Any = None, errors: dict[str, str] | None = None, **context: Any
) -> tuple[str, int]:
    """A page with a form: the errors (the form's own unless given), the "Error: " title, and 400 with errors."""
    if errors is None:
        errors = form_errors(form) if form is not None else {}
    page = render_template(template, form=form, errors=errors, error_title=bool(errors), **context)
    return page, 400 if errors else 200
