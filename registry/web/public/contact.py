"""How to reach the registry: corrections to a listing, complaints and accessibility problems.

The form's messages are emailed to the people who run the registry (``registry.services.contact``). Posting is
rate limited per client address (``REGISTRY_CONTACT_RATE_LIMIT``), as each message sends email.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from registry.domain.language import lazy_gettext as _l
from registry.extensions import db, limiter
from registry.services.contact import KINDS, Enquiry, listing_named, recipients, send_enquiry
from registry.web.forms import email_field, one_line, options, render_form_page, several_lines, stripped
from registry.web.links import public_url
from registry.web.public import bp

MESSAGE_LIMIT = 5000


class ContactForm(FlaskForm):
    kind = RadioField(
        _l("What is your message about?"),
        choices=options(KINDS),
        validators=[InputRequired(_l("Select what your message is about"))],
    )
    listing = StringField(
        _l("Which listing is it about? (optional)"),
        validators=[Length(max=200, message=_l("Listing must be 200 characters or fewer"))],
        filters=[one_line],
    )
    message = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(_l("Enter your message")),
            Length(
                max=MESSAGE_LIMIT,
                message=_l("Your message must be %(limit)s characters or fewer", limit=format(MESSAGE_LIMIT, ",")),
            ),
        ],
        filters=[several_lines],
    )
    name = StringField(
        _l("Your name (optional)"),
        validators=[Length(max=100, message=_l("Your name must be 100 characters or fewer"))],
        filters=[one_line],
    )
    email = email_field(
        label=_l("Email address"),
        required=_l("Enter your email address, so we can reply"),
    )


def _contact_limit() -> str:
    return str(current_app.config["CONTACT_RATE_LIMIT"])


def _client() -> str:
    return f"ip:{get_remote_address()}"


NOBODY_TO_READ = _l(
    "We cannot send messages at the moment because nobody is set up to read them. "
    "Your message is still here: copy it, or try again later"
)


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, key_func=_client, methods=["POST"])
def contact() -> Any:
    session = db.session()
    form = ContactForm()
    listing = listing_named(session, request.args.get("listing"))
    if request.method == "GET" and listing is not None:
        form.listing.data = listing.name
        form.kind.data = "correction"
    if form.validate_on_submit():
        enquiry = Enquiry(
            kind=form.kind.data,
            email=stripped(form.email.data),
            message=form.message.data,
            name=form.name.data or "",
            listing=form.listing.data or "",
        )
        to = recipients(session, current_app.config.get("CONTACT_EMAIL"))
        if not to:
            # Nobody could read it: say so and keep what they wrote on the page, rather than drop it and thank them.
            current_app.logger.error(
                "A contact message could not be sent: set REGISTRY_CONTACT_EMAIL or make a moderator account"
            )
            page, _ = render_form_page(
                "public/contact.html", form, errors={"message": str(NOBODY_TO_READ)}, listing=listing
            )
            return page, 503
        send_enquiry(
            session,
            enquiry,
            to=to,
            site_name=str(current_app.config["SITE_NAME"]),
            listing_url=public_url("public.listing", slug=listing.slug) if listing is not None else None,
        )
        session.commit()
        return render_template("public/contact_sent.html", email=enquiry.email)
    return render_form_page("public/contact.html", form, listing=listing)
