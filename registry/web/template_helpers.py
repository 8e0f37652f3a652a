"""Filters and globals the templates share."""

from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request

from registry.domain.distances import kilometres
from registry.domain.identifiers import register_url
from registry.domain.labels import LABELS
from registry.domain.procurement import procurement_guide
from registry.domain.reference_data import legal_form_short_labels
from registry.domain.text import is_web_address


def partial_date(value: str | None) -> str:
    """Show a partial ISO date as people write it: 2011 → 2011, 2011-04 → April 2011, 2011-03-17 → 17 March 2011."""
    if not value:
        return ""
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        month = calendar.month_name[int(parts[1])]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        return f"{int(parts[2])} {month} {parts[0]}"
    except (ValueError, IndexError):
        return value


def money(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    if amount >= 1_000_000:
        return f"£{amount / 1_000_000:.1f} million".replace(".0 ", " ")
    return f"£{amount:,.0f}"


def number(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value.normalize():f}"


def short_label(legal_form: Any) -> str:
    """A legal form as its tag shows it ("Community interest company"); its full label where it has no short one."""
    if legal_form is None:
        return "Legal form not known"
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
