"""The explanation pages (/explain and its topics) in Welsh. Each reads as Welsh; every quotation from a policy
document, an Act or GOV.UK stays exactly as in English, marked ``lang="en"``, with our Welsh gloss after it said
to be ours; who said what is not changed by the translation; and the English pages show no gloss."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from registry.web.public.explain import EXPLANATIONS
from tests.support.pages import checked_page, text_of
from tests.support.welsh import english_left

PAGES = ["/explain", *(f"/explain/{page.slug}" for page in EXPLANATIONS)]

VERNON = (
    "Social enterprises, co-operatives and mutals become second tier preferred providers after the NHS in "
    "commissioning future healthcare"
)
BRIEF = (
    "The Co-operative Party supports the move towards prime or alliance contracts as long as 'Any Qualified "
    "Provider' is replaced with the NHS as preferred provider."
)


def page_in(client: FlaskClient, url: str, language: str) -> BeautifulSoup:
    page = checked_page(client.get(f"{url}?lang={language}"))
    assert page.html is not None and page.html["lang"] == language
    return page


def main_of(page: BeautifulSoup) -> Tag:
    main = page.find("main")
    assert isinstance(main, Tag)
    return main


def quotations(page: BeautifulSoup) -> list[Tag]:
    return main_of(page).select("blockquote")


def words(element: Tag) -> str:
    return " ".join(element.get_text().split())


def english_pieces(page: BeautifulSoup) -> list[str]:
    """The words the page keeps in English (quotations, names of documents and Acts), in order."""
    return [words(element) for element in main_of(page).select('[lang="en"]')]


@pytest.mark.parametrize("url", PAGES)
def test_each_explanation_reads_as_welsh(client: FlaskClient, url: str) -> None:
    page = page_in(client, url, "cy")
    assert english_left(page) == []


@pytest.mark.parametrize("url", PAGES)
def test_the_quotations_stay_exactly_as_in_english_and_are_marked_english(client: FlaskClient, url: str) -> None:
    english, welsh = page_in(client, url, "en"), page_in(client, url, "cy")
    assert [words(q) for q in quotations(welsh)] == [words(q) for q in quotations(english)]
    for quotation in quotations(welsh):
        assert quotation.get("lang") == "en"
    # The words quoted inside sentences and the documents' names stay English too, marked so in both languages.
    assert set(english_pieces(english)) <= set(english_pieces(welsh))


@pytest.mark.parametrize("url", PAGES)
def test_each_welsh_quotation_is_glossed_as_our_translation_and_the_english_is_not(
    client: FlaskClient, url: str
) -> None:
    english, welsh = page_in(client, url, "en"), page_in(client, url, "cy")
    assert not main_of(english).select(".registry-gloss")
    glosses = main_of(welsh).select(".registry-gloss")
    assert len(glosses) == len(quotations(welsh))
    for gloss in glosses:
        assert words(gloss).startswith("(Yn Gymraeg, ein cyfieithiad ni:")


def figure_quoting(page: BeautifulSoup, quotation: str) -> Tag:
    for figure in main_of(page).select("figure"):
        blockquote = figure.find("blockquote")
        if isinstance(blockquote, Tag) and words(blockquote) == f"“{quotation}”":
            return figure
    raise AssertionError(f"no quotation {quotation!r}")


def test_the_second_tier_idea_stays_cllr_vernons_proposal_and_not_party_policy(client: FlaskClient) -> None:
    page = page_in(client, "/explain/preferred-providers", "cy")
    vernon = figure_quoting(page, VERNON)
    caption = words(vernon.find("figcaption"))
    assert "Y Cynghorydd Patrick Vernon OBE" in caption
    assert "nid polisi'r blaid" in caption
    assert "Ei gynnig ef ar gyfer maniffesto oedd hwn, nid polisi'r Blaid Gydweithredol." in text_of(page)


def test_the_policy_brief_says_preferred_provider_only_of_the_nhs(client: FlaskClient) -> None:
    page = page_in(client, "/explain/preferred-providers", "cy")
    brief = figure_quoting(page, BRIEF)
    caption = brief.find("figcaption")
    assert words(caption) == "Y Blaid Gydweithredol, Health & Social Care (Policy Brief), Mehefin 2014"
    assert [words(name) for name in caption.select('[lang="en"]')] == ["Health & Social Care (Policy Brief)"]
    assert "yn defnyddio'r geiriau am y GIG ei hun yn unig" in text_of(page)


def test_acts_keep_their_english_names_marked_english(client: FlaskClient) -> None:
    page = page_in(client, "/explain/reading-verdicts", "cy")
    assert "Co-operative and Community Benefit Societies Act 2014" in english_pieces(page)
    page = page_in(client, "/explain/public-service-mutuals", "cy")
    assert "Procurement Act 2023" in english_pieces(page)
    assert "Introduction to Public Service Mutuals" in english_pieces(page)


def test_the_index_lists_the_explanations_in_welsh(client: FlaskClient) -> None:
    page = page_in(client, "/explain", "cy")
    assert page.find("h1").get_text(strip=True) == "Beth mae'r geiriau'n ei olygu"
    titles = [words(a) for a in main_of(page).select("li a")]
    assert "Beth yw cwmni cydweithredol" in titles
    assert "Beth mae “darparwr a ffefrir” yn ei olygu yma" in titles
    assert len(titles) == len(EXPLANATIONS)


def test_the_english_sources_read_as_before(client: FlaskClient) -> None:
    page = page_in(client, "/explain/co-operatives", "en")
    captions = [words(caption) for caption in main_of(page).select("figcaption")]
    assert captions[0] == (
        "International Co-operative Alliance, Statement on the Co-operative Identity (1995), as the Financial "
        "Conduct Authority quotes it (RFCCBS 4.3.1 to 4.3.3)"
    )
