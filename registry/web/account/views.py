from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.language import ngettext, speaking
from registry.extensions import db, limiter
from registry.models import Role, User
from registry.services import accounts
from registry.services.accounts import AccountError, Links, SignInOutcome, Tokens
from registry.web.account import bp
from registry.web.account.forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    LanguageForm,
    RequestResetForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from registry.web.authorisation import ANY_ROLE, can, role_required
from registry.web.forms import form_errors, render_form_page
from registry.web.links import public_url
from registry.web.negotiation import json_error, wants_json
from registry.web.redirects import safe_next

# Failed sign-ins are limited per client and account together, so one machine gets few guesses at an account
# while the account's owner, signing in from anywhere else, is never locked out by it. A looser ceiling per
# account stops a botnet spreading its guesses over many clients. Only failures count against an account.
SIGN_IN_PER_IP = "10 per minute"
SIGN_IN_PER_ACCOUNT_AND_CLIENT = "5 per 15 minutes"
SIGN_IN_PER_ACCOUNT = "50 per hour"
# Each of these sends an email: limited so the registry cannot be used to flood someone's inbox.
SIGN_UP_PER_IP = "10 per hour"
RESET_REQUEST_PER_IP = "5 per 15 minutes"
RESET_REQUEST_PER_ACCOUNT = "3 per hour"
TOKEN_PER_IP = "20 per hour"  # noqa: S105 (a rate limit, not a token)

# Each role as the account page names it.
ROLE_NAMES = {
    Role.REPRESENTATIVE.value: _l("Representative"),
    Role.COMMISSIONER.value: _l("Commissioner"),
    Role.MODERATOR.value: _l("Moderator"),
    Role.ADMIN.value: _l("Admin"),
}
SIGN_IN_FAILED = _l("The email address or password is not correct")


def client_ip() -> str:
    return f"ip:{get_remote_address()}"


def submitted_email() -> str:
    return f"email:{accounts.normalise_email(request.form.get('email', '')) or '-'}"


def submitted_email_and_client() -> str:
    return f"{submitted_email()}|{client_ip()}"


# Kept on the request, not in flask.g: g belongs to the app context, which can outlive one request.
_SIGN_IN_FAILED_KEY = "registry.sign_in_failed"


def _sign_in_failed(response: Response) -> bool:
    return bool(request.environ.get(_SIGN_IN_FAILED_KEY))


def _tokens() -> Tokens:
    return Tokens(current_app.config["SECRET_KEY"])


def _links() -> Links:
    return Links(
        confirm=lambda token: public_url("account.confirm", token=token),
        reset=lambda token: public_url("account.reset_password", token=token),
        sign_in=public_url("account.sign_in"),
        request_reset=public_url("account.request_reset"),
    )


def _site_name() -> str:
    return str(current_app.config["SITE_NAME"])


def _emailing() -> dict[str, Any]:
    """What a service needs to send an account email: the signed tokens, the links and the site's name."""
    return {"tokens": _tokens(), "links": _links(), "site_name": _site_name()}


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded) -> Any:
    wait = wait_phrase(error.limit.limit.get_expiry())
    if wants_json():
        return json_error(429, _("Too many attempts. Wait %(wait)s, then try again.", wait=wait))
    return render_template("account/too_many_attempts.html", wait=wait), 429


def wait_phrase(seconds: int) -> str:
    """A rate limit's window in words: 900 → "15 minutes"."""
    if seconds >= 3600:
        return ngettext("%(num)s hour", "%(num)s hours", -(-seconds // 3600))
    if seconds >= 60:
        return ngettext("%(num)s minute", "%(num)s minutes", -(-seconds // 60))
    return ngettext("%(num)s second", "%(num)s seconds", seconds)


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_PER_IP, key_func=client_ip, methods=["POST"])
def sign_up() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("account.details"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            accounts.sign_up(
                db.session(),
                form.email.data,
                form.password.data,
                **_emailing(),
                ip=request.remote_addr,
            )
        except AccountError as error:
            form[error.field or "email"].errors = [error.message]
        else:
            db.session.commit()
            return render_template("account/check_email.html", email=accounts.normalise_email(form.email.data))
    return render_form_page("account/sign_up.html", form)


# Where each role's work is, most specific first: an admin, who holds every role, lands on the moderation queue.
LANDINGS = (
    ("moderate:listing:review", "moderate.queue"),
    ("commission:shortlist:manage", "commission.find"),
    ("listing:own:update", "manage.home"),
)


def landing_for(user: User) -> str:
    """The page a person goes to after signing in when no page asked for it: where their role's work is."""
    for permission, endpoint in LANDINGS:
        if can(user, permission):
            return url_for(endpoint)
    return url_for("account.details")


def _sign_in(user: User, *, remember: bool) -> None:
    """Start a server-side session for ``user``, commit, and give this browser its cookies."""
    accounts.start_session(db.session(), user)
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(TOKEN_PER_IP, key_func=client_ip, methods=["POST"])
def confirm(token: str) -> Any:
    """The emailed link: the person enters the password they chose, which confirms the address and signs in.

    Asking for the password means a link cannot confirm an account someone else created with this address.
    """
    user = _tokens().user_for_confirmation(db.session(), token)
    if user is None or not user.is_active:
        return render_template("account/link_not_valid.html", purpose="confirm"), 400
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            user = accounts.confirm_email(
                db.session(), token, form.password.data, tokens=_tokens(), ip=request.remote_addr
            )
        except AccountError as error:
            if error.field is None:
                return render_template("account/link_not_valid.html", purpose="confirm"), 400
            db.session.commit()  # keeps the audit record of the failure
            form.password.errors = [error.message]
        else:
            if current_user.is_authenticated:
                logout_user()
            _sign_in(user, remember=False)
            return render_template("account/confirmed.html", email=user.email)
    return render_form_page("account/confirm.html", form, email=user.email, token=token)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_PER_IP, key_func=client_ip, methods=["POST"])
@limiter.limit(
    SIGN_IN_PER_ACCOUNT_AND_CLIENT, key_func=submitted_email_and_client, methods=["POST"], deduct_when=_sign_in_failed
)
@limiter.limit(SIGN_IN_PER_ACCOUNT, key_func=submitted_email, methods=["POST"], deduct_when=_sign_in_failed)
def sign_in() -> Any:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next")
    # An unsafe "next" is dropped here, so it is never echoed into the page either.
    form.next.data = safe_next(form.next.data, "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(form.next.data or landing_for(current_user))
    if form.validate_on_submit():
        result = accounts.authenticate(db.session(), form.email.data, form.password.data, ip=request.remote_addr)
        if result.outcome is SignInOutcome.SIGNED_IN and result.user is not None:
            _sign_in(result.user, remember=bool(form.remember.data))
            return redirect(form.next.data or landing_for(result.user))
        if result.outcome is SignInOutcome.UNCONFIRMED and result.user is not None:
            accounts.resend_confirmation(
                db.session(), result.user, tokens=_tokens(), links=_links(), site_name=_site_name()
            )
            db.session.commit()
            return render_template("account/unconfirmed.html", email=result.user.email)
        request.environ[_SIGN_IN_FAILED_KEY] = True
        db.session.commit()  # keeps the audit record of the failure
        form.email.errors = [str(SIGN_IN_FAILED)]
    return render_form_page("account/sign_in.html", form)


@bp.post("/sign-out")
def sign_out() -> Response:
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        accounts.sign_out(db.session(), user, ip=request.remote_addr)
        db.session.commit()
        logout_user()
        flash(_("You have signed out."))
    return redirect(url_for("account.sign_in"))


@bp.route("", methods=["GET", "POST"])
@role_required(*ANY_ROLE)
def details() -> Any:
    user: User = current_user._get_current_object()
    form = ChangePasswordForm(user.email)
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session(),
                user,
                form.current_password.data,
                form.new_password.data,
                links=_links(),
                site_name=_site_name(),
                ip=request.remote_addr,
            )
        except AccountError as error:
            form[error.field or "new_password"].errors = [error.message]
        else:
            # Changing the password ended every session, this one included: start a new one here, so this
            # browser stays signed in while every other one is signed out.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            _sign_in(user, remember=remembered)
            flash(_("Your password has been changed."))
            return redirect(url_for("account.details"))
    return _details_page(form, LanguageForm(language=user.language), user)


def _details_page(form: ChangePasswordForm, language_form: LanguageForm, user: User) -> tuple[str, int]:
    """The account page with its two forms, and the errors of whichever was sent."""
    errors = form_errors(form) | form_errors(language_form)
    return render_form_page(
        "account/details.html", form, errors, language_form=language_form, user=user, role_names=ROLE_NAMES
    )


@bp.post("/language")
@role_required(*ANY_ROLE)
def choose_language() -> Any:
    """The language of the person's emails and pages, chosen on their account page."""
    user: User = current_user._get_current_object()
    language_form = LanguageForm()
    if not language_form.validate_on_submit():
        return _details_page(ChangePasswordForm(user.email, formdata=None), language_form, user)
    chosen = language_form.language.data
    accounts.choose_language(db.session(), user, chosen)
    db.session.commit()
    with speaking(chosen):
        flash(_("Your language has been saved."))
    # Asking for the language in the address also sets this browser's language cookie, so the pages follow now.
    return redirect(url_for("account.details", lang=chosen))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(RESET_REQUEST_PER_IP, key_func=client_ip, methods=["POST"])
@limiter.limit(RESET_REQUEST_PER_ACCOUNT, key_func=submitted_email, methods=["POST"])
def request_reset() -> Any:
    form = RequestResetForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            db.session(),
            form.email.data,
            **_emailing(),
            ip=request.remote_addr,
        )
        db.session.commit()
        return render_template("account/reset_sent.html", email=accounts.normalise_email(form.email.data))
    return render_form_page("account/reset_request.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(TOKEN_PER_IP, key_func=client_ip, methods=["POST"])
def reset_password(token: str) -> Any:
    user = _tokens().user_for_reset(db.session(), token)
    if user is None:
        return render_template("account/link_not_valid.html", purpose="reset"), 400
    form = ResetPasswordForm(user.email)
    if form.validate_on_submit():
        try:
            accounts.reset_password(
                db.session(),
                token,
                form.password.data,
                tokens=_tokens(),
                site_name=_site_name(),
                ip=request.remote_addr,
            )
        except AccountError as error:
            form.password.errors = [error.message]
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password has been changed. Sign in with your new password."))
            return redirect(url_for("account.sign_in"))
    return render_form_page("account/reset_password.html", form, token=token)
