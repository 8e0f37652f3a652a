"""Registering a listing: drafts owned by their representatives, submitted for review, withdrawn, or claimed.

A draft is an ``Organisation`` in ``draft`` status with a ``Membership`` for the person who started it; each
step of the journey saves to it (``editing.save_edit``), so it can be left and resumed. Submitting puts it in
``pending`` status with a new-listing ``ChangeRequest`` for a moderator; only a moderator publishes it.
Someone who finds their organisation already listed (imported, say) claims it with evidence instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.language import speaking
from registry.models import (
    ChangeKind,
    ChangeRequest,
    Claim,
    Identifier,
    ListingProvenance,
    ListingStatus,
    Membership,
    Organisation,
    ReviewStatus,
    Role,
    User,
    Verification,
)
from registry.models._types import utcnow
from registry.services.accounts import audit, email_language
from registry.services.editing import save_change
from registry.services.email import send_email, site_name_in_language

SLUG_MAX = 100


class RegistrationError(ValueError):
    """Something the person must put right first; ``message`` is fit to show them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def slugify(name: str) -> str:
    """A listing's address from its name: "Care & Share (Leeds) Ltd" → "care-share-leeds-ltd"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or "organisation"


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    taken = set(
        session.scalars(
            select(Organisation.slug).where((Organisation.slug == base) | Organisation.slug.like(f"{base}-%"))
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def represents(session: Session, user: User, org: Organisation) -> bool:
    """Whether ``user`` represents ``org`` (may edit its listing and see its drafts)."""
    if not user.is_active or org.id is None:
        return False
    found = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    )
    return bool(found)


def listings_for(session: Session, user: User) -> list[Organisation]:
    """The listings ``user`` represents, drafts included, most recently changed first."""
    return list(
        session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.updated_at.desc(), Organisation.id.desc())
        )
    )


def representatives(session: Session, org: Organisation) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def start_draft(session: Session, user: User, data: Mapping[str, Any], *, ip: str | None = None) -> Organisation:
    """Start a new listing as a draft that ``user`` represents, from the first step's answers."""
    if user.role not in {Role.REPRESENTATIVE.value, Role.ADMIN.value}:
        raise RegistrationError(_("Only organisation representatives can register a listing"))
    org = Organisation(
        slug=unique_slug(session, str(data.get("name") or "")),
        status=ListingStatus.DRAFT.value,
        verification=Verification.UNVERIFIED.value,
        provenance=ListingProvenance.SELF_REGISTERED.value,
    )
    session.add(org)
    save_change(session, org, data, editor=user, summary="Started a new listing")
    session.add(Membership(user=user, organisation=org))
    session.flush()
    audit(session, "listing.draft_started", actor=user, subject=org, detail={"slug": org.slug}, ip=ip)
    return org


def identifier_holder(session: Session, scheme: str, value: str, org: Organisation | None) -> Organisation | None:
    """Another listing that already holds this identifier (identifiers are unique within a scheme)."""
    query = (
        select(Organisation)
        .join(Identifier, Identifier.organisation_id == Organisation.id)
        .where(Identifier.scheme_code == scheme, Identifier.value == value)
    )
    if org is not None and org.id is not None:
        query = query.where(Organisation.id != org.id)
    return session.scalars(query).first()


# Which step of the journey puts each problem right.
SUBMISSION_CHECKS: tuple[tuple[str, str, Any], ...] = (
    ("about", "name", _l("Enter the organisation's name")),
    ("about", "description", _l("Describe what the organisation does")),
    ("legal", "legal_form", _l("Choose the organisation's legal form")),
    ("governance", "member_classes", _l("Describe at least one class of members")),
    ("services", "services", _l("Choose at least one service the organisation provides")),
)


def submission_problems(org: Organisation) -> list[tuple[str, str]]:
    """What must be filled in before a listing can be submitted, as (step, message) pairs."""
    values = {
        "name": org.name,
        "description": (org.description or "").strip(),
        "legal_form": org.legal_form_code,
        "member_classes": org.member_classes,
        "services": org.services,
    }
    return [(step, str(message)) for step, key, message in SUBMISSION_CHECKS if not values[key]]


SUBMITTABLE = frozenset({ListingStatus.DRAFT.value, ListingStatus.WITHDRAWN.value})


def submit_for_review(
    session: Session, org: Organisation, user: User, *, manage_url: str, site_name: str, ip: str | None = None
) -> ChangeRequest:
    """Send a draft (or a withdrawn listing) to the moderators; it is published only when they approve it."""
    if org.status not in SUBMITTABLE:
        raise RegistrationError(_("This listing has already been submitted"))
    problems = submission_problems(org)
    if problems:
        raise RegistrationError(problems[0][1])
    org.status = ListingStatus.PENDING.value
    save_change(session, org, {}, editor=user, summary="Submitted for review")
    request = ChangeRequest(
        organisation=org,
        kind=ChangeKind.NEW_LISTING.value,
        proposed={},
        summary=f"New listing: {org.name}",
        base_version=org.version,
        proposed_by=user,
    )
    session.add(request)
    session.flush()
    audit(session, "listing.submitted", actor=user, subject=org, detail={"change_request": request.id}, ip=ip)
    with speaking(email_language(user)):
        send_email(
            session,
            user.email,
            _("We have received your listing for %(name)s", name=org.name),
            _(
                "Thank you for registering %(name)s with the %(site_name)s.",
                name=org.name,
                site_name=site_name_in_language(site_name),
            )
            + "\n\n"
            + _(
                "A moderator will check the listing, usually within 5 working days, and we will email you when it "
                "is published or if anything needs changing."
            )
            + "\n\n"
            + _("You can see your listings at:")
            + f"\n\n{manage_url}\n",
        )
    return request


def withdraw_listing(session: Session, org: Organisation, user: User, *, ip: str | None = None) -> None:
    """Hide a listing at its representative's request. Nothing is deleted: it can be submitted again."""
    if org.status == ListingStatus.WITHDRAWN:
        return
    if org.status == ListingStatus.SUSPENDED:
        raise RegistrationError(_("A moderator has suspended this listing; contact us to change it"))
    org.status = ListingStatus.WITHDRAWN.value
    save_change(session, org, {}, editor=user, summary="Withdrawn by the organisation")
    for request in session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.organisation_id == org.id, ChangeRequest.status == ReviewStatus.PENDING
        )
    ):
        request.status = ReviewStatus.WITHDRAWN.value
        request.decided_at = utcnow()
    audit(session, "listing.withdrawn", actor=user, subject=org, ip=ip)


def pending_claim(session: Session, org: Organisation, user: User) -> Claim | None:
    return session.scalars(
        select(Claim).where(
            Claim.organisation_id == org.id, Claim.user_id == user.id, Claim.status == ReviewStatus.PENDING
        )
    ).first()


def claims_by(session: Session, user: User) -> list[Claim]:
    return list(session.scalars(select(Claim).where(Claim.user_id == user.id).order_by(Claim.created_at.desc())))


def listings_named(session: Session, text: str, *, published_only: bool = True, limit: int = 20) -> list[Organisation]:
    """Listings whose name contains every word of ``text``: published ones for someone looking for their
    organisation to claim; any, drafts included, for a moderator."""
    words = text.split()
    if not words:
        return []
    query = select(Organisation)
    if published_only:
        query = query.where(Organisation.status == ListingStatus.PUBLISHED)
    for word in words[:6]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Organisation.name).like(f"%{escaped.lower()}%", escape="\\"))
    return list(session.scalars(query.order_by(func.lower(Organisation.name)).limit(limit)))


def make_claim(
    session: Session,
    org: Organisation,
    user: User,
    *,
    role_at_organisation: str,
    evidence: str,
    ip: str | None = None,
) -> Claim:
    """Ask to represent a published listing; a moderator checks the evidence and decides."""
    if org.status != ListingStatus.PUBLISHED:
        raise RegistrationError(_("Only published listings can be claimed"))
    if represents(session, user, org):
        raise RegistrationError(_("You already represent this organisation"))
    if pending_claim(session, org, user) is not None:
        raise RegistrationError(_("You have already claimed this listing. A moderator will be in touch"))
    if not evidence.strip():
        raise RegistrationError(_("Tell us how we can check that you represent the organisation"))
    claim = Claim(
        organisation=org, user=user, role_at_organisation=role_at_organisation.strip(), evidence=evidence.strip()
    )
    session.add(claim)
    session.flush()
    audit(session, "listing.claimed", actor=user, subject=org, detail={"claim": claim.id}, ip=ip)
    return claim
