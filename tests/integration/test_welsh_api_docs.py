"""The API reference (/api/docs) and the open data page's sources in Welsh (issue 19).

The OpenAPI document carries its Welsh beside each English ``summary``, ``description`` and ``title`` (and each
tag's ``name``) as an OpenAPI extension, ``x-cy-<key>``: a plain ``cy`` key would make the document invalid
OpenAPI, where ``x-`` keys are allowed on every object that has words (info, tags, operations, parameters,
request bodies, responses) and schemas take any keyword. The served document keeps them: harmless to OpenAPI
tools, and there for a Welsh client. The page reads the Welsh in Welsh and the English in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient

from registry.services import open_data
from tests.support.pages import checked_page, text_of
from tests.support.welsh import english_left

WORDS = ("summary", "description", "title")
# Where the document's values are data, not words about the API: examples, and the maps of names to objects
# (a property called ``description`` is a field, not a description).
NOT_WORDS = ("example", "examples")


@pytest.fixture
def served(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert isinstance(document, dict)
    return document


def objects(node: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every object of the document that may hold words about the API, with where it is."""
    if isinstance(node, dict):
        if not (set(at) & set(NOT_WORDS)) and at[-1:] != ("properties",):
            yield at, node
        for key, value in node.items():
            yield from objects(value, (*at, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from objects(value, (*at, str(index)))


def welsh_page(client: FlaskClient, url: str) -> BeautifulSoup:
    page = checked_page(client.get(url))
    assert page.html is not None and page.html["lang"] == "cy"
    return page


def main_of(page: BeautifulSoup) -> Tag:
    main = page.find("main")
    assert isinstance(main, Tag)
    return main


# ---------------------------------------------------------------------------------------------------------
# The document


def test_every_english_word_of_the_document_has_its_welsh_beside_it(served: dict[str, Any]) -> None:
    missing = []
    # The servers' entry is the loader's, made per request ("This registry"), and not on the page.
    for at, node in objects({key: value for key, value in served.items() if key != "servers"}):
        for key in WORDS:
            english = node.get(key)
            if isinstance(english, str) and english.strip():
                welsh = node.get(f"x-cy-{key}")
                if not (isinstance(welsh, str) and welsh.strip()) or welsh.strip() == english.strip():
                    missing.append("/".join((*at, key)))
    for tag in served["tags"]:
        if not tag.get("x-cy-name") or tag["x-cy-name"] == tag["name"]:
            missing.append(f"tags/{tag['name']}")
    assert missing == []
    assert served["info"]["x-cy-summary"].startswith("Chwilio am gwmnïau cydfuddiannol")


def test_the_welsh_sits_only_beside_its_english_as_an_extension(served: dict[str, Any]) -> None:
    """No ``cy`` key (invalid OpenAPI), no Welsh inside an example or as a field's name, and each ``x-cy-`` key
    has the English it translates."""
    problems = []

    def visit(node: Any, at: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "cy" and at[-1:] != ("properties",):
                    problems.append("/".join((*at, key)))
                if key.startswith("x-cy-"):
                    english = key.removeprefix("x-cy-")
                    if english not in node or set(at) & set(NOT_WORDS) or at[-1:] == ("properties",):
                        problems.append("/".join((*at, key)))
                visit(value, (*at, str(key)))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, (*at, str(index)))

    visit(served, ())
    assert problems == []


def test_the_welsh_keeps_the_englishs_code(served: dict[str, Any]) -> None:
    """Every `backticked` code word of an English text is in its Welsh too (parameter names, values, paths)."""
    lost = []
    for at, node in objects(served):
        for key in WORDS:
            english, welsh = node.get(key), node.get(f"x-cy-{key}")
            if isinstance(english, str) and isinstance(welsh, str):
                missing = set(re.findall(r"`[^`]+`", english)) - set(re.findall(r"`[^`]+`", welsh))
                if missing:
                    lost.append(("/".join((*at, key)), sorted(missing)))
    assert lost == []


# ---------------------------------------------------------------------------------------------------------
# The page


def test_the_welsh_reference_reads_as_welsh(client: FlaskClient) -> None:
    page = welsh_page(client, "/api/docs?lang=cy")
    main = main_of(page)
    assert english_left(str(main)) == []
    # What stays English is marked: HTTP's own reason phrases ("OK", "Not Found") and code.
    kept = {element.get_text(" ", strip=True) for element in main.select('[lang="en"]')}
    assert kept and kept <= {"OK", "Bad Request", "Not Found", "Unsupported Media Type", "Service Unavailable"}
    text = text_of(main)
    for welsh in (
        "Chwilio rhestriadau cyhoeddedig",  # an operation's summary
        "Gwiriadau strwythur",  # a tag's name, as a section
        "Pa dudalen o ganlyniadau, gan gyfrif o 1.",  # a parameter's description
        "rhif cyfan",  # a type, from gettext
        "Hyd at 300 nod.",  # a note, from gettext
        "testun neu null",
    ):
        assert welsh in text, welsh
    assert "member_classes[].voting_rule" in text  # field names stay as they are
    assert "GET /api/v1/organisations" in text


def test_the_welsh_page_has_the_same_addresses_as_the_english(client: FlaskClient) -> None:
    english = checked_page(client.get("/api/docs?lang=en"))
    welsh = welsh_page(client, "/api/docs?lang=cy")
    ids = [[element["id"] for element in main_of(page).select("[id]")] for page in (english, welsh)]
    assert ids[0] == ids[1]
    assert "section-structure-checks" in ids[1]


def test_the_english_reference_reads_as_before(client: FlaskClient) -> None:
    page = checked_page(client.get("/api/docs?lang=en"))
    text = text_of(main_of(page))
    for english in (
        "Search published listings",
        "Structure checks",
        "Which page of results, counting from 1.",
        "whole number",
        "Up to 300 characters.",
        "string or null",
        "See /about/data for their licences.",
    ):
        assert english in text, english
    for welsh in ("Chwilio rhestriadau cyhoeddedig", "rhif cyfan", "Hyd at 300 nod."):
        assert welsh not in text, welsh


# ---------------------------------------------------------------------------------------------------------
# The open data page's sources


def test_the_sources_say_what_they_are_used_for_in_welsh(client: FlaskClient) -> None:
    assert set(open_data.USED_FOR_WELSH) == {source.name for source in open_data.DATA_SOURCES}
    page = welsh_page(client, "/data?lang=cy")
    main = main_of(page)
    assert english_left(str(main)) == []
    text = text_of(main)
    for source in open_data.DATA_SOURCES:
        assert open_data.USED_FOR_WELSH[source.name] in text
        assert source.used_for not in text
    kept = {element.get_text(" ", strip=True) for element in main.select('[translate="no"], [lang="en"]')}
    assert "ONS Postcode Directory" in kept  # names and attributions stay as they are


def test_the_english_sources_and_the_downloads_stay_english(client: FlaskClient) -> None:
    text = text_of(main_of(checked_page(client.get("/data?lang=en"))))
    for source in open_data.DATA_SOURCES:
        assert source.used_for in text
        assert open_data.USED_FOR_WELSH[source.name] not in text
    # The JSON download's sources and the licence note are the same in either language.
    summary = open_data.attribution()
    assert all(
        set(source) == {"name", "publisher", "used_for", "licence", "licence_url", "attribution"}
        for source in summary["sources"]
    )
    note = client.get("/data/licence.txt?lang=cy")
    assert note.status_code == 200
    assert "Used for: Imported listings" in note.get_data(as_text=True)
