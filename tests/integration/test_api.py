"""The JSON API's envelopes: ``{"data", "meta"}`` on success, ``{"error"}`` on failure."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_organisations_list_uses_the_success_envelope(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations?per_page=5").json
    assert set(body) == {"data", "meta"}
    assert body["meta"]["per_page"] == 5
    assert body["meta"]["total"] >= 2
    assert {"slug", "name", "legal_form", "region"} <= set(body["data"][0])


def test_listing_carries_everything_the_model_holds(client: FlaskClient) -> None:
    data = client.get("/api/v1/organisations/mutual-support").json["data"]
    assert data["name"] == "Mutual Support"
    assert data["legal_form"]["code"] == "co_operative_society"
    assert data["region"] == {"code": "E12000003", "name": "Yorkshire and The Humber"}
    assert [m["kind"] for m in data["member_classes"]] == ["service_user", "staff", "carer"]
    assert {a["local_authority_code"] for a in data["service_areas"]} >= {"E08000039"}
    assert data["sources"]


def test_unknown_listing_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/organisations/nobody")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_bad_paging_is_a_json_400(client: FlaskClient) -> None:
    response = client.get("/api/v1/organisations?page=abc")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert "page" in response.json["error"]["message"]


def test_unknown_api_route_is_a_json_404_even_for_browsers(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.is_json


def test_wrong_method_is_a_json_405(client: FlaskClient) -> None:
    response = client.delete("/api/v1/organisations")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
