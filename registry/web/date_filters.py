"""Dates as people read them on the pages that show a listing's answers and changes: a partial ISO date as
"March 2019", not "2019-03", and a moment as "6 December 2026 at 10:00", not "2026-12-06T10:00"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from babel.dates import format_date, format_time
from flask.sansio.app import App

from registry.domain.language import gettext as _
from registry.services.editing import FIELDS
from registry.web.template_helpers import babel_locale, partial_date

# The fields (by key, as the change tables name them, and by label, as the answers lists do) whose value is a
# partial date, and the one whose lines hold a source's publication date among its other parts.
_LABELS = dict(FIELDS)
DATE_FIELDS = frozenset({"founded", "origin.spun_out", "dissolved_on"})
_DATED = DATE_FIELDS | {_LABELS[key] for key in DATE_FIELDS}
_SOURCES = frozenset({"sources", _LABELS["sources"]})
_PARTIAL_DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")


def dated_lines(lines: Iterable[str], field: str) -> list[str]:
    """``field``'s readable lines (``field`` a key or its label) with partial dates written as people write them;
    other fields' lines unchanged."""
    if field in _DATED:
        return [partial_date(line) for line in lines]
    if field in _SOURCES:
        # A source's line is its parts joined by ", ": only a part that is a whole date is rewritten.
        return [
            ", ".join(partial_date(part) if _PARTIAL_DATE.match(part) else part for part in line.split(", "))
            for line in lines
        ]
    return list(lines)


def moment(value: datetime | str | None) -> str:
    """A date and time as people say it, in the language being spoken: 6 December 2026 at 10:00 (6 Rhagfyr 2026 am
    10:00); an ISO string is read first."""
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return _(
        "%(date)s at %(time)s",
        date=format_date(when, "d MMMM y", locale=babel_locale()),
        time=format_time(when, "HH:mm", locale=babel_locale()),
    )


def init_app(app: App) -> None:
    app.add_template_filter(dated_lines)
    app.add_template_filter(moment)
