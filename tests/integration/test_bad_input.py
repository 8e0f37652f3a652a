"""Regression tests for the bad-input findings of the hostile review (issue 14, items 7, 10, 11, 12, 16, 17 and
19): length limits that the form and the database agree on; identity and contact changes to a verified listing
held for a moderator; deeply nested JSON and oversized bodies answered with 4xx; only http(s) web addresses;
single-line names and clean email headers; invisible characters stripped from names."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.text import clean_line, clean_lines, is_web_address
from registry.models import ChangeRequest, FieldTooLong, Organisation, Source, Verification
from registry.services.email import send_email
from tests.support.pages import checked_page, text_of
from tests.support.registration import ABOUT, LEGAL, SERVICES, listing_by_slug, post_step, register

ZERO_WIDTH = "\u200b"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"


pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


# 7. Length limits that the form and the column agree on; the database refuses the rest the same way.


@pytest.mark.parametrize(
    ("step", "field", "length", "message"),
    [
        ("about", "website", 420, "Web address must be 300 characters or fewer"),
        ("services", "locations-0-name", 5000, "The place's name must be 200 characters or fewer"),
        ("services", "locations-0-address", 100_000, "Address must be 500 characters or fewer"),
        ("governance", "board_seats-0-role", 5000, "The seats' name must be 200 characters or fewer"),
        ("governance", "member_classes-0-description", 100_000, "Who can join must be 1,000 characters or fewer"),
    ],
)
def test_over_long_fields_are_refused_with_a_message_and_nothing_saved(
    representative: FlaskClient, session: Session, step: str, field: str, length: int, message: str
) -> None:
    slug = register(representative)
    before = listing_by_slug(session, slug).version
    value = "https://example.org/" + "a" * length if field == "website" else "x" * length
    data = {"about": ABOUT, "services": SERVICES, "governance": {}}[step]
    response = post_step(representative, f"/manage/listings/{slug}/{step}", {**data, field: value})
    page = checked_page(response, 400)
    assert message in page.select_one(".nhsuk-error-summary").get_text()
    assert listing_by_slug(session, slug).version == before


def test_the_database_layer_refuses_an_over_long_text_on_every_database(session: Session) -> None:
    org = session.scalars(select(Organisation)).first()
    org.website = "https://example.org/" + "a" * 400
    with pytest.raises(FieldTooLong, match=r"organisation.website: 420 characters long; the limit is 300"):
        session.flush()
    session.rollback()


def test_the_error_handler_ends_a_failed_transaction_before_it_renders(app: Flask, session: Session) -> None:
    """A database error mid-request leaves the session's transaction failed, and every later query raises
    PendingRollbackError: the error page, reading the database too, became a bare 500. The handler rolls back
    first, so the page is made and the session works again."""
    from sqlalchemy.exc import IntegrityError, PendingRollbackError

    from registry.web.errors import handle_unexpected

    session.add(Organisation(slug="ripplez-cic", name="A second listing with a slug already taken"))
    with pytest.raises(IntegrityError) as raised:
        session.flush()
    with pytest.raises(PendingRollbackError):
        session.execute(select(Organisation.id).limit(1))
    with app.test_request_context("/about", headers={"Accept": "text/html"}):
        body, status = handle_unexpected(raised.value)
    assert status == 500
    assert "Sorry, there is a problem with the service" in body
    assert session.execute(select(Organisation.id).limit(1)).first() is not None


# 10. A verified listing's identity and contact facts wait for a moderator.


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "NHS England (Official)"),
        ("website", "https://nhs-england-official.example.com"),
        ("email", "payments@nhs-england-official.example.com"),
        ("phone", "0800 000 0000"),
    ],
)
def test_identity_and_contact_changes_to_a_verified_listing_wait_for_a_moderator(
    representative: FlaskClient, session: Session, field: str, value: str
) -> None:
    slug = register(representative)
    org = listing_by_slug(session, slug)
    org.verification = Verification.VERIFIED.value
    session.commit()
    before = getattr(org, field)
    response = post_step(representative, f"/manage/listings/{slug}/about", {**ABOUT, field: value})
    assert response.status_code == 302
    org = listing_by_slug(session, slug)
    assert getattr(org, field) == before
    assert org.verification == Verification.VERIFIED.value
    request = session.scalars(select(ChangeRequest).where(ChangeRequest.organisation_id == org.id)).one()
    assert request.proposed == {field: value}


# 11 and 12. Deeply nested JSON and oversized bodies are client errors.


def test_deeply_nested_json_is_a_400_not_a_500(client: FlaskClient) -> None:
    body = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/structure-checks", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    nested = '{"member_classes": ' + "[" * 6000 + "]" * 6000 + "}"
    response = client.post("/api/v1/structure-checks", data=nested, content_type="application/json")
    assert response.status_code == 400


def test_a_body_over_the_size_limit_gets_a_413_in_the_right_shape(client: FlaskClient) -> None:
    big = json.dumps({"name": "x" * (1024 * 1024 + 10)})
    response = client.post("/api/v1/structure-checks", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    response = client.post("/check", data={"name": "x" * (1024 * 1024 + 10)}, headers={"Accept": "text/html"})
    page = checked_page(response, 413)
    assert "What you sent is too large" in text_of(page)


# 16. Only http and https web addresses, anywhere one is stored.


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org"],
)
def test_only_http_and_https_addresses_are_stored(session: Session, address: str) -> None:
    assert not is_web_address(address)
    org = session.scalars(select(Organisation)).first()
    org.website = address
    with pytest.raises(ValueError, match="not an http or https address"):
        session.flush()
    session.rollback()
    source = session.scalars(select(Source)).first()
    source.url = address
    with pytest.raises(ValueError, match="not an http or https address"):
        session.flush()
    session.rollback()


# 17. Names are one line, and email headers never carry raw user text.


def test_a_line_break_in_a_name_never_reaches_a_stored_name_or_an_email_header(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative, about={**ABOUT, "name": "Riverside\r\nBcc: everyone@example.org Homecare"})
    assert listing_by_slug(session, slug).name == "Riverside Bcc: everyone@example.org Homecare"
    email = send_email(session, "someone@example.org", "Your listing\r\nBcc: x@example.org was approved", "Body")
    assert email.subject == "Your listing Bcc: x@example.org was approved"


def test_an_approval_email_for_a_name_with_a_line_break_is_sent_over_smtp(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SMTP configured, a subject carrying a raw line break made the email library raise: a 500 on
    approve. The subject is cleaned first, so the message is built and handed to the server."""
    from registry.services import email as email_service

    sent = []
    monkeypatch.setattr(email_service, "_deliver", lambda smtp, message: sent.append(message))
    with app.app_context():
        app.config["SMTP_HOST"] = "127.0.0.1"
        try:
            send_email(session, "rep@example.org", "Your listing Evil\nBcc: all@example.org is published", "Body")
        finally:
            app.config["SMTP_HOST"] = None
    [message] = sent
    assert message["Subject"] == "Your listing Evil Bcc: all@example.org is published"
    assert message["Bcc"] is None


# 19. Invisible characters do not make look-alike names.


def test_zero_width_and_bidirectional_characters_are_stripped_from_names(
    representative: FlaskClient, session: Session
) -> None:
    name = f"Anglian{ZERO_WIDTH} Community {RIGHT_TO_LEFT_OVERRIDE}Enterprise\ufeff"
    slug = register(representative, about={**ABOUT, "name": name})
    assert listing_by_slug(session, slug).name == "Anglian Community Enterprise"
    # NFKC: full-width letters and a no-break space become their ordinary forms.
    assert clean_line("\uff32\uff49\uff50\uff50\uff4c\uff45\uff5a\u00a0CIC") == "Ripplez CIC"
    assert clean_lines("First line\u200b\r\nSecond\x00 line\n") == "First line\nSecond line"


def test_an_imported_name_with_invisible_characters_matches_the_listing_it_imitates(session: Session) -> None:
    from registry.services.importers.matching import match_name
    from registry.services.importers.reading import clean_text

    assert clean_text(f"Ripplez{ZERO_WIDTH} CIC") == "Ripplez CIC"
    assert match_name(clean_text(f"Ripplez{ZERO_WIDTH} CIC")) == match_name("Ripplez CIC")


def test_legal_step_accepts_the_cleaned_form_of_an_identifier(representative: FlaskClient, session: Session) -> None:
    slug = register(representative)
    response = post_step(
        representative, f"/manage/listings/{slug}/legal", {**LEGAL, "identifiers-0-value": f"8123{ZERO_WIDTH}r"}
    )
    assert response.status_code == 302


def test_an_older_row_holding_a_javascript_address_is_shown_as_text_not_a_link(
    client: FlaskClient, session: Session
) -> None:
    """Rows written before the guard (or by bulk SQL past it) may still hold one: the page never links it."""
    from sqlalchemy import update

    org = session.scalars(select(Organisation).where(Organisation.status == "published")).first()
    session.execute(update(Organisation).where(Organisation.id == org.id).values(website="javascript:alert(1)"))
    session.commit()
    page = checked_page(client.get(f"/organisations/{org.slug}"))
    assert page.find("a", href=lambda href: href and href.lower().startswith("javascript:")) is None
    assert "javascript:alert(1)" in text_of(page)
