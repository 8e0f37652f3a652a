"""Public pages through the test client, each one checked (one h1, title, unique ids, forms)."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.pages import checked_page, text_of


def test_home_page_has_a_search_form_that_submits_to_find(client: FlaskClient) -> None:
    page = checked_page(client.get("/"))
    form = page.find("form")
    assert form["action"] == "/find"
    assert form.find("input", attrs={"name": "q"})


def test_organisations_list_shows_the_seed_listings_in_name_order(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations?per_page=100"))
    names = [a.get_text(strip=True) for a in page.select(".registry-result h2 a")]
    assert "Mutual Support" in names
    assert "Ripplez CIC" in names
    assert names == sorted(names, key=str.lower)


def test_organisations_list_paginates(client: FlaskClient) -> None:
    first = checked_page(client.get("/organisations?per_page=2"))
    assert len(first.select(".registry-result")) == 2
    assert first.select_one(".nhsuk-pagination__link--next")["href"].endswith("per_page=2&page=2")
    second = checked_page(client.get("/organisations?per_page=2&page=2"))
    assert {a.get_text() for a in first.select(".registry-result h2 a")}.isdisjoint(
        {a.get_text() for a in second.select(".registry-result h2 a")}
    )


def test_a_bad_page_number_is_a_clear_400_not_a_500(client: FlaskClient) -> None:
    for query in ("page=0", "page=-1", "page=abc", "per_page=100000", "page=99999999999"):
        response = client.get(f"/organisations?{query}")
        assert response.status_code == 400, query


def test_mutual_support_listing_shows_its_three_member_classes(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/mutual-support"))
    text = text_of(page)
    assert "Co-operative society" in text or "co-operative society" in text
    assert "Yorkshire and The Humber" in text
    rows = [
        row.find("th").get_text(" ", strip=True)
        for row in page.select("#ownership ~ .registry-table-scroll table tbody tr")
    ]
    assert [r.split(" People")[0] if r.startswith("People") else r for r in rows]
    assert any(r.startswith("People who need support") for r in rows)
    assert any(r.startswith("Paid care staff") for r in rows)
    assert any(r.startswith("Unpaid carers, friends and family") for r in rows)
    assert "South Yorkshire" in text and "Sheffield" in text
    assert "Co-operative Party" in text  # its source


def test_ripplez_listing_shows_origin_services_areas_and_sources(client: FlaskClient) -> None:
    text = text_of(checked_page(client.get("/organisations/ripplez-cic")))
    assert "Spun out of the NHS" in text
    assert "Right to Request" in text
    assert "April 2011" in text
    assert "Family Nurse Partnership" in text
    for area in ("Derby", "Derbyshire", "East Staffordshire"):
        assert area in text
    assert "East Midlands" in text
    assert "50 (2016)" in text  # Pioneers Post, 2017: the later of its two sources' head counts
    assert "£1.8 million (2014)" in text


def test_identifiers_link_to_their_public_register(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/sunshine-care-rochdale-cic"))
    link = page.select_one("#identifiers ~ dl a")
    assert "07008268" in link["href"]
    assert link["href"].startswith("https://")


def test_unknown_facts_say_not_known(client: FlaskClient) -> None:
    text = text_of(checked_page(client.get("/organisations/wrexham-and-district-running-club")))
    assert "Legal form not known" in text
    assert "Not known" in text


def test_missing_listing_is_a_404_page(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations/no-such-organisation"), status=404)
    assert page.h1.get_text() == "Page not found"


def test_missing_page_answers_json_when_asked(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["status"] == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_missing_page_answers_html_to_a_browser(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    checked_page(response, status=404)


def test_about_and_accessibility_pages_render(client: FlaskClient) -> None:
    text = text_of(checked_page(client.get("/about/data")))
    assert "ODC-By" in text and "Open Government Licence" in text and "GeoNames" in text
    checked_page(client.get("/accessibility"))


def test_footer_credits_ons_os_royal_mail_and_geonames(client: FlaskClient) -> None:
    footer = checked_page(client.get("/")).find("footer").get_text(" ")
    for credit in ("OS data", "Royal Mail", "National Statistics", "GeoNames", "Co-operatives UK"):
        assert credit in footer
