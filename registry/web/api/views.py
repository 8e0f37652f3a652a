from __future__ import annotations

from typing import Any

from flask import Response, request

from registry.domain.language import gettext as _
from registry.domain.query_reading import QueryReading
from registry.domain.structure import StructureFactsError
from registry.domain.structure_json import facts_from_dict
from registry.extensions import db
from registry.models import Organisation
from registry.services.gazetteer.lookup import (
    MalformedPostcode,
    PlaceNotResolved,
    ResolvedPlace,
    UnknownPlace,
    resolve_place,
)
from registry.services.listings import listing_as_dict
from registry.services.profiles import assess_against
from registry.services.search import SearchHit
from registry.services.search_refinements import Refinement
from registry.services.structure_checks import UnknownRuleSet, check_structure
from registry.services.structure_checks import ruleset as find_ruleset
from registry.services.structure_checks import rulesets as all_rulesets
from registry.web.api import bp
from registry.web.links import public_url
from registry.web.loaders import load_listing
from registry.web.negotiation import json_error, json_success
from registry.web.profiles import read_profile
from registry.web.search import run_search


def organisation_summary(org: Organisation) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "legal_form": {"code": org.legal_form.code, "label": org.legal_form.label} if org.legal_form else None,
        "region": {"code": org.region.code, "name": org.region.name} if org.region else None,
        "url": public_url("public.listing", slug=org.slug),
    }


def _hit(hit: SearchHit, located: bool) -> dict[str, Any]:
    item = organisation_summary(hit.organisation)
    if located:
        item["distance_km"] = hit.distance_km
        item["serves"] = hit.serves
        item["reasons"] = hit.reasons
    return item


def place_as_dict(place: ResolvedPlace) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": place.kind.value}
    if place.postcode:
        data["postcode"] = place.postcode
    else:
        data["name"] = place.name
    data.update(
        {
            "lat": round(place.latitude, 6),
            "lon": round(place.longitude, 6),
            "local_authority": (
                {"code": place.local_authority.code, "name": place.local_authority.name}
                if place.local_authority
                else None
            ),
            "region": {"code": place.region.code, "name": place.region.name} if place.region else None,
        }
    )
    if place.area is not None:
        data["area"] = {"code": place.area.code, "name": place.area.name, "local_authorities": list(place.districts)}
    return data


def reading_as_dict(reading: QueryReading) -> dict[str, Any]:
    """How ``q`` was read: the words, the part searched as text, the part read as the place."""
    data: dict[str, Any] = {name: getattr(reading, name) for name in ("words", "what", "where", "place_typed")}
    data["service"] = {"code": reading.service.service, "name": reading.service.name} if reading.service else None
    return data


@bp.get("/organisations")
def organisations() -> Response:
    """Search published listings: text, facets and location, paginated, with facet counts; ``profile=ID`` keeps
    those that meet one of the signed-in commissioner's profiles (404 for anyone else)."""
    chosen, profile_errors = read_profile(request.args, request.args.getlist)
    if "profile" in profile_errors:
        return json_error(404, profile_errors["profile"], fields=profile_errors)
    if profile_errors:
        return json_error(400, "; ".join(profile_errors.values()), fields=profile_errors)
    outcome = run_search(request.args, Refinement(profile=chosen) if chosen is not None else None)
    if outcome.errors or outcome.results is None:
        fields = dict(outcome.errors)
        return json_error(400, "; ".join(fields.values()), fields=fields, suggestions=outcome.suggestions)
    results = outcome.results
    located = results.place is not None
    meta: dict[str, Any] = {
        "total": results.page.total,
        "page": results.page.page,
        "per_page": results.page.per_page,
        "pages": results.page.pages,
        "facets": {
            facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for facet, values in results.facets.items()
        },
    }
    if located:
        assert results.place is not None
        meta["place"] = place_as_dict(results.place)
        meta["radius_km"] = results.query.radius_km
    if results.corrected_terms:
        meta["corrected_terms"] = results.corrected_terms
    if results.reading is not None:
        meta["reading"] = reading_as_dict(results.reading)
    if chosen is not None:
        meta["profile"] = chosen.label
    return json_success([_hit(hit, located) for hit in results.page.items], meta)


@bp.get("/organisations/<slug>")
def organisation(slug: str) -> Response:
    return json_success(listing_as_dict(load_listing(slug)))


@bp.get("/places")
def places() -> Response:
    """Resolve a postcode, partial postcode, town or local authority to a point and its areas."""
    text = request.args.get("q", "")
    if len(text) > 200:
        return json_error(
            400, _("Enter a postcode or place name of 200 characters or fewer"), fields={"q": _("too long")}
        )
    try:
        place = resolve_place(db.session(), text)
    except MalformedPostcode as error:
        return json_error(400, error.message, fields={"q": error.message})
    except UnknownPlace as error:
        return json_error(404, error.message, suggestions=error.suggestions)
    except PlaceNotResolved as error:
        return json_error(404, error.message)
    return json_success(place_as_dict(place))


@bp.post("/structure-checks")
def structure_checks() -> Response:
    """Assess a structure given as JSON (the facts shape of ``/check``); 400 names every invalid field."""
    if not request.is_json:
        return json_error(415, _("Send the structure as JSON, with Content-Type: application/json"))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return json_error(400, _("Send the structure as a JSON object"), fields={"structure": _("Enter a JSON object")})
    rulesets = request.args.getlist("ruleset")
    chosen, profile_errors = read_profile(request.args)
    if profile_errors:
        return json_error(404, "; ".join(profile_errors.values()), fields=profile_errors)
    try:
        report = check_structure(data, rulesets or None)
    except StructureFactsError as error:
        return json_error(400, str(error), fields=error.errors)
    except UnknownRuleSet as error:
        return json_error(
            404, _("There is no rule set called %(id)s", id=repr(error.args[0])), fields={"ruleset": _("Unknown")}
        )
    body = report.to_dict()
    meta: dict[str, Any] = {"rulesets": [a.ruleset_id for a in report.assessments]}
    if chosen is not None:
        body["profile"] = assess_against(facts_from_dict(data), chosen).to_dict()
        meta["profile"] = chosen.label
    return json_success(body, meta)


@bp.get("/rulesets")
def rulesets() -> Response:
    sets = all_rulesets()
    return json_success(
        [
            {
                "id": r.id,
                "title": r.text("title"),
                "summary": r.text("summary"),
                "version": r.version,
                "rules": len(r.rules),
                "url": public_url("api.ruleset", ruleset_id=r.id),
            }
            for r in sets
        ],
        {"total": len(sets)},
    )


@bp.get("/rulesets/<ruleset_id>")
def ruleset(ruleset_id: str) -> Response:
    found = find_ruleset(ruleset_id)
    if found is None:
        return json_error(404, _("There is no rule set called %(id)s", id=repr(ruleset_id)))
    return json_success(found.to_dict())
