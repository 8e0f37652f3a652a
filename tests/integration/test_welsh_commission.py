"""The commissioners' pages in Welsh (issue 19): finding providers with its filters and results table, the market
overview and its charts, shortlists (made, shown, compared), adding a listing to one, profiles (listed, composed,
refused, shown, edited, shared) and, for moderators, the commissioners page; read in Welsh when the visitor has
chosen it (the ``registry_language`` cookie, as ``?lang=cy`` sets it), and the English pages unchanged.

What stays English on these pages is either what people wrote (organisation, shortlist and profile names, notes:
``translate="no"``) or words other parts of the registry own, which ``OTHERS`` lists by a piece of their text, so
that anything else left in English fails here."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Role, Shortlist
from tests.support.accounts import make_user, post_form, sign_in
from tests.support.commissioning import FUND_OWNED, PREFERRED_PROVIDER, SHEFFIELD, homecare, serves
from tests.support.factories import make_listing
from tests.support.pages import checked_page, text_of
from tests.support.welsh import ENGLISH_MARKERS, WORD, english_left

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

INVESTOR_CAP = "preferred-provider--PP-T2-INVESTOR-CAP--max_vote_pct"
PP_RULES = ["PP-T2-LEGAL-LOCK", "PP-T2-DISTRIBUTION", "PP-T2-INVESTOR-CAP"]

# Words on these pages that other parts of the registry own, or that people wrote, by a piece of their text.
OTHERS = (
    "Co-operatives UK",  # the layout's footer
    "People who need support",  # a member class's name, as the representative wrote it (compare)
    "Paid care staff",
    "Unpaid carers",
    "Investor members",
)
# The rule sets' Welsh quotes its English sources in curly quotes (a range's reason, data/rulesets/*.yaml): a
# quotation stays in the words it was written in.
QUOTED = re.compile(r"“[^”]*”")


def _reads_as_english(piece: str) -> bool:
    return any(word.lower() in ENGLISH_MARKERS for word in WORD.findall(QUOTED.sub("", piece)))


def welsh(client: FlaskClient) -> FlaskClient:
    client.set_cookie("registry_language", "cy")
    return client


def english(client: FlaskClient) -> FlaskClient:
    client.set_cookie("registry_language", "en")
    return client


def all_welsh(response: Any, status: int = 200) -> Any:
    """The page, checked, in Welsh, with no English left but what ``OTHERS`` allows."""
    page = checked_page(response, status=status)
    assert page.html is not None and page.html["lang"] == "cy"
    left = [
        piece
        for piece in english_left(page)
        if _reads_as_english(piece) and not any(other in piece for other in OTHERS)
    ]
    assert not left, f"English left in Welsh: {left[:8]}"
    return page


@pytest.fixture
def market(session: Session) -> dict[str, str]:
    """Two preferred providers with homecare in Sheffield and a fund-owned company (slugs, not objects)."""
    created = {
        "meets": make_listing(
            session,
            "cy-gofal-cartref",
            **copy.deepcopy(PREFERRED_PROVIDER),
            services=homecare(),
            service_areas=serves(SHEFFIELD),
        ),
        "meets-big": make_listing(
            session,
            "cy-gofal-mawr",
            **{
                **copy.deepcopy(PREFERRED_PROVIDER),
                "size": {"members": 125, "trading_income_pct": 92, "employees": 300, "turnover_gbp": 12_000_000},
            },
            services=[{"code": "hsc-homecare"}, {"code": "hsc-reablement"}],
            service_areas=serves(SHEFFIELD),
            verification="verified",
        ),
        "fund": make_listing(
            session,
            "cy-cronfa-gofal",
            **copy.deepcopy(FUND_OWNED),
            services=homecare(),
            service_areas=serves(SHEFFIELD),
        ),
    }
    return {key: org.slug for key, org in created.items()}


@pytest.fixture
def commissioner(app: Flask, session: Session) -> FlaskClient:
    make_user(session, "prynwr@gig.example", Role.COMMISSIONER)
    client = app.test_client()
    assert sign_in(client, "prynwr@gig.example").status_code == 302
    return client


def profile_form(name: str, cap: str = "20") -> dict[str, Any]:
    return {"name": name, "rule": [f"preferred-provider--{rule}" for rule in PP_RULES], INVESTOR_CAP: cap}


def save_profile(client: FlaskClient, name: str) -> int:
    response = post_form(client, "/commission/profiles/new", profile_form(name))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def make_shortlist(client: FlaskClient, session: Session, name: str, slugs: list[str]) -> int:
    response = post_form(client, "/commission/shortlists", {"name": name})
    assert response.status_code == 302
    shortlist_id = session.scalar(select(Shortlist.id).where(Shortlist.name == name))
    assert shortlist_id is not None
    for slug in slugs:
        page = f"/commission/organisations/{slug}/shortlist"
        added = post_form(client, page, {"shortlist": str(shortlist_id), "note": "Ffonio ym mis Mai"})
        assert added.status_code == 302
    return int(shortlist_id)


# ---------------------------------------------------------------------------------------------------
# Finding providers and the market overview


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?legal_form=co_operative_society",
        "?area=Sheffield&based_km=10&eligible=meets",
        "?area=Sheffield&area_match=all&sort=name&order=desc",
        "?employees=large&turnover=10m_to_50m&verification=verified",
    ],
)
def test_finding_providers_is_in_welsh(commissioner: FlaskClient, market: dict[str, str], query: str) -> None:
    page = all_welsh(welsh(commissioner).get("/commission" + query))
    assert "Dod o hyd i ddarparwyr a ffefrir" in text_of(page)


def test_the_results_count_and_table_are_in_welsh(commissioner: FlaskClient, market: dict[str, str]) -> None:
    page = all_welsh(welsh(commissioner).get("/commission?area=Sheffield&service=hsc-homecare"))
    text = text_of(page)
    heading = page.select_one("#results-heading")
    assert heading is not None and re.fullmatch(r"\d+ sefydliad", heading.get_text(strip=True))
    assert "Yn gwasanaethu Sheffield" in text
    assert "Ychwanegu at restr fer" in text
    assert "300 cyflogai" in text


def test_a_filter_in_error_says_so_in_welsh(commissioner: FlaskClient, market: dict[str, str]) -> None:
    response = welsh(commissioner).get("/commission?area=Nowhereshire&based_km=7")
    page = all_welsh(response, status=response.status_code)
    text = text_of(page)
    assert "Doedden ni ddim yn gallu dod o hyd i awdurdod lleol" in text
    assert "Dewiswch bellter o'r rhestr" in text


def test_the_results_against_a_profile_are_in_welsh(commissioner: FlaskClient, market: dict[str, str]) -> None:
    profile_id = save_profile(welsh(commissioner), "Gofal Sheffield")
    page = all_welsh(commissioner.get(f"/commission?profile={profile_id}&profile_verdict=plausible&sort=plausible"))
    assert "Gofal Sheffield (fersiwn 1)" in text_of(page)


def test_the_market_overview_is_in_welsh(commissioner: FlaskClient, market: dict[str, str]) -> None:
    page = all_welsh(welsh(commissioner).get("/commission/overview?area=Sheffield"))
    text = text_of(page)
    assert "Trosolwg o'r farchnad" in text
    assert "Rhestriadau yn ôl rhanbarth a gwlad, yn ôl dyfarniad y darparwr a ffefrir" in text


# ---------------------------------------------------------------------------------------------------
# Shortlists


def test_shortlists_are_in_welsh(commissioner: FlaskClient, session: Session, market: dict[str, str]) -> None:
    all_welsh(welsh(commissioner).get("/commission/shortlists"))
    shortlist_id = make_shortlist(commissioner, session, "Gofal 2027", [market["meets"], market["meets-big"]])
    page = all_welsh(commissioner.get("/commission/shortlists"))
    assert "Gofal 2027" in text_of(page)
    page = all_welsh(commissioner.get(f"/commission/shortlists/{shortlist_id}"))
    text = text_of(page)
    assert "2 sefydliad. Dim ond chi sy'n gallu gweld y rhestr fer hon." in text
    assert "Ffonio ym mis Mai" in page.get_text()
    profile_id = save_profile(commissioner, "Gofal Sheffield")
    all_welsh(commissioner.get(f"/commission/shortlists/{shortlist_id}?profile={profile_id}"))


def test_the_comparison_is_in_welsh(commissioner: FlaskClient, session: Session, market: dict[str, str]) -> None:
    slugs = [market["meets"], market["fund"]]
    shortlist_id = make_shortlist(welsh(commissioner), session, "Cymharu", slugs)
    page = all_welsh(commissioner.get(f"/commission/shortlists/{shortlist_id}/compare", query_string={"org": slugs}))
    assert "Cymharu 2 sefydliad" in text_of(page)
    profile_id = save_profile(commissioner, "Gofal Sheffield")
    all_welsh(
        commissioner.get(
            f"/commission/shortlists/{shortlist_id}/compare", query_string={"org": slugs, "profile": profile_id}
        )
    )


def test_a_comparison_of_one_is_refused_in_welsh(
    commissioner: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    shortlist_id = make_shortlist(welsh(commissioner), session, "Un", [market["meets"]])
    response = commissioner.get(f"/commission/shortlists/{shortlist_id}/compare", query_string={"org": market["meets"]})
    page = all_welsh(response, status=response.status_code)
    assert "Dewiswch o leiaf 2 sefydliad i'w cymharu" in text_of(page)


def test_adding_to_a_shortlist_is_in_welsh(commissioner: FlaskClient, session: Session, market: dict[str, str]) -> None:
    page = all_welsh(welsh(commissioner).get(f"/commission/organisations/{market['meets']}/shortlist"))
    assert "Rhestr fer newydd" in text_of(page)
    make_shortlist(commissioner, session, "Gofal 2027", [market["meets"]])
    all_welsh(commissioner.get(f"/commission/organisations/{market['meets']}/shortlist?next=/commission"))
    response = post_form(
        commissioner, f"/commission/organisations/{market['meets']}/shortlist", {"shortlist": "new", "new_name": ""}
    )
    page = all_welsh(response, status=response.status_code)
    assert "Rhowch enw i'r rhestr fer newydd" in text_of(page)


def test_what_is_flashed_after_a_change_is_in_welsh(
    commissioner: FlaskClient, session: Session, market: dict[str, str]
) -> None:
    welsh(commissioner)
    response = post_form(commissioner, "/commission/shortlists", {"name": "Gofal 2027"}, follow_redirects=True)
    assert "Rydych wedi creu'r rhestr fer Gofal 2027." in text_of(all_welsh(response))
    response = post_form(commissioner, "/commission/shortlists", {"name": "Gofal 2027"})
    page = all_welsh(response, status=response.status_code)
    assert "Mae gennych restr fer o'r enw Gofal 2027 yn barod. Dewiswch enw arall" in text_of(page)


# ---------------------------------------------------------------------------------------------------
# Profiles


def test_profiles_are_in_welsh(commissioner: FlaskClient, market: dict[str, str]) -> None:
    all_welsh(welsh(commissioner).get("/commission/profiles"))
    all_welsh(commissioner.get("/commission/profiles/new"))
    profile_id = save_profile(commissioner, "Gofal Sheffield")
    page = all_welsh(commissioner.get("/commission/profiles"))
    assert "Eich un chi" in text_of(page)
    page = all_welsh(commissioner.get(f"/commission/profiles/{profile_id}"))
    assert "3 rheol o setiau o reolau'r gofrestr" in text_of(page)
    all_welsh(commissioner.get(f"/commission/profiles/{profile_id}/edit"))


def test_a_bad_profile_is_refused_in_welsh(commissioner: FlaskClient) -> None:
    welsh(commissioner)
    response = post_form(commissioner, "/commission/profiles/new", profile_form("", cap="lots"))
    page = all_welsh(response, status=400)
    text = text_of(page)
    assert "Rhowch enw i'r proffil" in text or "rhowch rif o" in text
    response = post_form(commissioner, "/commission/profiles/new", profile_form("Y cap", cap="95"))
    all_welsh(response, status=400)


def test_a_shared_profile_is_in_welsh(app: Flask, session: Session, commissioner: FlaskClient) -> None:
    profile_id = save_profile(welsh(commissioner), "Gofal Sheffield")
    page = f"/commission/profiles/{profile_id}"
    assert post_form(commissioner, page, {}, action=f"{page}/share").status_code == 302
    shown = all_welsh(commissioner.get(page))
    link = shown.select_one("code")
    assert link is not None
    token = link.get_text().rstrip("/").rsplit("/", 1)[1]
    make_user(session, "arall@gig.example", Role.COMMISSIONER)
    other = app.test_client()
    assert sign_in(other, "arall@gig.example").status_code == 302
    all_welsh(welsh(other).get(f"/commission/profiles/shared/{token}"))


# ---------------------------------------------------------------------------------------------------
# Granting the role, and the English pages unchanged


def test_the_commissioners_page_is_in_welsh_for_moderators(app: Flask, session: Session) -> None:
    make_user(session, "cymedrolwr@example.org", Role.MODERATOR)
    make_user(session, "comisiynydd@example.org", Role.COMMISSIONER)
    make_user(session, "cymedrolwr2@example.org", Role.MODERATOR)
    client = app.test_client()
    assert sign_in(client, "cymedrolwr@example.org").status_code == 302
    page = all_welsh(welsh(client).get("/commission/commissioners"))
    assert "Gwneud rhywun yn gomisiynydd" in text_of(page)
    response = post_form(client, "/commission/commissioners", {"email": "cymedrolwr2@example.org"})
    page = all_welsh(response, status=response.status_code)
    assert "Mae cymedrolwr2@example.org yn gymedrolwr." in text_of(page)


def test_the_english_pages_are_unchanged(commissioner: FlaskClient, session: Session, market: dict[str, str]) -> None:
    page = checked_page(english(commissioner).get("/commission?area=Sheffield"))
    text = text_of(page)
    assert "Find preferred providers" in text
    heading = page.select_one("#results-heading")
    assert heading is not None and re.fullmatch(r"\d+ organisations", heading.get_text(strip=True))
    assert "Serving Sheffield." in text
    shortlist_id = make_shortlist(commissioner, session, "Homecare 2027", [market["meets"]])
    text = text_of(checked_page(commissioner.get(f"/commission/shortlists/{shortlist_id}")))
    assert "1 organisation. Only you can see this shortlist." in text
    text = text_of(checked_page(commissioner.get("/commission/overview")))
    assert "Market overview" in text
