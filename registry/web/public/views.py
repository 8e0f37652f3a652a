from __future__ import annotations

import functools
from urllib.parse import urlencode

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from registry.domain.verdict_summary import verdict_summary
from registry.extensions import db
from registry.services.assessments import facts_to_decide, stored_reports
from registry.services.directory import directory_summary
from registry.services.listings import published_listings
from registry.services.registration import represents
from registry.services.search_index import PREFERRED_PROVIDER_RULESET
from registry.web.loaders import load_listing, requested_page
from registry.web.manage.steps import in_the_wizard
from registry.web.needs import unlinked
from registry.web.public import bp
from registry.web.search import RADIUS_CHOICES, map_points, run_search


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", directory=directory_summary(db.session()))


@bp.get("/organisations")
def organisations() -> str:
    paging = requested_page(current_app.config["PER_PAGE"], current_app.config["MAX_PER_PAGE"])
    page = published_listings(db.session(), paging)
    return render_template("public/organisations.html", page=page)


@bp.get("/organisations/<slug>")
def listing(slug: str) -> str:
    organisation = load_listing(slug)
    reports = stored_reports(organisation)
    profile = next((r for r in reports if r.get("ruleset_id") == PREFERRED_PROVIDER_RULESET), None)
    # The organisation's representatives are sent to the wizard's fields; everyone else asks the organisation.
    user = current_user
    own = user.is_authenticated and represents(db.session(), user, organisation)
    facts_needed = facts_to_decide(profile) if profile else []
    return render_template(
        "public/listing.html",
        org=organisation,
        reports=reports,
        profile=profile,
        summary=verdict_summary(profile, [str(unlinked(path).label) for path in facts_needed]),
        facts_needed=facts_needed,
        fact=functools.partial(in_the_wizard, organisation.slug) if own else unlinked,
        ask=not own,
        own=own,
    )


@bp.get("/about/data")
def about_data() -> str:
    return render_template("public/about_data.html", directory=directory_summary(db.session()))


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.get("/find")
def find() -> tuple[str, int] | Response:
    """The search page: stable GET URLs, so a search can be shared and bookmarked."""
    if any(not value.strip() for value in request.args.values()):
        # The search form sends every field, filled or not (an empty "near="): keep addresses short and
        # shareable, without needing JavaScript to leave empty fields out.
        kept = [(key, value) for key, value in request.args.items(multi=True) if value.strip()]
        return redirect(url_for("public.find") + (f"?{urlencode(kept)}" if kept else ""))
    outcome = run_search(request.args)
    status = 400 if outcome.errors else 200
    points = map_points(outcome.results, lambda slug: url_for("public.listing", slug=slug))
    return (
        render_template(
            "public/find.html",
            outcome=outcome,
            radius_choices=RADIUS_CHOICES,
            map_points=points,
            error_title=bool(outcome.errors),
        ),
        status,
    )
