"""What would decide a finding that needs information, as fields to fill in.

A finding names the facts it read and found unknown by their paths in the facts shape (``profits.asset_lock``,
``member_classes[1].kind``: see ``registry.domain.validator.tracing``). Here each path becomes the field of the
``/check`` form that asks for it (its element id, so a page can link to it) and that field's own label, so
nothing names a fact twice. A list left out entirely (``board_seats``) is asked for by the first field of its
first row, and the list of people with significant control by the explicit "does anyone?" answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from wtforms import FieldList, FormField

from registry.domain.language import gettext as _
from registry.domain.language import lazy_gettext as _l
from registry.domain.structure import BoardSeatFacts, MemberClassFacts
from registry.web.structure_form import NO_CONTROL_FIELD, StructureForm


@dataclass(frozen=True)
class NeededFact:
    """One fact that would decide a finding: its path, what the form calls it, and where to enter it."""

    path: str
    label: str
    href: str | None = None


# How the page names a row of each list, as its fieldset legends do (each a whole message with the row's number).
_ROWS: dict[str, Callable[[int], str]] = {
    "member_classes": lambda number: _("Member class %(number)s", number=number),
    "board_seats": lambda number: _("Board seats, group %(number)s", number=number),
    "significant_control": lambda number: _("Person or body %(number)s", number=number),
}
_LIST_LABELS = {"member_classes": _l("Member classes"), "board_seats": _l("The board's seats")}
_ROW_PATH = re.compile(r"^(member_classes|board_seats|significant_control)\[(\d+)\](?:\.(.+))?$")


def _first_asked(cls: type[Any]) -> str:
    return next(f.name for f in dataclasses.fields(cls) if f.metadata.get("asked") is not False)


_FIRST_FIELD = {
    "member_classes": f"member_classes-0-{_first_asked(MemberClassFacts)}",
    "board_seats": f"board_seats-0-{_first_asked(BoardSeatFacts)}",
    "significant_control": NO_CONTROL_FIELD,
}


def fact_field_id(path: str) -> str:
    """The ``/check`` field id that asks for the fact at ``path``: ``member_classes[1].kind`` is
    ``member_classes-1-kind``, ``profits.asset_lock`` is ``profits-asset_lock``."""
    if path in _FIRST_FIELD:
        return _FIRST_FIELD[path]
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


@cache
def _labels() -> Mapping[str, Any]:
    """Each field's label by its id, rows taken as row 0, read off the form itself (lazy: each reads in the
    language of the page that shows it)."""
    form = StructureForm(
        formdata=None, meta={"csrf": False}, data={"significant_control": [{}], "member_classes": [{}]}
    )
    found: dict[str, Any] = {}

    def walk(field: Any) -> None:
        if isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        else:
            found[field.id] = field.label.text

    for top in form:
        walk(top)
    return found


def fact_label(path: str) -> str:
    """What the form calls the fact at ``path``, in the language being spoken, with its row where it is in one
    ("Member class 2: Who the members are")."""
    labels = _labels()
    if path in _LIST_LABELS:
        return str(_LIST_LABELS[path])
    match = _ROW_PATH.match(path)
    if match:
        name, index, rest = match.group(1), int(match.group(2)), match.group(3)
        row = _ROWS[name](index + 1)
        if rest is None:
            return row
        label = labels.get(fact_field_id(f"{name}[0].{rest}"), rest.replace("_", " "))
        return f"{row}: {label}"
    field = fact_field_id(path)
    return str(labels.get(field, path.rsplit(".", 1)[-1].replace("_", " ").capitalize()))


def on_the_check_form(path: str) -> NeededFact:
    """The fact as a link to its field on ``/check``."""
    return NeededFact(path, fact_label(path), f"#{fact_field_id(path)}")


def unlinked(path: str) -> NeededFact:
    """The fact by name only, for readers who cannot change the structure (they ask the organisation)."""
    return NeededFact(path, fact_label(path))


def needed_facts(paths: Iterable[str], describe: Callable[[str], NeededFact]) -> list[NeededFact]:
    return [describe(path) for path in dict.fromkeys(paths)]
