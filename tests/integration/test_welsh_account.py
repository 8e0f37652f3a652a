"""Accounts in Welsh: the pages and their errors, the language a person chooses on their account page, and the
emails, which go in the recipient's language (the one they chose, else the one of the request that causes them)."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from registry.models import Claim, Role, User
from registry.services.moderation import reject_claim
from tests.support.accounts import (
    PASSWORD,
    csrf_token_from,
    make_user,
    outbox_to,
    post_form,
    sign_in,
    signed_in_client,
)
from tests.support.pages import checked_page, text_of
from tests.support.welsh import english_left

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

WELSH_SITE_NAME = "Cofrestr Cwmnïau Cydfuddiannol Iechyd a Gofal"


def user_named(session: Session, email: str) -> User:
    session.expire_all()
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def main_of(response: TestResponse, status: int = 200) -> BeautifulSoup:
    """The page's main content (the layout around it is the layout's to translate), checked as a page."""
    page = checked_page(response, status)
    assert page.html is not None and page.html.get("lang") == "cy"
    main = page.find("main")
    assert main is not None
    return main


@pytest.mark.parametrize("path", ["/account/sign-in", "/account/sign-up", "/account/reset-password"])
def test_the_account_pages_are_in_welsh(client: FlaskClient, path: str) -> None:
    main = main_of(client.get(f"{path}?lang=cy"))
    assert english_left(str(main)) == []


def test_the_account_pages_say_what_to_put_right_in_welsh(client: FlaskClient) -> None:
    client.get("/account/sign-in?lang=cy")
    main = main_of(post_form(client, "/account/sign-in", {"email": "someone@example.org", "password": ""}), 400)
    assert main.find("h1").get_text() == "Mewngofnodi"
    assert "Rhowch eich cyfrinair" in text_of(main)

    main = main_of(post_form(client, "/account/sign-in", {"email": "nobody@example.org", "password": "a b c d"}), 400)
    assert "Nid yw'r cyfeiriad e-bost neu'r cyfrinair yn gywir" in text_of(main)

    main = main_of(post_form(client, "/account/sign-up", {"email": "amira@example.org", "password": "short"}), 400)
    assert "Rhaid i'r cyfrinair fod yn 12 nod neu fwy" in text_of(main)
    assert "Defnyddiwch 12 nod neu fwy." in text_of(main)  # the hint of a new password

    main = main_of(
        post_form(client, "/account/sign-up", {"email": "amira@example.org", "password": "password1234"}), 400
    )
    assert "Rhowch gyfrinair sy'n anoddach ei ddyfalu" in text_of(main)


def test_signing_up_in_welsh_chooses_welsh_and_the_confirmation_email_is_in_welsh(
    client: FlaskClient, session: Session
) -> None:
    client.get("/account/sign-up?lang=cy")
    main = main_of(post_form(client, "/account/sign-up", {"email": "Gwen@Example.org", "password": PASSWORD}))
    assert main.find("h1").get_text() == "Gwiriwch eich e-bost"
    assert "Rydyn ni wedi anfon e-bost at gwen@example.org ." in text_of(main)
    assert english_left(str(main)) == []

    assert user_named(session, "gwen@example.org").language == "cy"
    [email] = outbox_to(session, "gwen@example.org")
    assert email.subject == "Cadarnhau eich cyfeiriad e-bost"
    assert email.body.startswith(
        f"I orffen creu eich cyfrif {WELSH_SITE_NAME}, cadarnhewch eich cyfeiriad e-bost drwy agor y ddolen hon:\n\n"
    )
    assert "Mae'r ddolen yn gweithio am 7 diwrnod." in email.body


def test_signing_up_in_english_leaves_the_language_unchosen(client: FlaskClient, session: Session) -> None:
    post_form(client, "/account/sign-up", {"email": "sam@example.org", "password": PASSWORD})
    assert user_named(session, "sam@example.org").language is None
    [email] = outbox_to(session, "sam@example.org")
    assert email.subject == "Confirm your email address"
    assert email.body.startswith("To finish creating your Health & Care Mutuals Registry account")


def test_an_email_follows_the_language_its_recipient_chose_over_the_page_that_caused_it(
    client: FlaskClient, session: Session
) -> None:
    welsh = make_user(session, "cymraeg@example.org")
    english = make_user(session, "english@example.org")
    welsh.language, english.language = "cy", "en"
    session.commit()

    # From an English page, to someone who chose Welsh.
    post_form(client, "/account/reset-password?lang=en", {"email": "cymraeg@example.org"}, "/account/reset-password")
    [email] = outbox_to(session, "cymraeg@example.org")
    assert email.subject == "Ailosod eich cyfrinair"
    assert f"Mae rhywun wedi gofyn am ailosod y cyfrinair ar gyfer eich cyfrif {WELSH_SITE_NAME}." in email.body

    # From a Welsh page, to someone who chose English.
    post_form(client, "/account/reset-password?lang=cy", {"email": "english@example.org"}, "/account/reset-password")
    [email] = outbox_to(session, "english@example.org")
    assert email.subject == "Reset your password"
    assert "Someone asked to reset the password for your Health & Care Mutuals Registry account." in email.body


def test_someone_who_has_not_chosen_gets_the_email_in_the_language_of_the_page(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, "unchosen@example.org")
    client.get("/account/sign-up?lang=cy")
    post_form(client, "/account/sign-up", {"email": "unchosen@example.org", "password": PASSWORD})
    [email] = outbox_to(session, "unchosen@example.org")
    assert email.subject == "Mae gennych chi gyfrif yn barod"
    # Someone else signing up with the address does not choose its owner's language.
    assert user_named(session, "unchosen@example.org").language is None


def test_the_account_page_in_welsh_and_choosing_a_language_on_it(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "dewi@example.org", Role.COMMISSIONER)
    main = main_of(client.get("/account?lang=cy"))
    text = text_of(main)
    assert main.find("h1").get_text() == "Eich cyfrif"
    assert "Comisiynydd" in text and "Dim un eto" in text
    assert english_left(str(main)) == []
    english, welsh = main.select('input[name="language"]')
    assert english.get("value") == "en" and welsh.get("value") == "cy"
    assert main.find("label", attrs={"for": welsh["id"]}).get("lang") == "cy"
    # The switch already kept Welsh in the profile; the form shows it chosen.
    assert welsh.has_attr("checked") and not english.has_attr("checked")

    # Nothing chosen: the NHS error pattern, in Welsh.
    user_named(session, "dewi@example.org").language = None
    session.commit()
    response = client.post("/account/language", data={"csrf_token": csrf_token_from(client.get("/account"))})
    page = checked_page(response, 400)
    summary = page.select_one(".nhsuk-error-summary")
    assert summary is not None and summary.find("a", href="#language").get_text() == "Dewiswch iaith"
    assert page.find(id="language") is not None
    assert "Dewiswch iaith" in page.select_one(".nhsuk-error-message").get_text()

    # Choosing English: saved, this browser's pages follow at once, and the news is in English.
    response = client.post(
        "/account/language", data={"csrf_token": csrf_token_from(client.get("/account")), "language": "en"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account?lang=en"
    assert user_named(session, "dewi@example.org").language == "en"
    page = checked_page(client.get(response.headers["Location"]))
    assert page.html.get("lang") == "en"
    assert "Your language has been saved." in text_of(page)

    # A language the registry does not speak is refused.
    response = client.post(
        "/account/language", data={"csrf_token": csrf_token_from(client.get("/account")), "language": "fr"}
    )
    assert "Choose a language" in text_of(checked_page(response, 400))
    assert user_named(session, "dewi@example.org").language == "en"


def test_the_account_page_shows_the_last_sign_in_in_welsh(app: Flask, session: Session) -> None:
    make_user(session, "eleri@example.org")
    client = app.test_client()
    client.get("/account/sign-in?lang=cy")
    assert sign_in(client, "eleri@example.org").status_code == 302
    user = user_named(session, "eleri@example.org")
    assert user.last_signed_in_at is not None
    main = main_of(client.get("/account"))
    when = user.last_signed_in_at
    day = format_date(when, "d MMMM y", locale="cy")  # "7 Rhagfyr 2026"
    assert f"{day} am {when:%H:%M} (UTC)" in text_of(main)


def test_a_moderators_decision_reaches_the_representative_in_their_language(
    representative: FlaskClient, session: Session
) -> None:
    page = "/manage/claim/mutual-support"
    representative.post(
        page,
        data={
            "csrf_token": csrf_token_from(representative.get(page)),
            "role_at_organisation": "Chair",
            "evidence": "x",
        },
    )
    claim = session.scalars(select(Claim)).one()
    claim.user.language = "cy"
    moderator = make_user(session, "moderator@example.org", Role.MODERATOR)
    # The moderator decides in English (no request in Welsh); the representative chose Welsh.
    reject_claim(session, claim, moderator, "We could not confirm your role.", manage_url="http://localhost/manage")
    session.commit()
    [email] = [e for e in outbox_to(session, claim.user.email) if "hawliad" in e.subject]
    assert email.subject.startswith("Eich hawliad i gynrychioli ")
    assert "Dyma beth ddywedodd y cymedrolwr:\n\nWe could not confirm your role.\n\n" in email.body
    assert email.body.endswith("Gallwch ei hawlio eto gyda rhagor o dystiolaeth: http://localhost/manage\n")
