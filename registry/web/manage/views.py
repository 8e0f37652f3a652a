from __future__ import annotations

import functools
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.extensions import db
from registry.models import ChangeKind, ListingStatus, Organisation, Role, User
from registry.services.assessments import stored_reports
from registry.services.editing import (
    VERIFIED_FACT_KEYS,
    ChangeAlreadyWaiting,
    EditConflict,
    EditOutcome,
    changes,
    check_version,
    history,
    holds_for_review,
    keyed_field_rows,
    listing_data,
    pending_change,
    revision_authors,
    revisions_of,
    save_edit,
)
from registry.services.moderation import proposed_changes
from registry.services.registration import (
    SUBMITTABLE,
    RegistrationError,
    claims_by,
    listings_for,
    listings_named,
    make_claim,
    pending_claim,
    represents,
    start_draft,
    submission_problems,
    submit_for_review,
    withdraw_listing,
)
from registry.web.authorisation import has_role, permission_required
from registry.web.forms import REFUSED, change_rows, commit_or_refuse, parse_action, render_form_page
from registry.web.links import public_url
from registry.web.loaders import load_listing
from registry.web.manage import bp
from registry.web.manage.forms import (
    AboutStepForm,
    ClaimForm,
    ClaimSearchForm,
    SubmitForm,
    WithdrawForm,
    local_authority_groups,
    service_groups,
    whole_area_groups,
)
from registry.web.manage.loaders import Purpose, listing_for
from registry.web.manage.steps import STEP_NAMES, STEPS, Step, StepResult, in_the_wizard, next_step

EDITABLE = frozenset({ListingStatus.DRAFT.value, ListingStatus.PUBLISHED.value, ListingStatus.WITHDRAWN.value})
NOT_EDITABLE_MESSAGES = {
    ListingStatus.PENDING.value: _l("A moderator is reviewing this listing. You can change it again once they have."),
    ListingStatus.SUSPENDED.value: _l("A moderator has suspended this listing. Contact us to change it."),
}


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def _manage_url() -> str:
    return public_url("manage.home")


def _in_journey(org: Organisation) -> bool:
    """Whether the listing is still being registered (each step leads to the next) rather than kept up."""
    return org.status in SUBMITTABLE


@bp.get("/manage")
@permission_required("listing:own:update")
def home() -> str:
    session = db.session()
    user = _user()
    listings = listings_for(session, user)
    waiting = {org.id: pending_change(session, org) for org in listings}
    return render_template("manage/home.html", listings=listings, waiting=waiting, claims=claims_by(session, user))


def _render_step(
    step: Step, form: Any, org: Organisation | None, result: StepResult, **context: Any
) -> tuple[str, int]:
    session = db.session()
    waiting = pending_change(session, org) if org is not None else None
    held = org is not None and holds_for_review(org) and bool(set(step.keys) & VERIFIED_FACT_KEYS)
    # The about step mixes checked facts (name, website, email, phone) with others that go live at once.
    held_partly = held and not set(step.keys) <= VERIFIED_FACT_KEYS
    return render_form_page(
        step.template,
        form,
        result.errors,
        step=step,
        steps=STEPS,
        org=org,
        already_listed=result.already_listed,
        held_for_review=held,
        held_partly=held_partly,
        waiting=waiting if held else None,
        waiting_changes=proposed_changes(waiting) if held and waiting is not None else [],
        in_journey=org is None or _in_journey(org),
        service_groups=service_groups(),
        local_authority_groups=local_authority_groups(),
        whole_area_groups=whole_area_groups(),
        **context,
    )


@bp.route("/manage/listings/new", methods=["GET", "POST"])
@permission_required("listing:own:update")
def new_listing() -> Any:
    step = STEPS["about"]
    form = AboutStepForm()
    if request.method == "GET":
        return _render_step(step, form, None, StepResult())
    result = step.read(form, None, db.session())
    if result.errors:
        return _render_step(step, form, None, result)
    org = start_draft(db.session(), _user(), result.data, ip=request.remote_addr)
    db.session.commit()
    flash(
        _("We have saved %(name)s as a draft. You can come back to it at any time from your listings.", name=org.name)
    )
    if request.form.get("action") == "save-and-leave":
        return redirect(url_for("manage.home"))
    return redirect(url_for("manage.edit_step", slug=org.slug, step="legal"))


@bp.route("/manage/listings/<slug>/<any(about, legal, governance, services):step>", methods=["GET", "POST"])
@permission_required("listing:own:update")
def edit_step(slug: str, step: str) -> Any:
    org = listing_for(slug, Purpose.EDIT)
    definition = STEPS[step]
    if org.status not in EDITABLE:
        flash(str(NOT_EDITABLE_MESSAGES.get(org.status, _("You cannot change this listing now."))))
        return redirect(url_for("manage.listing", slug=org.slug))
    if request.method == "GET":
        form = definition.form_class(formdata=None, data={**definition.initial(org), "version": str(org.version)})
        return _render_step(definition, form, org, StepResult())
    form = definition.form_class()
    action = parse_action(request.form.get("action"), form)
    if action is not None:
        return _render_step(definition, change_rows(form, *action), org, StepResult())
    session = db.session()
    result = definition.read(form, org, session)
    if result.errors:
        return _render_step(definition, form, org, result)
    try:
        outcome = save_edit_or_conflict(org, result.data, form.version.data)
    except EditConflict:
        return _conflict(slug, definition, result.data)
    except ChangeAlreadyWaiting:
        flash(
            _(
                "A change to this listing's checked facts is already waiting for a moderator. "
                "Try again after it is reviewed."
            )
        )
        return redirect(url_for("manage.edit_step", slug=org.slug, step=step))
    if outcome.proposal is not None:
        flash(
            _(
                "A moderator will check your change to the %(step)s before it is published. "
                "We will email you when they have.",
                step=str(definition.title).lower(),
            )
        )
    elif outcome.revision is not None:
        flash(_("Your changes have been saved.") if not _in_journey(org) else _("Your answers have been saved."))
    if request.form.get("action") == "save-and-leave":
        return redirect(url_for("manage.home"))
    following = next_step(step)
    if _in_journey(org) and following is not None:
        return redirect(url_for("manage.edit_step", slug=org.slug, step=following))
    return redirect(url_for("manage.listing", slug=org.slug))


def save_edit_or_conflict(org: Organisation, data: dict[str, Any], loaded_version: Any) -> EditOutcome:
    """Save, committing; an out-of-date form or a save that lost a race both raise ``EditConflict``."""
    session = db.session()
    try:
        outcome = save_edit(session, org, data, editor=_user(), loaded_version=loaded_version)
        session.commit()
    except StaleDataError:
        session.rollback()
        raise EditConflict(loaded_version, -1) from None
    except (EditConflict, ChangeAlreadyWaiting):
        session.rollback()
        raise
    return outcome


def _conflict(slug: str, step: Step, theirs: dict[str, Any]) -> tuple[str, int]:
    """Both versions, side by side: what is saved now and what this person tried to save. Nothing is written."""
    org = listing_for(slug, Purpose.EDIT)
    current = listing_data(org)
    rows = changes(current, {**current, **theirs}, keys=step.keys)
    latest = revisions_of(db.session(), org)[:1]
    return (
        render_template(
            "manage/conflict.html",
            org=org,
            step=step,
            rows=rows,
            latest=latest[0] if latest else None,
            authors=_author_names(latest),
        ),
        409,
    )


@bp.get("/manage/listings/<slug>")
@permission_required("listing:own:update")
def listing(slug: str) -> tuple[str, int]:
    org = listing_for(slug, Purpose.EDIT)
    return _render_listing(org)


def _render_listing(org: Organisation, errors: dict[str, str] | None = None) -> tuple[str, int]:
    session = db.session()
    waiting = pending_change(session, org)
    problems = submission_problems(org) if org.status in SUBMITTABLE else []
    data = listing_data(org)
    return render_form_page(
        "manage/listing.html",
        None,
        errors or {},
        org=org,
        steps=STEPS,
        step_names=STEP_NAMES,
        sections={name: keyed_field_rows(data, step.keys) for name, step in STEPS.items()},
        editable=EDITABLE,
        reports=stored_reports(org),
        fact=functools.partial(in_the_wizard, org.slug),
        problems=problems,
        waiting=waiting,
        waiting_changes=proposed_changes(waiting) if waiting and waiting.kind == ChangeKind.CHANGE else [],
        submit_form=SubmitForm(),
        can_submit=org.status in SUBMITTABLE,
    )


@bp.post("/manage/listings/<slug>/submit")
@permission_required("listing:own:update")
def submit(slug: str) -> Any:
    org = listing_for(slug, Purpose.EDIT)
    session = db.session()
    try:
        check_version(org, request.form.get("version"))
        submit_for_review(
            session,
            org,
            _user(),
            manage_url=_manage_url(),
            site_name=current_app.config["SITE_NAME"],
            ip=request.remote_addr,
        )
        session.commit()
    except EditConflict:
        session.rollback()
        flash(_("The listing changed after you opened this page. Check your answers again, then submit it."))
        return redirect(url_for("manage.listing", slug=slug))
    except RegistrationError as error:
        session.rollback()
        return _render_listing(listing_for(slug, Purpose.EDIT), {"submit": error.message})
    flash(
        _(
            "You have submitted %(name)s. A moderator will check it and we will email you when it is published.",
            name=org.name,
        )
    )
    return redirect(url_for("manage.listing", slug=org.slug))


@bp.route("/manage/listings/<slug>/withdraw", methods=["GET", "POST"])
@permission_required("listing:own:update")
def withdraw(slug: str) -> Any:
    org = listing_for(slug, Purpose.EDIT)
    form = WithdrawForm()
    if request.method == "GET":
        form.version.data = str(org.version)
    elif form.validate_on_submit():

        def withdraw_it() -> None:
            check_version(org, form.version.data)
            withdraw_listing(db.session(), org, _user(), ip=request.remote_addr)

        try:
            outcome = commit_or_refuse(db.session(), withdraw_it, form.confirm, RegistrationError)
        except EditConflict:
            flash(_("The listing changed after you opened this page. Check it, then withdraw it if you still want to."))
            return redirect(url_for("manage.listing", slug=slug))
        if outcome is not REFUSED:
            flash(
                _(
                    "You have withdrawn %(name)s. It is no longer public; you can submit it again at any time.",
                    name=org.name,
                )
            )
            return redirect(url_for("manage.home"))
    return render_form_page("manage/withdraw.html", form, org=org)


@bp.get("/manage/claim")
@permission_required("listing:claim:create")
def find_to_claim() -> str:
    form = ClaimSearchForm(request.args)
    query = form.q.data or ""
    found = listings_named(db.session(), query) if query else []
    return render_template("manage/claim_search.html", form=form, query=query, found=found)


@bp.route("/manage/claim/<slug>", methods=["GET", "POST"])
@permission_required("listing:claim:create")
def claim(slug: str) -> Any:
    org = load_listing(slug)
    session = db.session()
    user = _user()
    already = represents(session, user, org)
    waiting = pending_claim(session, org, user)
    form = ClaimForm()
    if not already and waiting is None and form.validate_on_submit():
        claimed = commit_or_refuse(
            session,
            lambda: make_claim(
                session,
                org,
                user,
                role_at_organisation=form.role_at_organisation.data,
                evidence=form.evidence.data,
                ip=request.remote_addr,
            ),
            form.evidence,
            RegistrationError,
        )
        if claimed is not REFUSED:
            flash(_("You have claimed %(name)s. A moderator will check your evidence and email you.", name=org.name))
            return redirect(url_for("manage.home"))
    return render_form_page("manage/claim.html", form, org=org, already=already, waiting=waiting)


def _author_names(revisions: list[Any]) -> dict[str, str]:
    """How to name each revision's author to the person looking: moderators see email addresses; everyone
    else sees the part the author played, since representatives' addresses are not public."""
    users = revision_authors(db.session(), revisions)
    moderator = has_role(current_user, Role.MODERATOR)
    names: dict[str, str] = {}
    for revision in revisions:
        author = revision.author
        user = users.get(author)
        if "@" not in author:
            names[author] = author
        elif user is None:
            names[author] = author if moderator else _("A former user")
        elif moderator:
            names[author] = f"{author} ({user.role})"
        elif user.role in {Role.MODERATOR.value, Role.ADMIN.value}:
            names[author] = _("A moderator")
        else:
            names[author] = _("The organisation's representative")
    return names


@bp.get("/organisations/<slug>/history")
def listing_history(slug: str) -> str:
    org = listing_for(slug, Purpose.HISTORY)
    revisions = revisions_of(db.session(), org)
    return render_template(
        "manage/history.html",
        org=org,
        entries=history(revisions),
        authors=_author_names(revisions),
        can_restore=has_role(current_user, Role.MODERATOR),
        latest_number=revisions[0].number if revisions else None,
    )
