from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_login import current_user

from registry.domain.structure import StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.extensions import db
from registry.models import Role
from registry.services.profiles import assess_against, profiles_of
from registry.services.structure_checks import check_structure
from registry.web.authorisation import has_role
from registry.web.check import bp
from registry.web.check.forms import StructureForm, field_id, parse_action, structure_data
from registry.web.check.needs import on_the_check_form
from registry.web.profiles import read_profile


def _render(form: StructureForm, status: int = 200, **context: Any) -> tuple[str, int]:
    errors = context.get("errors") or {}
    # A signed-in commissioner may also check against one of their own profiles (no one else has any).
    if has_role(current_user, Role.COMMISSIONER):
        context["profile_choices"] = profiles_of(db.session(), current_user)
    page = render_template("check/check.html", form=form, error_title=bool(errors), fact=on_the_check_form, **context)
    return page, status


def _change_rows(form: StructureForm, action: str, name: str, index: int | None) -> StructureForm:
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
    rebuilt = StructureForm(formdata=None, data=data)
    return rebuilt


@bp.route("/check", methods=["GET", "POST"])
def check() -> tuple[str, int]:
    form = StructureForm()
    if request.method == "GET":
        return _render(form)
    action = parse_action(request.form.get("action"))
    if action is not None:
        return _render(_change_rows(form, *action))
    # CSRFProtect has already checked the token; every other answer is checked by the validator below.
    rows: dict[str, dict[int, int]] = {}
    try:
        data, rows = structure_data(form)
        report = check_structure(data)
    except StructureFactsError as error:
        errors = {field_id(path, rows): message for path, message in error.errors.items()}
        return _render(form, 400, errors=errors)
    chosen, _ = read_profile(request.form)  # a profile the person may not use is simply not shown
    against = assess_against(facts_from_dict(data), chosen) if chosen is not None else None
    return _render(form, report=report, chosen_profile=chosen, profile_assessment=against)
