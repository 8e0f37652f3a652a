"""Moderation: the queue of new listings, claims and changes to verified facts, and each decision on them.

Every decision is recorded on the item (who, when, why), in the audit log and, where it changes the listing,
as a revision; the people concerned are told by email. Listings are never deleted: a moderator suspends
one, which hides it, or restores an earlier revision, which is itself a new revision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.language import gettext as _
from registry.domain.language import speaking
from registry.domain.paging import Page, PageRequest
from registry.models import (
    AuditEvent,
    ChangeKind,
    ChangeRequest,
    Claim,
    ListingStatus,
    Membership,
    Organisation,
    OutboxEmail,
    ReviewStatus,
    Revision,
    Role,
    User,
    Verification,
)
from registry.models._types import utcnow
from registry.services.accounts import audit, change_role, email_language, find_user
from registry.services.editing import (
    FieldChange,
    changes,
    check_version,
    listing_data,
    restorable,
    save_change,
)
from registry.services.email import send_email
from registry.services.registration import representatives


class ModerationError(ValueError):
    """A decision that cannot be made as asked; ``message`` is fit to show the moderator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReviewQueue:
    new_listings: list[ChangeRequest]
    changes: list[ChangeRequest]
    claims: list[Claim]

    @property
    def total(self) -> int:
        return len(self.new_listings) + len(self.changes) + len(self.claims)


def review_queue(session: Session) -> ReviewQueue:
    """Everything waiting for a moderator, oldest first."""
    requests = list(
        session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.status == ReviewStatus.PENDING)
            .order_by(ChangeRequest.created_at, ChangeRequest.id)
        )
    )
    claims = list(
        session.scalars(select(Claim).where(Claim.status == ReviewStatus.PENDING).order_by(Claim.created_at, Claim.id))
    )
    return ReviewQueue(
        new_listings=[r for r in requests if r.kind == ChangeKind.NEW_LISTING],
        changes=[r for r in requests if r.kind == ChangeKind.CHANGE],
        claims=claims,
    )


def proposed_changes(request: ChangeRequest) -> list[FieldChange]:
    """What approving a change request would change, compared with the listing as it now stands."""
    current = listing_data(request.organisation)
    return changes(current, {**current, **request.proposed}, keys=request.proposed.keys())


def _decide(item: ChangeRequest | Claim, status: ReviewStatus, moderator: User, reason: str | None) -> None:
    if not item.is_pending:
        raise ModerationError(_("This has already been decided"))
    item.status = status.value
    item.decided_by_id = moderator.id
    item.decided_at = utcnow()
    item.reason = (reason or "").strip() or None


def _require_reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise ModerationError(_("Enter the reason, so the representative knows what to change"))
    return reason.strip()


# An email's subject and body, worded when called: once for each person, in their language.
Email = Callable[[], tuple[str, str]]


def _tell(session: Session, people: list[User], email: Email) -> None:
    for person in {p.id: p for p in people}.values():
        _send(session, person, email)


def _send(session: Session, person: User, email: Email) -> None:
    with speaking(email_language(person)):
        subject, body = email()
        send_email(session, person.email, subject, body)


def _people_to_tell(session: Session, request: ChangeRequest) -> list[User]:
    people = representatives(session, request.organisation)
    if request.proposed_by is not None:
        people.append(request.proposed_by)
    return people


def approve_change_request(
    session: Session,
    request: ChangeRequest,
    moderator: User,
    *,
    manage_url: str,
    listing_url: str,
    ip: str | None = None,
) -> None:
    """Approve a new listing (publish and verify it) or a change to verified facts (apply it)."""
    org = request.organisation
    if request.kind == ChangeKind.NEW_LISTING and org.status != ListingStatus.PENDING:
        raise ModerationError(_("This listing is no longer waiting for review"))
    _decide(request, ReviewStatus.APPROVED, moderator, None)
    if request.kind == ChangeKind.NEW_LISTING:
        org.status = ListingStatus.PUBLISHED.value
        org.verification = Verification.VERIFIED.value
        org.published_at = org.published_at or utcnow()
        save_change(session, org, {}, editor=moderator, summary="Approved and published by a moderator")

        def email() -> tuple[str, str]:
            return _("%(name)s is now listed", name=org.name), _(
                "A moderator has checked and published the listing for %(name)s. It now shows as verified:",
                name=org.name,
            )

    else:
        proposer = request.proposed_by.email if request.proposed_by else "a representative"
        save_change(
            session, org, request.proposed, editor=moderator, summary=f"{request.summary} (proposed by {proposer})"
        )

        def email() -> tuple[str, str]:
            return _("Your change to %(name)s has been approved", name=org.name), _(
                "A moderator has approved your change to %(name)s (%(change)s). It is now live:",
                name=org.name,
                change=request.summary.lower(),
            )

    audit(
        session,
        "moderation.change_approved",
        actor=moderator,
        subject=org,
        detail={"change_request": request.id, "kind": request.kind},
        ip=ip,
    )

    def approved() -> tuple[str, str]:
        subject, opening = email()
        return subject, f"{opening}\n\n{listing_url}\n\n" + _("Your listings: %(url)s", url=manage_url) + "\n"

    _tell(session, _people_to_tell(session, request), approved)


def reject_change_request(
    session: Session, request: ChangeRequest, moderator: User, reason: str, *, manage_url: str, ip: str | None = None
) -> None:
    """Turn down a new listing (it goes back to being a draft) or a change (nothing is applied), saying why."""
    reason = _require_reason(reason)
    org = request.organisation
    _decide(request, ReviewStatus.REJECTED, moderator, reason)
    if request.kind == ChangeKind.NEW_LISTING:
        if org.status == ListingStatus.PENDING:
            org.status = ListingStatus.DRAFT.value
            save_change(session, org, {}, editor=moderator, summary="Returned to the organisation by a moderator")

        def email() -> tuple[str, str]:
            return _("Your listing for %(name)s needs changes", name=org.name), (
                _(
                    "A moderator has looked at the listing for %(name)s and could not publish it yet. They said:",
                    name=org.name,
                )
                + f"\n\n{reason}\n\n"
                + _("You can change the listing and submit it again:")
                + f"\n\n{manage_url}\n"
            )

    else:

        def email() -> tuple[str, str]:
            return _("Your change to %(name)s was not approved", name=org.name), (
                _(
                    "A moderator did not approve your change to %(name)s (%(change)s). They said:",
                    name=org.name,
                    change=request.summary.lower(),
                )
                + f"\n\n{reason}\n\n"
                + _("The listing has not changed. Your listings: %(url)s", url=manage_url)
                + "\n"
            )

    audit(
        session,
        "moderation.change_rejected",
        actor=moderator,
        subject=org,
        detail={"change_request": request.id, "kind": request.kind, "reason": reason},
        ip=ip,
    )
    _tell(session, _people_to_tell(session, request), email)


def approve_claim(session: Session, claim: Claim, moderator: User, *, manage_url: str, ip: str | None = None) -> None:
    """The claimant now represents the listing, which becomes verified: its organisation keeps it."""
    org = claim.organisation
    _decide(claim, ReviewStatus.APPROVED, moderator, None)
    exists = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == claim.user_id, Membership.organisation_id == org.id)
    )
    if not exists:
        session.add(Membership(user_id=claim.user_id, organisation_id=org.id))
    if org.verification != Verification.VERIFIED:
        org.verification = Verification.VERIFIED.value
        save_change(session, org, {}, editor=moderator, summary=f"Claimed by its organisation (claim {claim.id})")
    audit(session, "moderation.claim_approved", actor=moderator, subject=org, detail={"claim": claim.id}, ip=ip)
    _send(
        session,
        claim.user,
        lambda: (
            _("You now represent %(name)s", name=org.name),
            _(
                "A moderator has approved your claim to represent %(name)s. You can now keep its listing up to date:",
                name=org.name,
            )
            + f"\n\n{manage_url}\n",
        ),
    )


def reject_claim(
    session: Session, claim: Claim, moderator: User, reason: str, *, manage_url: str, ip: str | None = None
) -> None:
    reason = _require_reason(reason)
    _decide(claim, ReviewStatus.REJECTED, moderator, reason)
    org = claim.organisation
    audit(
        session,
        "moderation.claim_rejected",
        actor=moderator,
        subject=org,
        detail={"claim": claim.id, "reason": reason},
        ip=ip,
    )
    _send(
        session,
        claim.user,
        lambda: (
            _("Your claim to represent %(name)s", name=org.name),
            _("A moderator could not approve your claim to represent %(name)s. They said:", name=org.name)
            + f"\n\n{reason}\n\n"
            + _("You can claim it again with more evidence: %(url)s", url=manage_url)
            + "\n",
        ),
    )


def suspend_listing(
    session: Session, org: Organisation, moderator: User, reason: str, *, loaded_version: Any, ip: str | None = None
) -> None:
    """Hide a listing from the public (it is kept, with its history); the representatives are told why."""
    reason = _require_reason(reason)
    check_version(org, loaded_version)
    if org.status == ListingStatus.SUSPENDED:
        raise ModerationError(_("This listing is already suspended"))
    org.status = ListingStatus.SUSPENDED.value
    save_change(session, org, {}, editor=moderator, summary=f"Suspended by a moderator: {reason}")
    audit(session, "moderation.listing_suspended", actor=moderator, subject=org, detail={"reason": reason}, ip=ip)
    _tell(
        session,
        representatives(session, org),
        lambda: (
            _("The listing for %(name)s has been suspended", name=org.name),
            _(
                "A moderator has suspended the listing for %(name)s, so it is no longer public. They said:",
                name=org.name,
            )
            + f"\n\n{reason}\n",
        ),
    )


def reinstate_listing(
    session: Session, org: Organisation, moderator: User, reason: str, *, loaded_version: Any, ip: str | None = None
) -> None:
    reason = _require_reason(reason)
    check_version(org, loaded_version)
    if org.status != ListingStatus.SUSPENDED:
        raise ModerationError(_("Only a suspended listing can be reinstated"))
    org.status = ListingStatus.PUBLISHED.value
    save_change(session, org, {}, editor=moderator, summary=f"Reinstated by a moderator: {reason}")
    audit(session, "moderation.listing_reinstated", actor=moderator, subject=org, detail={"reason": reason}, ip=ip)


def restore_revision(
    session: Session,
    org: Organisation,
    revision: Revision,
    moderator: User,
    *,
    loaded_version: Any,
    ip: str | None = None,
) -> Revision:
    """Bring a listing's content back to an earlier revision, as a new revision (nothing is lost)."""
    check_version(org, loaded_version)
    if revision.organisation_id != org.id:
        raise ModerationError(_("That revision belongs to another listing"))
    restored = save_change(
        session, org, restorable(revision.snapshot), editor=moderator, summary=f"Restored revision {revision.number}"
    )
    audit(
        session,
        "moderation.revision_restored",
        actor=moderator,
        subject=org,
        detail={"revision": revision.number, "new_revision": restored.number},
        ip=ip,
    )
    return restored


def set_commissioner(session: Session, email: str, grant: bool, moderator: User, *, ip: str | None = None) -> User:
    """Give a representative the commissioner role (``grant``) or take it back.

    Moderators may do only this; making moderators and admins, or changing theirs, is for admins.
    """
    user = find_user(session, email)
    if user is None:
        raise ModerationError(_("There is no account for %(email)s", email=email.strip()))
    wanted, from_role = (Role.COMMISSIONER, Role.REPRESENTATIVE) if grant else (Role.REPRESENTATIVE, Role.COMMISSIONER)
    if user.role == wanted.value:
        return user
    if user.role != from_role.value:
        raise ModerationError(_only_an_admin(user))
    change_role(session, user, wanted, actor=moderator, ip=ip)
    return user


def _only_an_admin(user: User) -> str:
    """Why a moderator cannot change this account's role, in words for each role (Welsh mutates the role's name)."""
    if user.role == Role.MODERATOR:
        return _("%(email)s is a moderator: only an admin can change their role", email=user.email)
    if user.role == Role.ADMIN:
        return _("%(email)s is an admin: only an admin can change their role", email=user.email)
    return _("%(email)s is a %(role)s: only an admin can change their role", email=user.email, role=user.role)


def audit_events(session: Session, paging: PageRequest, action_prefix: str | None = None) -> Page[AuditEvent]:
    query = select(AuditEvent)
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).offset(paging.offset).limit(paging.per_page)
    ).all()
    return Page(list(items), total, paging.page, paging.per_page)


def outbox(session: Session, paging: PageRequest) -> Page[OutboxEmail]:
    total = session.scalar(select(func.count()).select_from(OutboxEmail)) or 0
    items = session.scalars(
        select(OutboxEmail).order_by(OutboxEmail.id.desc()).offset(paging.offset).limit(paging.per_page)
    ).all()
    return Page(list(items), total, paging.page, paging.per_page)
