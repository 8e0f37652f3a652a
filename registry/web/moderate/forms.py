"""Moderation forms. A rejection, a suspension and a reinstatement always say why: the reason is emailed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.web.forms import email_field, options, stripped

REASON_LENGTH = Length(max=2000, message=_l("The reason must be 2,000 characters or fewer"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Your decision"),
        choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[InputRequired(_l("Choose whether to approve or reject"))],
    )
    reason = TextAreaField(_l("Reason (needed to reject)"), validators=[REASON_LENGTH], filters=[stripped])

    def validate_reason(self, field: Field) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError(_("Enter the reason, so the representative knows what to change"))


class ListingStatusForm(FlaskForm):
    version = HiddenField()
    reason = TextAreaField(
        _l("Reason"), validators=[InputRequired(_l("Enter the reason")), REASON_LENGTH], filters=[stripped]
    )


class RestoreForm(FlaskForm):
    version = HiddenField()


class CommissionerForm(FlaskForm):
    email = email_field(_l("Email address of the account"), _l("Enter the email address of the account"))
    grant = RadioField(
        _l("Commissioner role"),
        choices=options([("grant", _l("Make them a commissioner")), ("revoke", _l("Take the commissioner role away"))]),
        validators=[InputRequired(_l("Choose whether to give or take away the commissioner role"))],
    )
