"""Commissioners find preferred providers: the filters through the one search service, sorting, shortlists with
notes, side-by-side comparison, and the automatic and moderator-granted commissioner role."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import AuditEvent, Organisation, Role, Shortlist, ShortlistEntry, User
from registry.services import commissioners, shortlists
from tests.support.accounts import csrf_token_from, make_user, post_form, sign_in
from tests.support.commissioning import FUND_OWNED, PREFERRED_PROVIDER, SHEFFIELD, homecare, serves
from tests.support.factories import location, make_listing
from tests.support.pages import checked_page, text_of
from tests.support.places import SHEFFIELD_CENTRE

ROTHERHAM = {"code": "E08000018", "name": "Rotherham"}
DONCASTER = {"code": "E08000017", "name": "Doncaster"}


def listing(session: Session, slug: str, base: dict[str, Any], **data: Any) -> Any:
    return make_listing(session, slug, **{**copy.deepcopy(base), **data})


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def commissioner(session: Session) -> User:
    return make_user(session, "buyer@nhs.example", Role.COMMISSIONER)


@pytest.fixture
def signed_in(app: Flask, commissioner: User) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, commissioner.email).status_code == 302
    return client


@pytest.fixture
def market(session: Session) -> dict[str, str]:
    """Five listings around Sheffield: two preferred providers with homecare, and three that differ by one thing.

    Slugs, not objects: each request ends by closing the session the test shares, which detaches its objects.
    """
    created = {
        "meets-homecare": listing(
            session, "comm-meets-homecare", PREFERRED_PROVIDER, services=homecare(), service_areas=serves(SHEFFIELD)
        ),
        "meets-homecare-big": listing(
            session,
            "comm-meets-homecare-big",
            PREFERRED_PROVIDER,
            services=[{"code": "hsc-homecare"}, {"code": "hsc-reablement"}],
            service_areas=serves(SHEFFIELD, ROTHERHAM),
            size={"members": 125, "trading_income_pct": 92, "employees": 300, "turnover_gbp": 12_000_000},
            verification="verified",
        ),
        "meets-elsewhere": listing(
            session,
            "comm-meets-elsewhere",
            PREFERRED_PROVIDER,
            services=homecare(),
            service_areas=serves(DONCASTER),
            locations=[location(*SHEFFIELD_CENTRE, lad=SHEFFIELD["code"])],
        ),
        "meets-no-homecare": listing(
            session,
            "comm-meets-day-services",
            PREFERRED_PROVIDER,
            services=[{"code": "hsc-day-services"}],
            service_areas=serves(SHEFFIELD),
        ),
        "fund-owned": listing(
            session, "comm-fund-owned-homecare", FUND_OWNED, services=homecare(), service_areas=serves(SHEFFIELD)
        ),
    }
    return {key: org.slug for key, org in created.items()}


def organisation(session: Session, slug: str) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.slug == slug)).one()


def entries_of(session: Session, shortlist_id: int) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Organisation.slug, ShortlistEntry.note)
        .join(ShortlistEntry, ShortlistEntry.organisation_id == Organisation.id)
        .where(ShortlistEntry.shortlist_id == shortlist_id)
        .order_by(ShortlistEntry.position)
    )
    return [tuple(row) for row in rows]


def result_slugs(client: FlaskClient, **args: Any) -> list[str]:
    response = client.get("/commission", query_string=args, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.json
    return [item["slug"] for item in response.json["data"] if item["slug"].startswith("comm-")]


# ---------------------------------------------------------------------------------------------------
# Finding providers


def test_a_sheffield_commissioner_finds_homecare_preferred_providers_serving_sheffield(
    signed_in: FlaskClient, market: dict[str, str]
) -> None:
    found = result_slugs(signed_in, area="Sheffield", service="hsc-homecare", eligible="meets")
    assert sorted(found) == ["comm-meets-homecare", "comm-meets-homecare-big"]
    page = checked_page(signed_in.get("/commission?area=sheffield&service=hsc-homecare&eligible=meets"))
    assert page.select_one("#area")["value"] == "Sheffield"
    names = [a.get_text(strip=True) for a in page.select(".registry-results-table tbody th a:first-child")]
    assert "Comm Meets Homecare" in names
    assert "Serves Sheffield" in text_of(page)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"area": "Sheffield"}, {"meets-homecare", "meets-homecare-big", "meets-no-homecare", "fund-owned"}),
        ({"area": "Sheffield, Rotherham", "area_match": "all"}, {"meets-homecare-big"}),
        ({"area": "Rotherham, Doncaster"}, {"meets-homecare-big", "meets-elsewhere"}),
        (
            {"area": "Sheffield", "based_km": "5", "service": "hsc-homecare", "eligible": "meets"},
            {"meets-homecare", "meets-homecare-big", "meets-elsewhere"},
        ),
        ({"area": "Sheffield", "eligible": "does_not_meet"}, {"fund-owned"}),
        (
            {"area": "Sheffield", "service": "hsc-adult-social-care"},
            {"meets-homecare", "meets-homecare-big", "meets-no-homecare", "fund-owned"},
        ),
        ({"area": "Sheffield", "legal_form": "company_limited_by_shares"}, {"fund-owned"}),
        (
            {"area": "Sheffield", "governance": "multi_stakeholder", "member_kind": "carer"},
            {"meets-homecare", "meets-homecare-big", "meets-no-homecare"},
        ),
        (
            {"area": "Sheffield", "verdict": "ica-cooperative-identity:meets"},
            {"meets-homecare", "meets-homecare-big", "meets-no-homecare"},
        ),
        ({"area": "Sheffield", "verdict": ["ica-cooperative-identity:meets", "public-service-mutual:meets"]}, set()),
        ({"area": "Sheffield", "employees": "small"}, {"meets-homecare", "meets-no-homecare"}),
        ({"area": "Sheffield", "employees": ["medium", "large"]}, {"meets-homecare-big", "fund-owned"}),
        ({"area": "Sheffield", "turnover": "10m_to_50m"}, {"meets-homecare-big"}),
        ({"area": "Sheffield", "turnover": "over_50m"}, {"fund-owned"}),
        ({"area": "Sheffield", "verification": "verified"}, {"meets-homecare-big"}),
        ({"area": "E08000017"}, {"meets-elsewhere"}),
        ({"q": "Comm Fund", "area": "Sheffield"}, {"fund-owned"}),
    ],
    ids=lambda value: str(value)[:60] if isinstance(value, dict) else "",
)
def test_filters_combine(
    signed_in: FlaskClient, market: dict[str, str], args: dict[str, Any], expected: set[str]
) -> None:
    assert set(result_slugs(signed_in, **args)) == {market[key] for key in expected}


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"area": "Sheffeld"}, "area", "Did you mean Sheffield"),
        ({"based_km": "7", "area": "Sheffield"}, "based_km", "Choose a distance from the list"),
        ({"based_km": "5"}, "area", "Enter the local authorities to measure the distance from"),
        ({"verdict": "no-such-ruleset:meets"}, "verdict", "Choose each rule set's verdict"),
        ({"employees": "enormous"}, "employees", "Choose sizes from the list"),
        ({"verification": "maybe"}, "verification", "Choose verified or not verified"),
        ({"legal_form": "limited_partnership"}, "legal_form", "is not a legal form we know"),
        ({"sort": "colour"}, "sort", "Choose a column to sort by"),
    ],
)
def test_bad_filters_redisplay_with_the_error_summary(
    signed_in: FlaskClient, args: dict[str, str], field: str, message: str
) -> None:
    page = checked_page(signed_in.get("/commission", query_string=args), status=400)
    summary = page.select_one(".nhsuk-error-summary")
    assert message in summary.get_text()
    assert page.title.get_text().startswith("Error: ")
    target = summary.select_one("a")["href"].lstrip("#")
    assert page.find(id=target) is not None, f"the error summary links to #{target}, which is not on the page"
    json_response = signed_in.get("/commission", query_string=args, headers={"Accept": "application/json"})
    assert json_response.status_code == 400
    assert field in json_response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("sort", "order", "first"),
    [
        ("name", "asc", "comm-fund-owned-homecare"),
        ("name", "desc", "comm-meets-homecare-big"),
        ("size", "desc", "comm-fund-owned-homecare"),
        ("size", "asc", "comm-meets-day-services"),
        ("coverage", "desc", "comm-meets-homecare-big"),
        ("services", "desc", "comm-meets-homecare-big"),
        ("verdict", "desc", "comm-fund-owned-homecare"),
        ("legal_form", "desc", "comm-fund-owned-homecare"),
        ("legal_form", "asc", "comm-meets-day-services"),
    ],
)
def test_results_sort_by_each_column(
    signed_in: FlaskClient, market: dict[str, str], sort: str, order: str, first: str
) -> None:
    assert result_slugs(signed_in, area="Sheffield", sort=sort, order=order)[0] == first


def test_the_sorted_column_says_so_and_its_link_reverses_the_order(signed_in: FlaskClient, market: Any) -> None:
    page = checked_page(signed_in.get("/commission?area=Sheffield&sort=size&order=desc"))
    sorted_header = page.select_one("th[aria-sort]")
    assert sorted_header["aria-sort"] == "descending"
    assert "order=asc" in sorted_header.a["href"]
    assert "sort=size" in sorted_header.a["href"]


def test_the_results_page_links_to_exports_and_the_overview_with_the_same_filters(
    signed_in: FlaskClient, market: Any
) -> None:
    page = checked_page(signed_in.get("/commission?area=Sheffield&eligible=meets&page=1"))
    links = {a.get_text(strip=True): a["href"] for a in page.select("a")}
    assert links["CSV"] == "/commission/results.csv?area=Sheffield&eligible=meets"
    assert links["Excel workbook"].startswith("/commission/results.xlsx?")
    assert "/commission/overview?area=Sheffield&eligible=meets" in links.values()


# ---------------------------------------------------------------------------------------------------
# Shortlists


def test_a_commissioner_creates_a_shortlist_adds_listings_with_notes_and_removes_one(
    signed_in: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    response = post_form(signed_in, "/commission/shortlists", {"name": "  Sheffield   homecare "})
    assert response.status_code == 302
    shortlist_id = session.scalars(select(Shortlist.id).where(Shortlist.name == "Sheffield homecare")).one()
    assert response.location == f"/commission/shortlists/{shortlist_id}"

    first, second = market["meets-homecare"], market["meets-homecare-big"]
    page = f"/commission/organisations/{first}/shortlist?next=/commission?area%3DSheffield"
    form = checked_page(signed_in.get(page))
    assert form.select_one("input[name=next]")["value"] == "/commission?area=Sheffield"
    added = post_form(
        signed_in,
        page,
        {"shortlist": str(shortlist_id), "note": "Strong user voice", "next": "/commission?area=Sheffield"},
        action=f"/commission/organisations/{first}/shortlist",
    )
    assert added.status_code == 302
    assert added.location == "/commission?area=Sheffield"
    post_form(signed_in, f"/commission/organisations/{second}/shortlist", {"shortlist": str(shortlist_id)})
    # Adding the same listing again keeps one entry.
    post_form(signed_in, f"/commission/organisations/{second}/shortlist", {"shortlist": str(shortlist_id)})
    assert entries_of(session, shortlist_id) == [(first, "Strong user voice"), (second, "")]

    shortlist_page = f"/commission/shortlists/{shortlist_id}"
    saved = post_form(
        signed_in, shortlist_page, {"note": "Visit in May"}, action=f"{shortlist_page}/listings/{second}/note"
    )
    assert saved.status_code == 302
    page_after = checked_page(signed_in.get(shortlist_page))
    assert page_after.select_one(f"#note-{second}").get_text() == "Visit in May"
    assert "Your note on Comm Meets Homecare Big is saved." in text_of(page_after)

    removed = post_form(signed_in, shortlist_page, {}, action=f"{shortlist_page}/listings/{first}/remove")
    assert removed.status_code == 302
    assert entries_of(session, shortlist_id) == [(second, "Visit in May")]


def test_a_new_shortlist_can_be_started_while_adding_a_listing(
    signed_in: FlaskClient, session: Session, commissioner: User, market: dict[str, str]
) -> None:
    slug = market["meets-homecare"]
    owner_id = commissioner.id
    page = f"/commission/organisations/{slug}/shortlist"
    missing = post_form(signed_in, page, {"shortlist": "new", "new_name": ""})
    checked = checked_page(missing, status=400)
    assert "Enter a name for the new shortlist" in checked.select_one(".nhsuk-error-summary").get_text()
    assert post_form(signed_in, page, {"shortlist": "new", "new_name": "Rotherham pilots"}).status_code == 302
    created = session.scalars(select(Shortlist).where(Shortlist.owner_id == owner_id)).all()
    assert [(s.name, [e.organisation.slug for e in s.entries]) for s in created] == [("Rotherham pilots", [slug])]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the shortlist"),
        ("x" * 121, "Shortlist name must be 120 characters or fewer"),
        ("Existing list", "You already have a shortlist called Existing list"),
        ("existing LIST", "You already have a shortlist called existing LIST"),
    ],
)
def test_shortlist_names_are_checked_and_the_form_redisplays(
    signed_in: FlaskClient, session: Session, commissioner: User, name: str, message: str
) -> None:
    shortlists.create_shortlist(session, commissioner, "Existing list")
    session.commit()
    page = checked_page(post_form(signed_in, "/commission/shortlists", {"name": name}), status=400)
    assert message in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one(".nhsuk-error-summary a")["href"] == "#name"
    assert page.select_one("#name-error")


def test_a_note_longer_than_the_limit_is_refused_with_the_note_kept(
    signed_in: FlaskClient, session: Session, commissioner: User, market: dict[str, str]
) -> None:
    shortlist = shortlists.create_shortlist(session, commissioner, "Notes")
    shortlists.add_to_shortlist(session, shortlist, organisation(session, market["meets-homecare"]))
    session.commit()
    slug = market["meets-homecare"]
    url = f"/commission/shortlists/{shortlist.id}"
    page = checked_page(post_form(signed_in, url, {"note": "n" * 2001}, action=f"{url}/listings/{slug}/note"), 400)
    assert "Note must be 2,000 characters or fewer" in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one(f"#note-{slug}").get_text() == "n" * 2001


def test_rename_and_delete_a_shortlist(signed_in: FlaskClient, session: Session, commissioner: User) -> None:
    shortlist_id = shortlists.create_shortlist(session, commissioner, "Draft").id
    session.commit()
    url = f"/commission/shortlists/{shortlist_id}"
    assert post_form(signed_in, url, {"name": "Final"}, action=f"{url}/rename").status_code == 302
    assert session.get(Shortlist, shortlist_id).name == "Final"
    assert post_form(signed_in, url, {}, action=f"{url}/delete").location == "/commission/shortlists"
    assert session.get(Shortlist, shortlist_id) is None


def test_the_database_holds_one_entry_per_listing_and_unique_names_per_commissioner(
    session: Session, commissioner: User, market: dict[str, str]
) -> None:
    from sqlalchemy.exc import IntegrityError

    shortlist = shortlists.create_shortlist(session, commissioner, "Once")
    session.commit()
    org_id = organisation(session, market["meets-homecare"]).id
    session.add_all(
        [
            ShortlistEntry(shortlist_id=shortlist.id, organisation_id=org_id),
            ShortlistEntry(shortlist_id=shortlist.id, organisation_id=org_id),
        ]
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    session.add(Shortlist(owner_id=commissioner.id, name="Once"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


# ---------------------------------------------------------------------------------------------------
# Comparison


def _shortlist_of(session: Session, owner: User, *slugs: str) -> int:
    shortlist = shortlists.create_shortlist(session, owner, "Compare these")
    for slug in slugs:
        shortlists.add_to_shortlist(session, shortlist, organisation(session, slug))
    session.commit()
    return shortlist.id


def test_two_shortlisted_listings_compare_side_by_side_with_their_failing_findings(
    signed_in: FlaskClient, session: Session, commissioner: User, market: dict[str, str]
) -> None:
    good, bad = market["meets-homecare"], market["fund-owned"]
    shortlist_id = _shortlist_of(session, commissioner, good, bad)
    page = checked_page(signed_in.get(f"/commission/shortlists/{shortlist_id}/compare?org={good}&org={bad}"))
    assert page.h1.get_text(strip=True) == "Compare 2 organisations"
    headings = [th.get_text(strip=True) for th in page.select("table.registry-compare thead th")]
    assert headings == ["Comm Meets Homecare", "Comm Fund Owned Homecare"]
    rows = {
        tr.th.get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("table.registry-compare tbody tr")
    }
    for row in (
        "Legal form",
        "Identifiers",
        "Origin",
        "Member classes and votes",
        "Board",
        "Asset lock",
        "Profit rules",
        "Services",
        "Areas served",
        "Size",
    ):
        assert row in rows, row
    preferred = rows["Preferred provider profile (the registry's reading of two policy texts)"]
    assert preferred[0].startswith("Meets")
    assert preferred[1].startswith("Does not meet") and "Fails:" in preferred[1]
    assert "Paid care staff" in rows["Member classes and votes"][0]


@pytest.mark.parametrize(("count", "message"), [(1, "Choose at least 2"), (5, "Choose up to 4")])
def test_comparing_needs_two_to_four_listings(
    signed_in: FlaskClient, session: Session, commissioner: User, count: int, message: str
) -> None:
    slugs = [listing(session, f"comm-compare-{n}", PREFERRED_PROVIDER).slug for n in range(5)]
    shortlist_id = _shortlist_of(session, commissioner, *slugs)
    query = "&".join(f"org={slug}" for slug in slugs[:count])
    page = checked_page(signed_in.get(f"/commission/shortlists/{shortlist_id}/compare?{query}"), status=400)
    assert message in page.select_one(".nhsuk-error-summary").get_text()
    assert page.select_one(".nhsuk-error-summary a")["href"] == "#compare"
    assert len(page.select("#compare input:checked")) == count


def test_only_listings_on_the_shortlist_can_be_compared(
    signed_in: FlaskClient, session: Session, commissioner: User, market: dict[str, str]
) -> None:
    shortlist_id = _shortlist_of(session, commissioner, market["meets-homecare"])
    url = f"/commission/shortlists/{shortlist_id}/compare?org={market['meets-homecare']}&org={market['fund-owned']}"
    page = checked_page(signed_in.get(url), status=400)
    assert "Choose organisations from this shortlist" in text_of(page)


# ---------------------------------------------------------------------------------------------------
# The commissioner role


def test_a_confirmed_account_at_a_commissioning_domain_becomes_a_commissioner_when_it_signs_in(
    app: Flask, session: Session
) -> None:
    emails = ["buyer@sheffield.gov.uk", "someone@notgov.uk", "mod@nhs.net"]
    ids = [
        make_user(session, email, Role.MODERATOR if email.startswith("mod") else Role.REPRESENTATIVE).id
        for email in emails
    ]
    app.config["COMMISSIONER_DOMAINS"] = "nhs.net, gov.uk"
    try:
        for email in emails:
            assert sign_in(app.test_client(), email).status_code == 302
    finally:
        app.config["COMMISSIONER_DOMAINS"] = ""
    assert [session.get(User, i).role for i in ids] == ["commissioner", "representative", "moderator"]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.role_changed", AuditEvent.subject_id == str(ids[0]))
    ).one()
    assert event.actor_id is None
    assert event.detail == {"from": "representative", "to": "commissioner"}


@pytest.mark.parametrize(
    ("email", "domains", "expected"),
    [
        ("a@nhs.net", ("nhs.net",), True),
        ("a@Sheffield.GOV.uk", ("gov.uk",), True),
        ("a@evilgov.uk", ("gov.uk",), False),
        ("a@gov.uk.example.com", ("gov.uk",), False),
        ("not-an-email", ("gov.uk",), False),
        ("a@nhs.net", (), False),
    ],
)
def test_commissioning_domains_match_whole_domains_and_subdomains(
    email: str, domains: tuple[str, ...], expected: bool
) -> None:
    assert commissioners.email_in_domains(email, domains) is expected


def test_parse_domains_reads_the_setting() -> None:
    assert commissioners.parse_domains(" NHS.net, @gov.uk,,.nhs.uk ") == ("nhs.net", "gov.uk", "nhs.uk")
    assert commissioners.parse_domains(None) == ()


def test_a_moderator_grants_and_revokes_the_commissioner_role(app: Flask, session: Session) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    person_id = make_user(session, "buyer@example.org").id
    make_user(session, "other-mod@example.org", Role.MODERATOR)
    client = app.test_client()
    sign_in(client, "mod@example.org")

    granted = post_form(client, "/commission/commissioners", {"email": "Buyer@Example.org"})
    assert granted.status_code == 302
    assert session.get(User, person_id).role == "commissioner"

    for email, message in [
        ("nobody@example.org", "There is no account with that email address"),
        ("buyer@example.org", "is already a commissioner"),
        ("other-mod@example.org", "is a moderator. An account has one role"),
        ("not an email", "Enter an email address in the correct format"),
    ]:
        page = checked_page(post_form(client, "/commission/commissioners", {"email": email}), status=400)
        assert message in page.select_one(".nhsuk-error-summary").get_text(), email

    page = checked_page(client.get("/commission/commissioners"))
    assert "buyer@example.org" in text_of(page)
    revoke = f"/commission/commissioners/{person_id}/revoke"
    assert post_form(client, "/commission/commissioners", {}, action=revoke).status_code == 302
    assert session.get(User, person_id).role == "representative"
    token = csrf_token_from(client.get("/commission/commissioners"))
    assert client.post(revoke, data={"csrf_token": token}).status_code == 404
