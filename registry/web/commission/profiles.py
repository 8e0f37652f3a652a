"""Commissioners' own profiles: compose from the catalogue of cited rules, save (each edit a new version), share
by link with other commissioners, and use as a filter. Every view loads its profile through ``load_profile``:
its owner, or a commissioner who took up its link, or 404 for anyone else (admins included)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from registry.domain.language import gettext as _
from registry.extensions import db
from registry.models import Profile, Role
from registry.services import profiles
from registry.services.profiles import ProfileError
from registry.web.authorisation import role_required
from registry.web.commission import bp
from registry.web.commission.pages import done, signed_in, yours_or_404
from registry.web.forms import render_form_page
from registry.web.links import public_url

STARTING_RULESET = "preferred-provider"


class ProfileActionForm(FlaskForm):
    """The CSRF token of the profile pages' buttons and of the profile form (its fields are read by hand)."""


def load_profile(profile_id: int, owner_only: bool = False) -> Profile:
    return yours_or_404(profiles.get_profile(db.session(), current_user, profile_id, owner_only=owner_only), "profile")


def _check_form() -> None:
    """Every profile form posts the CSRF token of ``ProfileActionForm``; without it the page was open too long."""
    if not ProfileActionForm().validate_on_submit():
        abort(400, description=_("The form has expired. Go back, reload the page and try again."))


def field_id(key: str, name: str | None = None) -> str:
    """A rule's (or its parameter's) form field name and id, like ``preferred-provider--PP-T2-INVESTOR-CAP``."""
    base = key.replace("/", "--")
    return f"{base}--{name}" if name else base


def _read_rules(form: MultiDict[str, str]) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    cat = profiles.catalogue()
    chosen: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    keys = {field_id(key): key for key in cat.rules}
    for value in form.getlist("rule"):
        key = keys.get(value)
        if key is None:
            errors["rules"] = _("Choose rules from the list")
            continue
        entry = cat.rules[key]
        values: dict[str, float] = {}
        for name, allowed in entry.rule.ranges.items():
            typed = form.get(field_id(key, name))
            if typed is None:
                continue  # not sent: the published value
            text = typed.strip().removesuffix("%").strip()
            try:
                values[name] = float(text)
            except ValueError:
                errors[field_id(key, name)] = _(
                    "%(rule)s: enter a number from %(minimum)s to %(maximum)s",
                    rule=entry.rule.text("title"),
                    minimum=format(allowed.minimum, "g"),
                    maximum=format(allowed.maximum, "g"),
                )
        chosen[key] = values
    return chosen, errors


def _ids_of(errors: dict[str, str]) -> dict[str, str]:
    """``ProfileError`` keys (``rule-key.parameter``) as the form's field ids."""
    mapped = {}
    for key, message in errors.items():
        rule, _, name = key.partition(".")
        mapped[field_id(rule, name or None) if "/" in rule else key] = message
    return mapped


def _form_page(profile: Profile | None, form_data: dict[str, Any], errors: dict[str, str]) -> tuple[str, int]:
    return render_form_page(
        "commission/profile_form.html",
        ProfileActionForm(),
        errors,
        profile=profile,
        groups=profiles.catalogue_groups(),
        values=form_data,
        field_id=field_id,
    )


def _data_of(name: str, rules: dict[str, dict[str, float]], raw: MultiDict[str, str] | None = None) -> dict[str, Any]:
    """What the form shows: the name, the chosen rules, and each number (as typed, when re-displayed)."""
    cat = profiles.catalogue()
    numbers: dict[str, str] = {}
    for key, entry in cat.rules.items():
        for param in entry.rule.ranges:
            typed = raw.get(field_id(key, param)) if raw is not None else None
            value = rules.get(key, {}).get(param, cat.published(key)[param])
            numbers[field_id(key, param)] = typed if typed is not None else f"{value:g}"
    return {"name": name, "chosen": {field_id(key) for key in rules}, "numbers": numbers}


def _save(profile: Profile | None) -> Any:
    _check_form()
    name = request.form.get("name", "")
    rules, errors = _read_rules(request.form)
    if not errors:
        try:
            if profile is None:
                profile = profiles.create_profile(db.session(), signed_in(), name, rules)
                message = _("You saved the profile %(name)s (version 1).", name=profile.name)
            else:
                version = profiles.update_profile(db.session(), profile, name, rules)
                message = (
                    _("You saved version %(number)s of %(name)s.", number=version.number, name=profile.name)
                    if version
                    else _(
                        "You saved %(name)s; its rules are unchanged (version %(number)s).",
                        name=profile.name,
                        number=profile.current.number,
                    )
                )
        except ProfileError as error:
            errors = _ids_of(error.errors)
        else:
            return done(message, "commission.profile", profile_id=profile.id)
    db.session.rollback()
    if profile is not None:
        profile = load_profile(profile.id, owner_only=True)
    return _form_page(profile, _data_of(name, rules, request.form), errors)


@bp.get("/profiles")
@role_required(Role.COMMISSIONER)
def profile_list() -> Any:
    return render_template(
        "commission/profiles.html",
        profiles=profiles.profiles_of(db.session(), signed_in()),
        user=signed_in(),
        errors={},
        error_title=False,
    )


@bp.route("/profiles/new", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def new_profile() -> Any:
    if request.method == "POST":
        return _save(None)
    cat = profiles.catalogue()
    start = request.args.get("from") or STARTING_RULESET
    rules = {key: cat.published(key) for key, entry in cat.rules.items() if entry.ruleset.id == start}
    return _form_page(None, _data_of("", rules), {})


@bp.get("/profiles/<int:profile_id>")
@role_required(Role.COMMISSIONER)
def profile(profile_id: int) -> Any:
    found = load_profile(profile_id)
    cat = profiles.catalogue()
    chosen = [(cat.rules[key], values) for key, values in found.current.rules.items() if key in cat.rules]
    chosen.sort(key=lambda pair: list(cat.rules).index(pair[0].key))
    share_url = public_url("commission.shared_profile", token=found.share_token) if found.share_token else None
    return render_template(
        "commission/profile.html",
        profile=found,
        chosen=chosen,
        owner=found.owner_id == signed_in().id,
        share_url=share_url,
        label=profiles.version_label(found),
        form=ProfileActionForm(),
        errors={},
        error_title=False,
    )


@bp.route("/profiles/<int:profile_id>/edit", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def edit_profile(profile_id: int) -> Any:
    found = load_profile(profile_id, owner_only=True)
    if request.method == "POST":
        return _save(found)
    return _form_page(found, _data_of(found.name, found.current.rules), {})


def _owner_action(profile_id: int) -> Profile:
    found = load_profile(profile_id, owner_only=True)
    _check_form()
    return found


@bp.post("/profiles/<int:profile_id>/share")
@role_required(Role.COMMISSIONER)
def share_profile(profile_id: int) -> Any:
    return _set_sharing(profile_id, shared=True)


@bp.post("/profiles/<int:profile_id>/unshare")
@role_required(Role.COMMISSIONER)
def unshare_profile(profile_id: int) -> Any:
    return _set_sharing(profile_id, shared=False)


def _set_sharing(profile_id: int, shared: bool) -> Any:
    found = _owner_action(profile_id)
    if shared:
        profiles.share_profile(found)
        message = _("%(name)s can now be opened by other commissioners who have its link.", name=found.name)
    else:
        profiles.stop_sharing(db.session(), found)
        message = _("%(name)s is private again: its link no longer works.", name=found.name)
    return done(message, "commission.profile", profile_id=found.id)


@bp.post("/profiles/<int:profile_id>/delete")
@role_required(Role.COMMISSIONER)
def delete_profile(profile_id: int) -> Any:
    found = _owner_action(profile_id)
    profiles.delete_profile(db.session(), found)
    return done(_("You deleted the profile %(name)s.", name=found.name), "commission.profile_list")


@bp.route("/profiles/shared/<token>", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def shared_profile(token: str) -> Any:
    found = profiles.profile_by_token(db.session(), current_user, token)
    if found is None:
        abort(404, description=_("That link does not open a shared profile: it may have been made private."))
    if request.method == "POST":
        _check_form()
        profiles.take_up(db.session(), found, signed_in())
        return done(_("%(name)s is now in your profiles.", name=found.name), "commission.profile", profile_id=found.id)
    cat = profiles.catalogue()
    chosen = [(cat.rules[key], values) for key, values in found.current.rules.items() if key in cat.rules]
    return render_template(
        "commission/profile_shared.html",
        profile=found,
        chosen=chosen,
        label=profiles.version_label(found),
        form=ProfileActionForm(),
        errors={},
        error_title=False,
    )
