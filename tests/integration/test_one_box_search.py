"""The one search box (what and where), the NHS and council geographies as places and commissioner filters, the
zero-results conversation and the map's assets (issue 17)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role, User
from tests.support.accounts import make_user, sign_in
from tests.support.factories import location, make_listing
from tests.support.pages import checked_page, text_of
from tests.support.places import DONCASTER

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def signed_in(app: Flask, session: Session) -> FlaskClient:
    commissioner: User = make_user(session, "buyer@nhs.example", Role.COMMISSIONER)
    client = app.test_client()
    assert sign_in(client, commissioner.email).status_code == 302
    return client


def _names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_text(strip=True) for a in page.select(".registry-result h3 a")]


@pytest.mark.parametrize("q", ["homecare Sheffield", "home care near Sheffield", "domiciliary care in Sheffield"])
def test_what_and_where_in_one_box_find_mutual_support(client: FlaskClient, q: str) -> None:
    answer = client.get("/api/v1/organisations", query_string={"q": q})
    assert answer.status_code == 200
    body = answer.get_json()
    assert "Mutual Support" in [item["name"] for item in body["data"]]
    reading = body["meta"]["reading"]
    assert reading["where"] == "Sheffield"
    assert reading["service"] == {"code": "hsc-homecare", "name": "homecare"}
    assert body["meta"]["place"]["name"] == "Sheffield"


def test_leeds_is_never_corrected_into_another_word(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations", query_string={"q": "home care near Leeds"}).get_json()
    assert body["meta"]["reading"]["where"] == "Leeds"
    assert body["meta"]["place"]["name"] == "Leeds"
    assert "corrected_terms" not in body["meta"]


def test_a_misspelt_place_is_corrected_to_the_place(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations", query_string={"q": "homecare Sheffeild"}).get_json()
    assert body["meta"]["reading"]["where"] == "Sheffield"
    assert body["meta"]["reading"]["place_typed"] == "Sheffeild"
    assert "Mutual Support" in [item["name"] for item in body["data"]]


def test_the_page_says_how_it_read_the_query_and_offers_the_words_as_text(client: FlaskClient) -> None:
    page = checked_page(client.get("/find", query_string={"q": "home care near Sheffield"}))
    reading = page.select_one(".registry-reading")
    assert text_of(reading).startswith("Showing homecare near Sheffield")
    link = reading.select_one("a")["href"]
    assert "as_text=yes" in link
    as_text = checked_page(client.get(link))
    assert as_text.select_one(".registry-reading") is None
    assert "Mutual Support" not in _names(as_text)  # "near" is in no listing's text


def test_ripplez_derby_finds_ripplez(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations", query_string={"q": "Ripplez Derby"}).get_json()
    assert body["meta"]["reading"]["what"] == "Ripplez"
    assert "Ripplez CIC" in [item["name"] for item in body["data"]]


@pytest.mark.parametrize(
    ("q", "kind", "code"),
    [
        ("South Yorkshire", "metropolitan_county", "E11000003"),
        ("NHS South Yorkshire ICB", "icb", "E54000061"),
        ("NHS South Yorkshire Integrated Care Board", "icb", "E54000061"),
        ("Derbyshire", "county", "E10000007"),
    ],
)
def test_areas_are_places(client: FlaskClient, q: str, kind: str, code: str) -> None:
    answer = client.get("/api/v1/places", query_string={"q": q})
    assert answer.status_code == 200
    place = answer.get_json()["data"]
    assert (place["kind"], place["area"]["code"]) == (kind, code)
    assert place["local_authority"] is None


def test_searching_an_icb_finds_listings_serving_its_districts(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations", query_string={"q": "homecare NHS South Yorkshire ICB"}).get_json()
    mutual = next(item for item in body["data"] if item["name"] == "Mutual Support")
    assert mutual["serves"] is True
    assert "Serves part of NHS South Yorkshire ICB" in mutual["reasons"]


@pytest.mark.parametrize("area", ["South Yorkshire", "NHS South Yorkshire ICB"])
def test_commissioners_filter_by_county_or_icb(signed_in: FlaskClient, area: str) -> None:
    answer = signed_in.get("/commission", query_string={"area": area}, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["meta"]["areas"] == [area]
    assert "Mutual Support" in [row["name"] for row in body["data"]]
    page = checked_page(signed_in.get("/commission", query_string={"area": area}))
    assert f"Serving {area}." in text_of(page.select_one("#results-heading ~ p.registry-meta"))


def test_an_unknown_area_is_an_error_with_suggestions_and_no_results(signed_in: FlaskClient) -> None:
    page = checked_page(signed_in.get("/commission", query_string={"area": "South Yorkshyre"}), status=400)
    assert "Did you mean South Yorkshire" in text_of(page.select_one(".nhsuk-error-summary"))
    assert not page.select("table.registry-results-table")
    assert "Download" not in text_of(page.find("main"))
    assert page.select_one("#results-heading").get_text(strip=True) == "Results"


def test_no_results_offer_no_download(signed_in: FlaskClient) -> None:
    page = checked_page(signed_in.get("/commission", query_string={"q": "zzqqxxnothing"}))
    assert "No organisations match" in page.get_text()
    assert "Download" not in text_of(page.find("main"))


def test_empty_filters_are_dropped_from_the_address(signed_in: FlaskClient) -> None:
    answer = signed_in.get("/commission?q=care&area=&based_km=&sort=")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/commission?q=care")


def test_zero_results_are_a_conversation(client: FlaskClient, session: Session) -> None:
    make_listing(
        session,
        "doncaster-homecare-co-op",
        locations=[location(*DONCASTER)],
        services=[{"code": "hsc-homecare"}],
        description="Homecare owned by its workers.",
    )
    page = checked_page(
        client.get("/find", query_string={"q": "homecare", "near": "S1 2HE", "match": "based", "radius_km": "10"})
    )
    assert not _names(page)
    conversation = page.select_one(".registry-no-results")
    text = text_of(conversation)
    assert "We found no organisations matching homecare based within 10 km of S1 2HE" in text
    wider = next(a for a in conversation.select("a") if "within" in a.get_text())
    assert wider.get_text(strip=True) == "Search within 50 km instead"
    assert "Search within 50 km instead : 1 organisation" in text
    assert "radius_km=50" in wider["href"]
    assert "near=" in wider["href"]
    assert "=&" not in wider["href"] and not wider["href"].endswith("=")  # no empty parameters
    assert "Search for \u2018homecare\u2019 anywhere" in text
    nearest = conversation.select_one("h3")
    assert nearest.get_text(strip=True) == "The nearest organisations offering homecare"
    assert "Doncaster Homecare Co Op" in text_of(nearest.find_next("ul"))


def test_a_results_page_with_a_map_loads_minified_leaflet_and_the_basemap(
    client: FlaskClient, session: Session
) -> None:
    make_listing(session, "doncaster-co-op", locations=[location(*DONCASTER)])
    page = checked_page(client.get("/find", query_string={"q": "S1 2HE", "radius_km": "50"}))
    scripts = [s.get("src", "") for s in page.select("script")]
    # The minified file, under its content-hashed name (static_files.py): vendor/leaflet/leaflet.<hash>.js
    assert any(re.search(r"vendor/leaflet/leaflet\.[0-9a-f]{12}\.js$", src) for src in scripts)
    assert not any("leaflet-src" in src for src in scripts)
    assert re.search(r"basemap/uk\.[0-9a-f]{12}\.geojson$", page.select_one("#results-map")["data-basemap"])
    with client.get(page.select_one("#results-map")["data-basemap"]) as basemap:
        assert basemap.status_code == 200
        assert "Natural Earth" in basemap.get_json()["licence"]


def test_a_results_page_without_a_map_loads_no_leaflet(client: FlaskClient) -> None:
    page = checked_page(client.get("/find", query_string={"q": "homecare"}))
    assert page.select_one("#results-map") is None
    assert "leaflet" not in str(page).lower()


def test_the_search_form_puts_no_empty_near_in_the_address(client: FlaskClient) -> None:
    # The form sends every field: an empty "near" is dropped by a redirect, without JavaScript.
    answer = client.get("/find?q=homecare&near=&radius_km=25&match=both")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/find?q=homecare&radius_km=25&match=both")
    assert client.get("/find?near=").headers["Location"].endswith("/find")
    page = checked_page(client.get(answer.headers["Location"]))
    assert "near=" not in "".join(a["href"] for a in page.select("a[href*='/find?']"))


@pytest.mark.parametrize("q", ["02P", "homecare 02P", "homecare in NHS South Yorkshire ICB - 02P"])
def test_a_sub_icb_code_in_the_box_is_a_place(client: FlaskClient, q: str) -> None:
    body = client.get("/api/v1/organisations", query_string={"q": q}).get_json()
    assert body["meta"]["place"]["kind"] == "sub_icb"
    assert body["meta"]["place"]["area"]["code"] == "E38000006"
    assert "Mutual Support" in [item["name"] for item in body["data"]]
    answer = client.get("/api/v1/places", query_string={"q": "02p"})
    assert answer.status_code == 200
    assert answer.get_json()["data"]["area"]["name"] == "NHS South Yorkshire ICB - 02P"


def test_words_like_a_postcode_near_a_place_offer_the_words_alone_not_a_500(client: FlaskClient) -> None:
    # Found by the API fuzz test: "A0" near S1 2HE has no results, and the "without the place" offer once looked
    # "A0" up as a postcode and failed.
    page = checked_page(client.get("/find", query_string={"q": "A0", "near": "S1 2HE"}))
    assert "A0" in text_of(page.find("main"))
    response = client.get("/api/v1/organisations", query_string={"q": "A0", "near": "S1 2HE"})
    assert response.status_code == 200
