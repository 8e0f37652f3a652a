"""The Open Referral feed's endpoints: lists in the ORUK page envelope, objects by feed id, and the package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from registry.domain.paging import Page, PageRequest
from registry.extensions import db
from registry.models import Organisation, Service
from registry.services.geocoding import OnlineGeocoder
from registry.services.openreferral import feed, mapping, query
from registry.services.openreferral.taxonomies import find_taxonomy, find_term, taxonomies_page, taxonomy_terms_page
from registry.web.links import public_url
from registry.web.loaders import requested_page
from registry.web.negotiation import json_error
from registry.web.openreferral import bp
from registry.web.operations import is_outage, streamed, unavailable_response

FEED = "/openreferral"
PACKAGE = "/data/openreferral.json"
SERVER_ERROR = "Sorry, there is a problem with the service. Try again later."

Item = TypeVar("Item")


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


@bp.errorhandler(query.FeedQueryError)
def bad_parameters(error: query.FeedQueryError) -> Response:
    return json_error(400, str(error), fields=error.fields)


def _links() -> mapping.Links:
    return mapping.Links(
        feed_url=public_url("openreferral.api_details").rstrip("/"),
        listing_url=lambda slug: public_url("public.listing", slug=slug),
    )


def _geocoder() -> OnlineGeocoder | None:
    return current_app.extensions.get("registry.geocoder")


def _paging() -> PageRequest:
    if request.args.get("format", "json") != "json":
        raise query.FeedQueryError({"format": "Choose json: the feed does not offer other formats"})
    return requested_page(query.DEFAULT_PER_PAGE, query.MAX_PER_PAGE)


def _list_request() -> tuple[query.FeedQuery, PageRequest]:
    paging = _paging()
    return query.parse_feed_query(request.args), paging


def _not_found(kind: str, value: str) -> Response:
    return json_error(404, f"There is no published {kind} with the id {value[:64]!r}.")


def _listed(page: Page[Item], as_dict: Callable[[Item, mapping.Links], dict[str, Any]]) -> Response:
    """A page of the feed in the ORUK envelope, each item as ``as_dict`` writes it."""
    links = _links()
    return jsonify(mapping.page_as_dict(page, [as_dict(item, links) for item in page.items]))


def _one(kind: str, value: str, found: Item | None, as_dict: Callable[[Item], dict[str, Any]]) -> Response:
    """One object found by its feed id, or the feed's 404 naming what was asked for."""
    if found is None:
        return _not_found(kind, value)
    return jsonify(as_dict(found))


@bp.get(f"{FEED}/")
def api_details() -> Response:
    return jsonify(mapping.api_details())


@bp.get(f"{FEED}/services")
def services() -> Response:
    filters, paging = _list_request()
    page = feed.services_page(db.session(), filters, paging, _geocoder())
    return _listed(page, lambda s, links: mapping.service_summary(s.organisation, s, links))


@bp.get(f"{FEED}/services/<value>")
def service(value: str) -> Response:
    def full(found: Service) -> dict[str, Any]:
        org = found.organisation
        return mapping.service_full(org, found, _links(), feed.area_names(db.session(), org.locations))

    return _one("service", value, feed.find_service(db.session(), value), full)


@bp.get(f"{FEED}/organizations")
def organizations() -> Response:
    filters, paging = _list_request()
    return _listed(feed.organisations_page(db.session(), filters, paging, _geocoder()), mapping.organization_summary)


@bp.get(f"{FEED}/organizations/<value>")
def organization(value: str) -> Response:
    full_services = query.parse_flag(request.args, "full_service")

    def full(found: Organisation) -> dict[str, Any]:
        names = feed.area_names(db.session(), found.locations) if full_services else None
        return mapping.organization_full(
            found, _links(), services="full" if full_services else "summary", area_names=names
        )

    return _one("organization", value, feed.find_organisation(db.session(), value), full)


@bp.get(f"{FEED}/service_at_locations")
def service_at_locations() -> Response:
    filters, paging = _list_request()
    page = feed.service_at_locations_page(db.session(), filters, paging, _geocoder())
    return _listed(
        page,
        lambda item, links: mapping.service_at_location_summary(
            item.organisation, item.service, item.location_uuid, item.location, links
        ),
    )


@bp.get(f"{FEED}/service_at_locations/<value>")
def service_at_location(value: str) -> Response:
    def full(found: feed.ServiceAtLocation) -> dict[str, Any]:
        names = feed.area_names(db.session(), [found.location])
        return mapping.service_at_location_full(
            found.organisation, found.service, found.location_uuid, found.location, _links(), names
        )

    return _one("service at a location", value, feed.find_service_at_location(db.session(), value), full)


@bp.get(f"{FEED}/taxonomies")
def taxonomies() -> Response:
    paging = _paging()
    page = taxonomies_page(query.parse_search_text(request.args.get("search")), paging)
    return _listed(page, mapping.taxonomy_as_dict)


@bp.get(f"{FEED}/taxonomies/<value>")
def taxonomy(value: str) -> Response:
    found = find_taxonomy(value)
    return _one("taxonomy", value, found, lambda t: mapping.taxonomy_as_dict(t, _links(), with_terms=True))


@bp.get(f"{FEED}/taxonomy_terms")
def taxonomy_terms() -> Response:
    paging = _paging()
    page = taxonomy_terms_page(
        paging,
        search=query.parse_search_text(request.args.get("search")),
        taxonomy=query.parse_taxonomy(request.args.get("taxonomy_id")),
        parent=query.parse_term(request.args.get("parent_id"), "parent_id"),
        top_only=query.parse_flag(request.args, "top_only"),
    )
    return _listed(page, mapping.term_as_dict)


@bp.get(f"{FEED}/taxonomy_terms/<value>")
def taxonomy_term(value: str) -> Response:
    return _one("taxonomy term", value, find_term(value), lambda t: mapping.term_as_dict(t, _links()))


@bp.get(f"{FEED}/<path:rest>")
def elsewhere(rest: str) -> Response:
    # Keeps a request for a path that does not exist under the feed's prefix JSON, with the CORS header.
    return json_error(404, "There is no such Open Referral endpoint. Start at /openreferral/.")


@bp.get("/data/openreferral.json")
def package() -> Response:
    """Every published service, fully nested: the HSDS service_package shape, streamed."""
    links = _links()
    session = db.session()
    ids = feed.package_listing_ids(session)  # before the answer starts: an outage here is a JSON 503

    def chunks() -> Any:
        yield "["
        for position, item in enumerate(feed.service_package(session, links, ids=ids)):
            yield ("," if position else "") + current_app.json.dumps(item)
        yield "]\n"

    # A failure once the answer has started drops the connection: the client sees an incomplete download.
    response = Response(streamed(chunks()), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="openreferral-services.json"'
    response.headers["Link"] = f'<{public_url("public.about_data")}>; rel="describedby"'
    return response
