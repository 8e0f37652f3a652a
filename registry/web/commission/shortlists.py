"""Shortlists: make and name them, add listings with a note, compare two to four side by side, and export them.
Every view loads its shortlist through ``load_shortlist``: the signed-in person's own, or 404."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for

from registry.domain.language import gettext as _
from registry.extensions import db
from registry.models import Role, Shortlist
from registry.services import profiles, shortlists
from registry.services.assessments import in_current_language
from registry.services.commissioners import CommissioningError, ruleset_titles
from registry.services.profiles import ChosenProfile
from registry.web.authorisation import role_required
from registry.web.commission import bp
from registry.web.commission.forms import AddToShortlistForm, NoteForm, ShortlistForm
from registry.web.commission.pages import change_or_refuse, done, signed_in, yours_or_404
from registry.web.commission.views import EXPORT_TYPES, listing_url, profile_cell, profile_column, send_export
from registry.web.forms import REFUSED, Refused, form_errors, render_form_page
from registry.web.loaders import load_listing
from registry.web.profiles import read_profile
from registry.web.redirects import safe_next


def load_shortlist(shortlist_id: int) -> Shortlist:
    """The one loader for shortlists: the signed-in person's own, or 404."""
    return yours_or_404(shortlists.get_shortlist(db.session(), signed_in(), shortlist_id), "shortlist")


@bp.route("/shortlists", methods=["GET", "POST"], endpoint="shortlists")
@role_required(Role.COMMISSIONER)
def shortlist_list() -> Any:
    form = ShortlistForm()
    if form.validate_on_submit():
        create = functools.partial(shortlists.create_shortlist, db.session(), signed_in(), form.name.data)
        shortlist = change_or_refuse(create, form.name)
        if not isinstance(shortlist, Refused):
            return done(
                _("You created the shortlist %(name)s.", name=shortlist.name),
                "commission.shortlist",
                shortlist_id=shortlist.id,
            )
    return render_form_page(
        "commission/shortlists.html",
        form,
        shortlists=shortlists.shortlists_of(db.session(), signed_in()),
    )


def _chosen_profile(context: dict[str, Any]) -> ChosenProfile | None:
    """The ``profile`` the address names (shortlists, compare), with the choices for a select; a profile the
    person may not use is an error on the page, never someone else's verdicts."""
    chosen, errors = read_profile(request.args)
    if errors:
        context.setdefault("errors", {}).update(errors)
    context["profile_choices"] = profiles.profiles_of(db.session(), signed_in())
    context["chosen_profile"] = chosen
    return chosen


def _shortlist_page(shortlist: Shortlist, **context: Any) -> tuple[str, int]:
    context.setdefault("rename_form", ShortlistForm(formdata=None, data={"name": shortlist.name}))
    chosen = _chosen_profile(context)
    context["profile_cells"] = {
        e.organisation.slug: profile_cell(e.organisation, chosen)
        for e in shortlists.published_entries(shortlist)
        if chosen is not None
    }
    return render_form_page(
        "commission/shortlist.html",
        shortlist=shortlist,
        entries=shortlist.entries,
        published=shortlists.published_entries(shortlist),
        max_compare=shortlists.MAX_COMPARE,
        **context,
    )


@bp.get("/shortlists/<int:shortlist_id>")
@role_required(Role.COMMISSIONER)
def shortlist(shortlist_id: int) -> Any:
    return _shortlist_page(load_shortlist(shortlist_id))


@bp.post("/shortlists/<int:shortlist_id>/rename")
@role_required(Role.COMMISSIONER)
def rename_shortlist(shortlist_id: int) -> Any:
    shortlist = load_shortlist(shortlist_id)
    form = ShortlistForm()
    if form.validate_on_submit():
        rename = functools.partial(shortlists.rename_shortlist, db.session(), shortlist, form.name.data)
        if change_or_refuse(rename, form.name) is not REFUSED:
            return done(
                _("The shortlist is now called %(name)s.", name=shortlist.name),
                "commission.shortlist",
                shortlist_id=shortlist.id,
            )
    db.session.rollback()
    shortlist = load_shortlist(shortlist_id)
    return _shortlist_page(shortlist, rename_form=form, errors=form_errors(form))


@bp.post("/shortlists/<int:shortlist_id>/delete")
@role_required(Role.COMMISSIONER)
def delete_shortlist(shortlist_id: int) -> Any:
    shortlist = load_shortlist(shortlist_id)
    name = shortlist.name
    shortlists.delete_shortlist(db.session(), shortlist)
    return done(_("You deleted the shortlist %(name)s.", name=name), "commission.shortlists")


@bp.post("/shortlists/<int:shortlist_id>/listings/<slug>/note")
@role_required(Role.COMMISSIONER)
def save_note(shortlist_id: int, slug: str) -> Any:
    shortlist = load_shortlist(shortlist_id)
    organisation = load_listing(slug)
    form = NoteForm()
    if form.validate_on_submit():
        note = functools.partial(shortlists.set_note, shortlist, organisation, form.note.data)
        if change_or_refuse(note, form.note) is not REFUSED:
            flash(_("Your note on %(name)s is saved.", name=organisation.name))
            return redirect(url_for("commission.shortlist", shortlist_id=shortlist.id) + f"#entry-{slug}")
    db.session.rollback()
    shortlist = load_shortlist(shortlist_id)
    message = form_errors(form).get("note", _("Enter a shorter note"))
    return _shortlist_page(shortlist, errors={f"note-{slug}": message}, note_drafts={slug: form.note.data or ""})


@bp.post("/shortlists/<int:shortlist_id>/listings/<slug>/remove")
@role_required(Role.COMMISSIONER)
def remove_from_shortlist(shortlist_id: int, slug: str) -> Any:
    shortlist = load_shortlist(shortlist_id)
    organisation = load_listing(slug)
    if shortlists.remove_from_shortlist(db.session(), shortlist, organisation):
        db.session.commit()
        flash(_("You removed %(name)s from %(shortlist)s.", name=organisation.name, shortlist=shortlist.name))
    return redirect(safe_next(request.form.get("next"), url_for("commission.shortlist", shortlist_id=shortlist.id)))


@bp.route("/organisations/<slug>/shortlist", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def add_to_shortlist(slug: str) -> Any:
    """Add a listing to a shortlist, from the results table or the listing's own page."""
    organisation = load_listing(slug)
    lists = shortlists.shortlists_of(db.session(), signed_in())
    form = AddToShortlistForm()
    form.shortlist.choices = [(str(s.id), s.name) for s in lists] + [("new", _("A new shortlist"))]
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        form.shortlist.data = str(lists[0].id) if lists else "new"
    if form.validate_on_submit():
        try:
            target = _chosen_shortlist(form, lists)
            shortlists.add_to_shortlist(db.session(), target, organisation, form.note.data or None)
        except CommissioningError as error:
            (form.new_name if error.field == "name" else form.shortlist).errors = [error.message]
        else:
            db.session.commit()
            flash(_("You added %(name)s to %(shortlist)s.", name=organisation.name, shortlist=target.name))
            return redirect(safe_next(form.next.data, "") or url_for("commission.shortlist", shortlist_id=target.id))
        db.session.rollback()
    on = {s.id: s for s in lists if shortlists.entry_for(s, organisation) is not None}
    return render_form_page(
        "commission/add_to_shortlist.html",
        form,
        org=organisation,
        already_on=list(on.values()),
        next_url=safe_next(form.next.data, ""),
    )


def _chosen_shortlist(form: AddToShortlistForm, lists: list[Shortlist]) -> Shortlist:
    if form.shortlist.data == "new" or not lists:
        if not form.new_name.data:
            raise CommissioningError(_("Enter a name for the new shortlist"), "name")
        return shortlists.create_shortlist(db.session(), signed_in(), form.new_name.data)
    chosen = next((s for s in lists if str(s.id) == form.shortlist.data), None)
    if chosen is None:
        raise CommissioningError(_("Choose one of your shortlists"), "shortlist")
    return chosen


@bp.get("/shortlists/<int:shortlist_id>/compare")
@role_required(Role.COMMISSIONER)
def compare(shortlist_id: int) -> Any:
    """Two to four shortlisted listings side by side."""
    shortlist = load_shortlist(shortlist_id)
    try:
        chosen = shortlists.choose_for_comparison(shortlist, request.args.getlist("org"))
    except CommissioningError as error:
        return _shortlist_page(shortlist, errors={"compare": error.message}, compare_chosen=request.args.getlist("org"))
    context: dict[str, Any] = {}
    profile = _chosen_profile(context)
    columns = shortlists.compare(db.session(), chosen)
    for column in columns:  # the stored reports' words in the language being spoken
        column.reports = {key: in_current_language(report) for key, report in column.reports.items()}
        column.failing = {
            key: [f for f in report.get("findings", []) if f.get("outcome") == "fail"]
            for key, report in column.reports.items()
        }
    context["profile_cells"] = {c.organisation.slug: profile_cell(c.organisation, profile) for c in columns}
    return render_form_page(
        "commission/compare.html",
        shortlist=shortlist,
        columns=columns,
        rulesets=ruleset_titles(),
        **context,
    )


@bp.get("/shortlists/<int:shortlist_id>/export.<kind>")
@role_required(Role.COMMISSIONER)
def export_shortlist(shortlist_id: int, kind: str) -> Any:
    if kind not in EXPORT_TYPES:
        abort(404)
    shortlist = load_shortlist(shortlist_id)
    chosen, errors = read_profile(request.args)
    if errors:
        abort(404, description=_("There is no profile of yours with that number."))
    today = datetime.now(UTC).date().isoformat()
    export = shortlists.shortlist_export(shortlist, listing_url, profile_column(chosen))
    return send_export(kind, export, f"shortlist-{shortlist.id}-{today}")
