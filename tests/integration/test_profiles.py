"""Commissioners compose their own profiles (issue 16, items 4 and 5): a profile with a 20% investor cap is saved,
versioned, shared by link, and used to filter, rank, shortlist, compare and export, on the pages and in the API;
nobody but its owner and the commissioners who took up its link can use it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Profile, ProfileVersion, Role, User
from registry.services import shortlists
from registry.services.assessments import reassess
from registry.services.listing_data import apply_listing_data
from registry.services.listings import get_listing
from tests.support.accounts import make_user, post_form, sign_in
from tests.support.commissioning import PREFERRED_PROVIDER, SHEFFIELD, homecare, serves, with_investors
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

INVESTOR_CAP = "preferred-provider--PP-T2-INVESTOR-CAP--max_vote_pct"
PP_RULES = [
    "PP-T2-LEGAL-LOCK",
    "PP-T2-DISTRIBUTION",
    "PP-T2-TRADING",
    "PP-T2-INDEPENDENT",
    "PP-T2-STAKEHOLDER-CONTROL",
    "PP-T2-INVESTOR-CAP",
    "PP-T2-INVESTOR-BOARD",
    "PP-T2-INVESTOR-CONVERSION",
    "PP-T2-NO-VC-PSC",
    "PP-SPINOUT",
]


@pytest.fixture
def market(session: Session) -> dict[str, str]:
    """Three homecare co-operatives serving Sheffield: no investors, investors with 15% and with 30% of votes;
    and one whose structure is not described."""
    made = {
        "none": make_listing(
            session, "prof-no-investors", **PREFERRED_PROVIDER, services=homecare(), service_areas=serves(SHEFFIELD)
        ),
        "fifteen": make_listing(
            session, "prof-investors-15", **with_investors(15), services=homecare(), service_areas=serves(SHEFFIELD)
        ),
        "thirty": make_listing(
            session, "prof-investors-30", **with_investors(30), services=homecare(), service_areas=serves(SHEFFIELD)
        ),
        "unknown": make_listing(
            session,
            "prof-unknown",
            legal_form="co_operative_society",
            services=homecare(),
            service_areas=serves(SHEFFIELD),
        ),
    }
    session.commit()
    return {key: org.slug for key, org in made.items()}


@pytest.fixture
def commissioner(session: Session) -> User:
    return make_user(session, "profiles@nhs.example", Role.COMMISSIONER)


@pytest.fixture
def signed_in(app: Flask, commissioner: User) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, commissioner.email).status_code == 302
    return client


def profile_form(name: str, cap: str = "20", rules: list[str] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "rule": [f"preferred-provider--{rule}" for rule in (rules or PP_RULES)],
        INVESTOR_CAP: cap,
    }


def save_profile(client: FlaskClient, name: str = "Sheffield homecare", cap: str = "20") -> int:
    response = post_form(client, "/commission/profiles/new", profile_form(name, cap))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def slugs(response: Any) -> list[str]:
    return [row["slug"] for row in response.get_json()["data"]]


def test_a_commissioner_saves_a_profile_with_a_20_percent_investor_cap(
    signed_in: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    saved = session.get(Profile, profile_id)
    assert saved is not None and saved.name == "Sheffield homecare"
    assert saved.current.number == 1
    assert saved.current.rules["preferred-provider/PP-T2-INVESTOR-CAP"] == {"max_vote_pct": 20.0}
    page = text_of(checked_page(signed_in.get(f"/commission/profiles/{profile_id}")))
    assert "Sheffield homecare (version 1)" in page
    assert "max vote pct: 20 (published 10)" in page


def test_the_profile_filters_commission_results_where_the_published_cap_would_not(
    signed_in: FlaskClient, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    mine = slugs(signed_in.get(f"/commission?profile={profile_id}&q=prof", headers={"Accept": "application/json"}))
    assert market["none"] in mine and market["fifteen"] in mine
    assert market["thirty"] not in mine and market["unknown"] not in mine
    published = slugs(signed_in.get("/commission?eligible=meets&q=prof", headers={"Accept": "application/json"}))
    assert market["fifteen"] not in published and market["none"] in published
    page = text_of(checked_page(signed_in.get(f"/commission?profile={profile_id}&q=prof")))
    assert "Sheffield homecare (version 1)" in page


def test_results_rank_the_plausible_after_those_that_meet_saying_what_is_missing(
    signed_in: FlaskClient, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    response = signed_in.get(
        f"/commission?profile={profile_id}&profile_verdict=plausible&sort=plausible&q=prof",
        headers={"Accept": "application/json"},
    )
    rows = response.get_json()["data"]
    order = [row["slug"] for row in rows]
    assert market["thirty"] not in order
    verdicts = [row["profile"]["verdict"] for row in rows]
    assert verdicts == sorted(verdicts, key=["meets", "needs_information"].index)
    unknown = next(row for row in rows if row["slug"] == market["unknown"])
    assert unknown["profile"]["verdict"] == "needs_information"
    assert unknown["profile"]["facts_unknown"], "a plausible result says which facts are missing"


def test_exports_carry_the_profile_and_its_version(signed_in: FlaskClient, market: dict[str, str]) -> None:
    profile_id = save_profile(signed_in)
    response = signed_in.get(f"/commission/results.csv?profile={profile_id}&q=prof")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["Registry ID"] for row in rows} == {market["none"], market["fifteen"]}
    assert {row["Profile"] for row in rows} == {"Sheffield homecare (version 1)"}
    assert {row["Verdict against the profile"] for row in rows} == {"Meets"}
    data = json.loads(signed_in.get(f"/commission/results.json?profile={profile_id}&q=prof").get_data(as_text=True))
    assert data["meta"]["profile"] == "Sheffield homecare (version 1)"


def test_a_shortlist_shows_compares_and_exports_verdicts_against_the_profile(
    signed_in: FlaskClient, session: Session, commissioner: User, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    shortlist = shortlists.create_shortlist(session, commissioner, "Homecare")
    for key in ("fifteen", "thirty"):
        found = get_listing(session, market[key])
        assert found is not None
        shortlists.add_to_shortlist(session, shortlist, found)
    session.commit()
    page = text_of(checked_page(signed_in.get(f"/commission/shortlists/{shortlist.id}?profile={profile_id}")))
    assert "Sheffield homecare (version 1)" in page
    compare = text_of(
        checked_page(
            signed_in.get(
                f"/commission/shortlists/{shortlist.id}/compare?profile={profile_id}"
                f"&org={market['fifteen']}&org={market['thirty']}"
            )
        )
    )
    assert "Sheffield homecare (version 1)" in compare and "Does not meet" in compare
    exported = signed_in.get(f"/commission/shortlists/{shortlist.id}/export.csv?profile={profile_id}")
    text = exported.get_data(as_text=True).lstrip("\ufeff")
    rows = {row["Registry ID"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[market["fifteen"]]["Verdict against the profile"] == "Meets"
    assert rows[market["thirty"]]["Verdict against the profile"] == "Does not meet"


def test_the_api_filters_by_profile_for_its_owner_and_no_one_else(
    app: Flask, signed_in: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    found = signed_in.get(f"/api/v1/organisations?profile={profile_id}&q=prof")
    assert found.status_code == 200
    assert set(slugs(found)) == {market["none"], market["fifteen"]}
    assert found.get_json()["meta"]["profile"] == "Sheffield homecare (version 1)"
    anonymous = app.test_client().get(f"/api/v1/organisations?profile={profile_id}")
    assert anonymous.status_code == 404
    assert anonymous.get_json()["error"]["code"] == "not_found"
    assert signed_in.get("/api/v1/organisations?profile=abc").status_code == 404


def test_editing_makes_a_new_version_and_verdicts_name_it(
    signed_in: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    response = post_form(
        signed_in, f"/commission/profiles/{profile_id}/edit", profile_form("Sheffield homecare", cap="25")
    )
    assert response.status_code == 302
    versions = session.scalars(
        select(ProfileVersion.number, ProfileVersion.rules).where(ProfileVersion.profile_id == profile_id)
    ).all()
    assert len(versions) == 2
    rows = signed_in.get(f"/commission?profile={profile_id}&q=prof", headers={"Accept": "application/json"})
    assert rows.get_json()["meta"]["profile"] == "Sheffield homecare (version 2)"


@pytest.mark.parametrize(
    ("cap", "message"),
    [
        ("30", "enter a value from 0 to 25"),
        ("-1", "enter a value from 0 to 25"),
        ("twenty", "enter a number from 0 to 25"),
        ("12.5", "enter a value from 0 to 25 in steps of 1"),
    ],
)
def test_a_number_outside_its_range_redisplays_the_form_with_a_message_by_the_field(
    signed_in: FlaskClient, session: Session, cap: str, message: str
) -> None:
    response = post_form(signed_in, "/commission/profiles/new", profile_form("Out of range", cap=cap))
    assert response.status_code == 400
    page = checked_page(response, status=400)
    assert page.title is not None and page.title.get_text().startswith("Error:")
    assert "There is a problem" in text_of(page)
    html = response.get_data(as_text=True)
    assert f'href="#{INVESTOR_CAP}"' in html
    assert f'id="{INVESTOR_CAP}-error"' in html
    assert message in html
    assert f'value="{cap}"' in html
    assert session.scalar(select(Profile).where(Profile.name == "Out of range")) is None


def test_a_profile_needs_a_name_and_a_deciding_rule(signed_in: FlaskClient) -> None:
    response = post_form(signed_in, "/commission/profiles/new", {"name": "", "rule": []})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a name for the profile" in html
    assert "Choose at least one rule" in html or "Enter a name" in html


def test_saving_a_profile_needs_the_csrf_token(signed_in: FlaskClient) -> None:
    response = signed_in.post("/commission/profiles/new", data=profile_form("No token"))
    assert response.status_code == 400


def test_profiles_are_private_until_shared_and_then_only_to_commissioners_who_take_up_the_link(
    app: Flask, signed_in: FlaskClient, session: Session
) -> None:
    profile_id = save_profile(signed_in)
    make_user(session, "colleague@nhs.example", Role.COMMISSIONER)
    make_user(session, "rep@example.org", Role.REPRESENTATIVE)
    make_user(session, "admin@example.org", Role.ADMIN)
    colleague, rep, boss = app.test_client(), app.test_client(), app.test_client()
    assert sign_in(colleague, "colleague@nhs.example").status_code == 302
    assert sign_in(rep, "rep@example.org").status_code == 302
    assert sign_in(boss, "admin@example.org").status_code == 302

    for client in (colleague, boss):
        assert client.get(f"/commission/profiles/{profile_id}").status_code == 404
        assert client.get(f"/commission?profile={profile_id}").status_code == 400
    assert rep.get(f"/commission/profiles/{profile_id}").status_code == 403
    assert app.test_client().get(f"/commission/profiles/{profile_id}").status_code == 302
    # Only the owner may edit, share or delete.
    assert colleague.post(f"/commission/profiles/{profile_id}/share").status_code in (400, 404)

    assert post_form(signed_in, f"/commission/profiles/{profile_id}", {}, f"/commission/profiles/{profile_id}/share")
    profile = session.get(Profile, profile_id)
    session.refresh(profile)
    assert profile is not None and profile.share_token
    link = f"/commission/profiles/shared/{profile.share_token}"
    assert rep.get(link).status_code == 403
    assert colleague.get("/commission/profiles/shared/not-the-token").status_code == 404
    assert checked_page(colleague.get(link))
    assert post_form(colleague, link, {}).status_code == 302
    checked_page(colleague.get(f"/commission/profiles/{profile_id}"))
    assert colleague.get(f"/commission/profiles/{profile_id}/edit").status_code == 404
    assert colleague.get(f"/api/v1/organisations?profile={profile_id}").status_code == 200
    assert rep.get(f"/api/v1/organisations?profile={profile_id}").status_code == 404

    assert post_form(signed_in, f"/commission/profiles/{profile_id}", {}, f"/commission/profiles/{profile_id}/unshare")
    assert colleague.get(f"/commission/profiles/{profile_id}").status_code == 404
    assert colleague.get(link).status_code == 404


def test_structure_checks_assess_against_a_profile_of_the_commissioner(app: Flask, signed_in: FlaskClient) -> None:
    profile_id = save_profile(signed_in)
    facts = {
        "legal_form": "co_operative_society",
        "member_classes": [
            {"kind": "staff", "voting_rule": "weighted_share", "vote_share_pct": 85},
            {"kind": "investor", "voting_rule": "weighted_share", "vote_share_pct": 15, "votes_on": ["ordinary"]},
        ],
    }
    response = signed_in.post(f"/api/v1/structure-checks?profile={profile_id}", json=facts)
    assert response.status_code == 200
    body = response.get_json()
    profile = body["data"]["profile"]
    assert profile["ruleset_title"] == "Sheffield homecare (version 1)"
    cap = next(f for f in profile["findings"] if f["rule_id"] == "PP-T2-INVESTOR-CAP")
    assert cap["outcome"] == "pass"
    refused = app.test_client().post(f"/api/v1/structure-checks?profile={profile_id}", json=facts)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["status"] == 404


def test_check_offers_a_commissioner_their_profiles_and_assesses_against_the_one_chosen(
    app: Flask, signed_in: FlaskClient
) -> None:
    profile_id = save_profile(signed_in)
    form = checked_page(signed_in.get("/check"))
    assert form.find("select", id="profile") is not None
    page = text_of(checked_page(post_form(signed_in, "/check", {"action": "check", "profile": str(profile_id)})))
    assert "Your profile: Sheffield homecare (version 1)" in page
    stranger = app.test_client()
    assert checked_page(stranger.get("/check")).find("select", id="profile") is None
    answer = text_of(checked_page(post_form(stranger, "/check", {"action": "check", "profile": str(profile_id)})))
    assert "Sheffield homecare" not in answer


def test_a_listing_that_changes_is_judged_again_by_the_profile_at_once(
    signed_in: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    profile_id = save_profile(signed_in)
    url = f"/commission?profile={profile_id}&q=prof"
    assert market["thirty"] not in slugs(signed_in.get(url, headers={"Accept": "application/json"}))
    org = get_listing(session, market["thirty"])
    assert org is not None
    apply_listing_data(session, org, {"name": org.name, "status": "published", **with_investors(10)})
    reassess(session, org)
    session.commit()
    assert market["thirty"] in slugs(signed_in.get(url, headers={"Accept": "application/json"}))
