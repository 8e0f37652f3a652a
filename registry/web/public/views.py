from __future__ import annotations

from flask import current_app, render_template, request, url_for

from registry.extensions import db
from registry.services.assessments import stored_reports
from registry.services.directory import directory_summary
from registry.services.listings import published_listings
from registry.web.loaders import load_listing, requested_page
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
    return render_template("public/listing.html", org=organisation, reports=stored_reports(organisation))


@bp.get("/about/data")
def about_data() -> str:
    return render_template("public/about_data.html", directory=directory_summary(db.session()))


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html")


@bp.get("/find")
def find() -> tuple[str, int]:
    """The search page: stable GET URLs, so a search can be shared and bookmarked."""
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
