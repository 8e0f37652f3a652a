"""CSRF: every route that changes something refuses a request without a valid token (the test config keeps
CSRF on). The JSON API is the one exemption, so it must not act on a session cookie: a browser would send it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from registry.extensions import csrf
from tests.support.accounts import PASSWORD, csrf_token_from, make_user, sign_in
from tests.support.pages import checked_page

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_ARGUMENTS = {"int": 1, "integer": 1, "float": 1.0, "path": "x/y", "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(app: Flask, api: bool) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            routes.append((method, _path(app, rule)))
    return routes


def _sample(converter: object) -> object:
    items = getattr(converter, "items", None)  # an any(...) converter accepts only its own words
    if items:
        return sorted(items)[0]
    return SAMPLE_ARGUMENTS.get(type(converter).__name__.removesuffix("Converter").lower(), "x")


def _path(app: Flask, rule: Rule) -> str:
    values = {name: _sample(rule._converters[name]) for name in rule.arguments}
    with app.test_request_context():
        return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def test_csrf_protection_is_on_in_the_test_configuration(app: Flask) -> None:
    assert app.config["WTF_CSRF_ENABLED"] is True
    # Only the API blueprint is exempt; no single view is.
    assert {bp.name for bp in csrf._exempt_blueprints} == {"api"}
    assert not csrf._exempt_views


def test_the_site_has_routes_that_write(app: Flask) -> None:
    routes = _routes(app, api=False)
    assert ("POST", "/account/sign-in") in routes
    assert ("POST", "/account/sign-out") in routes


def test_every_write_route_refuses_a_request_without_a_csrf_token(app: Flask, session: Session) -> None:
    for method, path in _routes(app, api=False):
        # No session at all, then a session that holds a token but a request that does not send it, then a
        # forged token: each is refused before the view runs.
        fresh = app.test_client()
        response = fresh.open(path, method=method, data={"email": "a@example.org"})
        assert response.status_code == 400, f"{method} {path} without a session: {response.status_code}"
        assert "Your form could not be sent" in checked_page(response, 400).get_text(), f"{method} {path}"

        with_session = app.test_client()
        csrf_token_from(with_session.get("/account/sign-in"))
        response = with_session.open(path, method=method, data={"email": "a@example.org"})
        assert response.status_code == 400, f"{method} {path} without a token: {response.status_code}"
        response = with_session.open(path, method=method, data={"csrf_token": "forged", "email": "a@example.org"})
        assert response.status_code == 400, f"{method} {path} with a forged token: {response.status_code}"


def test_a_json_client_without_a_token_gets_the_400_envelope(client: FlaskClient) -> None:
    response = client.post("/account/sign-in", data={"email": "a@example.org"}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"


def test_a_valid_token_is_accepted(client: FlaskClient, session: Session) -> None:
    make_user(session, "csrf@example.org")
    assert sign_in(client, "csrf@example.org", PASSWORD).status_code == 302


def test_api_writes_do_not_depend_on_a_session_cookie(app: Flask, session: Session) -> None:
    """A browser sends cookies with a cross-site POST; with no CSRF check on the API, a signed-in session
    must make no difference to what an API write does or may do."""
    make_user(session, "api@example.org")
    signed_in = app.test_client()
    assert sign_in(signed_in, "api@example.org").status_code == 302
    anonymous = app.test_client()
    routes = _routes(app, api=True)
    assert routes, "the API has no write routes: nothing to check"
    for method, path in routes:
        body = {"structure": {}}
        with_cookie = signed_in.open(path, method=method, json=body)
        without = anonymous.open(path, method=method, json=body)
        assert with_cookie.status_code == without.status_code, f"{method} {path}"
        assert with_cookie.get_json() == without.get_json(), f"{method} {path}"
        assert with_cookie.status_code not in (401, 403), f"{method} {path} asks for authorisation"
        assert "Set-Cookie" not in without.headers, f"{method} {path} starts a session"
