"""The Open Referral UK 3.0 feed: every response validates against the official compiled schemas.

The schemas are vendored in ``tests/fixtures/oruk/`` (CC BY-SA 4.0, see its PROVENANCE.md), registered under the
URLs ``open_api.json`` refers to them by, and resolved with ``referencing``; formats (uuid, uri, email,
date-time) are checked too. The compiled list schemas put the page envelope under a ``"Page"`` key that JSON
Schema ignores, so the envelope is checked separately against ``open_api.json``'s ``Page``, all fields required.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import delete
from sqlalchemy.orm import Session

from registry.models import Organisation
from registry.services.openreferral.ids import organization_id, service_id, taxonomy_id, taxonomy_term_id
from registry.services.openreferral.taxonomies import GOVERNANCE_MODELS, LEGAL_FORMS, SERVICE_TYPES
from tests.support.factories import location, make_listing
from tests.support.places import DONCASTER, SHEFFIELD_S1_2HE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oruk"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "hsds" / "oruk-compiled-V3.0-UK"
SCHEMA_BASE = (
    "https://raw.githubusercontent.com/tpximpact/OpenReferralApi/refs/heads/main/OpenReferralApi/Schemas/V3.0-UK/"
)

HOMECARE = taxonomy_term_id(SERVICE_TYPES, "hsc-homecare")
ADULT_SOCIAL_CARE = taxonomy_term_id(SERVICE_TYPES, "hsc-adult-social-care")
CO_OPERATIVE_SOCIETY = taxonomy_term_id(LEGAL_FORMS, "co_operative_society")
MULTI_STAKEHOLDER = taxonomy_term_id(GOVERNANCE_MODELS, "multi_stakeholder")
LEGAL_FORM_TAXONOMY = taxonomy_id(LEGAL_FORMS)
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"


# ---------------------------------------------------------------------------------------------------
# Validation against the official schemas


def _schema_registry() -> Registry[Any]:
    if not FIXTURES.is_dir():
        pytest.fail(f"The vendored ORUK schemas are missing: expected them in {FIXTURES}")
    resources = [
        (SCHEMA_BASE + path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted(FIXTURES.glob("*.json"))
    ]
    return Registry().with_resources(resources)  # type: ignore[no-any-return]


REGISTRY = _schema_registry()
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_absolute_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


PAGE = {
    "allOf": [{"$ref": SCHEMA_BASE + "open_api.json#/components/schemas/Page"}],
    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    "properties": {"contents": {"type": "array"}},
}
LIST_SCHEMAS = {
    "services": "service_list.json",
    "service_at_locations": "service_at_location_list.json",
    "taxonomies": "taxonomy_list.json",
    "taxonomy_terms": "taxonomy_term_list.json",
}
ITEM_SCHEMAS = {
    "services": "service.json",
    "organizations": "organization.json",
    "service_at_locations": "service_at_location.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


def schema_errors(body: Any, schema: dict[str, Any] | str) -> list[str]:
    """Every way ``body`` breaks the schema (a vendored file's name, or a schema), with where."""
    document = {"$ref": SCHEMA_BASE + schema} if isinstance(schema, str) else schema
    validator = Draft202012Validator(document, registry=REGISTRY, format_checker=FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def empty_values(value: Any, path: str = "") -> Iterator[str]:
    """Paths of null, empty text and empty arrays or objects: ORUK wants optional fields left out instead."""
    if value is None or value == "" or value == [] or value == {}:
        yield path or "/"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from empty_values(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from empty_values(item, f"{path}/{index}")


def valid_page(client: FlaskClient, endpoint: str, **params: Any) -> dict[str, Any]:
    """GET a list endpoint; assert the envelope, the list schema and no empty fields; return the body."""
    response = client.get(f"/openreferral/{endpoint}", query_string=params)
    assert response.status_code == 200, response.json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert schema_errors(body, PAGE) == []
    if endpoint in LIST_SCHEMAS:
        assert schema_errors(body, LIST_SCHEMAS[endpoint]) == []
    else:  # organization_list.json describes one organization, not a page
        for item in body["contents"]:
            assert schema_errors(item, "organization_list.json") == []
    for item in body["contents"]:
        assert list(empty_values(item)) == []
    assert body["size"] == len(body["contents"])
    assert body["empty"] is (not body["contents"])
    return body


def valid_item(client: FlaskClient, endpoint: str, item_id: str) -> dict[str, Any]:
    response = client.get(f"/openreferral/{endpoint}/{item_id}")
    assert response.status_code == 200, response.json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert schema_errors(body, ITEM_SCHEMAS[endpoint]) == []
    assert list(empty_values(body)) == []
    assert body["id"] == item_id
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["contents"]]


# ---------------------------------------------------------------------------------------------------
# Listings


NEAR = {
    "legal_form": "co_operative_society",
    "governance_model": "multi_stakeholder",
    "region": "E12000003",
    "description": "Homecare and a care home in Sheffield, owned by the people who use them and the staff.",
    "website": "https://www.example-feed-coop.org.uk",
    "email": "hello@example-feed-coop.org.uk",
    "identifiers": [{"scheme": "GB-MPR", "value": "31234R"}],
    "services": [
        {"code": "hsc-homecare", "description": "Visits at home across Sheffield."},
        {"code": "hsc-care-home"},
    ],
    "service_areas": [{"described_as": "Sheffield", "local_authorities": [{"code": "E08000039", "name": "Sheffield"}]}],
    "locations": [
        {
            **location(*SHEFFIELD_S1_2HE, postcode="S1 2HE", lad="E08000039"),
            "name": "Head office",
            "address": "1 Feed Street, Sheffield",
            "region_code": "E12000003",
        },
        {**location(*DONCASTER, postcode="DN1 1AA"), "name": "Doncaster branch"},
    ],
}


@pytest.fixture
def listings(session: Session) -> dict[str, Organisation]:
    return {
        "near": make_listing(session, "feed-near-co-op", **NEAR),
        "far": make_listing(
            session,
            "feed-far-cic",
            legal_form="community_interest_company",
            services=[{"code": "hsc-homecare"}],
            locations=[location(*DONCASTER)],
        ),
    }


def near_service() -> str:
    return service_id("feed-near-co-op", "hsc-homecare")


# ---------------------------------------------------------------------------------------------------
# The schemas themselves


def test_vendored_schemas_are_the_shared_reference_copies() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here to compare with; the vendored copies are used as they are")
    for path in sorted(FIXTURES.glob("*.json")):
        shared = SHARED / path.name
        assert shared.is_file(), f"{path.name} is not in {SHARED}"
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(shared.read_bytes()).digest(), path.name


# ---------------------------------------------------------------------------------------------------
# Every endpoint validates


def test_api_details_declare_the_uk_profile(client: FlaskClient) -> None:
    response = client.get("/openreferral/")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert schema_errors(response.json, "api_details.json") == []
    assert response.json["version"] == "HSDS-UK-3.0"
    assert response.json["profile"].startswith("https://github.com/OpenReferralUK/uk-profile")


LIST_REQUESTS = [
    ("services", {}),
    ("services", {"per_page": 2, "page": 2}),
    ("services", {"search": "Feed Near"}),
    ("services", {"search": "S1 2HE"}),
    ("services", {"taxonomy_term_id": HOMECARE}),
    ("services", {"taxonomy_term_id": CO_OPERATIVE_SOCIETY, "per_page": 3}),
    ("services", {"taxonomy_id": LEGAL_FORM_TAXONOMY}),
    ("services", {"postcode": "S1 2HE", "proximity": 5000}),
    ("services", {"postcode": "S1 2HE"}),
    ("services", {"modified_after": "2000-01-01T00:00:00Z"}),
    ("services", {"page": 999}),
    ("organizations", {}),
    ("organizations", {"search": "Mutual Support"}),
    ("organizations", {"taxonomy_term_id": MULTI_STAKEHOLDER}),
    ("service_at_locations", {}),
    ("service_at_locations", {"postcode": "S1 2HE", "proximity": 2000}),
    ("service_at_locations", {"taxonomy_term_id": HOMECARE}),
    ("taxonomies", {}),
    ("taxonomies", {"search": "legal"}),
    ("taxonomy_terms", {}),
    ("taxonomy_terms", {"taxonomy_id": LEGAL_FORM_TAXONOMY, "per_page": 500}),
    ("taxonomy_terms", {"parent_id": ADULT_SOCIAL_CARE}),
    ("taxonomy_terms", {"top_only": "true", "search": "care"}),
]


@pytest.mark.parametrize(("endpoint", "params"), LIST_REQUESTS)
def test_list_responses_validate_against_the_compiled_schemas(
    client: FlaskClient, listings: dict[str, Organisation], endpoint: str, params: dict[str, Any]
) -> None:
    valid_page(client, endpoint, **params)


@pytest.mark.parametrize("endpoint", ["services", "organizations", "service_at_locations", "taxonomies"])
def test_every_item_of_a_list_validates_as_a_full_object(
    client: FlaskClient, listings: dict[str, Organisation], endpoint: str
) -> None:
    body = valid_page(client, endpoint, per_page=500)
    assert body["contents"]
    for item_id in ids(body):
        valid_item(client, endpoint, item_id)


def test_taxonomy_terms_validate_one_by_one(client: FlaskClient) -> None:
    body = valid_page(client, "taxonomy_terms", per_page=500)
    assert body["total_items"] == len(body["contents"]) > 50
    for term in body["contents"][::7]:
        assert valid_item(client, "taxonomy_terms", term["id"]) == term


def test_the_full_service_nests_areas_places_addresses_and_the_organization(
    client: FlaskClient, listings: dict[str, Organisation]
) -> None:
    service = valid_item(client, "services", near_service())
    assert service["name"] == "Feed Near Co Op: Homecare (domiciliary care)"
    assert service["status"] == "active"
    assert service["url"] == "https://www.example-feed-coop.org.uk"
    assert service["service_areas"][0]["uri"].endswith("/E08000039")
    places = [sal["location"] for sal in service["service_at_locations"]]
    assert [p["name"] for p in places] == ["Head office", "Doncaster branch"]
    assert places[0]["addresses"] == [
        {
            "id": places[0]["addresses"][0]["id"],
            "location_id": places[0]["id"],
            "address_1": "1 Feed Street",
            "city": "Sheffield",
            "region": "Yorkshire and The Humber",
            "state_province": "Sheffield",
            "postal_code": "S1 2HE",
            "country": "GB",
            "address_type": "physical",
        }
    ]
    assert "addresses" not in places[1]  # no street address given: left out, not emptied
    assert [a["taxonomy_term_id"] for a in service["attributes"]] == [HOMECARE]


def test_optional_fields_without_values_are_left_out(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    far = valid_item(client, "services", service_id("feed-far-cic", "hsc-homecare"))
    for absent in ("description", "url", "email", "service_areas"):
        assert absent not in far
    assert "website" not in far["organization"]
    assert far["organization"]["description"]  # required: said from the legal form when the listing has none
    assert "organization_identifiers" not in far["organization"]


# ---------------------------------------------------------------------------------------------------
# Identifiers and attributes: legal form, governance and verdicts against our own taxonomies


def test_legal_form_governance_and_verdicts_are_identifiers_and_attributes(
    client: FlaskClient, listings: dict[str, Organisation]
) -> None:
    org = valid_item(client, "organizations", organization_id("feed-near-co-op"))
    (identifier,) = org["organization_identifiers"]
    assert identifier["identifier_scheme"] == "GB-MPR"
    assert identifier["identifier"] == "31234R"
    assert identifier["identifier_type"]
    assert [a["taxonomy_term_id"] for a in identifier["attributes"]] == [CO_OPERATIVE_SOCIETY]

    by_taxonomy: dict[str, list[str]] = {}
    for attribute in org["attributes"]:
        by_taxonomy.setdefault(attribute["taxonomy_term"]["taxonomy"], []).append(attribute["taxonomy_term"]["code"])
    assert by_taxonomy["hcmr-legal-form"] == ["co_operative_society"]
    assert by_taxonomy["hcmr-governance-model"] == ["multi_stakeholder"]
    verdicts = by_taxonomy["hcmr-verdict"]
    assert verdicts and all(":" in code and not code.endswith(":not_applicable") for code in verdicts)
    assert any(code.startswith("preferred-provider:") for code in verdicts)

    for attribute in org["attributes"]:
        term = valid_item(client, "taxonomy_terms", attribute["taxonomy_term_id"])
        assert term == attribute["taxonomy_term"]
        valid_item(client, "taxonomies", term["taxonomy_id"])
    assert {s["id"] for s in org["services"]} == {
        near_service(),
        service_id("feed-near-co-op", "hsc-care-home"),
    }


def test_the_published_taxonomies_include_ours_and_the_service_taxonomy(client: FlaskClient) -> None:
    names = [t["name"] for t in valid_page(client, "taxonomies")["contents"]]
    assert names == ["hcmr-service-type", "hcmr-legal-form", "hcmr-governance-model", "hcmr-verdict"]
    verdicts = valid_item(client, "taxonomies", taxonomy_id("hcmr-verdict"))
    codes = [t["code"] for t in verdicts["taxonomy_terms"]]
    assert "preferred-provider" in codes and "preferred-provider:meets" in codes
    meets = next(t for t in verdicts["taxonomy_terms"] if t["code"] == "preferred-provider:meets")
    assert meets["parent_id"] == taxonomy_term_id("hcmr-verdict", "preferred-provider")


# ---------------------------------------------------------------------------------------------------
# Filters go through the search


def test_postcode_and_proximity_find_the_listing_based_there(
    client: FlaskClient, listings: dict[str, Organisation]
) -> None:
    found = valid_page(client, "services", postcode="S1 2HE", proximity=5000, per_page=500)
    assert near_service() in ids(found)
    assert service_id("feed-far-cic", "hsc-homecare") not in ids(found)
    wider = valid_page(client, "services", postcode="S1 2HE", proximity=40000, per_page=500)
    assert service_id("feed-far-cic", "hsc-homecare") in ids(wider)


def test_proximity_keeps_only_the_places_within_it(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    found = valid_page(client, "service_at_locations", postcode="S1 2HE", proximity=2000, per_page=500)
    mine = [sal for sal in found["contents"] if sal["service"]["organization_id"] == organization_id("feed-near-co-op")]
    assert {sal["location"]["name"] for sal in mine} == {"Head office"}
    assert len(mine) == 2  # homecare and the care home, at the head office only
    everywhere = valid_page(client, "service_at_locations", organization_id=organization_id("feed-near-co-op"))
    assert everywhere["total_items"] == 4


def test_a_place_typed_as_search_text_searches_near_it(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    assert near_service() in ids(valid_page(client, "services", search="S1 2HE", per_page=500))


def test_a_postcode_alone_checks_service_coverage(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    found = ids(valid_page(client, "services", postcode="S1 2HE", per_page=500))
    assert near_service() in found  # serves Sheffield
    assert service_id("feed-far-cic", "hsc-homecare") not in found  # serves nowhere recorded


def test_service_taxonomy_terms_pick_services_and_their_groups(
    client: FlaskClient, listings: dict[str, Organisation]
) -> None:
    homecare = ids(valid_page(client, "services", taxonomy_term_id=HOMECARE, per_page=500))
    assert near_service() in homecare
    assert service_id("feed-near-co-op", "hsc-care-home") not in homecare
    group = ids(valid_page(client, "services", taxonomy_term_id=ADULT_SOCIAL_CARE, per_page=500))
    assert {near_service(), service_id("feed-near-co-op", "hsc-care-home")} <= set(group)


def test_listing_taxonomy_terms_pick_the_listings_services(
    client: FlaskClient, listings: dict[str, Organisation]
) -> None:
    co_ops = valid_page(client, "services", taxonomy_term_id=CO_OPERATIVE_SOCIETY, per_page=500)
    assert near_service() in ids(co_ops)
    assert all(s["organization"]["id"] != organization_id("feed-far-cic") for s in co_ops["contents"])
    org = client.get(f"/openreferral/organizations/{organization_id('feed-near-co-op')}").json
    verdict = next(a["taxonomy_term_id"] for a in org["attributes"] if a["taxonomy_term"]["taxonomy"] == "hcmr-verdict")
    assert near_service() in ids(valid_page(client, "services", taxonomy_term_id=verdict, per_page=500))


def test_search_organization_and_modified_after_filters(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    assert ids(valid_page(client, "services", search="Feed Near Co Op"))[0] == near_service()
    mine = valid_page(client, "services", organization_id=organization_id("feed-near-co-op"))
    assert mine["total_items"] == 2
    assert valid_page(client, "services", organization_id=UNKNOWN_UUID)["total_items"] == 0
    assert valid_page(client, "services", modified_after="2999-01-01")["total_items"] == 0
    assert near_service() in ids(valid_page(client, "services", modified_after="2001-01-01", per_page=500))


def test_pages_add_up(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    first = valid_page(client, "services", per_page=2)
    assert first["first_page"] and first["page_number"] == 1
    seen = []
    for number in range(1, first["total_pages"] + 1):
        page = valid_page(client, "services", per_page=2, page=number)
        assert page["last_page"] is (number == first["total_pages"])
        seen += ids(page)
    assert len(seen) == len(set(seen)) == first["total_items"]
    beyond = valid_page(client, "services", per_page=2, page=first["total_pages"] + 1)
    assert beyond["empty"] and beyond["contents"] == []


# ---------------------------------------------------------------------------------------------------
# Stable ids


def test_ids_are_fixed_functions_of_stable_keys() -> None:
    # Published ids must never change: a new namespace or key format would break every consumer's links.
    assert organization_id("mutual-support") == "f3644ac9-1640-5b4f-b001-62fdfdf15013"
    assert service_id("mutual-support", "hsc-homecare") == "79bb030f-a104-598d-9cc3-18ea88ec2831"
    assert CO_OPERATIVE_SOCIETY == "d7b607bc-1de7-58fe-a3b0-808075e165fd"


def test_ids_are_stable_across_requests_edits_and_a_reseed(
    client: FlaskClient, session: Session, listings: dict[str, Organisation]
) -> None:
    def snapshot() -> tuple[list[str], list[str], list[str]]:
        return (
            ids(valid_page(client, "services", per_page=500)),
            ids(valid_page(client, "organizations", per_page=500)),
            ids(valid_page(client, "service_at_locations", per_page=500)),
        )

    before = snapshot()
    assert snapshot() == before
    assert organization_id("mutual-support") in before[1]  # derived from the slug, not a row id

    # Re-seed: the listing's rows are deleted and written again, with new row ids.
    old_row = listings["near"].id
    session.execute(delete(Organisation).where(Organisation.id == old_row))
    session.commit()
    assert make_listing(session, "feed-near-co-op", **NEAR).id != old_row
    assert snapshot() == before


# ---------------------------------------------------------------------------------------------------
# Refusals: 4xx JSON with the CORS header, never a 500


BAD_REQUESTS = [
    "services?page=-1",
    "services?page=0",
    "services?page=abc",
    "services?per_page=100000",
    "services?per_page=0",
    "services?taxonomy_term_id=not-a-uuid",
    f"services?taxonomy_term_id={UNKNOWN_UUID}",
    f"services?taxonomy_id={UNKNOWN_UUID}",
    "services?organization_id=42",
    "services?modified_after=yesterday",
    "services?postcode=not+a+postcode",
    "services?postcode=ZZ9+9ZZ",
    "services?postcode=S1+2HE&proximity=-5",
    "services?postcode=S1+2HE&proximity=far",
    "services?postcode=S1+2HE&proximity=1e9",
    "services?proximity=1000",
    "services?format=xml",
    "services?search=" + "x" * 201,
    "service_at_locations?postcode=S1+2HE&proximity=nan",
    "organizations?per_page=501",
    "taxonomies?page=-3",
    "taxonomy_terms?top_only=maybe",
    "taxonomy_terms?parent_id=nope",
    f"taxonomy_terms?taxonomy_id={UNKNOWN_UUID}",
]


@pytest.mark.parametrize("path", BAD_REQUESTS)
def test_bad_parameters_are_a_json_400(client: FlaskClient, path: str) -> None:
    response = client.get(f"/openreferral/{path}")
    assert response.status_code == 400, response.data
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json["error"]["code"] == "bad_request"
    assert response.json["error"]["message"]


@pytest.mark.parametrize(
    "endpoint", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
@pytest.mark.parametrize("item_id", [UNKNOWN_UUID, "not-a-uuid", "1"])
def test_unknown_ids_are_a_json_404(client: FlaskClient, endpoint: str, item_id: str) -> None:
    response = client.get(f"/openreferral/{endpoint}/{item_id}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json["error"]["code"] == "not_found"


def test_unknown_paths_answer_json_with_the_cors_header_and_writes_are_refused(client: FlaskClient) -> None:
    missing = client.get("/openreferral/locations", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and missing.is_json
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    write = client.post("/openreferral/services", json={}, headers={"Accept": "application/json"})
    assert write.status_code == 405 and write.is_json  # the feed is read-only: it has no write routes at all


# ---------------------------------------------------------------------------------------------------
# The whole dataset as one download


def test_the_package_holds_every_service_fully_nested(client: FlaskClient, listings: dict[str, Organisation]) -> None:
    response = client.get("/data/openreferral.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "attachment" in response.headers["Content-Disposition"]
    package = json.loads(response.data)
    assert schema_errors(package, "service_package.json") == []
    for service in package:
        assert list(empty_values(service)) == []
    listed = valid_page(client, "services", per_page=500)
    assert sorted(s["id"] for s in package) == sorted(ids(listed))
    near = next(s for s in package if s["id"] == near_service())
    assert near == client.get(f"/openreferral/services/{near_service()}").json
