"""The public information pages in Welsh: about the data, the accessibility statement, open data, the API
reference, the contact page and its form, and the error pages. Each reads as Welsh in Welsh, keeps in English
(marked ``lang="en"``) only names and quotations that stay English, and reads as before in English."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role
from tests.support.accounts import make_user, outbox_to, post_form
from tests.support.pages import checked_page, text_of
from tests.support.welsh import english_left

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

REGULATIONS = "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"


def main_of(page: BeautifulSoup) -> Tag:
    """The page's own words: its ``main``, without the parts other pages' owners translate (the market overview
    that /about/data shares with the commissioners' pages, and the error summary's heading from the shared
    component)."""
    main = page.find("main")
    assert isinstance(main, Tag)
    in_numbers = main.find(id="in-numbers")
    if isinstance(in_numbers, Tag):
        introduction = in_numbers.find_next_sibling("p")
        for later in list((introduction or in_numbers).find_next_siblings()):
            later.decompose()
    for title in main.select(".nhsuk-error-summary__title"):
        title.decompose()
    return main


def welsh_page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    page = checked_page(client.get(url, headers={"Accept-Language": "cy"}), status=status)
    assert page.html is not None and page.html["lang"] == "cy"
    return page


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/about/data", "Am y data"),
        ("/accessibility", "Datganiad hygyrchedd"),
        ("/data", "Data agored"),
        ("/api/docs", "API JSON"),
        ("/contact", "Cysylltu â ni"),
    ],
)
def test_each_information_page_reads_as_welsh(client: FlaskClient, url: str, heading: str) -> None:
    page = welsh_page(client, f"{url}?lang=cy")
    assert page.find("h1").get_text(strip=True) == heading
    assert english_left(str(main_of(page))) == []


def test_a_missing_page_says_so_in_welsh(client: FlaskClient) -> None:
    page = welsh_page(client, "/no-such-page?lang=cy", status=404)
    assert page.find("h1").get_text(strip=True) == "Heb ddod o hyd i'r dudalen"
    assert "Mynd i'r hafan" in text_of(page)
    assert english_left(str(main_of(page))) == []


def test_a_missing_page_still_says_so_in_english(client: FlaskClient) -> None:
    page = checked_page(client.get("/no-such-page?lang=en"), status=404)
    assert page.find("h1").get_text(strip=True) == "Page not found"
    assert "Go to the home page" in text_of(page)


def test_the_api_still_answers_its_errors_in_english_codes(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing?lang=cy", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json


def test_a_form_sent_without_its_token_is_refused_in_welsh(client: FlaskClient) -> None:
    client.get("/contact?lang=cy")
    page = checked_page(client.post("/contact", data={"message": "Helo"}), status=400)
    assert page.find("h1").get_text(strip=True) == "Doedd dim modd anfon eich ffurflen"
    assert english_left(str(main_of(page))) == []


def test_a_bad_contact_message_is_explained_in_welsh(client: FlaskClient) -> None:
    client.get("/contact?lang=cy")
    response = post_form(client, "/contact", {"kind": "", "message": "", "email": ""})
    page = checked_page(response, status=400)
    summary = [a.get_text(strip=True) for a in page.select(".nhsuk-error-summary__list a")]
    assert summary == [
        "Dewiswch am beth mae eich neges",
        "Rhowch eich neges",
        "Rhowch eich cyfeiriad e-bost, er mwyn i ni allu ateb",
    ]
    field_errors = " ".join(e.get_text(" ", strip=True) for e in page.select(".nhsuk-error-message"))
    assert "Rhowch eich neges" in field_errors and "Dewiswch am beth mae eich neges" in field_errors
    assert english_left(str(main_of(page))) == []


def test_a_contact_message_too_long_is_explained_in_welsh_with_its_limit(client: FlaskClient) -> None:
    client.get("/contact?lang=cy")
    data = {"kind": "other", "message": "x" * 5001, "email": "sam@example.org", "name": "n" * 101}
    page = checked_page(post_form(client, "/contact", data), status=400)
    summary = [a.get_text(strip=True) for a in page.select(".nhsuk-error-summary__list a")]
    assert summary == ["Rhaid i'ch neges fod yn 5,000 nod neu lai", "Rhaid i'ch enw fod yn 100 nod neu lai"]


def test_the_contact_form_labels_and_choices_are_welsh(client: FlaskClient) -> None:
    page = welsh_page(client, "/contact?lang=cy")
    legend = page.select_one("main form legend")
    assert legend is not None and legend.get_text(strip=True) == "Am beth mae eich neges?"
    choices = [label.get_text(strip=True) for label in page.select("main form .nhsuk-radios__label")]
    assert choices == ["Mae rhestriad yn anghywir neu wedi dyddio", "Cwyn", "Problem hygyrchedd", "Rhywbeth arall"]
    assert page.select_one("main form button").get_text(strip=True) == "Anfon neges"


def test_a_message_sent_in_welsh_is_thanked_in_welsh_and_emailed_to_staff_in_english(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "mod@example.org", Role.MODERATOR)
    client.get("/contact?lang=cy")
    data = {"kind": "correction", "listing": "Cartrefi", "message": "Mae'r cyfeiriad wedi newid.", "email": "a@b.cy"}
    page = checked_page(post_form(client, "/contact", data))
    assert page.find("h1").get_text(strip=True) == "Neges wedi'i hanfon"
    assert "byddwn ni'n ysgrifennu at a@b.cy" in text_of(page)
    assert english_left(str(main_of(page))) == []
    [email] = outbox_to(session, "mod@example.org")
    assert email.subject.endswith("A listing is wrong or out of date (Cartrefi)")
    assert "What it is about: A listing is wrong or out of date" in email.body
    assert "Mae'r cyfeiriad wedi newid." in email.body


def test_the_accessibility_statement_keeps_its_structure_and_the_regulations_name(client: FlaskClient) -> None:
    english = checked_page(client.get("/accessibility?lang=en"))
    welsh = welsh_page(client, "/accessibility?lang=cy")

    def outline(page: BeautifulSoup) -> list[str]:
        return [heading.name for heading in page.select("main h2, main h3, main h4")]

    assert outline(welsh) == outline(english)
    names = [element.get_text(" ", strip=True) for element in welsh.select('main [lang="en"]')]
    assert REGULATIONS in names
    assert "Equality and Human Rights Commission (EHRC)" in names
    assert "Equality Advisory and Support Service (EASS)" in names
    assert "6 Rhagfyr 2026" in text_of(welsh)
    assert "chwyddo hyd at 300%" in text_of(welsh)


def test_open_data_keeps_licence_names_and_attributions_as_they_are(client: FlaskClient) -> None:
    page = welsh_page(client, "/data?lang=cy")
    kept = {element.get_text(" ", strip=True) for element in page.select('main [translate="no"], main [lang="en"]')}
    assert "Open Government Licence v3.0" in kept
    assert any(text.startswith("Contains OS data © Crown copyright") for text in kept)
    assert "Lawrlwythiadau" in [h.get_text(strip=True) for h in page.select("main h2")]
