from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from registry.extensions import db
from registry.models import Organisation, Role, Shortlist, User
from registry.services import commissioning, profiles
from registry.services.assessments import listing_facts
from registry.services.commissioning import (
    EMPLOYEE_BANDS,
    TURNOVER_BANDS,
    CommissioningError,
    ExportRequest,
    ProfileColumn,
    ruleset_titles,
)
from registry.services.market import VERDICTS as MARKET_VERDICTS
from registry.services.market import Breakdown, MarketOverview, market_overview
from registry.services.profiles import ChosenProfile
from registry.services.search import (
    VERDICT_LABELS,
    SearchError,
    SearchResults,
    facet_labels,
    matching_listings,
    ordered_ids,
    search_listings,
)
from registry.services.search_index import facet_index
from registry.web.authorisation import role_required
from registry.web.charts import region_tile_map, stacked_bar_chart
from registry.web.commission import bp
from registry.web.commission.forms import (
    BASED_WITHIN_CHOICES,
    VERIFICATION,
    AddToShortlistForm,
    CommissionSearch,
    GrantCommissionerForm,
    NoteForm,
    ShortlistForm,
    area_names,
    describe,
    form_errors,
    read_commission_search,
)
from registry.web.links import public_url
from registry.web.loaders import load_listing
from registry.web.negotiation import json_error, json_success, wants_json
from registry.web.profiles import read_profile
from registry.web.redirects import safe_next

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SORT_COLUMNS = (
    ("name", "Name"),
    ("legal_form", "Legal form"),
    ("verdict", "Preferred provider"),
    ("services", "Services"),
    ("coverage", "Areas served"),
    ("size", "Size"),
    ("updated", "Last updated"),
)
# Query parameters that belong to the page being looked at, not to the search: exports drop them.
PAGE_ONLY = ("page", "per_page")


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def load_shortlist(shortlist_id: int) -> Shortlist:
    """The one loader for shortlists: the signed-in person's own, or 404 (never 403, so ids reveal nothing)."""
    shortlist = commissioning.get_shortlist(db.session(), _user(), shortlist_id)
    if shortlist is None:
        abort(404, description="There is no shortlist of yours with that number.")
    return shortlist


def _listing_url(slug: str) -> str:
    return public_url("public.listing", slug=slug)


def _search_args(exclude: tuple[str, ...] = PAGE_ONLY) -> str:
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key not in exclude and value]
    return urlencode(pairs)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    errors = context.setdefault("errors", {})
    return render_template(template, error_title=bool(errors), **context), status


def _filter_context(search: CommissionSearch) -> dict[str, Any]:
    return {
        "search": search,
        "labels": facet_labels(db.session()),
        "verdict_labels": VERDICT_LABELS,
        "rulesets": ruleset_titles(),
        "employee_bands": [(band.code, band.label) for band in EMPLOYEE_BANDS],
        "turnover_bands": [(band.code, band.label) for band in TURNOVER_BANDS],
        "verification_labels": VERIFICATION,
        "based_within_choices": BASED_WITHIN_CHOICES,
        "local_authority_names": area_names(),
        "profile_choices": profiles.profiles_of(db.session(), _user()),
    }


# ---------------------------------------------------------------------------------------------------
# Finding providers


def _profile_cell(org: Organisation, chosen: ChosenProfile | None) -> dict[str, Any] | None:
    """The listing's verdict against the chosen profile, with the facts that would decide it."""
    if chosen is None:
        return None
    assessment = profiles.assess_against(listing_facts(org), chosen)
    return {
        "profile": chosen.label,
        "verdict": assessment.verdict.value,
        "reason": assessment.reason,
        "facts_unknown": list(profiles.missing_facts(assessment)),
    }


def _row(org: Organisation, areas: tuple[str, ...], chosen: ChosenProfile | None = None) -> dict[str, Any]:
    """What the results table (and its JSON twin) shows for one listing."""
    verdicts = {a.ruleset_id: a.verdict for a in org.assessments}
    return {
        "profile": _profile_cell(org, chosen),
        "slug": org.slug,
        "name": org.name,
        "url": public_url("public.listing", slug=org.slug),
        "legal_form": org.legal_form.label if org.legal_form else None,
        "preferred_provider": verdicts.get("preferred-provider"),
        "verdicts": verdicts,
        "services": [s.service_type.label for s in org.services],
        "serves_chosen": [a.name for a in org.service_areas if a.local_authority_code in areas],
        "areas_served": len(org.service_areas),
        "employees": org.employees,
        "turnover_gbp": org.turnover_gbp,
        "verification": org.verification,
        "updated_at": org.updated_at.isoformat() if org.updated_at else None,
    }


def _run(search: CommissionSearch) -> tuple[SearchResults | None, dict[str, str]]:
    errors = dict(search.errors)
    if "area" in errors:
        # An area the registry cannot recognise must never widen the search to everywhere: no results at all.
        return None, errors
    try:
        results = search_listings(
            db.session(),
            search.query,
            search.paging,
            current_app.extensions.get("registry.geocoder"),
            search.refinement,
        )
    except SearchError as error:
        errors.update(error.fields)
        return None, errors
    return results, errors


@bp.get("")
@role_required(Role.COMMISSIONER)
def find() -> Any:
    """Find providers: every filter at once, results in a sortable table; GET, so searches can be bookmarked."""
    if not wants_json() and any(not value.strip() for value in request.args.values()):
        # The filter form sends every field, filled or not: keep addresses short and shareable.
        kept = [(key, value) for key, value in request.args.items(multi=True) if value.strip()]
        return redirect(url_for("commission.find") + (f"?{urlencode(kept)}" if kept else ""))
    search = read_commission_search(db.session(), request.args)
    results, errors = _run(search)
    chosen = search.refinement.profile
    rows = [_row(hit.organisation, search.refinement.areas, chosen) for hit in results.page.items] if results else []
    if wants_json():
        if errors or results is None:
            return json_error(400, "; ".join(errors.values()), fields=errors)
        return json_success(
            rows,
            {
                "total": results.page.total,
                "page": results.page.page,
                "per_page": results.page.per_page,
                "pages": results.page.pages,
                "areas": search.area_names,
                "profile": chosen.label if chosen else None,
            },
        )
    query_string = _search_args()
    return _page(
        "commission/find.html",
        400 if errors else 200,
        errors=errors,
        results=results,
        rows=rows,
        sort_columns=SORT_COLUMNS,
        export_urls={
            kind: url_for("commission.export_results", kind=kind) + (f"?{query_string}" if query_string else "")
            for kind in EXPORT_TYPES
        },
        overview_url=url_for("commission.overview") + (f"?{query_string}" if query_string else ""),
        **_filter_context(search),
    )


def _download(kind: str, chunks: Iterator[Any], filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(kind: str, export: ExportRequest, filename: str) -> Response:
    session = db.session()
    if kind == "csv":
        return _download(kind, commissioning.csv_lines(session, export), filename)
    if kind == "json":
        return _download(kind, commissioning.json_chunks(session, export), filename)
    return _download(kind, commissioning.xlsx_file(session, export), filename)


@bp.get("/results.<kind>")
@role_required(Role.COMMISSIONER)
def export_results(kind: str) -> Any:
    """The current results, all of them (not just the page on screen), as CSV, JSON or an Excel workbook."""
    if kind not in EXPORT_TYPES:
        abort(404)
    search = read_commission_search(db.session(), request.args)
    try:
        if search.errors:
            raise SearchError(search.errors)
        ids: Any = matching_listings(
            db.session(), search.query, current_app.extensions.get("registry.geocoder"), search.refinement
        ).ids
        if search.refinement.sort == "plausible":
            ids = ordered_ids(db.session(), ids, search.refinement)
    except SearchError as error:
        # A download link is only ever built from a search that ran, so this is a hand-edited address.
        if wants_json():
            return json_error(400, "; ".join(error.fields.values()), fields=error.fields)
        abort(400)
    today = datetime.now(UTC).date().isoformat()
    export = ExportRequest(
        ids=ids,
        listing_url=_listing_url,
        title="Search results",
        described_as=describe(search, facet_labels(db.session())),
        profile=profile_column(search.refinement.profile),
    )
    return _export(kind, export, f"registry-providers-{today}")


def profile_column(chosen: ChosenProfile | None) -> ProfileColumn | None:
    """An export's profile column: the profile's name and version, and each listing's verdict against it."""
    if chosen is None:
        return None
    session = db.session()
    return ProfileColumn(chosen.label, lambda ids: profiles.verdicts_of(session, facet_index(session), chosen, ids))


# ---------------------------------------------------------------------------------------------------
# Market overview


def _overview_charts(overview: MarketOverview, id_prefix: str, scope: str) -> dict[str, Any]:
    series = dict(MARKET_VERDICTS)
    verdict_rows = [
        Breakdown(key, label, {key: overview.verdict_count(key)})
        for key, label in series.items()
        if overview.verdict_count(key)
    ]
    return {
        "verdict_rows": verdict_rows,
        "verdicts": stacked_bar_chart(
            f"{id_prefix}-verdicts", f"Listings{scope} by preferred-provider verdict", verdict_rows, series
        ),
        "regions": stacked_bar_chart(
            f"{id_prefix}-regions", f"Listings{scope} by region and nation", overview.regions, series
        ),
        "legal_forms": stacked_bar_chart(
            f"{id_prefix}-legal-forms", f"Listings{scope} by legal form", overview.legal_forms, series
        ),
        "service_groups": stacked_bar_chart(
            f"{id_prefix}-services", f"Listings{scope} by service group", overview.service_groups, series
        ),
        "map": region_tile_map(
            f"{id_prefix}-map", f"Listings{scope} in the twelve regions and nations", overview.regions
        ),
        "series": series,
    }


@bp.get("/overview")
@role_required(Role.COMMISSIONER)
def overview() -> Any:
    """Counts by region, legal form, service group and preferred-provider verdict, with the search's filters."""
    search = read_commission_search(db.session(), request.args)
    errors = dict(search.errors)
    counts: MarketOverview | None = None
    if not errors:
        try:
            ids = matching_listings(
                db.session(), search.query, current_app.extensions.get("registry.geocoder"), search.refinement
            ).ids
        except SearchError as error:
            errors.update(error.fields)
        else:
            counts = market_overview(db.session(), ids)
    if wants_json():
        if counts is None:
            return json_error(400, "; ".join(errors.values()), fields=errors)
        return json_success(
            {
                "total": counts.total,
                "by_verdict": counts.by_verdict,
                "regions": [{"code": r.code, "name": r.label, "by_verdict": r.by_verdict} for r in counts.regions],
                "legal_forms": [
                    {"code": r.code, "label": r.label, "by_verdict": r.by_verdict} for r in counts.legal_forms
                ],
                "service_groups": [
                    {"code": r.code, "label": r.label, "by_verdict": r.by_verdict} for r in counts.service_groups
                ],
                "cube": [
                    {"region": r, "legal_form": f, "service_group": s, "verdict": v, "listings": n}
                    for r, f, s, v, n in counts.cube
                ],
            },
            {"described_as": describe(search, facet_labels(db.session()))},
        )
    query_string = _search_args()
    return _page(
        "commission/overview.html",
        400 if errors else 200,
        errors=errors,
        counts=counts,
        charts=_overview_charts(counts, "overview", "") if counts else None,
        region_link=lambda code: url_for("commission.find", region=code),
        search_url=url_for("commission.find") + (f"?{query_string}" if query_string else ""),
        **_filter_context(search),
    )


@bp.app_template_global("market_summary")
def market_summary() -> dict[str, Any]:
    """The public summary on the about-the-data page: every published listing, no filters."""
    counts = market_overview(db.session())
    return {
        "counts": counts,
        "charts": _overview_charts(counts, "summary", " in the registry"),
        "region_link": lambda code: url_for("public.find", region=code),
    }


# ---------------------------------------------------------------------------------------------------
# Shortlists


@bp.route("/shortlists", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def shortlists() -> Any:
    form = ShortlistForm()
    if form.validate_on_submit():
        try:
            shortlist = commissioning.create_shortlist(db.session(), _user(), form.name.data)
        except CommissioningError as error:
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash(f"You created the shortlist {shortlist.name}.")
            return redirect(url_for("commission.shortlist", shortlist_id=shortlist.id))
    errors = form_errors(form)
    return _page(
        "commission/shortlists.html",
        400 if errors else 200,
        errors=errors,
        form=form,
        shortlists=commissioning.shortlists_of(db.session(), _user()),
    )


def _chosen_profile(context: dict[str, Any]) -> ChosenProfile | None:
    """The ``profile`` the address names (shortlists, compare), with the choices for a select; a profile the
    person may not use is an error on the page, never someone else's verdicts."""
    chosen, errors = read_profile(request.args)
    if errors:
        context.setdefault("errors", {}).update(errors)
    context["profile_choices"] = profiles.profiles_of(db.session(), _user())
    context["chosen_profile"] = chosen
    return chosen


def _shortlist_page(shortlist: Shortlist, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("rename_form", ShortlistForm(formdata=None, data={"name": shortlist.name}))
    chosen = _chosen_profile(context)
    context["profile_cells"] = {
        e.organisation.slug: _profile_cell(e.organisation, chosen)
        for e in commissioning.published_entries(shortlist)
        if chosen is not None
    }
    if context.get("errors") and status == 200:
        status = 400
    return _page(
        "commission/shortlist.html",
        status,
        shortlist=shortlist,
        entries=shortlist.entries,
        published=commissioning.published_entries(shortlist),
        max_compare=commissioning.MAX_COMPARE,
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
        try:
            commissioning.rename_shortlist(db.session(), shortlist, form.name.data)
        except CommissioningError as error:
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash(f"The shortlist is now called {shortlist.name}.")
            return redirect(url_for("commission.shortlist", shortlist_id=shortlist.id))
    db.session.rollback()
    shortlist = load_shortlist(shortlist_id)
    return _shortlist_page(shortlist, 400, rename_form=form, errors=form_errors(form))


@bp.post("/shortlists/<int:shortlist_id>/delete")
@role_required(Role.COMMISSIONER)
def delete_shortlist(shortlist_id: int) -> Any:
    shortlist = load_shortlist(shortlist_id)
    name = shortlist.name
    commissioning.delete_shortlist(db.session(), shortlist)
    db.session.commit()
    flash(f"You deleted the shortlist {name}.")
    return redirect(url_for("commission.shortlists"))


@bp.post("/shortlists/<int:shortlist_id>/listings/<slug>/note")
@role_required(Role.COMMISSIONER)
def save_note(shortlist_id: int, slug: str) -> Any:
    shortlist = load_shortlist(shortlist_id)
    organisation = load_listing(slug)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            commissioning.set_note(shortlist, organisation, form.note.data)
        except CommissioningError as error:
            form.note.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Your note on {organisation.name} is saved.")
            return redirect(url_for("commission.shortlist", shortlist_id=shortlist.id) + f"#entry-{slug}")
    db.session.rollback()
    shortlist = load_shortlist(shortlist_id)
    message = form_errors(form).get("note", "Enter a shorter note")
    return _shortlist_page(shortlist, 400, errors={f"note-{slug}": message}, note_drafts={slug: form.note.data or ""})


@bp.post("/shortlists/<int:shortlist_id>/listings/<slug>/remove")
@role_required(Role.COMMISSIONER)
def remove_from_shortlist(shortlist_id: int, slug: str) -> Any:
    shortlist = load_shortlist(shortlist_id)
    organisation = load_listing(slug)
    if commissioning.remove_from_shortlist(db.session(), shortlist, organisation):
        db.session.commit()
        flash(f"You removed {organisation.name} from {shortlist.name}.")
    return redirect(safe_next(request.form.get("next"), url_for("commission.shortlist", shortlist_id=shortlist.id)))


@bp.route("/organisations/<slug>/shortlist", methods=["GET", "POST"])
@role_required(Role.COMMISSIONER)
def add_to_shortlist(slug: str) -> Any:
    """Add a listing to a shortlist, from the results table or the listing's own page."""
    organisation = load_listing(slug)
    lists = commissioning.shortlists_of(db.session(), _user())
    form = AddToShortlistForm()
    form.shortlist.choices = [(str(s.id), s.name) for s in lists] + [("new", "A new shortlist")]
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        form.shortlist.data = str(lists[0].id) if lists else "new"
    if form.validate_on_submit():
        try:
            target = _chosen_shortlist(form, lists)
            commissioning.add_to_shortlist(db.session(), target, organisation, form.note.data or None)
        except CommissioningError as error:
            (form.new_name if error.field == "name" else form.shortlist).errors = [error.message]
        else:
            db.session.commit()
            flash(f"You added {organisation.name} to {target.name}.")
            return redirect(safe_next(form.next.data, "") or url_for("commission.shortlist", shortlist_id=target.id))
        db.session.rollback()
    errors = form_errors(form)
    on = {s.id: s for s in lists if commissioning.entry_for(s, organisation) is not None}
    return _page(
        "commission/add_to_shortlist.html",
        400 if errors else 200,
        errors=errors,
        form=form,
        org=organisation,
        already_on=list(on.values()),
        next_url=safe_next(form.next.data, ""),
    )


def _chosen_shortlist(form: AddToShortlistForm, lists: list[Shortlist]) -> Shortlist:
    if form.shortlist.data == "new" or not lists:
        if not form.new_name.data:
            raise CommissioningError("Enter a name for the new shortlist", "name")
        return commissioning.create_shortlist(db.session(), _user(), form.new_name.data)
    chosen = next((s for s in lists if str(s.id) == form.shortlist.data), None)
    if chosen is None:
        raise CommissioningError("Choose one of your shortlists", "shortlist")
    return chosen


@bp.get("/shortlists/<int:shortlist_id>/compare")
@role_required(Role.COMMISSIONER)
def compare(shortlist_id: int) -> Any:
    """Two to four shortlisted listings side by side."""
    shortlist = load_shortlist(shortlist_id)
    try:
        chosen = commissioning.choose_for_comparison(shortlist, request.args.getlist("org"))
    except CommissioningError as error:
        return _shortlist_page(
            shortlist, 400, errors={"compare": error.message}, compare_chosen=request.args.getlist("org")
        )
    context: dict[str, Any] = {}
    profile = _chosen_profile(context)
    columns = commissioning.compare(db.session(), chosen)
    context["profile_cells"] = {c.organisation.slug: _profile_cell(c.organisation, profile) for c in columns}
    return _page(
        "commission/compare.html",
        400 if context.get("errors") else 200,
        shortlist=shortlist,
        columns=columns,
        rulesets=commissioning.ruleset_titles(),
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
        abort(404, description="There is no profile of yours with that number.")
    today = datetime.now(UTC).date().isoformat()
    export = commissioning.shortlist_export(shortlist, _listing_url, profile_column(chosen))
    return _export(kind, export, f"shortlist-{shortlist.id}-{today}")


# ---------------------------------------------------------------------------------------------------
# Granting the role (moderators)


@bp.route("/commissioners", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def commissioners() -> Any:
    form = GrantCommissionerForm()
    if form.validate_on_submit():
        try:
            user = commissioning.grant_commissioner(
                db.session(), form.email.data, actor=_user(), ip=request.remote_addr
            )
        except CommissioningError as error:
            form.email.errors = [error.message]
        else:
            db.session.commit()
            flash(f"{user.email} is now a commissioner.")
            return redirect(url_for("commission.commissioners"))
    errors = form_errors(form)
    return _page(
        "commission/commissioners.html",
        400 if errors else 200,
        errors=errors,
        form=form,
        people=commissioning.commissioners(db.session()),
        domains=commissioning.parse_domains(current_app.config.get("COMMISSIONER_DOMAINS")),
    )


@bp.post("/commissioners/<int:user_id>/revoke")
@role_required(Role.MODERATOR)
def revoke_commissioner(user_id: int) -> Any:
    user = commissioning.revoke_commissioner(db.session(), user_id, actor=_user(), ip=request.remote_addr)
    if user is None:
        abort(404, description="There is no commissioner with that number.")
    db.session.commit()
    flash(f"{user.email} is no longer a commissioner.")
    return redirect(url_for("commission.commissioners"))
