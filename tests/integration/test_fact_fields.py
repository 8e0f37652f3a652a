"""Every fact a rule reads can be entered in /check and in the registration wizard, and a finding that needs
information names the facts that would decide it, linked to their fields.

The facts come from the rule catalogue itself (``facts_the_rules_read`` runs every check and notes what it asks
for), so a rule that starts reading a new fact fails these tests until both forms ask for it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Assessment, ListingStatus, Organisation
from registry.web.manage.steps import wizard_field
from registry.web.needs import fact_field_id, fact_label
from tests.support.accounts import csrf_token_from, signed_in_client
from tests.support.pages import checked_page, text_of
from tests.support.registration import SERVICES, post_step
from tests.support.structures import MEETING, facts_the_rules_read, form_answers, wizard_answers

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def _first_row(path: str) -> str:
    return path.replace("[]", "[0]")


def _is_a_field(page: BeautifulSoup, field_id: str) -> bool:
    element = page.find(id=field_id)
    if element is None:
        return False
    if element.name in {"input", "select", "textarea"}:
        return True
    return element.name == "fieldset" and element.find("input") is not None


def _check_page_with_a_row_of_each(client: FlaskClient) -> BeautifulSoup:
    token = csrf_token_from(client.get("/check"))
    return checked_page(client.post("/check", data={"csrf_token": token, "action": "add-control"}))


def test_the_catalogue_reads_the_facts_the_issue_added() -> None:
    read = facts_the_rules_read()

    for path in (
        "is_public_body",
        "significant_control",
        "board_seats[].whole_membership",
        "significant_control[].is_member",
        "charity.trustees_total",
        "charity.trustees_paid",
        "profits.dissolution_clause",
        "profits.profits_reinvested_pct",
        "profits.cic_asset_lock_schedule",
        "members_registered_societies",
    ):
        assert path in read


def test_every_fact_a_rule_reads_has_a_field_on_the_check_form(client: FlaskClient) -> None:
    page = _check_page_with_a_row_of_each(client)

    missing = [
        path for path in sorted(facts_the_rules_read()) if not _is_a_field(page, fact_field_id(_first_row(path)))
    ]

    assert missing == []


def test_every_fact_a_rule_reads_has_a_field_in_the_registration_wizard(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "wizard-fields@example.org")
    slug = _draft(client, {"name": "Fields Co-operative"}, {"legal_form": "co_operative_society"})
    pages: dict[str, BeautifulSoup] = {}
    for step in ("about", "legal"):
        pages[step] = checked_page(client.get(f"/manage/listings/{slug}/{step}"))
    token = csrf_token_from(client.get(f"/manage/listings/{slug}/governance"))
    pages["governance"] = checked_page(
        client.post(f"/manage/listings/{slug}/governance", data={"csrf_token": token, "action": "add-control"})
    )

    missing = [
        path
        for path in sorted(facts_the_rules_read())
        if not _is_a_field(pages[wizard_field(_first_row(path))[0]], wizard_field(_first_row(path))[1])
    ]

    assert missing == []


def test_every_fact_has_a_label_from_its_field(app: Flask) -> None:
    with app.app_context():
        _labels_are_the_fields_own()


def _labels_are_the_fields_own() -> None:
    assert fact_label("is_public_body") == "It is itself a public body"
    assert fact_label("significant_control") == "Does any person or body have significant control?"
    assert fact_label("member_classes[1].kind") == "Member class 2: Who the members are"
    assert fact_label("profits.dissolution_clause") == "Where its rules send what is left if it is dissolved"
    unlabelled = [path for path in facts_the_rules_read() if "_" in fact_label(_first_row(path))]
    assert unlabelled == []


# --- "No person or body has significant control" and "is it a public body" ---------------------------------


def _check(client: FlaskClient, answers: dict[str, Any]) -> Any:
    token = csrf_token_from(client.get("/check"))
    return client.post("/check", data={"csrf_token": token, "action": "check", **answers})


def _verdict(page: BeautifulSoup, ruleset_id: str) -> str:
    section = page.find(id=f"ruleset-{ruleset_id}").find_parent("section")
    return str(section.select_one(".nhsuk-tag").get_text(strip=True))


def test_check_can_say_that_nobody_has_significant_control(client: FlaskClient) -> None:
    answers = form_answers(MEETING["preferred-provider"])
    assert answers["has_significant_control"] == "no"

    met = checked_page(_check(client, answers))
    unknown = checked_page(_check(client, {**answers, "has_significant_control": ""}))

    assert _verdict(met, "preferred-provider") == "Meets"
    assert _verdict(unknown, "preferred-provider") == "Needs information"


def test_nobody_with_significant_control_and_a_listed_controller_disagree(client: FlaskClient) -> None:
    answers = {**form_answers(MEETING["preferred-provider"]), "significant_control-0-name": "A Fund LP"}

    response = _check(client, answers)

    page = checked_page(response, 400)
    assert page.select_one("#has_significant_control-error")


@pytest.mark.parametrize("ruleset_id", sorted(MEETING))
def test_a_structure_entered_through_check_meets_each_rule_set(client: FlaskClient, ruleset_id: str) -> None:
    page = checked_page(_check(client, form_answers(MEETING[ruleset_id])))

    assert _verdict(page, ruleset_id) == "Meets", text_of(page.find(id=f"ruleset-{ruleset_id}").find_parent("section"))


def test_findings_on_check_name_the_facts_that_would_decide_them_as_links_to_their_fields(client: FlaskClient) -> None:
    answers = dict(form_answers(MEETING["preferred-provider"]))
    del answers["is_public_body"], answers["has_significant_control"]

    page = checked_page(_check(client, answers))

    section = page.find(id="ruleset-preferred-provider").find_parent("section")
    links = {a.get_text(strip=True): a["href"] for a in section.select(".registry-needs a")}
    assert links["It is itself a public body"] == "#is_public_body"
    assert links["Does any person or body have significant control?"] == "#has_significant_control"
    for href in links.values():
        assert page.find(id=href.removeprefix("#")) is not None


# --- The wizard ---------------------------------------------------------------------------------------------


def _draft(client: FlaskClient, about: dict[str, Any], legal: dict[str, Any]) -> str:
    response = post_step(client, "/manage/listings/new", about)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    slug = response.location.split("/")[3]
    response = post_step(client, f"/manage/listings/{slug}/legal", legal)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return slug


def _register(client: FlaskClient, data: dict[str, Any]) -> str:
    answers = wizard_answers(data)
    slug = _draft(client, answers["about"], answers["legal"])
    response = post_step(client, f"/manage/listings/{slug}/governance", answers["governance"])
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = post_step(client, f"/manage/listings/{slug}/services", SERVICES)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return slug


@pytest.mark.parametrize("ruleset_id", sorted(MEETING))
def test_a_structure_entered_through_the_wizard_meets_each_rule_set(
    app: Flask, session: Session, ruleset_id: str
) -> None:
    client = signed_in_client(app, session, f"wizard-{ruleset_id}@example.org")

    slug = _register(client, MEETING[ruleset_id])

    org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
    verdict = session.scalar(
        select(Assessment.verdict).where(Assessment.organisation_id == org.id, Assessment.ruleset_id == ruleset_id)
    )
    assert verdict == "meets", [
        (f["rule_id"], f["reason"])
        for a in [r for r in org.assessments if r.ruleset_id == ruleset_id]
        for f in a.report["findings"]
        if f["outcome"] in {"fail", "needs_information"}
    ]


def test_the_wizard_keeps_no_significant_control_and_public_body_and_shows_them_again(
    app: Flask, session: Session
) -> None:
    client = signed_in_client(app, session, "wizard-keeps@example.org")
    slug = _register(client, MEETING["social-enterprise"])

    page = checked_page(client.get(f"/manage/listings/{slug}/governance"))

    assert page.select_one("#has_significant_control input[value=no]").has_attr("checked")
    assert page.select_one("#is_public_body input[value=no]").has_attr("checked")
    assert page.select_one("#profits-dissolution_clause option[selected]")["value"] == "to_asset_locked_body"
    assert page.select_one("#profits-profits_reinvested_pct")["value"] == "80"
    checked_page(client.get(f"/manage/listings/{slug}"))


def _publish(session: Session, slug: str) -> None:
    org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
    org.status = ListingStatus.PUBLISHED.value
    session.commit()


def test_a_listing_says_how_many_facts_would_decide_the_profile_and_who_to_ask(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "wizard-needs@example.org")
    # Not known: whether it is a public body, and whether anyone has significant control.
    data = {key: value for key, value in MEETING["preferred-provider"].items() if key not in {"is_public_body"}}
    data.pop("significant_control")
    data["board_seats"] = [{**seat, "whole_membership": False} for seat in data["board_seats"]]
    slug = _register(client, data)
    _publish(session, slug)

    public = checked_page(app.test_client().get(f"/organisations/{slug}"))
    own = checked_page(client.get(f"/organisations/{slug}"))
    manage = checked_page(client.get(f"/manage/listings/{slug}"))

    summary = text_of(public.select_one("#listing-summary"))
    assert "2 facts needed to decide" in summary
    section = public.find(id="ruleset-preferred-provider").find_parent("section")
    assert "ask the organisation" in text_of(section)
    assert not section.select(".registry-needs a")
    for page in (own, manage):
        links = [
            a["href"]
            for a in page.find(id="ruleset-preferred-provider").find_parent("section").select(".registry-needs a")
        ]
        assert f"/manage/listings/{slug}/governance#is_public_body" in links
        assert f"/manage/listings/{slug}/governance#has_significant_control" in links
    for href in links:
        path, _, anchor = href.partition("#")
        assert checked_page(client.get(path)).find(id=anchor) is not None, href


def test_the_api_listing_and_exports_carry_the_new_facts(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "wizard-api@example.org")
    slug = _register(client, MEETING["public-service-mutual"])
    _publish(session, slug)

    body = app.test_client().get(f"/api/v1/organisations/{slug}").json["data"]

    assert body["has_significant_control"] is False
    assert body["is_public_body"] is False
    # Seats a named class elects are saved as not elected by the whole membership.
    assert [seat["whole_membership"] for seat in body["board_seats"]] == [False, False, True]
    assert body["structure_details"]["profits"] == {
        "distributions_only_to_members": True,
        "max_shareholding_gbp": 1.0,
        "min_shareholding_gbp": 1.0,
        "pays_share_interest": False,
    }
    assert re.search(r"2011-04", body["origin"]["spun_out"] or "")
