"""The API and the listing pages in Welsh: structure checks give Welsh reasons and errors give Welsh messages
when asked for Welsh, with every code, verdict and outcome in English as before."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Organisation
from tests.support.pages import checked_page, text_of

STRUCTURE = {
    "legal_form": "community_interest_company",
    "origin": "nhs_spin_out",
    "member_classes": [{"kind": "staff", "count": 12, "voting_rule": "one_member_one_vote"}],
}
WELSH = {"Accept-Language": "cy"}


def _codes(report: dict) -> list:
    return [
        (a["ruleset_id"], a["verdict"], [(f["rule_id"], f["outcome"], f["needs"]) for f in a["findings"]])
        for a in report["assessments"]
    ]


def test_structure_checks_give_welsh_reasons_with_the_same_codes(client: FlaskClient) -> None:
    english = client.post("/api/v1/structure-checks", json=STRUCTURE).json["data"]
    welsh = client.post("/api/v1/structure-checks", json=STRUCTURE, headers=WELSH).json["data"]
    assert _codes(welsh) == _codes(english)
    assert welsh["facts"] == english["facts"]
    reasons = [f["reason"] for a in welsh["assessments"] for f in a["findings"]]
    assert "Mae gan bob aelod un bleidlais (un aelod, un bleidlais)." in reasons
    english_reasons = {f["reason"] for a in english["assessments"] for f in a["findings"]}
    assert "Every member has one vote (one member, one vote)." in english_reasons
    assert not english_reasons & set(reasons)


def test_the_language_can_be_chosen_by_the_address_too(client: FlaskClient) -> None:
    body = client.post("/api/v1/structure-checks?lang=cy&ruleset=ica-cooperative-identity", json=STRUCTURE).json
    assert body["meta"]["rulesets"] == ["ica-cooperative-identity"]
    assert body["data"]["assessments"][0]["reason"].startswith(("Mae angen", "Yn bodloni", "Nid yw"))


def test_api_errors_have_welsh_messages_and_english_codes(client: FlaskClient) -> None:
    response = client.post("/api/v1/structure-checks", data="x", headers=WELSH)
    assert response.status_code == 415
    error = response.json["error"]
    assert error["code"] == "unsupported_media_type"
    assert error["message"] == "Anfonwch y strwythur fel JSON, gyda Content-Type: application/json"

    response = client.post("/api/v1/structure-checks?ruleset=nothing", json=STRUCTURE, headers=WELSH)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"] == "Nid oes set o reolau o'r enw 'nothing'"

    english = client.post("/api/v1/structure-checks?ruleset=nothing", json=STRUCTURE).json["error"]
    assert english["message"] == "There is no rule set called 'nothing'"


def test_rule_sets_list_their_welsh_titles(client: FlaskClient) -> None:
    english = client.get("/api/v1/rulesets").json["data"]
    welsh = client.get("/api/v1/rulesets", headers=WELSH).json["data"]
    assert [r["id"] for r in welsh] == [r["id"] for r in english]
    assert [r["title"] for r in welsh] != [r["title"] for r in english]


def test_listing_pages_show_stored_reasons_in_welsh(client: FlaskClient, session: Session) -> None:
    org = session.scalars(select(Organisation).where(Organisation.slug == "mutual-support")).one()
    stored = next(a.report for a in org.assessments if a.ruleset_id == "preferred-provider")
    welsh = stored["cy"]
    assert len(welsh["findings"]) == len(stored["findings"])
    assert welsh["reason"] != stored["reason"]

    page = text_of(checked_page(client.get("/organisations/mutual-support?lang=cy")))
    assert welsh["reason"] in page
    assert stored["reason"] not in page
    english = text_of(checked_page(client.get("/organisations/mutual-support?lang=en")))
    assert stored["reason"] in english


def test_the_welsh_listing_page_has_no_english_left_in_its_assessment(client: FlaskClient) -> None:
    from tests.support.welsh import english_left

    def english(piece: str) -> bool:
        return bool(english_left(f"<p>{piece}</p>"))

    page = checked_page(client.get("/organisations/mutual-support?lang=cy"))
    sections = page.select("section.registry-assessment")
    assert sections
    # Member classes' names are what people wrote: a reason quotes them as they are.
    quoted = re.compile(r'"[^"]*"')
    left = [
        piece for piece in english_left("".join(str(section) for section in sections)) if english(quoted.sub("", piece))
    ]
    assert left == [], left
