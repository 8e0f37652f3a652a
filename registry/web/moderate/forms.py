"""Moderation forms. A rejection, a suspension and a reinstatement always say why: the reason is emailed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from registry.web.forms import email_field, options, stripped

REASON_LENGTH = Length(max=2000, message="The reason must be 2,000 characters or fewer")


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Your decision",
        choices=options([("approve", "Approve"), ("reject", "Reject")]),
        validators=[InputRequired("Choose whether to approve or reject")],
    )
    reason = TextAreaField("Reason (needed to reject)", validators=[REASON_LENGTH], filters=[stripped])

    def validate_reason(self, field: Field) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter the reason, so the representative knows what to change")


class ListingStatusForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField("Reason", validators=[InputRequired("Enter the reason"), REASON_LENGTH], filters=[stripped])


class RestoreForm(FlaskForm):
    version = HiddenField()


class CommissionerForm(FlaskForm):
    email = email_field("Email address of the account", "Enter the email address of the account")
    grant = RadioField(
        "Commissioner role",
        choices=options([("grant", "Make them a commissioner"), ("revoke", "Take the commissioner role away")]),
        validators=[InputRequired("Choose whether to give or take away the commissioner role")],
    )
