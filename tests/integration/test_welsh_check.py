"""The structure check (/check) and the shared form toolkit in Welsh: the page, its field labels, hints, choices,
add-another and remove buttons, the error summary and each field's error, and WTForms' own messages."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from wtforms import FormField, IntegerField
from wtforms.validators import DataRequired

from registry.domain import labels
from registry.domain.language import speaking
from registry.web.forms import SubForm, choices, form_errors, vocabulary_choices
from registry.web.structure_form import MemberClassForm, StructureForm
from tests.support.pages import checked_page
from tests.support.welsh import english_left

NO_CONTROL_IN_WELSH = "Tynnwch y bobl neu'r cyrff a restrwyd, neu atebwch fod gan un reolaeth sylweddol"


def _vocabulary_labels() -> set[str]:
    """The reference vocabularies' labels in Welsh: words held as data, translated beside the English (not here)."""
    with speaking("cy"):
        found = {str(label) for name in ("legal_forms", "member_class_kinds") for _, label in vocabulary_choices(name)}
        for mapping in (labels.ORIGIN, labels.SPIN_OUT_PROGRAMME, labels.VOTING_RULE, labels.VOTE_DECISION):
            found |= {str(mapping[code]) for code in mapping}
        for mapping in (labels.BOARD_SEAT_SOURCE, labels.ASSET_LOCK, labels.DISSOLUTION_CLAUSE):
            found |= {str(mapping[code]) for code in mapping}
        found |= {str(labels.DISTRIBUTION_BASIS[code]) for code in labels.DISTRIBUTION_BASIS}
    return found


def _english_in_main(page: BeautifulSoup) -> list[str]:
    """English left in the page's main content, leaving out the vocabularies' own labels."""
    vocabulary = _vocabulary_labels()
    return [piece for piece in english_left(str(page.main)) if piece not in vocabulary]


def _token(client: FlaskClient, url: str = "/check?lang=cy") -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_check_page_is_in_welsh(client: FlaskClient) -> None:
    page = checked_page(client.get("/check?lang=cy"))
    assert page.html["lang"] == "cy"
    assert page.h1.get_text() == "Gwirio strwythur aelodaeth"
    assert _english_in_main(page) == []
    assert page.select_one("label[for=name]").get_text(strip=True) == "Enw'r sefydliad"
    assert page.select_one("button[value=check]").get_text(strip=True) == "Gwirio'r strwythur hwn"
    assert page.select_one("button[value=add-member-class]").get_text(strip=True) == "Ychwanegu dosbarth aelodau arall"
    assert page.select_one("#member-class-1 legend").get_text(strip=True) == "Dosbarth aelodau 1"
    # Radios say yes and no in Welsh; choices written in code follow the request's language.
    radios = [label.get_text(strip=True) for label in page.select("label[for^=registered_charity-]")]
    assert radios == ["Nid yw'n hysbys", "Ie", "Na"]
    # The Act keeps its English name, marked so that a screen reader reads it in English.
    assert page.find(lang="en", string="Co-operative and Community Benefit Societies Act 2014")


def test_the_page_gives_registry_js_its_words_in_welsh(client: FlaskClient) -> None:
    page = checked_page(client.get("/check?lang=cy"))
    heading = page.select_one("[data-label-not-a-class]")
    assert heading["data-label-not-a-class"] == "{name} (nid yw'n un o'r dosbarthiadau aelodau uchod)"
    english = checked_page(client.get("/check?lang=en"))
    assert english.select_one("[data-label-not-a-class]")["data-label-not-a-class"] == (
        "{name} (not one of the member classes above)"
    )


def test_a_refused_submission_is_explained_in_welsh(client: FlaskClient) -> None:
    data = {
        "csrf_token": _token(client),
        "action": "check",
        "name": "Cydweithfa Gofal",
        "legal_form": "co_operative_society",
        "has_significant_control": "no",
        "significant_control-0-name": "Someone",
    }
    page = checked_page(client.post("/check?lang=cy", data=data), 400)
    assert page.title.get_text().startswith("Gwall: Gwirio strwythur aelodaeth")
    summary = page.select_one(".nhsuk-error-summary")
    assert summary.select_one("#error-summary-title").get_text(strip=True) == "Mae problem"
    link = summary.select_one("a[href='#has_significant_control']")
    assert link.get_text(strip=True) == NO_CONTROL_IN_WELSH
    message = page.select_one(".nhsuk-error-message").get_text(" ", strip=True)
    assert message == f"Gwall: {NO_CONTROL_IN_WELSH}"
    assert _english_in_main(page) == []


def test_the_same_refusal_stays_english_in_english(client: FlaskClient) -> None:
    data = {
        "csrf_token": _token(client, "/check?lang=en"),
        "action": "check",
        "name": "Care Co-op",
        "legal_form": "co_operative_society",
        "has_significant_control": "no",
        "significant_control-0-name": "Someone",
    }
    page = checked_page(client.post("/check?lang=en", data=data), 400)
    assert page.select_one("#error-summary-title").get_text(strip=True) == "There is a problem"
    assert page.select_one(".nhsuk-error-message").get_text(" ", strip=True).startswith("Error: Remove the people")


def test_add_another_and_remove_buttons_are_in_welsh(client: FlaskClient) -> None:
    data = {"csrf_token": _token(client), "action": "add-member-class", "member_classes-0-name": "Staff"}
    page = checked_page(client.post("/check?lang=cy", data=data))
    assert page.select_one("#member-class-2 legend").get_text(strip=True) == "Dosbarth aelodau 2"
    assert page.select_one("button[value=remove-member-class-1]").get_text(strip=True) == "Tynnu dosbarth aelodau 2"
    assert _english_in_main(page) == []


def test_a_board_seat_elected_by_a_class_no_longer_named_says_so_in_welsh(client: FlaskClient) -> None:
    data = {
        "csrf_token": _token(client),
        "action": "add-board-seat",
        "member_classes-0-name": "Staff",
        "board_seats-0-member_class": "Gofalwyr",
    }
    page = checked_page(client.post("/check?lang=cy", data=data))
    options = [o.get_text() for o in page.select("#board_seats-0-member_class option")]
    assert options[0] == "Nid yw'n hysbys, neu nid un dosbarth sy'n eu hethol"
    assert "Gofalwyr (nid yw'n un o'r dosbarthiadau aelodau uchod)" in options


def test_form_messages_follow_the_request_language(app: Flask) -> None:
    """The toolkit's own messages (the column's length limit) and WTForms' built-in ones, in a form and in the
    rows inside it, are in the language of the request that shows them."""

    class Row(SubForm):
        number = IntegerField("Number", validators=[DataRequired()])

    class Page(FlaskForm):
        row = FormField(Row)
        member_class = FormField(MemberClassForm)

    data = {"row-number": "", "member_class-name": "x" * 1000}
    found = {}
    for language in ("en", "cy"):
        with app.test_request_context("/", method="POST", data=data), speaking(language):
            form = Page(meta={"csrf": False})
            form.validate()
            found[language] = form_errors(form)
    assert found["en"]["member_class-name"].startswith("The class's name must be ")
    assert found["en"]["row-number"] == "This field is required."
    assert re.fullmatch(r"Enw'r dosbarth: dim mwy na [\d,]+ nod", found["cy"]["member_class-name"])
    assert found["cy"]["row-number"] == "Rhaid cwblhau'r maes hwn."


def test_labels_and_choices_made_at_import_follow_the_language(app: Flask) -> None:
    with app.test_request_context("/"):
        for language, label, blank, yes in (
            ("en", "Organisation name", "Not known", "Yes"),
            ("cy", "Enw'r sefydliad", "Nid yw'n hysbys", "Ie"),
        ):
            with speaking(language):
                form = StructureForm(formdata=None, meta={"csrf": False})
                assert str(form.name.label.text) == label
                assert [str(c.label) for c in form.registered_charity.choices] == [
                    blank,
                    yes,
                    "No" if language == "en" else "Na",
                ]
                voting = {c.value: str(c.label) for c in form.member_classes[0].form.voting_rule.choices}
                assert voting[""] == blank
                assert voting["one_member_one_vote"] == labels.VOTING_RULE["one_member_one_vote"]


def test_choices_made_from_a_vocabularys_items_at_import_are_not_frozen_in_english() -> None:
    """``choices(labels.ORIGIN.items())`` written in a form class body reads each label when it is shown."""
    made = choices(labels.ORIGIN.items())
    with speaking("cy"):
        welsh = [str(choice.label) for choice in made]
    english = [str(choice.label) for choice in made]
    assert welsh[1:] == [str(label) for label in _in_welsh(labels.ORIGIN)]
    assert english[1:] == [labels.ORIGIN[code] for code in labels.ORIGIN]
    assert welsh[0] == "Nid yw'n hysbys" and english[0] == "Not known"


def _in_welsh(mapping: Any) -> list[str]:
    with speaking("cy"):
        return [str(mapping[code]) for code in mapping]
