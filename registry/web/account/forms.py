"""Account forms. Messages follow the GOV.UK and NHS.UK patterns: say what to do, not what went wrong."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import InputRequired, ValidationError

from registry.domain.passwords import ENTER_PASSWORD, password_problem
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
    password = PasswordField("Create a password", validators=[InputRequired(ENTER_PASSWORD), NewPassword()])


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ConfirmEmailForm(FlaskForm):
    password = PasswordField("Password", validators=[InputRequired("Enter the password you chose")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    new_password = PasswordField("New password", validators=[InputRequired("Enter a new password"), NewPassword()])

    def __init__(self, account_email: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email


class RequestResetForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired("Enter a new password"), NewPassword()])

    def __init__(self, account_email: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email
