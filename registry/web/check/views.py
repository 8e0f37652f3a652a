from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from registry.domain.structure import StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.extensions import db
from registry.models import Role
from registry.services.profiles import assess_against, profiles_of
from registry.services.structure_checks import check_structure
from registry.web.authorisation import has_role
from registry.web.check import bp
from registry.web.forms import change_rows, parse_action, render_form_page
from registry.web.needs import on_the_check_form
from registry.web.profiles import read_profile
from registry.web.structure_form import StructureForm, field_id, structure_data


def _render(form: StructureForm, errors: dict[str, str] | None = None, **context: Any) -> tuple[str, int]:
    # A signed-in commissioner may also check against one of their own profiles (no one else has any).
    if has_role(current_user, Role.COMMISSIONER):
        context["profile_choices"] = profiles_of(db.session(), current_user)
    return render_form_page("check/check.html", form, errors or {}, fact=on_the_check_form, **context)


@bp.route("/check", methods=["GET", "POST"])
def check() -> tuple[str, int]:
    form = StructureForm()
    if request.method == "GET":
        return _render(form)
    action = parse_action(request.form.get("action"), form)
    if action is not None:
        return _render(change_rows(form, *action))
    # CSRFProtect has already checked the token; every other answer is checked by the validator below.
    rows: dict[str, dict[int, int]] = {}
    try:
        data, rows = structure_data(form)
        report = check_structure(data)
    except StructureFactsError as error:
        return _render(form, {field_id(path, rows): message for path, message in error.errors.items()})
    chosen, _ = read_profile(request.form)  # a profile the person may not use is simply not shown
    against = assess_against(facts_from_dict(data), chosen) if chosen is not None else None
    return _render(form, report=report, chosen_profile=chosen, profile_assessment=against)
