"""Finding providers: the commissioners' search with every filter, its exports and the market overview; and
granting the commissioner role, for moderators."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, current_app, redirect, request, stream_with_context, url_for

from registry.domain.labels import CHART_SERIES as MARKET_VERDICTS
from registry.domain.labels import VERDICT_FACET as VERDICT_LABELS
from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.extensions import db
from registry.models import Organisation, Role
from registry.services import commissioners, exports, profiles
from registry.services.assessments import listing_facts
from registry.services.commissioners import EMPLOYEE_BANDS, TURNOVER_BANDS, ruleset_titles
from registry.services.exports import ExportRequest, ProfileColumn
from registry.services.market import Breakdown, MarketOverview, market_overview
from registry.services.profiles import ChosenProfile
from registry.services.search import SearchError, SearchResults, matching_listings, search_listings
from registry.services.search_facets import facet_labels, shown_label
from registry.services.search_index import facet_index
from registry.services.search_refinements import ordered_ids
from registry.web.authorisation import role_required
from registry.web.charts import region_tile_map, row_label, stacked_bar_chart
from registry.web.commission import bp
from registry.web.commission.forms import (
    BASED_WITHIN_CHOICES,
    VERIFICATION,
    CommissionSearch,
    GrantCommissionerForm,
    area_names,
    describe,
    read_commission_search,
)
from registry.web.commission.pages import change_or_refuse, done, signed_in
from registry.web.forms import Refused, render_form_page
from registry.web.links import public_url
from registry.web.negotiation import json_error, json_success, wants_json

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SORT_COLUMNS = (
    ("name", _l("Name")),
    ("legal_form", _l("Legal form")),
    ("verdict", _l("Preferred provider")),
    ("services", _l("Services")),
    ("coverage", _l("Areas served")),
    ("size", _l("Size")),
    ("updated", _l("Last updated")),
)
# Query parameters that belong to the page being looked at, not to the search: exports drop them.
PAGE_ONLY = ("page", "per_page")


def listing_url(slug: str) -> str:
    return public_url("public.listing", slug=slug)


def _with_search(endpoint: str, **values: Any) -> str:
    """The address of ``endpoint`` with the search being looked at (not which of its pages)."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key not in PAGE_ONLY and value]
    return url_for(endpoint, **values) + (f"?{urlencode(pairs)}" if pairs else "")


def _search_page(template: str, search: CommissionSearch, errors: dict[str, str], **context: Any) -> tuple[str, int]:
    return render_form_page(template, errors=errors, **context, **_filter_context(search))


def _matching_ids(search: CommissionSearch) -> Any:
    geocoder = current_app.extensions.get("registry.geocoder")
    return matching_listings(db.session(), search.query, geocoder, search.refinement).ids


def shown_facet_labels() -> dict[str, dict[str, str]]:
    """Every facet's values and their labels, in the language being spoken."""
    return {
        facet: {code: shown_label(facet, code, label) for code, label in labels.items()}
        for facet, labels in facet_labels(db.session()).items()
    }


def _filter_context(search: CommissionSearch) -> dict[str, Any]:
    return {
        "search": search,
        "labels": shown_facet_labels(),
        "verdict_labels": VERDICT_LABELS,
        "rulesets": ruleset_titles(),
        "employee_bands": [(band.code, str(band.label)) for band in EMPLOYEE_BANDS],
        "turnover_bands": [(band.code, str(band.label)) for band in TURNOVER_BANDS],
        "verification_labels": VERIFICATION,
        "based_within_choices": BASED_WITHIN_CHOICES,
        "local_authority_names": area_names(),
        "profile_choices": profiles.profiles_of(db.session(), signed_in()),
    }


# ---------------------------------------------------------------------------------------------------
# Finding providers


def profile_cell(org: Organisation, chosen: ChosenProfile | None) -> dict[str, Any] | None:
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
        "profile": profile_cell(org, chosen),
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
    return _search_page(
        "commission/find.html",
        search,
        errors,
        results=results,
        rows=rows,
        sort_columns=SORT_COLUMNS,
        export_urls={kind: _with_search("commission.export_results", kind=kind) for kind in EXPORT_TYPES},
        overview_url=_with_search("commission.overview"),
    )


def _download(kind: str, chunks: Iterator[Any], filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def send_export(kind: str, export: ExportRequest, filename: str) -> Response:
    """An export as a download: CSV and Excel in words for people, JSON in the API's keys and codes."""
    session = db.session()
    if kind == "csv":
        return _download(kind, exports.csv_in_words(session, export), filename)
    if kind == "json":
        return _download(kind, exports.json_export(session, export), filename)
    return _download(kind, exports.xlsx_file(session, export), filename)


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
        ids = _matching_ids(search)
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
        listing_url=listing_url,
        title=_("Search results"),
        described_as=describe(search, shown_facet_labels()),
        profile=profile_column(search.refinement.profile),
    )
    return send_export(kind, export, f"registry-providers-{today}")


def profile_column(chosen: ChosenProfile | None) -> ProfileColumn | None:
    """An export's profile column: the profile's name and version, and each listing's verdict against it."""
    if chosen is None:
        return None
    session = db.session()
    return ProfileColumn(chosen.label, lambda ids: profiles.verdicts_of(session, facet_index(session), chosen, ids))


# ---------------------------------------------------------------------------------------------------
# Market overview


def _chart_titles(whole_registry: bool) -> dict[str, str]:
    """The overview charts' titles: of the listings a search selects, or of every listing in the registry."""
    if whole_registry:
        return {
            "verdicts": _("Listings in the registry by preferred-provider verdict"),
            "regions": _("Listings in the registry by region and nation"),
            "legal_forms": _("Listings in the registry by legal form"),
            "service_groups": _("Listings in the registry by service group"),
            "map": _("Listings in the registry in the twelve regions and nations"),
        }
    return {
        "verdicts": _("Listings by preferred-provider verdict"),
        "regions": _("Listings by region and nation"),
        "legal_forms": _("Listings by legal form"),
        "service_groups": _("Listings by service group"),
        "map": _("Listings in the twelve regions and nations"),
    }


def _overview_charts(overview: MarketOverview, id_prefix: str, whole_registry: bool) -> dict[str, Any]:
    series = dict(MARKET_VERDICTS)
    titles = _chart_titles(whole_registry)
    verdict_rows = [
        Breakdown(key, label, {key: overview.verdict_count(key)})
        for key, label in series.items()
        if overview.verdict_count(key)
    ]
    return {
        "verdict_rows": verdict_rows,
        "verdicts": stacked_bar_chart(f"{id_prefix}-verdicts", titles["verdicts"], verdict_rows, series),
        "regions": stacked_bar_chart(f"{id_prefix}-regions", titles["regions"], overview.regions, series),
        "legal_forms": stacked_bar_chart(
            f"{id_prefix}-legal-forms", titles["legal_forms"], overview.legal_forms, series
        ),
        "service_groups": stacked_bar_chart(
            f"{id_prefix}-services", titles["service_groups"], overview.service_groups, series
        ),
        "map": region_tile_map(f"{id_prefix}-map", titles["map"], overview.regions),
        "series": series,
        "row_label": row_label,  # a row's words in the language being spoken
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
            ids = _matching_ids(search)
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
            {"described_as": describe(search, shown_facet_labels())},
        )
    return _search_page(
        "commission/overview.html",
        search,
        errors,
        counts=counts,
        charts=_overview_charts(counts, "overview", whole_registry=False) if counts else None,
        region_link=lambda code: url_for("commission.find", region=code),
        search_url=_with_search("commission.find"),
    )


@bp.app_template_global("market_summary")
def market_summary() -> dict[str, Any]:
    """The public summary on the about-the-data page: every published listing, no filters."""
    counts = market_overview(db.session())
    return {
        "counts": counts,
        "charts": _overview_charts(counts, "summary", whole_registry=True),
        "region_link": lambda code: url_for("public.find", region=code),
    }


# ---------------------------------------------------------------------------------------------------
# Granting the role (moderators)


@bp.route("/commissioners", methods=["GET", "POST"], endpoint="commissioners")
@role_required(Role.MODERATOR)
def grant_commissioner() -> Any:
    form = GrantCommissionerForm()
    if form.validate_on_submit():
        grant = functools.partial(
            commissioners.grant_commissioner, db.session(), form.email.data, actor=signed_in(), ip=request.remote_addr
        )
        user = change_or_refuse(grant, form.email)
        if not isinstance(user, Refused):
            return done(_("%(email)s is now a commissioner.", email=user.email), "commission.commissioners")
    return render_form_page(
        "commission/commissioners.html",
        form,
        people=commissioners.commissioners(db.session()),
        domains=commissioners.parse_domains(current_app.config.get("COMMISSIONER_DOMAINS")),
    )


@bp.post("/commissioners/<int:user_id>/revoke")
@role_required(Role.MODERATOR)
def revoke_commissioner(user_id: int) -> Any:
    user = commissioners.revoke_commissioner(db.session(), user_id, actor=signed_in(), ip=request.remote_addr)
    if user is None:
        abort(404, description=_("There is no commissioner with that number."))
    return done(_("%(email)s is no longer a commissioner.", email=user.email), "commission.commissioners")
