"""The representatives' pages in Welsh (issue 19): the registration wizard's four steps, check your answers, your
listings, claiming, withdrawing and a listing's history, with their field errors and error summary, read in Welsh
when the visitor has chosen it (``?lang=cy`` or the ``registry_language`` cookie); the English pages unchanged.

What stays English on these pages is either what people wrote (names, descriptions: ``translate="no"``) or words
other parts of the registry own: the assessment's rule texts, the identifier registers' names, place names, the
member-structure editor's messages and the gazetteer's. ``OTHERS`` lists them, so that anything else left in
English fails here."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.domain.language import speaking
from registry.services.editing import STATUS_LABELS, change_summary, changes
from tests.support.registration import ABOUT, listing_by_slug, post_step, register
from tests.support.welsh import english_left

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

# Words on these pages that other parts of the registry own (or that people wrote), by a piece of their text.
OTHERS = (
    "People who receive care",  # a member class's name, as the representative wrote it
    "Client directors",  # a board seat's name, as the representative wrote it
    "as a whole number from 0 to",  # the member-structure editor's messages (registry/web/structure_form.py)
)


def welsh(client: FlaskClient) -> FlaskClient:
    client.get("/manage")  # shows (and so clears) what the English steps flashed
    client.set_cookie("registry_language", "cy")
    return client


def text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def left_in_english(html: str) -> list[str]:
    return [piece for piece in english_left(html) if not any(other in piece for other in OTHERS)]


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_each_step_of_registering_reads_in_welsh(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    welsh(representative)
    titles = {
        "about": "Am y sefydliad",
        "legal": "Ffurf gyfreithiol a dynodyddion",
        "governance": "Aelodau, bwrdd ac elw",
        "services": "Gwasanaethau a ble mae'n gweithio",
    }
    for step, title in titles.items():
        response = representative.get(f"/manage/listings/{slug}/{step}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert page(html).h1.get_text(strip=True) == title
        assert 'lang="cy"' in html
        assert "Cadw a pharhau" in text(html) and "Cadw a dod yn ôl yn nes ymlaen" in text(html)
        assert left_in_english(html) == [], step
    new = representative.get("/manage/listings/new").get_data(as_text=True)
    assert "Cofrestru sefydliad: cam 1 o 4" in new
    assert left_in_english(new) == []


def test_a_bad_first_step_gives_welsh_field_errors_and_summary(representative: FlaskClient) -> None:
    welsh(representative)
    bad = {**ABOUT, "name": "", "website": "javascript:alert(1)", "founded": "20", "employees": "lots"}
    response = post_step(representative, "/manage/listings/new", bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = text(str(page(html).select_one(".nhsuk-error-summary")))
    for message in (
        "Rhowch enw'r sefydliad",
        "Rhowch gyfeiriad gwe sy'n dechrau gyda https://",
        "Rhowch pryd y cafodd ei sefydlu fel blwyddyn",
        "Rhowch nifer y gweithwyr fel rhif cyfan",
    ):
        assert message in summary
        # and beside its field
        assert text(str(page(html).select_one('form[action="/manage/listings/new"]'))).count(message) == 1
    assert left_in_english(html) == []


def test_bad_later_steps_give_welsh_errors(representative: FlaskClient) -> None:
    slug = register(representative)
    welsh(representative)
    legal = post_step(
        representative,
        f"/manage/listings/{slug}/legal",
        {"legal_form": "nonsense", "identifiers-0-scheme": "GB-MPR", "identifiers-0-value": ""},
    )
    assert legal.status_code == 400
    html = legal.get_data(as_text=True)
    assert "Dewiswch ffurf gyfreithiol o'r rhestr" in text(html)
    assert "Rhowch y rhif neu'r cod" in text(html)
    assert left_in_english(html) == []

    governance = post_step(
        representative, f"/manage/listings/{slug}/governance", {"member_classes-0-count": "3"}
    ).get_data(as_text=True)
    assert "Rhowch enw dosbarth aelodau 1" in governance
    assert "Dewiswch pwy yw aelodau dosbarth 1" in governance
    assert left_in_english(governance) == []

    services = post_step(
        representative, f"/manage/listings/{slug}/services", {"services": ["nonsense"], "locations-0-name": "Swyddfa"}
    ).get_data(as_text=True)
    assert "Dewiswch wasanaethau o'r rhestr" in text(services)
    assert "Rhowch y cod post" in text(services)
    assert left_in_english(services) == []


def test_check_your_answers_your_listings_and_history_read_in_welsh(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    welsh(representative)
    answers = representative.get(f"/manage/listings/{slug}").get_data(as_text=True)
    assert page(answers).h1.get_text(strip=True) == "Gwirio eich atebion: Riverside Homecare Co-operative"
    assert "Cyflwyno i'w adolygu" in text(answers) and "Drafft" in text(answers)
    assert "120 aelod" in text(answers)
    # What the representative wrote is shown as written, marked not to be translated.
    description = page(answers).find(string=lambda s: "Homecare in Sheffield" in s)
    assert description is not None and description.find_parent(attrs={"translate": "no"}) is not None
    # Everything but the assessment (the rule sets' words, owned elsewhere) reads in Welsh.
    assessment = page(answers).select_one("#assessment")
    before_assessment = answers[: answers.index(str(assessment)[:30])]
    assert left_in_english(before_assessment + "</body>") == []

    home = representative.get("/manage").get_data(as_text=True)
    assert page(home).h1.get_text(strip=True) == "Eich rhestriadau"
    assert "Rhestriadau rydych chi'n eu cynrychioli" in text(home)
    assert left_in_english(home) == []

    history = representative.get(f"/organisations/{slug}/history").get_data(as_text=True)
    assert page(history).h1.get_text(strip=True) == "Hanes Riverside Homecare Co-operative"
    assert "Diwygiad 4:" in history
    assert left_in_english(history) == []


def test_claim_withdraw_and_their_errors_read_in_welsh(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    welsh(representative)
    search = representative.get("/manage/claim?q=zzqx").get_data(as_text=True)
    assert "Hawlio rhestriad sy'n bodoli" in text(search)
    assert "Nid oes gan unrhyw restriad cyhoeddedig enw fel yna" in text(search)
    assert left_in_english(search) == []

    withdraw = post_step(representative, f"/manage/listings/{slug}/withdraw", {})
    html = withdraw.get_data(as_text=True)
    assert withdraw.status_code == 400
    assert "Cadarnhewch eich bod am dynnu'r rhestriad yn ôl" in text(html)
    assert left_in_english(html) == []

    done = post_step(representative, f"/manage/listings/{slug}/withdraw", {"confirm": "y"}, action="")
    assert done.status_code == 302
    home = representative.get("/manage").get_data(as_text=True)
    assert "Rydych chi wedi tynnu Riverside Homecare Co-operative yn ôl" in text(home)
    assert listing_by_slug(session, slug).status == "withdrawn"


def test_the_english_pages_are_unchanged(representative: FlaskClient) -> None:
    slug = register(representative)
    html = representative.get(f"/manage/listings/{slug}/about?lang=en").get_data(as_text=True)
    assert page(html).h1.get_text(strip=True) == "About the organisation"
    assert "Save and continue" in html and "Organisation name" in html
    response = post_step(representative, "/manage/listings/new", {**ABOUT, "name": ""})
    assert "Enter the organisation&#39;s name" in response.get_data(as_text=True)


def test_a_revisions_summary_is_stored_in_english_whatever_the_language() -> None:
    before = {"name": "Old name", "website": None}
    after = {"name": "New name", "website": "https://example.org"}
    with speaking("cy"):
        rows = changes(before, after)
        assert [row.label for row in rows] == ["Enw", "Gwefan"]
        assert change_summary(rows) == "Changed name and website"
    assert STATUS_LABELS["draft"] == "Draft"


def test_the_conflict_page_reads_in_welsh(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    welsh(representative)
    stale = str(listing_by_slug(session, slug).version - 1)
    response = post_step(
        representative, f"/manage/listings/{slug}/about", {**ABOUT, "phone": "0114 496 0001", "version": stale}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert page(html).h1.get_text(strip=True) == "Newidiodd rhywun arall y rhestriad hwn tra oeddech chi'n ei olygu"
    assert "Golygu'r fersiwn sydd wedi'i chadw" in text(html)
    assert left_in_english(html) == []
