from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.extensions import db
from registry.models import ChangeKind, Role, User
from registry.services.assessments import stored_reports
from registry.services.editing import EditConflict, keyed_field_rows, listing_data, pending_change
from registry.services.moderation import (
    ModerationError,
    approve_change_request,
    approve_claim,
    audit_events,
    outbox,
    proposed_changes,
    reinstate_listing,
    reject_change_request,
    reject_claim,
    restore_revision,
    review_queue,
    set_commissioner,
    suspend_listing,
)
from registry.services.registration import listings_named, representatives
from registry.web.authorisation import role_required
from registry.web.forms import REFUSED, Refused, commit_or_refuse, render_form_page
from registry.web.links import public_url
from registry.web.loaders import requested_page
from registry.web.manage.loaders import Purpose, change_request_for, claim_for, listing_for, revision_for
from registry.web.manage.steps import STEPS
from registry.web.moderate import bp
from registry.web.moderate.forms import CommissionerForm, DecisionForm, ListingStatusForm, RestoreForm

PER_PAGE = 50
# Where a listing came from, as the moderator's pages say it.
PROVENANCE_LABELS = {
    "seed": _l("Seed"),
    "self_registered": _l("Self registered"),
    "imported": _l("Imported"),
    "synthetic": _l("Synthetic"),
}


@bp.context_processor
def _moderation_labels() -> dict[str, Any]:
    return {"provenance_labels": PROVENANCE_LABELS}


def _moderator() -> User:
    user: User = current_user._get_current_object()
    return user


def _manage_url() -> str:
    return public_url("manage.home")


def _record_decision(form: DecisionForm, approve: Callable[[], Any], reject: Callable[[], Any], done: str) -> bool:
    """Approve or reject as the moderator chose, committing; False, with the refusal on the form, if refused."""
    decide = approve if form.decision.data == "approve" else reject
    if commit_or_refuse(db.session(), decide, form.decision, ModerationError) is REFUSED:
        return False
    flash(done)
    return True


@bp.get("")
@role_required(Role.MODERATOR)
def queue() -> str:
    return render_template("moderate/queue.html", queue=review_queue(db.session()))


@bp.route("/changes/<int:request_id>", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def change_request(request_id: int) -> Any:
    item = change_request_for(request_id)
    org = item.organisation
    form = DecisionForm()
    session = db.session()
    if item.is_pending and form.validate_on_submit():
        approve = functools.partial(
            approve_change_request,
            session,
            item,
            _moderator(),
            manage_url=_manage_url(),
            listing_url=public_url("public.listing", slug=org.slug),
            ip=request.remote_addr,
        )
        reject = functools.partial(
            reject_change_request,
            session,
            item,
            _moderator(),
            form.reason.data,
            manage_url=_manage_url(),
            ip=request.remote_addr,
        )
        done = _("Your decision on %(name)s has been recorded and the representative told by email.", name=org.name)
        if _record_decision(form, approve, reject, done):
            return redirect(url_for("moderate.queue"))
    new_listing = item.kind == ChangeKind.NEW_LISTING
    data = listing_data(org) if new_listing else {}
    return render_form_page(
        "moderate/change_request.html",
        form,
        item=item,
        org=org,
        new_listing=new_listing,
        changes=[] if new_listing else proposed_changes(item),
        sections={name: keyed_field_rows(data, step.keys) for name, step in STEPS.items()} if new_listing else {},
        steps=STEPS,
        reports=stored_reports(org) if new_listing else [],
        representatives=representatives(session, org),
    )


@bp.route("/claims/<int:claim_id>", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def claim(claim_id: int) -> Any:
    item = claim_for(claim_id)
    org = item.organisation
    form = DecisionForm()
    session = db.session()
    if item.is_pending and form.validate_on_submit():
        approve = functools.partial(
            approve_claim, session, item, _moderator(), manage_url=_manage_url(), ip=request.remote_addr
        )
        reject = functools.partial(
            reject_claim,
            session,
            item,
            _moderator(),
            form.reason.data,
            manage_url=_manage_url(),
            ip=request.remote_addr,
        )
        done = _(
            "Your decision on the claim to %(name)s has been recorded and the claimant told by email.", name=org.name
        )
        if _record_decision(form, approve, reject, done):
            return redirect(url_for("moderate.queue"))
    return render_form_page(
        "moderate/claim.html", form, item=item, org=org, representatives=representatives(session, org)
    )


@bp.get("/listings")
@role_required(Role.MODERATOR)
def find_listing() -> str:
    query = (request.args.get("q") or "").strip()
    found = listings_named(db.session(), query, published_only=False, limit=50) if query else []
    return render_template("moderate/find.html", query=query, found=found)


@bp.route("/listings/<slug>", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def listing(slug: str) -> Any:
    org = listing_for(slug, Purpose.MODERATE)
    form = ListingStatusForm()
    session = db.session()
    if request.method == "GET":
        form.version.data = str(org.version)
    elif form.validate_on_submit():
        suspended = org.status == "suspended"
        change = reinstate_listing if suspended else suspend_listing
        try:
            outcome = commit_or_refuse(
                session,
                lambda: change(
                    session,
                    org,
                    _moderator(),
                    form.reason.data,
                    loaded_version=form.version.data,
                    ip=request.remote_addr,
                ),
                form.reason,
                ModerationError,
            )
        except EditConflict:
            flash(_("The listing changed after you opened this page. Check it again."))
            return redirect(url_for("moderate.listing", slug=slug))
        if outcome is not REFUSED:
            flash(
                _("%(name)s is published again.", name=org.name)
                if suspended
                else _("%(name)s is suspended: it is hidden from the public, and kept.", name=org.name)
            )
            return redirect(url_for("moderate.listing", slug=slug))
    return render_form_page(
        "moderate/listing.html",
        form,
        org=org,
        waiting=pending_change(session, org),
        representatives=representatives(session, org),
    )


@bp.post("/listings/<slug>/revisions/<int:number>/restore", endpoint="restore_revision")
@role_required(Role.MODERATOR)
def restore_revision_view(slug: str, number: int) -> Response:
    org = listing_for(slug, Purpose.MODERATE)
    revision = revision_for(org, number)
    form = RestoreForm()
    session = db.session()
    try:
        restored = restore_revision(
            session, org, revision, _moderator(), loaded_version=form.version.data, ip=request.remote_addr
        )
        session.commit()
    except EditConflict:
        session.rollback()
        flash(_("The listing changed after you opened its history, so nothing was restored. Check it again."))
    except ModerationError as error:
        session.rollback()
        flash(error.message)
    else:
        flash(_("Revision %(number)s has been restored as revision %(new)s.", number=number, new=restored.number))
    return redirect(url_for("manage.listing_history", slug=slug))


@bp.get("/audit")
@role_required(Role.MODERATOR)
def audit_log() -> str:
    page = audit_events(db.session(), requested_page(PER_PAGE, 200), request.args.get("action") or None)
    return render_template("moderate/audit.html", page=page, action=request.args.get("action", ""))


@bp.get("/outbox")
@role_required(Role.ADMIN)
def email_outbox() -> str:
    # Admins only: the outbox holds password reset links, which would let their reader into any account.
    return render_template("moderate/outbox.html", page=outbox(db.session(), requested_page(PER_PAGE, 200)))


def _now_a(user: User) -> str:
    """What the moderator is told when an account's role has been changed (or already was as asked)."""
    if user.role == Role.COMMISSIONER:
        return _("%(email)s is now a commissioner.", email=user.email)
    if user.role == Role.REPRESENTATIVE:
        return _("%(email)s is now a representative.", email=user.email)
    return _("%(email)s is now a %(role)s.", email=user.email, role=user.role)


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.MODERATOR)
def users() -> Any:
    form = CommissionerForm()
    if form.validate_on_submit():
        session = db.session()
        grant = form.grant.data == "grant"
        user = commit_or_refuse(
            session,
            lambda: set_commissioner(session, form.email.data, grant, _moderator(), ip=request.remote_addr),
            form.email,
            ModerationError,
        )
        if not isinstance(user, Refused):
            flash(_now_a(user))
            return redirect(url_for("moderate.users"))
    return render_form_page("moderate/users.html", form)
