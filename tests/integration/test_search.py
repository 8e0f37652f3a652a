"""Finding a mutual near me: text, facets and location through the search page and the JSON API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Organisation
from registry.services.search_index import reindex
from tests.support.factories import location, make_listing
from tests.support.pages import checked_page, text_of
from tests.support.places import DONCASTER, ROTHERHAM, SHEFFIELD_S1_2HE


def _names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_text(strip=True) for a in page.select(".registry-result h3 a")]


def test_derby_postcode_finds_ripplez_because_it_serves_derby(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=DE1+3QT"))
    assert "Ripplez CIC" in _names(page)
    result = next(r for r in page.select(".registry-result") if "Ripplez CIC" in r.get_text())
    assert "Serves Derby" in result.get_text()


def test_sheffield_postcode_finds_mutual_support_because_it_serves_sheffield(client: FlaskClient) -> None:
    for query in ("S1 2HE", "s12he", "S1  2HE"):
        page = checked_page(client.get("/find", query_string={"q": query}))
        assert "Mutual Support" in _names(page), query
        assert page.h1.get_text(strip=True) == "Health and care mutuals near S1 2HE"


@pytest.mark.parametrize("query", ["Sheffield", "sheffield", "S1", "S1 2"])
def test_places_and_partial_postcodes_find_mutual_support(client: FlaskClient, query: str) -> None:
    page = checked_page(client.get("/find", query_string={"q": query}))
    assert "Mutual Support" in _names(page)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("S1 2HE", "S1 2HE is in Sheffield, Yorkshire and The Humber."),
        ("Sheffield", "Sheffield is in Yorkshire and The Humber."),  # not "Sheffield is in Sheffield"
    ],
)
def test_the_page_says_where_the_place_is(client: FlaskClient, query: str, said: str) -> None:
    page = checked_page(client.get("/find", query_string={"q": query}))
    assert text_of(page.select_one("#results-heading ~ .registry-meta")).startswith(said)


def test_unknown_postcode_gets_a_clear_message_with_an_error_summary(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=ZZ9+9ZZ"), status=400)
    summary = page.select_one(".nhsuk-error-summary")
    assert "ZZ9 9ZZ" in summary.get_text()
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("#q-error")


def test_unknown_place_in_near_suggests_close_names(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?near=Sheffeld"), status=400)
    assert "Sheffield" in text_of(page)


def test_a_typo_in_a_name_still_finds_the_listing(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=Ripplze"))
    assert _names(page) == ["Ripplez CIC"]
    assert "Mutual Support" in _names(checked_page(client.get("/find?q=Mutaul+Suport")))


def test_a_misspelt_word_is_corrected_and_the_page_says_so(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=homecre"))
    assert "Mutual Support" in _names(page)
    assert "Showing results for homecare (you typed homecre)." in text_of(page)
    body = client.get("/api/v1/organisations?q=homecre").json
    assert body["meta"]["corrected_terms"] == {"homecre": "homecare"}
    assert "mutual-support" in [item["slug"] for item in body["data"]]


def test_corrections_follow_the_words_listings_use_now(client: FlaskClient, session: Session) -> None:
    org_id = make_listing(session, "brewing-co-op", description="A zymurgical co-operative").id
    assert _names(checked_page(client.get("/find?q=zymurgicl"))) == ["Brewing Co Op"]
    org = session.get(Organisation, org_id)
    assert org is not None
    org.description = "A co-operative of brewers"
    reindex(session, [org])
    session.commit()
    page = checked_page(client.get("/find?q=zymurgicl"))
    assert _names(page) == []
    assert "Showing results for" not in text_of(page)


def test_text_search_covers_descriptions_and_services(client: FlaskClient) -> None:
    assert "Mutual Support" in _names(checked_page(client.get("/find?q=homecare")))
    assert "Ripplez CIC" in _names(checked_page(client.get("/find?q=family+nurse")))


def test_based_nearby_results_come_nearest_first_with_their_distance(client: FlaskClient, session: Session) -> None:
    make_listing(session, "near-co-op", locations=[location(*ROTHERHAM)], legal_form="co_operative_society")
    make_listing(session, "far-co-op", locations=[location(*DONCASTER)], legal_form="co_operative_society")
    make_listing(session, "nearest-co-op", locations=[location(*SHEFFIELD_S1_2HE)], legal_form="co_operative_society")
    body = client.get("/api/v1/organisations?near=S1+2HE&radius_km=25").json
    based = [item for item in body["data"] if item["distance_km"] is not None and item["distance_km"] <= 25]
    assert [item["slug"] for item in based] == ["nearest-co-op", "near-co-op"]
    assert based[0]["distance_km"] < 1
    assert 7 < based[1]["distance_km"] < 12
    assert "far-co-op" not in [item["slug"] for item in body["data"]]
    wider = client.get("/api/v1/organisations?near=S1+2HE&radius_km=50").json
    assert "far-co-op" in [item["slug"] for item in wider["data"]]


def test_serving_and_based_filters_narrow_to_either_kind(client: FlaskClient, session: Session) -> None:
    make_listing(session, "based-only", locations=[location(*ROTHERHAM)])
    both = {i["slug"] for i in client.get("/api/v1/organisations?near=S1+2HE").json["data"]}
    based = {i["slug"] for i in client.get("/api/v1/organisations?near=S1+2HE&match=based").json["data"]}
    serves = {i["slug"] for i in client.get("/api/v1/organisations?near=S1+2HE&match=serves").json["data"]}
    assert {"based-only", "mutual-support"} <= both
    assert "based-only" in based and "mutual-support" not in based
    assert "mutual-support" in serves and "based-only" not in serves


def test_each_result_says_why_it_is_there(client: FlaskClient) -> None:
    item = next(
        i for i in client.get("/api/v1/organisations?near=S1+2HE").json["data"] if i["slug"] == "mutual-support"
    )
    assert item["serves"] is True
    assert item["distance_km"] is None
    assert item["reasons"] == ["Serves Sheffield"]


def test_facets_count_and_combine(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations?per_page=50").json
    legal_forms = {f["value"]: f["count"] for f in body["meta"]["facets"]["legal_form"]}
    assert legal_forms["co_operative_society"] >= 1
    assert legal_forms["community_interest_company"] >= 3
    narrowed = client.get("/api/v1/organisations?legal_form=community_interest_company&region=E12000004").json
    assert "ripplez-cic" in [i["slug"] for i in narrowed["data"]]
    assert {i["region"]["code"] if isinstance(i["region"], dict) else i["region"] for i in narrowed["data"]} == {
        "E12000004"
    }
    # Counts for a facet ignore that facet's own filter, so other choices stay visible.
    assert {f["value"] for f in narrowed["meta"]["facets"]["legal_form"]} >= {"community_interest_company"}


def test_member_kind_facet_finds_multi_stakeholder_structures(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations?member_kind=carer&per_page=100").json
    assert "mutual-support" in [i["slug"] for i in body["data"]]
    assert body["meta"]["total"] == len(body["data"]) < 20


def test_service_group_facet_includes_its_specific_services(client: FlaskClient) -> None:
    body = client.get("/api/v1/organisations?service=hsc-adult-social-care&per_page=100").json
    assert "mutual-support" in [i["slug"] for i in body["data"]]


def test_filters_work_as_checkboxes_without_javascript(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=care&legal_form=co_operative_society"))
    box = page.select_one("input[type=checkbox][name=legal_form][value=co_operative_society]")
    assert box.has_attr("checked")
    assert page.select_one("form#filters")["method"] == "get"


def test_an_empty_result_is_helpful(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=zzzzqqqq"))
    assert "No organisations found" in text_of(page)
    assert "We found no organisations matching zzzzqqqq" in text_of(page)
    assert "Browse all organisations" in text_of(page)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 5000},
        {"q": "'; DROP TABLE organisation; --"},
        {"q": '" OR 1=1 NEAR( *'},
        {"q": "\x00\x1f\ud7ff"},
        {"radius_km": "-5", "near": "S1"},
        {"radius_km": "1e308", "near": "S1"},
        {"radius_km": "nan", "near": "S1"},
        {"page": "-1"},
        {"page": "99999999999999"},
        {"per_page": "0"},
        {"legal_form": "not-a-form"},
        {"match": "sideways"},
        {"near": "ZZ9 9ZZ"},
        {"near": "12345"},
    ],
)
def test_bad_input_is_a_4xx_or_a_page_never_a_500(client: FlaskClient, query: dict[str, str]) -> None:
    page = client.get("/find", query_string=query)
    api = client.get("/api/v1/organisations", query_string=query)
    assert page.status_code in (200, 400), page.status_code
    assert api.status_code in (200, 400), api.status_code
    if api.status_code == 400:
        assert api.json["error"]["message"]


def test_places_api_resolves_postcodes_partial_postcodes_and_places(client: FlaskClient) -> None:
    data = client.get("/api/v1/places?q=bt15gs").json["data"]
    assert data["kind"] == "postcode"
    assert data["postcode"] == "BT1 5GS"
    assert 54.55 < data["lat"] < 54.65 and -6.0 < data["lon"] < -5.85  # Belfast, not Chester
    assert data["local_authority"]["name"] == "Belfast"
    assert data["region"] == {"code": "N92000002", "name": "Northern Ireland"}
    assert client.get("/api/v1/places?q=S1").json["data"]["kind"] == "outcode"
    assert client.get("/api/v1/places?q=S1 2").json["data"]["kind"] == "sector"
    sheffield = client.get("/api/v1/places?q=Sheffield").json["data"]
    assert sheffield["kind"] in ("local_authority", "place")
    assert sheffield["local_authority"]["code"] == "E08000039"


def test_places_api_answers_404_for_unknown_and_400_for_malformed(client: FlaskClient) -> None:
    unknown = client.get("/api/v1/places?q=ZZ9 9ZZ")
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/places?q=").status_code == 400
    assert client.get("/api/v1/places?q=" + "1" * 300).status_code == 400


def test_a_misspelt_place_that_finds_nothing_suggests_places(client: FlaskClient) -> None:
    # (Sheffield itself is named by listings, so a typo of it finds them: Matlock is named by none.)
    page = checked_page(client.get("/find?q=Matlok"))
    assert "No organisations found" in text_of(page)
    assert page.select_one("a[href='/find?near=Matlock']")


def test_common_words_are_ranked_once_per_change_to_the_index(
    client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matches of a common word are kept until the search index changes, and never served stale."""
    from registry.services import search_text

    monkeypatch.setattr(search_text, "TEXT_CACHE_MIN_MATCHES", 1)  # the test database has no common words
    monkeypatch.setattr(search_text, "_text_cache", search_text.OrderedDict())
    ranked: list[int] = []
    real = search_text.ids_and_scores

    def counting(*args: object, **kwargs: object) -> object:
        ranked.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_text, "ids_and_scores", counting)

    def slugs() -> list[str]:
        return [i["slug"] for i in client.get("/api/v1/organisations?q=homecare&per_page=100").json["data"]]

    first = slugs()
    assert "mutual-support" in first
    assert slugs() == first
    assert len(ranked) == 1  # the second search was answered from the kept matches

    make_listing(session, "kept-homecare-co-op", description="Homecare owned by its workers.")
    after = slugs()
    assert set(after) == {*first, "kept-homecare-co-op"}
    assert len(ranked) == 2  # the index changed, so the word was ranked again
    assert slugs() == after
    assert len(ranked) == 2
