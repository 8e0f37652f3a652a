"""The structure check as a person uses it (/check), and the same facts through the API and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.pages import checked_page, text_of

MUTUAL_SUPPORT: dict[str, Any] = {
    "name": "Mutual Support",
    "legal_form": "co_operative_society",
    "member_classes": [
        {"name": "People who need support", "kind": "service_user", "voting_rule": "one_member_one_vote"},
        {"name": "Paid care staff", "kind": "staff", "voting_rule": "one_member_one_vote"},
        {"name": "Unpaid carers, friends and family", "kind": "carer", "voting_rule": "one_member_one_vote"},
    ],
    "profits": {"asset_lock": "constitutional", "distribution_basis": "patronage"},
}


def _csrf(client: FlaskClient, url: str = "/check") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _form(token: str, structure: dict[str, Any], action: str = "check") -> dict[str, str]:
    form = {"csrf_token": token, "action": action, "name": structure["name"], "legal_form": structure["legal_form"]}
    for index, member_class in enumerate(structure["member_classes"]):
        for key, value in member_class.items():
            form[f"member_classes-{index}-{key}"] = value
    for key, value in structure["profits"].items():
        form[f"profits-{key}"] = value
    return form


def _verdicts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = page.select("table tbody tr")
    return {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in rows}


def test_check_page_offers_an_empty_form_to_anyone(client: FlaskClient) -> None:
    page = checked_page(client.get("/check"))
    assert page.h1.get_text() == "Check a member structure"
    assert page.select_one("button[value=add-member-class]")


def test_add_another_member_class_works_without_javascript(client: FlaskClient) -> None:
    token = _csrf(client)
    structure = {**MUTUAL_SUPPORT, "member_classes": MUTUAL_SUPPORT["member_classes"][:1]}
    page = checked_page(client.post("/check", data=_form(token, structure, "add-member-class")))
    assert len(page.select("input[name$='-name'][name^='member_classes']")) == 2
    assert page.select_one("#member_classes-0-name")["value"] == "People who need support"


def test_remove_a_member_class_keeps_the_others(client: FlaskClient) -> None:
    token = _csrf(client)
    page = checked_page(client.post("/check", data=_form(token, MUTUAL_SUPPORT, "remove-member-class-0")))
    names = [i["value"] for i in page.select("input[name^='member_classes'][name$='-name']")]
    assert names == ["Paid care staff", "Unpaid carers, friends and family"]


def test_mutual_support_is_checked_rule_by_rule_with_sources(client: FlaskClient) -> None:
    token = _csrf(client)
    page = checked_page(client.post("/check", data=_form(token, MUTUAL_SUPPORT)))
    verdicts = _verdicts(page)
    assert verdicts["Co-operative identity (ICA principles)"] in {"Meets", "Needs information"}
    assert verdicts["Registered co-operative society (2014 Act and FCA)"] in {"Meets", "Needs information"}
    assert "Does not meet" not in {
        verdicts["Co-operative identity (ICA principles)"],
        verdicts["Registered co-operative society (2014 Act and FCA)"],
    }
    assert "Preferred provider profile (the registry's reading of two policy texts)" in verdicts
    text = text_of(page)
    assert "Source:" in text
    # The answers are still there to change.
    assert page.select_one("#member_classes-2-name")["value"] == "Unpaid carers, friends and family"


def test_bad_answers_redisplay_with_an_error_summary_and_field_messages(client: FlaskClient) -> None:
    token = _csrf(client)
    form = _form(token, MUTUAL_SUPPORT)
    form["member_classes-1-count"] = "lots"
    form["profits-distribution_cap_pct"] = "150"
    page = checked_page(client.post("/check", data=form), status=400)
    summary_links = [a["href"] for a in page.select(".nhsuk-error-summary a")]
    assert "#member_classes-1-count" in summary_links
    assert "#profits-distribution_cap_pct" in summary_links
    assert page.select_one("#member_classes-1-count-error")
    assert page.select_one("#member_classes-1-count")["value"] == "lots"  # nothing typed is lost
    assert page.title.get_text().startswith("Error: ")


def test_the_check_refuses_a_post_without_its_csrf_token(client: FlaskClient) -> None:
    form = _form("", MUTUAL_SUPPORT)
    del form["csrf_token"]
    assert client.post("/check", data=form).status_code == 400


def test_api_gives_the_same_assessment_as_the_page(client: FlaskClient) -> None:
    token = _csrf(client)
    page = checked_page(client.post("/check", data=_form(token, MUTUAL_SUPPORT)))
    body = client.post("/api/v1/structure-checks", json=MUTUAL_SUPPORT).json
    api_verdicts = {a["ruleset_title"]: a["verdict"] for a in body["data"]["assessments"]}
    labels = {
        "meets": "Meets",
        "does_not_meet": "Does not meet",
        "needs_information": "Needs information",
        "not_applicable": "Not applicable",
    }
    assert {title: labels[v] for title, v in api_verdicts.items()} == _verdicts(page)
    finding = body["data"]["assessments"][0]["findings"][0]
    assert finding["source"]["title"]
    assert finding["reason"]


def test_api_names_each_invalid_field(client: FlaskClient) -> None:
    bad = {**MUTUAL_SUPPORT, "legal_form": "plc", "member_classes": [{"kind": "staff", "count": -3}]}
    response = client.post("/api/v1/structure-checks", json=bad)
    assert response.status_code == 400
    fields = response.json["error"]["fields"]
    assert "legal_form" in fields
    assert "member_classes[0].count" in fields


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null", '{"member_classes": "many"}'])
def test_api_refuses_malformed_bodies_with_4xx(client: FlaskClient, body: str) -> None:
    response = client.post("/api/v1/structure-checks", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_api_lists_rule_sets_with_their_rules_and_sources(client: FlaskClient) -> None:
    listing = client.get("/api/v1/rulesets").json
    ids = [r["id"] for r in listing["data"]]
    assert "preferred-provider" in ids and "community-interest-company" in ids
    detail = client.get("/api/v1/rulesets/preferred-provider").json["data"]
    assert detail["rules"]
    assert all(rule["source"]["title"] for rule in detail["rules"])
    assert client.get("/api/v1/rulesets/nope").status_code == 404


def test_cli_prints_the_report_and_exits_by_the_verdict(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = tmp_path / "mutual-support.json"
    good.write_text(json.dumps(MUTUAL_SUPPORT))
    result = runner.invoke(args=["check", str(good), "--ruleset", "registered-cooperative-society"])
    assert result.exit_code in (0, 1)
    assert "Registered co-operative society" in result.output
    assert "Source:" in result.output

    as_json = runner.invoke(args=["check", str(good), "--json"])
    api_like = json.loads(as_json.output)
    assert [a["ruleset_id"] for a in api_like["assessments"]]

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"legal_form": "plc"}))
    invalid = runner.invoke(args=["check", str(bad)])
    assert invalid.exit_code == 2
    assert "legal_form" in invalid.output

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert runner.invoke(args=["check", str(broken)]).exit_code == 2


def test_listing_pages_show_their_stored_assessment(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/mutual-support"))
    assert page.select_one("#assessment")
    assert "Preferred provider profile" in text_of(page)
    assert page.select("details.nhsuk-details")


def test_search_filters_on_eligibility(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations?per_page=50").json
    eligible = {f["value"] for f in body["meta"]["facets"]["eligible"]}
    assert eligible  # every seed listing has a preferred-provider verdict
    for verdict in eligible:
        filtered = client.get(f"/api/v1/organisations?eligible={verdict}").json
        assert filtered["meta"]["total"] >= 1
