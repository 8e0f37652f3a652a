"""The plain-English explanation pages (one for each word the registry uses, each saying where it comes from),
linked where the words appear, and the listing page's plain-English start: its verdict in a sentence, short
tags, and the invitation to claim it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role
from registry.web.public.explain import EXPLANATIONS
from tests.support.accounts import signed_in_client
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of


def test_the_index_links_every_explanation(client: FlaskClient) -> None:
    page = checked_page(client.get("/explain"))
    links = {a["href"] for a in page.select("main a")}
    for explanation in EXPLANATIONS:
        assert f"/explain/{explanation.slug}" in links


@pytest.mark.parametrize("slug", [page.slug for page in EXPLANATIONS])
def test_each_explanation_says_where_it_comes_from(client: FlaskClient, slug: str) -> None:
    page = checked_page(client.get(f"/explain/{slug}"))
    assert "Where this comes from" in text_of(page)


def test_an_unknown_explanation_is_not_found(client: FlaskClient) -> None:
    checked_page(client.get("/explain/limited-companies"), status=404)


# The words linked where they appear, and the listing page's own plain-English start.


def test_a_listing_starts_with_its_verdict_in_one_sentence_above_the_tags(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/ripplez-cic"))
    summary = page.select_one("#verdict-summary")
    assert summary is not None
    assert "needed to decide whether it meets the preferred-provider profile: " in text_of(summary)
    assert summary.find_next("ul")["class"] == ["registry-tag-list"]


def test_a_listing_tags_its_legal_form_short_and_names_it_in_full_below(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/ripplez-cic"))
    assert text_of(page.select_one(".registry-tag-list li")) == "Community interest company"
    assert "Community interest company (limited by shares or guarantee not known)" in text_of(
        page.select_one("#listing-summary")
    )


def test_a_listing_links_its_words_to_their_explanations(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/ripplez-cic"))
    links = {a["href"] for a in page.select("main a")}
    for slug in ("social-enterprises", "nhs-spin-outs", "asset-lock", "preferred-providers", "reading-verdicts"):
        assert f"/explain/{slug}" in links


def test_the_check_page_links_the_explanations(client: FlaskClient) -> None:
    links = {a["href"] for a in checked_page(client.get("/check")).select("main a")}
    assert "/explain" in links


def test_an_unclaimed_listing_invites_its_organisation_to_claim_it(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/ripplez-cic"))
    claim = page.select_one("#claim")
    assert claim is not None and "Is this your organisation?" in text_of(claim)
    assert claim.find("a")["href"] == "/manage/claim/ripplez-cic"


@pytest.mark.parametrize(
    "data", [{"verification": "verified"}, {"registered_status": "dissolved"}], ids=["claimed", "closed"]
)
def test_a_claimed_or_closed_listing_does_not_ask_to_be_claimed(
    client: FlaskClient, session: Session, data: dict[str, str]
) -> None:
    make_listing(session, "kept-care", legal_form="co_operative_society", **data)
    page = checked_page(client.get("/organisations/kept-care"))
    assert page.select_one("#claim") is None


@pytest.mark.parametrize(
    ("km", "words"),
    [(0.0, "less than 0.1 km"), (0.04, "less than 0.1 km"), (0.3, "0.3 km"), (9.96, "10 km"), (12.4, "12 km")],
)
def test_distances_are_never_zero_kilometres(app: Flask, km: float, words: str) -> None:
    assert app.jinja_env.filters["kilometres"](km) == words


def test_the_commission_search_links_the_preferred_provider_explanation(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "buyer@nhs.example", Role.COMMISSIONER)
    links = {a["href"] for a in checked_page(client.get("/commission")).select("main a")}
    assert {"/explain/preferred-providers", "/explain/reading-verdicts", "/explain"} <= links
