"""Forms people can use by keyboard and screen reader: the error summary NHS.UK frontend's script focuses,
add-another and remove buttons that land on the row they changed, a board seat's "Elected by" chosen from the
member classes, a moderator's decision asked once, and dates in words on the pages behind the forms."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.web.date_filters import dated_lines, moment
from tests.support.accounts import post_form
from tests.support.moderation import pending_request, published_listing
from tests.support.pages import checked_page, text_of
from tests.support.registration import ABOUT, GOVERNANCE, listing_by_slug, post_step, register, submit

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

CLASSES = {
    "member_classes-0-name": "Care workers",
    "member_classes-0-kind": "staff",
    "member_classes-1-name": "People who receive care",
    "member_classes-1-kind": "service_user",
}


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("/check", {"action": "check", "member_classes-0-count": "lots"}),
        ("/account/sign-in", {"email": "", "password": ""}),
        ("/account/sign-up", {"email": "not an address"}),
        ("/account/reset-password", {"email": ""}),
    ],
)
def test_every_form_page_error_summary_is_the_module_nhsuk_frontend_focuses(
    client: FlaskClient, page: str, data: dict[str, str]
) -> None:
    summary = checked_page(post_form(client, page, data), 400).select_one(".nhsuk-error-summary")
    assert summary["data-module"] == "nhsuk-error-summary"
    assert summary["tabindex"] == "-1"
    assert summary.select_one("a[href^='#']")


def test_a_wizard_step_error_summary_is_the_module_nhsuk_frontend_focuses(representative: FlaskClient) -> None:
    response = post_step(representative, "/manage/listings/new", {"name": ""})
    summary = checked_page(response, 400).select_one(".nhsuk-error-summary")
    assert summary["data-module"] == "nhsuk-error-summary"


def _check(client: FlaskClient, action: str, **answers: str) -> Any:
    return checked_page(post_form(client, "/check", {"action": action, **answers}))


@pytest.mark.parametrize(
    ("kind", "answers", "landing"),
    [
        ("member-class", CLASSES, "member-class-3"),
        ("board-seat", {}, "board-seat-2"),
        ("control", {}, "control-1"),
    ],
)
def test_add_another_lands_on_the_new_row_without_javascript(
    client: FlaskClient, kind: str, answers: dict[str, str], landing: str
) -> None:
    page = _check(client, f"add-{kind}", **answers)
    after = int(landing.rsplit("-", 1)[1]) + 1
    assert page.select_one(f"button[value=add-{kind}]")["formaction"] == f"/check#{kind}-{after}"
    added = page.select_one(f"fieldset#{landing}")
    assert added["tabindex"] == "-1"
    assert added.legend.get_text(strip=True)


def test_the_add_button_posts_to_the_page_with_the_new_row_named(client: FlaskClient) -> None:
    page = checked_page(client.get("/check"))
    assert page.select_one("button[value=add-member-class]")["formaction"] == "/check#member-class-2"
    assert page.select_one("button[value=add-board-seat]")["formaction"] == "/check#board-seat-2"
    assert page.select_one("button[value=add-control]")["formaction"] == "/check#control-1"
    assert page.select_one("form#structure-form")["action"] == "/check"


def test_remove_lands_on_the_row_before_or_the_list_heading(client: FlaskClient) -> None:
    page = _check(client, "add-member-class", **CLASSES)
    removes = {b["value"]: b["formaction"] for b in page.select("button[value^=remove-member-class-]")}
    assert removes == {
        "remove-member-class-0": "/check#member_classes",
        "remove-member-class-1": "/check#member-class-1",
        "remove-member-class-2": "/check#member-class-2",
    }
    assert page.select_one("h2#member_classes")["tabindex"] == "-1"
    page = _check(client, "remove-member-class-1", **CLASSES)
    assert [f["id"] for f in page.select("fieldset[id^=member-class-]")] == ["member-class-1"]


def test_the_wizard_rows_land_where_they_were_added(representative: FlaskClient) -> None:
    slug = register(representative)
    page = checked_page(representative.get(f"/manage/listings/{slug}/legal"))
    url = f"/manage/listings/{slug}/legal"
    assert page.select_one("button[value=add-identifier]")["formaction"] == f"{url}#identifier-2"
    assert page.select_one("fieldset#identifier-1")["tabindex"] == "-1"
    page = checked_page(representative.get(f"/manage/listings/{slug}/governance"))
    url = f"/manage/listings/{slug}/governance"
    assert page.select_one("button[value=add-member-class]")["formaction"] == f"{url}#member-class-4"
    assert page.select_one("button[value=remove-board-seat-2]")["formaction"] == f"{url}#board-seat-2"
    page = checked_page(representative.get(f"/manage/listings/{slug}/services"))
    assert page.select_one("button[value=add-location]")["formaction"] == f"/manage/listings/{slug}/services#location-2"


def _options(page: Any, seat: int) -> list[tuple[str, str]]:
    select = page.select_one(f"select#board_seats-{seat}-member_class")
    return [(option["value"], option.get_text(strip=True)) for option in select.select("option")]


def test_elected_by_is_a_choice_of_the_member_classes_on_the_form(client: FlaskClient) -> None:
    page = _check(client, "add-board-seat", **CLASSES)
    assert page.select_one("label[for=board_seats-0-member_class]").get_text(strip=True) == "Elected by"
    assert _options(page, 0) == [
        ("", "Not known, or not elected by one class"),
        ("Care workers", "Care workers"),
        ("People who receive care", "People who receive care"),
    ]
    assert _options(page, 1) == _options(page, 0)


def test_a_seat_elected_by_a_class_no_longer_listed_keeps_its_answer_and_says_so(client: FlaskClient) -> None:
    answers = {
        **CLASSES,
        "member_classes-0-name": "Staff members",  # renamed since the seat chose "Care workers"
        "board_seats-0-source": "elected_by_class",
        "board_seats-0-member_class": "Care workers",
    }
    page = checked_page(post_form(client, "/check", {"action": "check", **answers}), 400)
    links = {a["href"]: a.get_text(strip=True) for a in page.select(".nhsuk-error-summary a")}
    assert links["#board_seats-0-member_class"] == "Choose a member class that is in the list of member classes"
    assert page.select_one("#board_seats-0-member_class-error")
    chosen = page.select_one("select#board_seats-0-member_class option[selected]")
    assert chosen["value"] == "Care workers"
    assert chosen.get_text(strip=True) == "Care workers (not one of the member classes above)"
    # Put right by choosing a class on the list, the check goes through.
    page = checked_page(
        post_form(client, "/check", {"action": "check", **answers, "board_seats-0-member_class": "Staff members"})
    )
    assert not page.select(".nhsuk-error-summary")


def test_the_wizard_offers_the_listings_classes_and_keeps_the_stored_choice(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = checked_page(representative.get(f"/manage/listings/{slug}/governance"))
    assert [value for value, _ in _options(page, 0)] == ["", "Care workers", "People who receive care", "Family carers"]
    assert page.select_one("select#board_seats-2-member_class option[selected]")["value"] == "Family carers"
    seats = listing_by_slug(session, slug).board_seats
    assert [s.elected_by.name if s.elected_by else None for s in seats] == [
        "Care workers",
        "People who receive care",
        "Family carers",
    ]
    # A seat answered in another case than the class is spelled keeps its answer, shown under the class's name.
    response = post_step(
        representative,
        f"/manage/listings/{slug}/governance",
        {**GOVERNANCE, "member_classes-1-count": "lots"},
    )
    page = checked_page(response, 400)
    chosen = page.select_one("select#board_seats-2-member_class option[selected]")
    assert (chosen["value"], chosen.get_text(strip=True)) == ("family carers", "Family carers")


def test_partial_dates_and_moments_read_as_people_write_them() -> None:
    assert dated_lines(["2019-03"], "founded") == ["March 2019"]
    assert dated_lines(["2011-04-01"], "Spun out") == ["1 April 2011"]
    assert dated_lines(["2019-03"], "description") == ["2019-03"]
    assert dated_lines(["Annual return, FCA, 2024-06, https://example.org"], "sources") == [
        "Annual return, FCA, June 2024, https://example.org"
    ]
    assert moment(datetime(2026, 12, 6, 10, 0)) == "6 December 2026 at 10:00"
    assert moment("2026-12-06T10:00") == "6 December 2026 at 10:00"


def test_a_listings_answers_changes_and_history_show_dates_in_words(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    response = post_step(representative, f"/manage/listings/{slug}/about", {**ABOUT, "founded": "2019-03"})
    assert response.status_code == 302
    answers = text_of(checked_page(representative.get(f"/manage/listings/{slug}")))
    assert "March 2019" in answers and "2019-03" not in answers
    history = checked_page(representative.get(f"/organisations/{slug}/history"))
    changed = history.select_one("table.registry-changes")
    assert "March 2019" in changed.get_text() and "2019-03" not in changed.get_text()
    when = history.select_one("p.registry-meta").get_text()
    assert re.match(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d, by ", when), when


def test_a_moderators_decision_is_asked_once_as_the_radios_legend(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    submit(representative, slug)
    page = checked_page(moderator.get(f"/moderate/changes/{pending_request(session, slug).id}"))
    assert text_of(page).count("Your decision") == 1
    legend = page.select_one("fieldset#decision legend")
    assert legend.get_text(strip=True) == "Your decision"
    assert "nhsuk-fieldset__legend--m" in legend["class"]
