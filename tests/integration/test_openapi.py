"""The OpenAPI document: valid, complete (every /api/v1 route, every facts field), true to the code's
vocabularies and limits, and true to what the API really answers."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from registry.domain import structure
from registry.domain.paging import MAX_PAGE
from registry.domain.search_query import (
    DEFAULT_RADIUS_KM,
    FACETS,
    MAX_FILTER_VALUES,
    MAX_RADIUS_KM,
    MAX_TEXT_LENGTH,
    MIN_RADIUS_KM,
)
from registry.domain.structure import is_nature_of_control
from registry.domain.structure_json import facts_from_dict, facts_to_dict
from registry.domain.vocabulary import DissolutionClause, LegalForm, MemberClassKind, VoteDecision
from registry.services.structure_checks import rulesets
from tests.support.factories import make_listing
from tests.support.openapi import (
    METHODS,
    document_for,
    follow,
    operations,
    pointer,
    problems,
    response_schema_pointer,
)
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
# Every field facts_from_dict reads, filled in: the echo must still match the documented shape.
EVERY_FACT: dict[str, Any] = {
    "name": "Everything Known Ltd",
    "legal_form": "company_limited_by_shares",
    "origin": "nhs_spin_out",
    "spin_out_programme": "right_to_request",
    "spin_out_date": "2011-04",
    "parent_body": "An NHS primary care trust",
    "is_public_body": False,
    "registered_charity": "no",
    "delivers_public_services": True,
    "member_benefit_only": False,
    "membership_open": True,
    "all_employees_eligible": "yes",
    "members_total": "120",
    "members_registered_societies": 0,
    "trading_income_pct": "85%",
    "member_classes": [
        {"name": "Staff", "kind": "staff", "count": 100, "voting_rule": "weighted_share", "vote_share_pct": 60,
         "votes_on": ["ordinary", "special", "board_election"]},
        {"name": "Investors", "kind": "investor", "count": 20.0, "voting_rule": "capped_share", "vote_share_pct": 10},
    ],
    "board_seats": [
        {"source": "elected_by_class", "seats": 3, "member_class": "Staff", "is_non_executive": True},
        {"source": "elected_by_class", "seats": 2, "whole_membership": True},
        {"source": "appointed", "appointer": "The council", "appointer_is_public_body": True,
         "appointer_kind": "local_authority", "is_chair": True},
    ],
    "profits": {
        "asset_lock": "constitutional", "distribution_basis": "capital", "distribution_cap_pct": 35,
        "distributions_only_to_members": True, "pays_share_interest": True, "share_interest_cap_pct": 4,
        "min_shareholding_gbp": 1, "max_shareholding_gbp": 100000, "distributable_profits_gbp": 50000,
        "dividends_declared_gbp": 10000, "dividends_exempt_gbp": 2000, "dissolution_clause": "to_asset_locked_body",
        "profits_reinvested_pct": 80, "cic_asset_lock_schedule": 3,
    },
    "significant_control": [
        {"name": "The EOT", "natures_of_control": ["ownership-of-shares-75-to-100-percent-as-trust"],
         "is_for_profit": False, "is_public_body": False, "is_employee_trust": True, "is_asset_locked": False,
         "is_member": False},
    ],
    "foundation_trust": {
        "governors_total": 30, "public_governors_elected": 15, "patient_governors_elected": 3,
        "staff_governors_elected": 5, "staff_class_governors": [2, 3], "local_authority_governors": 2,
        "has_medical_or_dental_school": True, "university_governors": 1, "longest_ned_tenure_years": 6.5,
        "nhs_income_pct": 90,
    },
    "employee_ownership": {
        "trustee_shares_pct": 100, "trustee_votes_pct": 100, "trustee_profits_pct": 100, "trustee_assets_pct": 100,
        "defeating_provisions": False, "is_trading_company": True, "all_employees_same_terms": True,
        "participators": 2, "employees": 50, "trustees_total": 3, "trustees_connected_to_former_owners": 1,
        "trustees_uk_resident": True, "disposal_date": "2020-06-30",
    },
    "charity": {"trustees_total": 7, "trustees_paid": 1},
    "declarations": ["ICA-P5-P7"],
}  # fmt: skip
# Facts dataclasses and the schemas that describe them.
FACTS_SCHEMAS = {
    structure.CharityFacts: "CharityFacts",
    structure.StructureFacts: "StructureFacts",
    structure.MemberClassFacts: "MemberClassFacts",
    structure.BoardSeatFacts: "BoardSeatFacts",
    structure.ProfitRules: "ProfitRules",
    structure.SignificantControl: "SignificantControlFacts",
    structure.FoundationTrustFacts: "FoundationTrustFacts",
    structure.EmployeeOwnershipFacts: "EmployeeOwnershipFacts",
}


def openapi_path(rule: str) -> str:
    """A Werkzeug rule as an OpenAPI path: ``/api/v1/rulesets/<ruleset_id>`` -> ``/rulesets/{ruleset_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def api_routes(app: Flask) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            routes.setdefault(openapi_path(rule.rule), set()).update(
                m.lower() for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}
            )
    return routes


def walk(node: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, at + pointer(str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{at}/{index}")


@pytest.fixture(scope="module")
def document(app: Flask) -> dict[str, Any]:
    return document_for(app)


# ---------------------------------------------------------------------------------------------------------
# A valid OpenAPI 3.1 document


def test_the_document_is_served_as_openapi_3_1_with_this_servers_address(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    served = response.json
    assert re.fullmatch(r"3\.1\.\d+", served["openapi"])
    assert served["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    assert served["info"]["title"] and served["info"]["version"]
    assert served["servers"] == [{"url": "http://localhost/api/v1", "description": "This registry"}]
    assert list(served)[:2] == ["openapi", "jsonSchemaDialect"]  # written order, not sorted
    assert served["paths"]


def test_the_served_document_is_the_one_the_tests_check(client: FlaskClient, document: dict[str, Any]) -> None:
    assert client.get("/api/v1/openapi.json").json == document


def test_every_schema_in_the_document_is_a_valid_draft_2020_12_schema(document: dict[str, Any]) -> None:
    schemas = dict(document["components"]["schemas"])
    for path, method, operation in operations(document):
        for index, parameter in enumerate(operation.get("parameters", [])):
            if "schema" in parameter:
                schemas[f"{method} {path} parameter {index}"] = parameter["schema"]
        for media in operation.get("requestBody", {}).get("content", {}).values():
            schemas[f"{method} {path} request"] = media["schema"]
    for parameter in document["components"]["parameters"].values():
        schemas[f"parameter {parameter['name']}"] = parameter["schema"]
    for name, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # the name says which schema
            pytest.fail(f"{name}: {error}")


def test_every_ref_points_at_something(document: dict[str, Any]) -> None:
    refs = [(at, node["$ref"]) for at, node in walk(document) if isinstance(node, dict) and "$ref" in node]
    assert refs
    for at, ref in refs:
        assert ref.startswith("#/"), f"{at}: only local references, found {ref}"
        follow(document, ref.removeprefix("#"))


def test_every_component_is_used(document: dict[str, Any]) -> None:
    used = {node["$ref"] for _, node in walk(document) if isinstance(node, dict) and "$ref" in node}
    for kind in ("schemas", "parameters", "responses"):
        for name in document["components"][kind]:
            # The generic success envelope is there for clients (and the fuzz test) to check any answer.
            if (kind, name) != ("schemas", "SuccessEnvelope"):
                assert f"#/components/{kind}/{name}" in used, f"components/{kind}/{name} is not used"


def test_every_operation_is_complete(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    tags = {tag["name"] for tag in document["tags"]}
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        assert operation["summary"] and operation["description"], where
        assert set(operation["tags"]) <= tags, where
        assert any(status.startswith("2") for status in operation["responses"]), where
        for status in operation["responses"]:
            assert re.fullmatch(r"[1-5]\d\d", status), f"{where}: {status}"
        resolved = [follow(document, p["$ref"].removeprefix("#"))[1] if "$ref" in p else p
                    for p in operation.get("parameters", [])]  # fmt: skip
        for parameter in resolved:
            assert parameter["description"], f"{where}: {parameter['name']}"
            assert "example" in parameter, f"{where}: {parameter['name']} has no example"
        in_path = {p["name"] for p in resolved if p["in"] == "path"}
        assert in_path == set(re.findall(r"{([^}]+)}", path)), where
        assert all(p["required"] for p in resolved if p["in"] == "path"), where


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for at, node in walk(document):
        if isinstance(node, dict) and "schema" in node and "example" in node:
            found = problems(document, at + "/schema", node["example"])
            assert not found, (at, found)
            checked += 1
    for name, parameter in document["components"]["parameters"].items():
        assert not problems(document, pointer("components", "parameters", name, "schema"), parameter["example"]), name
    for at, node in walk(document):
        if isinstance(node, dict) and isinstance(node.get("examples"), list) and "type" in node:
            for value in node["examples"]:
                assert not problems(document, at, value), (at, value)
                checked += 1
    assert checked >= 15


# ---------------------------------------------------------------------------------------------------------
# Complete: every route, every field


def test_every_api_route_is_documented_with_its_methods(app: Flask, document: dict[str, Any]) -> None:
    routes = api_routes(app)
    documented = {path: {m for m in METHODS if m in item} for path, item in document["paths"].items()}
    undocumented = {path: sorted(methods) for path, methods in routes.items() if documented.get(path) != methods}
    assert not undocumented, (
        "Routes under /api/v1 that the parts in registry/web/api/openapi/ do not describe (or describe with other "
        f"methods): {undocumented}. Add them to the document; /api/docs is rendered from it."
    )


def test_every_documented_path_exists(app: Flask, document: dict[str, Any]) -> None:
    routes = api_routes(app)
    assert set(document["paths"]) <= set(routes), set(document["paths"]) - set(routes)


@pytest.mark.parametrize(("kind", "schema"), FACTS_SCHEMAS.items(), ids=FACTS_SCHEMAS.values())
def test_the_facts_schemas_name_every_field_facts_from_dict_reads(
    document: dict[str, Any], kind: type[Any], schema: str
) -> None:
    properties = document["components"]["schemas"][schema]["properties"]
    assert set(properties) == {f.name for f in dataclasses.fields(kind)}
    assert document["components"]["schemas"][schema]["additionalProperties"] is False


def test_a_structure_with_every_field_is_valid_and_reads_without_error(document: dict[str, Any]) -> None:
    assert set(EVERY_FACT) == {f.name for f in dataclasses.fields(structure.StructureFacts)}
    facts = facts_from_dict(EVERY_FACT)
    # Strings for numbers and yes-or-no are accepted but not documented as the canonical form.
    canonical = facts_to_dict(facts)
    assert not problems(document, pointer("components", "schemas", "StructureFacts"), canonical)
    assert facts_from_dict(canonical) == facts


# ---------------------------------------------------------------------------------------------------------
# True to the code


def _enum(document: dict[str, Any], *parts: str) -> list[Any]:
    node: Any = document["components"]["schemas"]
    for part in parts:
        node = node[part]
    return list(node["enum"])


def test_enums_come_from_the_codes_vocabularies(document: dict[str, Any]) -> None:
    clauses = _enum(document, "ProfitRules", "properties", "dissolution_clause")
    assert clauses == [*(c.value for c in DissolutionClause), None]
    assert _enum(document, "StructureFacts", "properties", "legal_form") == [*(f.value for f in LegalForm), None]
    assert _enum(document, "MemberClassFacts", "properties", "kind") == [*(k.value for k in MemberClassKind), None]
    assert _enum(document, "MemberClassFacts", "properties", "votes_on", "items") == [d.value for d in VoteDecision]
    assert _enum(document, "RuleSetSummary", "properties", "id") == [r.id for r in rulesets()]
    assert document["components"]["schemas"]["SearchMeta"]["properties"]["facets"]["propertyNames"]["enum"] == list(
        FACETS
    )
    assert not [at for at, node in walk(document) if isinstance(node, dict) and "x-values-from" in node]


def test_limits_mirror_the_codes_constants(app: Flask, document: dict[str, Any]) -> None:
    parameters = {name: p["schema"] for name, p in document["components"]["parameters"].items()}
    assert parameters["q"]["maxLength"] == parameters["near"]["maxLength"] == MAX_TEXT_LENGTH
    assert (parameters["radius_km"]["minimum"], parameters["radius_km"]["maximum"]) == (MIN_RADIUS_KM, MAX_RADIUS_KM)
    assert parameters["radius_km"]["default"] == DEFAULT_RADIUS_KM
    assert parameters["page"]["maximum"] == MAX_PAGE
    assert parameters["per_page"]["maximum"] == app.config["MAX_PER_PAGE"]
    assert parameters["per_page"]["default"] == app.config["PER_PAGE"]
    for facet in FACETS:
        assert parameters[facet]["maxItems"] == MAX_FILTER_VALUES
    facts = [document["components"]["schemas"][name] for name in FACTS_SCHEMAS.values()]
    for schema in facts:
        for name, field in schema["properties"].items():
            if "maxLength" in field:
                assert field["maxLength"] == structure.MAX_TEXT, name
            if "array" in field.get("type", []):
                assert field["maxItems"] == structure.MAX_ROWS, name


def test_facts_to_dict_of_a_default_structure_matches_the_schema(document: dict[str, Any]) -> None:
    everything_unknown = facts_to_dict(structure.StructureFacts())
    assert not problems(document, pointer("components", "schemas", "StructureFacts"), everything_unknown)


def _pattern(document: dict[str, Any], schema: str, field: str) -> str:
    return str(document["components"]["schemas"][schema]["properties"][field]["items"]["pattern"])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_documented_nature_of_control_is_one_the_check_accepts(app: Flask, data: st.DataObject) -> None:
    pattern = _pattern(document_for(app), "SignificantControlFacts", "natures_of_control")
    nature = data.draw(st.from_regex(pattern, fullmatch=True).filter(lambda s: "\n" not in s))
    assert is_nature_of_control(nature)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=70))
def test_the_check_accepts_no_nature_of_control_the_document_refuses(app: Flask, text: str) -> None:
    pattern = _pattern(document_for(app), "SignificantControlFacts", "natures_of_control")
    assert bool(re.fullmatch(pattern, text)) == is_nature_of_control(text)


# ---------------------------------------------------------------------------------------------------------
# True to what the API answers

CASES: list[tuple[str, str, dict[str, Any], int]] = [
    ("/organisations", "/api/v1/organisations", {"query_string": {"per_page": 5}}, 200),
    ("/organisations", "/api/v1/organisations", {"query_string": {"near": "S1 2HE", "q": "care"}}, 200),
    ("/organisations", "/api/v1/organisations", {"query_string": {"q": "S1 2HE", "match": "serves"}}, 200),
    ("/organisations", "/api/v1/organisations", {"query_string": {"q": "Mutaul Suport"}}, 200),
    (
        "/organisations",
        "/api/v1/organisations",
        {"query_string": {"legal_form": ["community_interest_company", "cic_cls"], "region": "E12000004"}},
        200,
    ),
    ("/organisations", "/api/v1/organisations", {"query_string": {"q": "zzzzqqqq"}}, 200),
    ("/organisations", "/api/v1/organisations", {"query_string": {"page": "abc"}}, 400),
    ("/organisations", "/api/v1/organisations", {"query_string": {"near": "Sheffeld"}}, 400),
    ("/organisations", "/api/v1/organisations", {"query_string": {"legal_form": "plc", "radius_km": "0"}}, 400),
    # Anonymous: no profile is theirs to use.
    ("/organisations", "/api/v1/organisations", {"query_string": {"profile": "1"}}, 404),
    ("/organisations/{slug}", "/api/v1/organisations/mutual-support", {}, 200),
    ("/organisations/{slug}", "/api/v1/organisations/ripplez-cic", {}, 200),
    ("/organisations/{slug}", "/api/v1/organisations/nobody", {}, 404),
    ("/places", "/api/v1/places", {"query_string": {"q": "S1 2HE"}}, 200),
    ("/places", "/api/v1/places", {"query_string": {"q": "S1"}}, 200),
    ("/places", "/api/v1/places", {"query_string": {"q": "S1 2"}}, 200),
    ("/places", "/api/v1/places", {"query_string": {"q": "Sheffield"}}, 200),
    ("/places", "/api/v1/places", {"query_string": {"q": "Derby"}}, 200),
    ("/places", "/api/v1/places", {}, 400),
    ("/places", "/api/v1/places", {"query_string": {"q": "x" * 201}}, 400),
    ("/places", "/api/v1/places", {"query_string": {"q": "ZZ9 9ZZ"}}, 404),
    ("/places", "/api/v1/places", {"query_string": {"q": "Sheffeld"}}, 404),
    ("/structure-checks", "/api/v1/structure-checks", {"json": MUTUAL_SUPPORT}, 200),
    ("/structure-checks", "/api/v1/structure-checks", {"json": EVERY_FACT}, 200),
    ("/structure-checks", "/api/v1/structure-checks", {"json": {}}, 200),
    (
        "/structure-checks",
        "/api/v1/structure-checks",
        {"json": MUTUAL_SUPPORT, "query_string": {"ruleset": ["preferred-provider", "ica-cooperative-identity"]}},
        200,
    ),
    (
        "/structure-checks",
        "/api/v1/structure-checks",
        {"json": {"legal_form": "plc", "member_classes": [{"count": -3}], "colour": "red"}},
        400,
    ),
    ("/structure-checks", "/api/v1/structure-checks", {"data": "[1, 2]", "content_type": "application/json"}, 400),
    ("/structure-checks", "/api/v1/structure-checks", {"data": "{not json", "content_type": "application/json"}, 400),
    ("/structure-checks", "/api/v1/structure-checks", {"json": {}, "query_string": {"ruleset": "nope"}}, 404),
    ("/structure-checks", "/api/v1/structure-checks", {"data": "name=x"}, 415),
    ("/rulesets", "/api/v1/rulesets", {}, 200),
    *(("/rulesets/{ruleset_id}", f"/api/v1/rulesets/{r.id}", {}, 200) for r in rulesets()),
    ("/rulesets/{ruleset_id}", "/api/v1/rulesets/nope", {}, 404),
    ("/openapi.json", "/api/v1/openapi.json", {}, 200),
    # A null character anywhere in the address is refused before the operation runs.
    ("/organisations/{slug}", "/api/v1/organisations/ripplez%00cic", {}, 400),
    ("/rulesets", "/api/v1/rulesets", {"query_string": {"x": "\x00"}}, 400),
    ("/rulesets/{ruleset_id}", "/api/v1/rulesets/preferred%00provider", {}, 400),
    ("/openapi.json", "/api/v1/openapi.json", {"query_string": {"x": "\x00"}}, 400),
]


def _method(path: str, document: dict[str, Any]) -> str:
    return next(m for m in METHODS if m in document["paths"][path])


@pytest.mark.parametrize(
    ("path", "url", "request_options", "status"), CASES, ids=[f"{c[1]}-{c[3]}-{i}" for i, c in enumerate(CASES)]
)
def test_real_answers_match_the_documented_schema(
    client: FlaskClient, document: dict[str, Any], path: str, url: str, request_options: dict[str, Any], status: int
) -> None:
    method = _method(path, document)
    response = client.open(url, method=method.upper(), **request_options)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    at = response_schema_pointer(document, path, method, status)
    assert at is not None, f"{method.upper()} {path} answers {status}, which the document does not list"
    assert not problems(document, at, response.json)


def test_every_operation_is_checked_against_a_real_answer(document: dict[str, Any]) -> None:
    answered = {(path, _method(path, document), str(status)) for path, _, _, status in CASES}
    for path, method, operation in operations(document):
        for status in operation["responses"]:
            if status != "503":  # a database that cannot be reached: tests/integration/test_operations.py
                assert (path, method, status) in answered, f"no test answer for {method.upper()} {path} {status}"


def test_a_listing_with_every_field_filled_matches_the_documented_schema(
    client: FlaskClient, session: Session, document: dict[str, Any]
) -> None:
    make_listing(
        session,
        "everything-known",
        trading_names=["Everything"],
        legal_form="co_operative_society",
        governance_model="multi_stakeholder",
        region="E12000003",
        verification="verified",
        registered_status="dissolved",
        dissolved_on="2020-03",
        merged_into="A Successor Co-operative",
        provenance="imported",
        description="Known through and through.",
        website="https://example.org",
        email="hello@example.org",
        phone="0114 000 0000",
        founded="2011",
        origin={"type": "nhs_spin_out", "parent_body": "A PCT", "programme": "right_to_request", "spun_out": "2011-04"},
        size={"employees": 40, "members": 60, "year": 2020, "turnover_gbp": 1_800_000, "turnover_year": 2020,
              "trading_income_pct": 92.5},
        is_public_body=False,
        members_registered_societies=2,
        financial_rules={"asset_lock": "constitutional", "distribution_basis": "patronage", "dividend_cap_pct": 35,
                         "share_interest_cap_pct": 4.5, "dissolution_clause": "common_ownership",
                         "cic_asset_lock_schedule": 1, "profits_reinvested_pct": 80},
        charity={"trustees_total": 9, "trustees_paid": 2},
        identifiers=[{"scheme": "GB-MPR", "value": "12345R"}, {"scheme": "GB-COH", "value": "IP012345"}],
        member_classes=[
            {"name": "Staff", "kind": "staff", "description": "Everyone employed", "count": 40,
             "voting_rule": "weighted_share", "vote_share_pct": 50, "votes_on": ["ordinary", "special"]},
            {"name": "Users", "kind": "service_user", "count": 20, "voting_rule": "one_member_one_vote"},
        ],
        board_seats=[
            {"role": "Staff director", "source": "elected_by_class", "elected_by": "Staff", "seats": 3,
             "is_non_executive": False},
            {"role": "Member director", "source": "elected_by_class", "whole_membership": True},
            {"role": "Chair", "source": "appointed", "appointed_by": "The council", "appointer_is_public_body": True,
             "appointer_kind": "local_authority",
             "is_chair": True, "is_non_executive": True},
        ],
        has_significant_control=True,
        significant_controls=[
            {"name": "The Trust", "natures_of_control": ["voting-rights-75-to-100-percent"], "is_member": True,
             "is_for_profit": False,
             "is_public_body": False, "is_employee_trust": True, "is_asset_locked": False},
        ],
        structure_details={"foundation_trust": {"governors_total": 20}},
        services=[{"code": "hsc-homecare", "description": "Homecare"}],
        service_areas=[{"described_as": "Sheffield",
                        "local_authorities": [{"code": "E08000039", "name": "Sheffield"}]}],
        locations=[{"name": "Office", "address": "1 Street", "postcode": "S1 2HE", "latitude": 53.38,
                    "longitude": -1.47, "local_authority_code": "E08000039", "region_code": "E12000003",
                    "is_registered_office": True}],
        sources=[{"title": "Annual report", "publisher": "Itself", "url": "https://example.org/report",
                  "published": "2021", "licence": "OGL", "note": "Page 3", "facts": ["services"]}],
    )  # fmt: skip
    body = client.get("/api/v1/organisations/everything-known").json
    assert not [key for key, value in body["data"].items() if value in (None, [], {})]
    assert not problems(document, response_schema_pointer(document, "/organisations/{slug}", "get", 200) or "", body)


def test_every_published_listing_matches_the_documented_schema(client: FlaskClient, document: dict[str, Any]) -> None:
    listing_at = response_schema_pointer(document, "/organisations/{slug}", "get", 200) or ""
    slugs = [item["slug"] for item in client.get("/api/v1/organisations?per_page=100").json["data"]]
    assert slugs
    for slug in slugs:
        assert not problems(document, listing_at, client.get(f"/api/v1/organisations/{slug}").json), slug


# ---------------------------------------------------------------------------------------------------------
# The readable docs page


def test_the_docs_page_shows_every_operation_its_parameters_and_examples(
    client: FlaskClient, document: dict[str, Any]
) -> None:
    page = checked_page(client.get("/api/docs"))
    assert page.h1.get_text(strip=True) == "JSON API"
    text = text_of(page)
    for path, method, operation in operations(document):
        heading = page.find(id=f"operation-{operation['operationId']}")
        assert heading is not None, operation["operationId"]
        assert f"{method.upper()} /api/v1{path}" in " ".join(heading.get_text().split())
        section = heading.find_parent("section")
        section_text = " ".join(section.get_text(" ").split())
        for parameter in operation.get("parameters", []):
            name = parameter.get("name") or parameter["$ref"].rsplit("/", 1)[1]
            assert name in section_text, (operation["operationId"], name)
        for status in operation["responses"]:
            assert status in section_text, (operation["operationId"], status)
    assert page.select_one("a[href='/api/v1/openapi.json']")
    assert "member_classes[].voting_rule" in text  # request schemas are summarised field by field
    assert "one_member_one_vote" in text  # with their values
    assert page.select("pre code")  # and examples
    example = json.loads(page.select_one("#operation-checkStructure-request-example code").get_text())
    assert (
        example
        == document["paths"]["/structure-checks"]["post"]["requestBody"]["content"]["application/json"]["example"]
    )


def test_the_docs_page_needs_no_javascript_or_other_sites(client: FlaskClient) -> None:
    page = checked_page(client.get("/api/docs"))
    assert not page.select("main script")  # the layout's own scripts only, as on every page
    sources = [script.get("src", "") for script in page.find_all("script")]
    assert not [src for src in sources if src and not src.startswith("/static/")], sources
    # What the browser loads; the hreflang alternates (absolute addresses of this page in each language) are not.
    loaded = [tag for tag in page.find_all(["link", "img", "iframe"]) if "alternate" not in (tag.get("rel") or [])]
    addresses = [tag.get("href") or tag.get("src") or "" for tag in loaded]
    assert not [address for address in addresses if "//" in address], addresses
