"""The public search and listing pages in Welsh (issue 19): the home page, the search (a place, a service near a
place, no results), all organisations and a listing, rendered with ``?lang=cy``; and the same pages in English
still saying what they said.

Words that other parts of issue 19 translate (place and region names, the validator's rule titles and verdicts,
the wizard's fact names) are left out of the "no English left" checks here: ``test_welsh_pages`` checks whole
pages.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.distances import kilometres
from registry.domain.language import speaking
from registry.domain.search_query import SearchQueryError, parse_search_query
from registry.domain.verdict_summary import verdict_summary
from registry.models import Organisation
from tests.support.pages import checked_page, text_of
from tests.support.welsh import english_left

# Names of places and regions: the places and vocabulary helpers' words, not this page's.
PLACE_NAMES = ("Yorkshire and The Humber",)


def _welsh(client: FlaskClient, path: str, status: int = 200) -> BeautifulSoup:
    page = checked_page(client.get(path + ("&" if "?" in path else "?") + "lang=cy"), status=status)
    assert page.html is not None and page.html["lang"] == "cy", path
    return page


def _main(page: BeautifulSoup) -> Tag:
    main = page.select_one("main")
    assert main is not None
    return main


def _english_in(element: Tag) -> list[str]:
    return [piece for piece in english_left(BeautifulSoup(str(element), "html.parser")) if not _a_place(piece)]


def _a_place(piece: str) -> bool:
    return any(name in piece for name in PLACE_NAMES)


def _slug(session: Session, name: str) -> str:
    slug = session.scalar(select(Organisation.slug).where(Organisation.name == name))
    assert slug, name
    return slug


def test_the_home_page_in_welsh(client: FlaskClient) -> None:
    page = _welsh(client, "/")
    assert text_of(page.h1) == (
        "Dod o hyd i gwmni cydweithredol, cwmni cydfuddiannol neu fenter gymdeithasol ym maes iechyd neu ofal"
    )
    assert page.select_one("label[for=q]").get_text(strip=True) == "Cod post, tref neu enw sefydliad"
    summary = text_of(page.select_one("#directory-summary"))
    assert summary.startswith("Mae ") and " sefydliad wedi" in summary
    assert "Pori pob sefydliad" in text_of(page)
    assert not _english_in(_main(page))


def test_the_home_page_in_english_is_unchanged(client: FlaskClient) -> None:
    page = checked_page(client.get("/?lang=en"))
    assert page.html["lang"] == "en"
    assert text_of(page.h1) == "Find a health or care co-operative, mutual or social enterprise"
    assert "organisations are listed" in text_of(page.select_one("#directory-summary"))
    assert "Browse all organisations" in text_of(page)


def test_a_search_for_a_place_in_welsh(client: FlaskClient) -> None:
    page = _welsh(client, "/find?q=Sheffield")
    assert text_of(page.h1) == "Cwmnïau cydfuddiannol iechyd a gofal ger Sheffield"
    heading = text_of(page.select_one("#results-heading"))
    assert heading.endswith(" sefydliad"), heading
    where = text_of(page.select_one("#results-heading ~ .registry-meta"))
    assert where.startswith("Lleoliad Sheffield: "), where
    assert "Yn dangos sefydliadau sydd wedi'u lleoli o fewn 25 km" in where
    assert "Hidlo'r canlyniadau" in text_of(page)
    assert page.select_one("#filters")["aria-label"] == "Hidlwyr"
    assert "Mutual Support" in [a.get_text(strip=True) for a in page.select(".registry-result h3 a[translate=no]")]
    assert not _english_in(_main(page))


def test_a_service_near_a_place_in_welsh(client: FlaskClient) -> None:
    page = _welsh(client, "/find?q=home+care+near+Leeds")
    reading = page.select_one(".registry-reading")
    assert reading is not None
    assert text_of(reading).startswith("Yn dangos ")
    assert [text_of(strong) for strong in reading.select("strong")][-1] == "Leeds"
    assert "fel geiriau yn lle hynny" in text_of(reading)
    assert not _english_in(_main(page))


def test_a_search_finding_nothing_in_welsh(client: FlaskClient) -> None:
    page = _welsh(client, "/find?q=zzzzqqqq")
    assert text_of(page.select_one("#results-heading")) == "Ni ddaethpwyd o hyd i unrhyw sefydliadau"
    assert "Ni ddaethon ni o hyd i unrhyw sefydliadau sy'n cyfateb i zzzzqqqq" in text_of(page)
    assert not _english_in(_main(page))


def test_a_search_in_english_is_unchanged(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=Sheffield&lang=en"))
    assert text_of(page.h1) == "Health and care mutuals near Sheffield"
    where = text_of(page.select_one("#results-heading ~ .registry-meta"))
    assert where == (
        "Sheffield is in Yorkshire and The Humber. Showing organisations based within 25 km or serving Sheffield,"
        " nearest first."
    )
    nothing = checked_page(client.get("/find?q=zzzzqqqq&lang=en"))
    assert "We found no organisations matching zzzzqqqq" in text_of(nothing)


def test_all_organisations_in_welsh(client: FlaskClient) -> None:
    page = _welsh(client, "/organisations")
    assert text_of(page.h1) == "Pob sefydliad"
    meta = text_of(page.select_one(".registry-meta"))
    assert meta.startswith("Yn dangos 1 i ") and meta.endswith(" sefydliad, yn nhrefn yr enwau."), meta
    assert not _english_in(_main(page))
    english = checked_page(client.get("/organisations?lang=en"))
    assert text_of(english.select_one(".registry-meta")).endswith("organisations, in name order.")


def test_a_listing_in_welsh(client: FlaskClient, session: Session) -> None:
    slug = _slug(session, "Mutual Support")
    page = _welsh(client, f"/organisations/{slug}")
    assert page.h1["translate"] == "no"
    headings = [text_of(h2) for h2 in page.select("main h2")]
    for heading in ("Am y sefydliad", "Dynodwyr", "Tarddiad", "Pwy sy'n berchen arno ac yn ei reoli", "Ffynonellau"):
        assert heading in headings
    assert "Rhoi gwybod am broblem gyda'r rhestriad hwn" in text_of(page)
    # The verdicts and the rules are the validator's words (components/assessment.html), checked with it.
    main = _main(page)
    assessment = main.find(id="assessment")
    for element in [*assessment.find_next_siblings(), assessment] if assessment else []:
        if element.get("id") == "services":
            break
        element.decompose()
    for element in main.select("#verdict-summary, .nhsuk-tag, #listing-summary .nhsuk-summary-list__row"):
        element.decompose()
    assert not _english_in(main)


def test_a_listing_in_english_is_unchanged(client: FlaskClient, session: Session) -> None:
    page = checked_page(client.get(f"/organisations/{_slug(session, 'Mutual Support')}?lang=en"))
    headings = [text_of(h2) for h2 in page.select("main h2")]
    assert "About the organisation" in headings and "Who owns and controls it" in headings
    assert "Report a problem with this listing" in text_of(page)


def test_sentences_made_in_code_are_whole_welsh_sentences() -> None:
    report = {"verdict": "needs_information"}
    facts = ["Who the members are", "The board's seats", "Its share of income from trading (%)"]
    with speaking("cy"):
        assert verdict_summary({"verdict": "meets"}) == "Mae'n bodloni proffil y darparwr a ffefrir."
        assert verdict_summary(report, facts) == (
            "Mae angen 3 ffaith i benderfynu a yw'n bodloni proffil y darparwr a ffefrir: Who the members are;"
            " The board's seats a 1 arall."
        )
        assert kilometres(0.01) == "llai na 0.1 km"
        assert kilometres(3.24) == "3.2 km"
        with pytest.raises(SearchQueryError) as refused:
            parse_search_query({"radius_km": ["500"]})
        assert refused.value.fields["radius_km"] == "Rhowch bellter rhwng 1 a 200 cilometr, fel 25"
    assert verdict_summary(report, facts) == (
        "3 facts needed to decide whether it meets the preferred-provider profile: Who the members are;"
        " The board's seats and 1 more."
    )
    assert kilometres(0.01) == "less than 0.1 km"
