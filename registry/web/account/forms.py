"""Account forms. Messages follow the GOV.UK and NHS.UK patterns: say what to do, not what went wrong."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from registry.domain.language import LANGUAGE_NAMES, LANGUAGES
from registry.domain.language import lazy_gettext as _l
from registry.domain.passwords import password_problem
from registry.web.forms import email_field


class NewPassword:
    """A password someone is choosing: long enough, not common, not their email address or the site's name.

    The email address comes from the form's ``email`` field, or ``account_email`` for a signed-in person.
    """

    def __call__(self, form: Any, field: Any) -> None:
        email = getattr(form, "account_email", None) or getattr(getattr(form, "email", None), "data", None)
        problem = password_problem(field.data or "", email=email, site_name=current_app.config["SITE_NAME"])
        if problem:
            raise ValidationError(problem)


class SignUpForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Create a password"), validators=[InputRequired(_l("Enter a password")), NewPassword()])


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password"))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ConfirmEmailForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter the password you chose"))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password"))]
    )
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Enter a new password")), NewPassword()]
    )

    def __init__(self, account_email: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class RequestResetForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Enter a new password")), NewPassword()])

    def __init__(self, account_email: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class LanguageForm(FlaskForm):
    """The language of a person's emails, and of their pages wherever they sign in. Each language is named in
    itself ("English", "Cymraeg"), so it is never translated."""

    language = RadioField(
        _l("Language"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        validators=[InputRequired(_l("Choose a language"))],
        validate_choice=False,
    )

    def validate_language(self, field: Any) -> None:
        if field.data not in LANGUAGES:
            raise ValidationError(str(_l("Choose a language")))
