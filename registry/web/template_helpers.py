"""Filters and globals the templates share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask, request

from registry.domain.distances import kilometres
from registry.domain.identifiers import register_url
from registry.domain.labels import LABELS
from registry.domain.language import current_language
from registry.domain.language import gettext as _
from registry.domain.procurement import procurement_guide
from registry.domain.reference_data import legal_form_short_labels
from registry.domain.text import is_web_address


def babel_locale() -> str:
    """The Babel locale for the language being spoken: British English or Welsh."""
    return f"{current_language()}_GB"


def partial_date(value: str | None) -> str:
    """Show a partial ISO date as people write it, in the language being spoken: 2011 → 2011, 2011-04 → April 2011
    (Ebrill 2011), 2011-03-17 → 17 March 2011 (17 Mawrth 2011)."""
    if not value:
        return ""
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            return format_date(date(int(parts[0]), int(parts[1]), 1), "LLLL y", locale=babel_locale())
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        return format_date(day, "d MMMM y", locale=babel_locale())
    except (ValueError, IndexError):
        return value


def money(value: int | Decimal | None) -> str:
    """An amount in pounds: £1,250,000 as "£1.3 million" ("£1.3 miliwn"), smaller amounts in whole pounds."""
    if value is None:
        return ""
    amount = Decimal(value)
    if amount >= 1_000_000:
        millions = format_decimal(amount / 1_000_000, "#,##0.#", locale=babel_locale())
        return _("£%(millions)s million", millions=millions)
    return "£" + format_decimal(amount, "#,##0", locale=babel_locale())


def number(value: int | Decimal | None) -> str:
    """A count with thousands separated (1,234), or a decimal as written (2.5), in the language's digits."""
    if value is None:
        return ""
    if isinstance(value, int):
        return format_decimal(value, "#,##0", locale=babel_locale())
    return f"{value.normalize():f}"


def short_label(legal_form: Any) -> str:
    """A legal form as its tag shows it ("Community interest company"); its full label where it has no short one."""
    if legal_form is None:
        return _("Legal form not known")
    return legal_form_short_labels().get(legal_form.code, legal_form.label)


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (None removes one): for pagination and facets."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def init_app(app: Flask) -> None:
    app.add_template_filter(partial_date)
    app.add_template_filter(register_url)
    app.add_template_filter(money)
    app.add_template_filter(number)
    app.add_template_filter(short_label)
    app.add_template_filter(kilometres)
    app.add_template_global(url_with)
    app.jinja_env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    # Only an http(s) address becomes a link, whatever an older row or another source holds.
    app.jinja_env.tests["web_address"] = is_web_address
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["procurement_guide"] = procurement_guide
    # The vocabularies' labels (data/reference/labels.yaml): verdict and outcome tags, facet titles, origin...
    app.jinja_env.globals.update(LABELS)
