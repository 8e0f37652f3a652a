from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from registry.domain.paging import PageRequest
from registry.extensions import db
from registry.services import openreferral as oruk
from registry.services.geocoding import OnlineGeocoder
from registry.web.links import public_url
from registry.web.loaders import requested_page
from registry.web.negotiation import json_error
from registry.web.openreferral import bp
from registry.web.operations import is_outage, streamed, unavailable_response

FEED = "/openreferral"
PACKAGE = "/data/openreferral.json"
SERVER_ERROR = "Sorry, there is a problem with the service. Try again later."


def _in_feed() -> bool:
    return request.path in {FEED, PACKAGE} or request.path.startswith(f"{FEED}/")


@bp.after_app_request
def feed_responses(response: Response) -> Response:
    """Every answer of the feed, including those made before its views could run (an unknown method is refused
    while routing, before the blueprint is known): the CORS header, and errors in the JSON error envelope."""
    if not _in_feed():
        return response
    # ORUK compliance: any directory or app may read the feed from a browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code >= 400 and not response.is_json:
        status = response.status_code
        known = default_exceptions.get(status)
        message = SERVER_ERROR if status >= 500 or known is None else str(known.description)
        envelope = json_error(status, message)
        response.set_data(envelope.get_data())
        response.mimetype = "application/json"
    refused = request.routing_exception
    if response.status_code == 405 and isinstance(refused, MethodNotAllowed) and "Allow" not in response.headers:
        response.headers["Allow"] = ", ".join(sorted(refused.valid_methods or ()))
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = json_error(status, SERVER_ERROR if status == 500 else error.description or SERVER_ERROR)
    for name, value in error.get_headers():  # Allow for a 405, Retry-After where given
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@bp.errorhandler(OperationalError)
@bp.errorhandler(DBAPIError)
def database_error(error: DBAPIError) -> Response:
    """The app's handler would answer a database outage with an HTML page; the feed answers JSON."""
    if not is_outage(error):
        raise error  # a bug, not an outage: a 500 (in the envelope, by http_error), logged by Flask
    return unavailable_response(error, as_json=True)


@bp.errorhandler(Exception)
def unexpected_error(error: Exception) -> Response:
    """Any other failure: a 500 in the envelope, as the app's own handler (``errors.handle_unexpected``) would
    give it, except where exceptions propagate (tests), so that bugs stay visible there."""
    if current_app.config.get("PROPAGATE_EXCEPTIONS") or current_app.testing:
        raise error
    current_app.logger.exception("Unhandled error", exc_info=error)
    return json_error(500, SERVER_ERROR)


@bp.errorhandler(oruk.FeedQueryError)
def bad_parameters(error: oruk.FeedQueryError) -> Response:
    return json_error(400, str(error), fields=error.fields)


def _links() -> oruk.Links:
    return oruk.Links(
        feed_url=public_url("openreferral.api_details").rstrip("/"),
        listing_url=lambda slug: public_url("public.listing", slug=slug),
    )


def _geocoder() -> OnlineGeocoder | None:
    return current_app.extensions.get("registry.geocoder")


def _paging() -> PageRequest:
    if request.args.get("format", "json") != "json":
        raise oruk.FeedQueryError({"format": "Choose json: the feed does not offer other formats"})
    return requested_page(oruk.DEFAULT_PER_PAGE, oruk.MAX_PER_PAGE)


def _list_request() -> tuple[oruk.FeedQuery, PageRequest]:
    paging = _paging()
    return oruk.parse_feed_query(request.args), paging


def _not_found(kind: str, value: str) -> Response:
    return json_error(404, f"There is no published {kind} with the id {value[:64]!r}.")


@bp.get(f"{FEED}/")
def api_details() -> Response:
    return jsonify(oruk.api_details())


@bp.get(f"{FEED}/services")
def services() -> Response:
    query, paging = _list_request()
    page = oruk.services_page(db.session(), query, paging, _geocoder())
    links = _links()
    contents = [oruk.service_summary(s.organisation, s, links) for s in page.items]
    return jsonify(oruk.page_as_dict(page, contents))


@bp.get(f"{FEED}/services/<value>")
def service(value: str) -> Response:
    found = oruk.find_service(db.session(), value)
    if found is None:
        return _not_found("service", value)
    org = found.organisation
    names = oruk.area_names(db.session(), org.locations)
    return jsonify(oruk.service_full(org, found, _links(), names))


@bp.get(f"{FEED}/organizations")
def organizations() -> Response:
    query, paging = _list_request()
    page = oruk.organisations_page(db.session(), query, paging, _geocoder())
    links = _links()
    return jsonify(oruk.page_as_dict(page, [oruk.organization_summary(org, links) for org in page.items]))


@bp.get(f"{FEED}/organizations/<value>")
def organization(value: str) -> Response:
    full_services = oruk.parse_flag(request.args, "full_service")
    found = oruk.find_organisation(db.session(), value)
    if found is None:
        return _not_found("organization", value)
    names = oruk.area_names(db.session(), found.locations) if full_services else None
    return jsonify(
        oruk.organization_full(found, _links(), services="full" if full_services else "summary", area_names=names)
    )


@bp.get(f"{FEED}/service_at_locations")
def service_at_locations() -> Response:
    query, paging = _list_request()
    page = oruk.service_at_locations_page(db.session(), query, paging, _geocoder())
    links = _links()
    contents = [
        oruk.service_at_location_summary(item.organisation, item.service, item.location_uuid, item.location, links)
        for item in page.items
    ]
    return jsonify(oruk.page_as_dict(page, contents))


@bp.get(f"{FEED}/service_at_locations/<value>")
def service_at_location(value: str) -> Response:
    found = oruk.find_service_at_location(db.session(), value)
    if found is None:
        return _not_found("service at a location", value)
    names = oruk.area_names(db.session(), [found.location])
    return jsonify(
        oruk.service_at_location_full(
            found.organisation, found.service, found.location_uuid, found.location, _links(), names
        )
    )


@bp.get(f"{FEED}/taxonomies")
def taxonomies() -> Response:
    paging = _paging()
    page = oruk.taxonomies_page(oruk.parse_search_text(request.args.get("search")), paging)
    links = _links()
    return jsonify(oruk.page_as_dict(page, [oruk.taxonomy_as_dict(t, links) for t in page.items]))


@bp.get(f"{FEED}/taxonomies/<value>")
def taxonomy(value: str) -> Response:
    found = oruk.find_taxonomy(value)
    if found is None:
        return _not_found("taxonomy", value)
    return jsonify(oruk.taxonomy_as_dict(found, _links(), with_terms=True))


@bp.get(f"{FEED}/taxonomy_terms")
def taxonomy_terms() -> Response:
    paging = _paging()
    page = oruk.taxonomy_terms_page(
        paging,
        search=oruk.parse_search_text(request.args.get("search")),
        taxonomy=oruk.parse_taxonomy(request.args.get("taxonomy_id")),
        parent=oruk.parse_term(request.args.get("parent_id"), "parent_id"),
        top_only=oruk.parse_flag(request.args, "top_only"),
    )
    links = _links()
    return jsonify(oruk.page_as_dict(page, [oruk.term_as_dict(t, links) for t in page.items]))


@bp.get(f"{FEED}/taxonomy_terms/<value>")
def taxonomy_term(value: str) -> Response:
    found = oruk.find_term(value)
    if found is None:
        return _not_found("taxonomy term", value)
    return jsonify(oruk.term_as_dict(found, _links()))


@bp.get(f"{FEED}/<path:rest>")
def elsewhere(rest: str) -> Response:
    # Keeps a request for a path that does not exist under the feed's prefix JSON, with the CORS header.
    return json_error(404, "There is no such Open Referral endpoint. Start at /openreferral/.")


@bp.get("/data/openreferral.json")
def package() -> Response:
    """Every published service, fully nested: the HSDS service_package shape, streamed."""
    links = _links()
    session = db.session()
    ids = oruk.package_listing_ids(session)  # before the answer starts: an outage here is a JSON 503

    def chunks() -> Any:
        yield "["
        for position, item in enumerate(oruk.service_package(session, links, ids=ids)):
            yield ("," if position else "") + current_app.json.dumps(item)
        yield "]\n"

    # A failure once the answer has started drops the connection: the client sees an incomplete download.
    response = Response(streamed(chunks()), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="openreferral-services.json"'
    response.headers["Link"] = f'<{public_url("public.about_data")}>; rel="describedby"'
    return response
