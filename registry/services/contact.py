"""Messages from the contact page: corrections to a listing, complaints and accessibility problems.

Each message is emailed through the outbox to the registry's contact address (``REGISTRY_CONTACT_EMAIL``) or,
when none is set, to every active moderator and admin, so it always reaches someone who runs the registry and
the outbox keeps the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.language import DEFAULT_LANGUAGE, speaking
from registry.domain.language import lazy_gettext as _l
from registry.models import Organisation, OutboxEmail, Role, User
from registry.services.email import send_email

# What a message is about: the value the form posts and the words people and moderators read (in the page's
# language on the form; in English in the email to the registry's staff).
KINDS = (
    ("correction", _l("A listing is wrong or out of date")),
    ("complaint", _l("A complaint")),
    ("accessibility", _l("An accessibility problem")),
    ("other", _l("Something else")),
)
KIND_LABELS = dict(KINDS)


@dataclass(frozen=True)
class Enquiry:
    """One message from the contact form, already checked by the form."""

    kind: str
    email: str
    message: str
    name: str = ""
    listing: str = ""


def listing_named(session: Session, slug: str | None) -> Organisation | None:
    """The listing a "Report a problem with this listing" link names, or None for a blank or unknown slug."""
    if not slug:
        return None
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def recipients(session: Session, contact_email: str | None) -> list[str]:
    """Who reads contact messages: the configured addresses (comma-separated), else the moderators and admins."""
    configured = [address.strip() for address in (contact_email or "").split(",") if address.strip()]
    if configured:
        return configured
    staff = select(User.email).where(
        User.role.in_([Role.MODERATOR.value, Role.ADMIN.value]),
        User.is_active.is_(True),
        User.email_confirmed_at.is_not(None),
    )
    return list(session.scalars(staff.order_by(User.email)))


def send_enquiry(
    session: Session, enquiry: Enquiry, *, to: list[str], site_name: str, listing_url: str | None = None
) -> list[OutboxEmail]:
    """Email ``enquiry`` to each address in ``to``; the reply goes to the person who wrote it. The email is in
    English, the language of the registry's staff, whichever language the form was filled in."""
    with speaking(DEFAULT_LANGUAGE):
        kind = str(KIND_LABELS.get(enquiry.kind, enquiry.kind))
    subject = f"{site_name}: {kind}"
    if enquiry.listing:
        subject += f" ({enquiry.listing})"
    lines = [
        f"What it is about: {kind}",
        f"From: {enquiry.name or 'not given'} <{enquiry.email}>",
        f"Listing: {enquiry.listing or 'not given'}" + (f" ({listing_url})" if listing_url else ""),
        "",
        enquiry.message,
        "",
        f"Reply to {enquiry.email} to answer.",
    ]
    body = "\n".join(lines)
    return [send_email(session, address, subject, body) for address in to]
