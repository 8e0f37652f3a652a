"""What every page's frame offers: the footer's links and calls to action, and back links inside a landmark."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.pages import checked_page

FOOTER_LINKS = {
    "/manage/listings/new": "Register your organisation",
    "/explain": "What the words mean",
    "/about/data": "About the data and licences",
    "/data": "Download the data",
    "/api/docs": "API documentation",
    "/contact": "Contact us",
    "/accessibility": "Accessibility statement",
}


def test_the_footer_links_the_data_the_api_docs_registering_and_contact(client: FlaskClient) -> None:
    page = checked_page(client.get("/"))
    footer = page.select_one("footer")
    links = {a["href"]: a.get_text(strip=True) for a in footer.select("a")}
    assert links == FOOTER_LINKS
    assert "/api/v1/organisations" not in links  # raw JSON is reached from the API documentation
    assert "Contains Co-operatives UK open data (ODC-By 1.0)" in footer.get_text()


def test_every_footer_link_opens_a_page(client: FlaskClient) -> None:
    for href in FOOTER_LINKS:
        response = client.get(href)
        # Registering asks an anonymous visitor to sign in first.
        assert response.status_code == (302 if href.startswith("/manage") else 200), href


def test_the_home_page_asks_organisations_to_register(client: FlaskClient) -> None:
    page = checked_page(client.get("/"))
    call = page.select_one("main a[href='/manage/listings/new']")
    assert call is not None
    assert call.get_text(strip=True) == "Register your organisation"


def test_a_back_link_is_inside_a_navigation_landmark(representative: FlaskClient) -> None:
    page = checked_page(representative.get("/manage/claim"))
    back = page.select_one(".nhsuk-back-link")
    assert back is not None
    landmark = back.find_parent("nav")
    assert landmark is not None and landmark["aria-label"] == "Back"
    assert back.get_text(strip=True) == "Back to your listings"


def test_breadcrumbs_keep_their_own_navigation_landmark(client: FlaskClient) -> None:
    page = checked_page(client.get("/api/docs"))
    crumbs = page.select_one("nav.nhsuk-breadcrumb")
    assert crumbs is not None and crumbs["aria-label"] == "Breadcrumb"
    assert crumbs.find_parent("nav") is None
