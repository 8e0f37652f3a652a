"""Commissioners' shortlists of listings, with a note on each, and the side-by-side comparison of a few of them.

Every function takes the database session and none commits, so the view decides when the work is done. Shortlists
are private: every lookup is by owner and id together, so a shortlist that is not the caller's is simply not
found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from registry.domain.language import gettext as _
from registry.models import ListingStatus, Organisation, Service, Shortlist, ShortlistEntry, User
from registry.models.commissioning import NOTE_MAX, SHORTLIST_NAME_MAX
from registry.services.commissioners import CommissioningError
from registry.services.exports import ExportRequest, ProfileColumn
from registry.services.listings import LISTING_LOAD

MAX_COMPARE = 4


def shortlists_of(session: Session, owner: User) -> list[Shortlist]:
    return list(
        session.scalars(
            select(Shortlist)
            .where(Shortlist.owner_id == owner.id)
            .options(selectinload(Shortlist.entries))
            .order_by(func.lower(Shortlist.name), Shortlist.id)
        )
    )


def get_shortlist(session: Session, owner: User, shortlist_id: int) -> Shortlist | None:
    """The owner's shortlist with this id and its listings, or None (also when someone else owns it)."""
    listing = selectinload(Shortlist.entries).joinedload(ShortlistEntry.organisation)
    return session.scalars(
        select(Shortlist)
        .where(Shortlist.id == shortlist_id, Shortlist.owner_id == owner.id)
        .options(
            listing.selectinload(Organisation.services).joinedload(Service.service_type),
            listing.selectinload(Organisation.assessments),
            listing.selectinload(Organisation.service_areas),
        )
    ).first()


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise CommissioningError(_("Enter a name for the shortlist"), "name")
    if len(cleaned) > SHORTLIST_NAME_MAX:
        raise CommissioningError(
            _("Shortlist name must be %(num)s characters or fewer", num=SHORTLIST_NAME_MAX), "name"
        )
    return cleaned


def _name_taken(session: Session, owner: User, name: str, except_id: int | None = None) -> bool:
    query = select(Shortlist.id).where(Shortlist.owner_id == owner.id, func.lower(Shortlist.name) == name.lower())
    if except_id is not None:
        query = query.where(Shortlist.id != except_id)
    return session.scalar(query.limit(1)) is not None


def create_shortlist(session: Session, owner: User, name: str) -> Shortlist:
    name = _clean_name(name)
    if _name_taken(session, owner, name):
        raise CommissioningError(
            _("You already have a shortlist called %(name)s. Choose another name", name=name), "name"
        )
    shortlist = Shortlist(owner_id=owner.id, name=name)
    session.add(shortlist)
    session.flush()
    return shortlist


def rename_shortlist(session: Session, shortlist: Shortlist, name: str) -> None:
    name = _clean_name(name)
    if _name_taken(session, shortlist.owner, name, except_id=shortlist.id):
        raise CommissioningError(
            _("You already have a shortlist called %(name)s. Choose another name", name=name), "name"
        )
    shortlist.name = name


def delete_shortlist(session: Session, shortlist: Shortlist) -> None:
    session.delete(shortlist)
    session.flush()


def _clean_note(note: str | None) -> str:
    cleaned = (note or "").strip().replace("\r\n", "\n")
    if len(cleaned) > NOTE_MAX:
        raise CommissioningError(_("Note must be %(num)s characters or fewer", num=format(NOTE_MAX, ",")), "note")
    return cleaned


def entry_for(shortlist: Shortlist, organisation: Organisation) -> ShortlistEntry | None:
    return next((e for e in shortlist.entries if e.organisation_id == organisation.id), None)


def add_to_shortlist(
    session: Session, shortlist: Shortlist, organisation: Organisation, note: str | None = None
) -> ShortlistEntry:
    """Put a published listing on the shortlist (once); a note given replaces the one it had."""
    if organisation.status != ListingStatus.PUBLISHED:
        raise CommissioningError(_("Only published listings can be shortlisted"), "organisation")
    cleaned = _clean_note(note)
    entry = entry_for(shortlist, organisation)
    if entry is None:
        position = max((e.position for e in shortlist.entries), default=-1) + 1
        entry = ShortlistEntry(organisation=organisation, note=cleaned, position=position)
        shortlist.entries.append(entry)
    elif note is not None:
        entry.note = cleaned
    shortlist.updated_at = datetime.now(UTC)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # the same listing added from two tabs at once
        raise CommissioningError(
            _("%(name)s is already on this shortlist", name=organisation.name), "organisation"
        ) from error
    return entry


def set_note(shortlist: Shortlist, organisation: Organisation, note: str | None) -> ShortlistEntry:
    entry = entry_for(shortlist, organisation)
    if entry is None:
        raise CommissioningError(_("%(name)s is not on this shortlist", name=organisation.name), "organisation")
    entry.note = _clean_note(note)
    shortlist.updated_at = datetime.now(UTC)
    return entry


def remove_from_shortlist(session: Session, shortlist: Shortlist, organisation: Organisation) -> bool:
    entry = entry_for(shortlist, organisation)
    if entry is None:
        return False
    shortlist.entries.remove(entry)
    shortlist.updated_at = datetime.now(UTC)
    session.flush()
    return True


def published_entries(shortlist: Shortlist) -> list[ShortlistEntry]:
    return [e for e in shortlist.entries if e.organisation.status == ListingStatus.PUBLISHED]


# ---------------------------------------------------------------------------------------------------
# Comparison


@dataclass
class ComparedListing:
    """One column of a comparison: the listing, its stored reports, and each rule set's failing findings."""

    organisation: Organisation
    reports: dict[str, dict[str, Any]]
    failing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def choose_for_comparison(shortlist: Shortlist, slugs: Sequence[str]) -> list[Organisation]:
    """The shortlisted listings named by ``slugs``, in shortlist order: two to four of them."""
    wanted = list(dict.fromkeys(s for s in slugs if s))
    if len(wanted) < 2:
        raise CommissioningError(_("Choose at least 2 organisations to compare"), "compare")
    if len(wanted) > MAX_COMPARE:
        raise CommissioningError(_("Choose up to %(num)s organisations to compare", num=MAX_COMPARE), "compare")
    entries = {e.organisation.slug: e.organisation for e in published_entries(shortlist)}
    missing = [slug for slug in wanted if slug not in entries]
    if missing:
        raise CommissioningError(_("Choose organisations from this shortlist"), "compare")
    return [entries[slug] for slug in entries if slug in wanted]


def compare(session: Session, organisations: Sequence[Organisation]) -> list[ComparedListing]:
    """Everything a side-by-side comparison shows, with the listings' children loaded in one go."""
    ids = [org.id for org in organisations]
    statement = (
        select(Organisation)
        .where(Organisation.id.in_(ids))
        .options(*LISTING_LOAD, selectinload(Organisation.services).joinedload(Service.service_type))
    )
    loaded = {org.id: org for org in session.scalars(statement)}
    columns = []
    for org in organisations:
        org = loaded[org.id]
        reports = {a.ruleset_id: a.report for a in org.assessments if a.report}
        failing = {
            ruleset_id: [f for f in report.get("findings", []) if f.get("outcome") == "fail"]
            for ruleset_id, report in reports.items()
        }
        columns.append(ComparedListing(org, reports, failing))
    return columns


def shortlist_export(
    shortlist: Shortlist, listing_url: Callable[[str], str], profile: ProfileColumn | None = None
) -> ExportRequest:
    published = published_entries(shortlist)
    return ExportRequest(
        ids=[e.organisation_id for e in published],
        listing_url=listing_url,
        notes={e.organisation_id: e.note for e in published},
        title=_("Shortlist: %(name)s", name=shortlist.name),
        profile=profile,
    )
