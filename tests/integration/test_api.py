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


def test_the_preferred_provider_rule_set_cites_the_brief_and_vernons_article_separately(client: FlaskClient) -> None:
    data = client.get("/api/v1/rulesets/preferred-provider").json["data"]

    assert "Co-operative Party policy" not in data["title"]
    cited = {(c["title"], c["publisher"], c["date"]) for c in data["citations"]}
    assert ("Health & Social Care (Policy Brief)", "Co-operative Party", "June 2014") in cited
    assert any(title == "The future of co-operative structures in the NHS" for title, _, _ in cited)
    assert all(c["quote"] for c in data["citations"])
    for rule in data["rules"]:
        assert rule["citations"][0] == rule["source"]
        assert rule["source"]["quote"], rule["id"]
        basis = rule["parameter_basis"]
        for name, value in rule["parameters"].items():
            if isinstance(value, int | float | dict) and not isinstance(value, bool):  # thresholds and caps
                assert name in rule["derived_parameters"] or basis[name]["source"]["quote"], (rule["id"], name)
        for name in rule["derived_parameters"]:
            assert rule["parameter_basis"][name]["reading"], (rule["id"], name)


def test_a_structure_check_names_the_facts_that_would_decide_each_open_finding(client: FlaskClient) -> None:
    body = client.post(
        "/api/v1/structure-checks?ruleset=preferred-provider",
        json={"legal_form": "co_operative_society", "origin": "independent", "is_public_body": False},
    ).json

    findings = {f["rule_id"]: f for f in body["data"]["assessments"][0]["findings"]}
    assert findings["PP-T2-NO-VC-PSC"]["needs"] == ["significant_control"]
    assert findings["PP-T2-INDEPENDENT"]["needs"] == ["board_seats", "significant_control"]
    assert findings["PP-T2-LEGAL-LOCK"]["outcome"] == "not_applicable"
    assert all(f["needs"] == [] for f in findings.values() if f["outcome"] != "needs_information")
