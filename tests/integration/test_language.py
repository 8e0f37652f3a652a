"""Choosing the language: the Cymraeg / English switch, the cookie, a signed-in person's profile, the browser's
Accept-Language, and the lang and hreflang that tell browsers and search engines which version is which."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.models import Role
from registry.web.language import COOKIE
from tests.support.accounts import make_user, signed_in_client
from tests.support.pages import checked_page


def html_lang(client: FlaskClient, url: str, **kwargs: object) -> str:
    page = checked_page(client.get(url, **kwargs))  # type: ignore[arg-type]
    return str(page.html["lang"]) if page.html else ""


def test_english_is_the_default(client: FlaskClient) -> None:
    assert html_lang(client, "/about/data") == "en"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("cy", "cy"),
        ("cy-GB,cy;q=0.9,en-GB;q=0.8", "cy"),
        ("en-GB,en;q=0.9,cy;q=0.5", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr, cy;q=0.5", "cy"),
    ],
)
def test_a_first_visit_follows_the_browsers_languages(client: FlaskClient, accept_language: str, expected: str) -> None:
    assert html_lang(client, "/about/data", headers={"Accept-Language": accept_language}) == expected


def test_the_switch_keeps_the_page_and_its_query(client: FlaskClient) -> None:
    page = checked_page(client.get("/find?q=Sheffield&radius=10"))
    switch = page.select_one("a.registry-language-switch__link")
    assert switch is not None
    assert switch.get_text(strip=True) == "Cymraeg"
    assert switch["lang"] == "cy" and switch["hreflang"] == "cy"
    assert switch["href"] == "/find?q=Sheffield&radius=10&lang=cy"

    welsh = checked_page(client.get(str(switch["href"])))
    assert welsh.html is not None and welsh.html["lang"] == "cy"
    back = welsh.select_one("a.registry-language-switch__link")
    assert back is not None and back.get_text(strip=True) == "English" and back["lang"] == "en"
    assert back["href"] == "/find?q=Sheffield&radius=10&lang=en"


def test_the_choice_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    response = client.get("/about/data?lang=cy")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=cy;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    # Later pages, without ?lang=, are in Welsh, even when the browser asks for English.
    assert html_lang(client, "/organisations", headers={"Accept-Language": "en"}) == "cy"
    client.get("/about/data?lang=en")
    assert html_lang(client, "/organisations") == "en"


def test_a_page_that_answers_in_either_language_says_so_to_caches(client: FlaskClient) -> None:
    vary = client.get("/about/data").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_an_unknown_language_is_ignored(client: FlaskClient) -> None:
    response = client.get("/about/data?lang=xx")
    assert response.status_code == 200
    assert COOKIE not in response.headers.get("Set-Cookie", "")
    assert html_lang(client, "/about/data?lang=<script>") == "en"


def test_hreflang_alternates_link_the_two_versions(client: FlaskClient) -> None:
    page = checked_page(client.get("/organisations?page=2"))
    alternates = {str(link["hreflang"]): str(link["href"]) for link in page.select('link[rel="alternate"][hreflang]')}
    assert alternates == {
        "en": "http://localhost/organisations?page=2&lang=en",
        "cy": "http://localhost/organisations?page=2&lang=cy",
        "x-default": "http://localhost/organisations?page=2",
    }


def test_the_switch_is_on_every_kind_of_page(client: FlaskClient) -> None:
    for url in ("/", "/check", "/account/sign-in", "/no-such-page"):
        response = client.get(url)
        assert b"registry-language-switch__link" in response.data, url


def test_a_signed_in_persons_choice_is_kept_in_their_profile(app: Flask, session: Session) -> None:
    client = signed_in_client(app, session, "cymraeg@example.org", Role.REPRESENTATIVE)
    client.get("/account?lang=cy")
    from registry.services.accounts import find_user

    user = find_user(session, "cymraeg@example.org")
    assert user is not None and user.language == "cy"

    # Another browser, with no cookie and an English browser: the profile wins over Accept-Language.
    other = app.test_client()
    other.set_cookie(app.config["SESSION_COOKIE_NAME"], client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)  # type: ignore[union-attr]
    assert html_lang(other, "/account", headers={"Accept-Language": "en"}) == "cy"


def test_a_person_who_never_chose_follows_their_browser(app: Flask, session: Session) -> None:
    make_user(session, "dewis@example.org")
    client = signed_in_client(app, session, "heb-ddewis@example.org", Role.REPRESENTATIVE)
    assert html_lang(client, "/account", headers={"Accept-Language": "cy"}) == "cy"
    assert html_lang(client, "/account", headers={"Accept-Language": "en"}) == "en"


def test_the_api_follows_accept_language_and_keeps_english_codes(client: FlaskClient) -> None:
    response = client.get("/api/v1/places?q=", headers={"Accept-Language": "cy"})
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "cy"
    body = response.get_json()
    assert body["error"]["code"].isascii()


def test_quotations_of_english_sources_are_marked_english_on_welsh_pages(app: Flask) -> None:
    from markupsafe import Markup

    from registry.domain.language import speaking
    from registry.web.language import english_quotations

    text = "Mae'r brîff yn gofyn am “legally committed <b>” <i>"
    with app.test_request_context(), speaking("cy"):
        assert english_quotations(text) == Markup(
            'Mae&#39;r brîff yn gofyn am <span lang="en">“legally committed &lt;b&gt;”</span> &lt;i&gt;'
        )
    with app.test_request_context(), speaking("en"):
        assert english_quotations(text) == Markup("Mae&#39;r brîff yn gofyn am “legally committed &lt;b&gt;” &lt;i&gt;")
