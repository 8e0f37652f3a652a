"""Nothing is ever lost: every change is a revision with a readable diff; two people editing at once are told,
with both versions, and neither overwrites the other; a moderator restores an earlier revision as a new one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from registry.models import Membership, Organisation, Revision, Role, User
from registry.services.editing import (
    changes,
    data_from_snapshot,
    listing_data,
    save_edit,
    word_changes,
)
from tests.support.accounts import csrf_token_from, make_user, sign_in, signed_in_client
from tests.support.moderation import published_listing
from tests.support.pages import checked_page, text_of
from tests.support.registration import ABOUT, GOVERNANCE, REPRESENTATIVE_EMAIL, hidden_value, listing_by_slug, register

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


def open_form(client: FlaskClient, page: str) -> dict[str, str]:
    """What a browser holds after opening a step: its token and the version it was loaded at."""
    response = client.get(page)
    return {
        "csrf_token": csrf_token_from(response),
        "version": hidden_value(response.get_data(as_text=True), "version") or "",
    }


def test_two_people_editing_at_once_the_second_is_refused_with_both_versions_and_nothing_is_lost(
    app: Flask, representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    colleague = app.test_client()
    org = listing_by_slug(session, slug)
    colleague_user = make_user(session, "colleague@riverside.example.org", Role.REPRESENTATIVE)
    session.add(Membership(user_id=colleague_user.id, organisation_id=org.id))
    session.commit()
    assert sign_in(colleague, "colleague@riverside.example.org").status_code == 302

    page = f"/manage/listings/{slug}/about"
    first = open_form(representative, page)
    second = open_form(colleague, page)
    assert first["version"] == second["version"]

    saved = representative.post(page, data={**ABOUT, **first, "description": "We now also cover Rotherham."})
    assert saved.status_code == 302
    refused = colleague.post(page, data={**ABOUT, **second, "founded": "2018"})
    conflict = checked_page(refused, 409)
    assert conflict.h1.get_text(strip=True) == "Someone else changed this listing while you were editing it"
    rows = {row.th.get_text(strip=True): row for row in conflict.select("tbody tr")}
    assert set(rows) == {"Description", "Founded"}
    assert "We now also cover Rotherham." in rows["Description"].get_text()  # the saved version
    assert "owned by the people" in rows["Description"].get_text()  # what the second person had
    assert "2018" in rows["Founded"].get_text()  # their unsaved change, shown so it is not lost
    assert "2019" in rows["Founded"].get_text()

    org = listing_by_slug(session, slug)
    assert org.description == "We now also cover Rotherham."
    assert org.founded == "2019"
    # After reloading, the second person's save goes through on top of the first.
    again = open_form(colleague, page)
    assert (
        colleague.post(page, data={**ABOUT, **again, "description": org.description, "founded": "2018"}).status_code
        == 302
    )
    org = listing_by_slug(session, slug)
    assert (org.description, org.founded) == ("We now also cover Rotherham.", "2018")


def test_child_only_changes_move_the_version_on_so_concurrent_governance_edits_conflict(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    page = f"/manage/listings/{slug}/governance"
    first = open_form(representative, page)
    second = open_form(representative, page)
    assert representative.post(page, data={**GOVERNANCE, **first, "member_classes-0-count": "41"}).status_code == 302
    response = representative.post(page, data={**GOVERNANCE, **second, "member_classes-1-count": "121"})
    checked_page(response, 409)
    assert [m.member_count for m in listing_by_slug(session, slug).member_classes] == [41, 120, 20]


def test_a_save_that_loses_the_race_after_the_version_check_fails_instead_of_overwriting(
    representative: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    org = listing_by_slug(session, slug)
    user = session.scalars(select(User).where(User.email == REPRESENTATIVE_EMAIL)).one()
    loaded = org.version
    # Another request commits between this one's check and its write.
    session.execute(
        update(Organisation).where(Organisation.id == org.id).values(version=Organisation.version + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(StaleDataError):
        save_edit(session, org, {"phone": "0114 496 0777"}, editor=user, loaded_version=loaded)
    session.rollback()
    assert listing_by_slug(session, slug).phone == "0114 496 0000"


def test_the_history_page_shows_each_revision_who_made_it_and_a_field_by_field_diff(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    page = f"/manage/listings/{slug}/about"
    representative.post(
        page,
        data={
            **ABOUT,
            **open_form(representative, page),
            "description": "Homecare in Sheffield and Rotherham, owned by the people who give and receive care.",
        },
    )
    history = checked_page(representative.get(f"/organisations/{slug}/history"))
    headings = [h.get_text(" ", strip=True) for h in history.select("section h2")]
    assert headings[0] == "Revision 7: Changed description"
    assert headings[-1] == "Revision 1: Started a new listing"
    assert "Revision 6: Approved and published by a moderator" in headings
    latest = history.select_one("section")
    # Long text shows word by word what was added; the public sees roles, not email addresses.
    assert latest.find("ins").get_text(" ", strip=True) == "Added: and Rotherham"
    assert "The organisation's representative" in latest.get_text()
    assert REPRESENTATIVE_EMAIL not in text_of(history)
    status_row = history.find("th", string="Status").find_parent("tr")
    assert "Waiting for review" in status_row.get_text() and "Published" in status_row.get_text()
    # Moderators see who exactly, and may restore.
    moderated = checked_page(moderator.get(f"/organisations/{slug}/history"))
    assert REPRESENTATIVE_EMAIL in text_of(moderated)
    assert moderated.find("button", string="Restore revision 1") is not None
    assert history.find("button", string="Restore revision 1") is None


def test_a_moderator_restores_an_earlier_revision_as_a_new_revision(
    representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = published_listing(representative, moderator, session)
    page = f"/manage/listings/{slug}/about"
    # A moderator may restore an edit that went live at once: a representative's new description.
    representative.post(
        page, data={**ABOUT, **open_form(representative, page), "description": "Homecare, now in Leeds too."}
    )
    assert listing_by_slug(session, slug).description == "Homecare, now in Leeds too."
    history = moderator.get(f"/organisations/{slug}/history")
    token, version = csrf_token_from(history), listing_by_slug(session, slug).version
    response = moderator.post(
        f"/moderate/listings/{slug}/revisions/6/restore", data={"csrf_token": token, "version": str(version)}
    )
    assert response.status_code == 302
    org = listing_by_slug(session, slug)
    assert org.description == ABOUT["description"]
    assert org.status == "published"  # restoring brings back content, never an old review status
    revisions = session.scalars(select(Revision).where(Revision.organisation_id == org.id)).all()
    assert [r.number for r in revisions] == list(range(1, 9))
    assert revisions[-1].summary == "Restored revision 6"
    assert len(revisions[-1].snapshot["member_classes"]) == 3
    # A stale restore (the listing moved on since the history was opened) restores nothing.
    response = moderator.post(
        f"/moderate/listings/{slug}/revisions/7/restore", data={"csrf_token": token, "version": str(version)}
    )
    assert response.status_code == 302
    assert listing_by_slug(session, slug).description == ABOUT["description"]
    # Representatives cannot restore.
    assert (
        representative.post(
            f"/moderate/listings/{slug}/revisions/7/restore",
            data={
                "csrf_token": csrf_token_from(representative.get("/manage")),
                "version": str(listing_by_slug(session, slug).version),
            },
        ).status_code
        == 403
    )


def test_a_drafts_history_is_private_to_its_representatives_and_moderators(
    app: Flask, representative: FlaskClient, moderator: FlaskClient, session: Session
) -> None:
    slug = register(representative)
    path = f"/organisations/{slug}/history"
    assert app.test_client().get(path).status_code == 404
    other = signed_in_client(app, session, "someone@else.example.org", Role.REPRESENTATIVE)
    assert other.get(path).status_code == 404
    checked_page(representative.get(path))
    checked_page(moderator.get(path))
    checked_page(app.test_client().get("/organisations/mutual-support/history"))


def test_revision_snapshots_round_trip_through_the_data_shape(session: Session) -> None:
    org = session.scalars(select(Organisation).where(Organisation.slug == "mutual-support")).one()
    latest = session.scalars(
        select(Revision).where(Revision.organisation_id == org.id).order_by(Revision.number.desc())
    ).first()
    assert changes(listing_data(org), data_from_snapshot(latest.snapshot)) == []


def test_word_changes_mark_only_the_words_that_changed() -> None:
    parts = word_changes("Care in Sheffield for adults", "Care in Sheffield and Rotherham for adults")
    assert [(p.kind, p.text.strip()) for p in parts] == [
        ("same", "Care in Sheffield"),
        ("added", "and Rotherham"),
        ("same", "for adults"),
    ]
