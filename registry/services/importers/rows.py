"""What an importer yields: rows in the listing-data shape or the problems that keep them out, and their checks."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from registry.domain.text import is_web_address
from registry.models import Identifier, Location, Organisation, Service, Source
from registry.models.limits import too_long

# The author of every revision an import makes starts with this, so imports know their own revisions from
# people's: a listing last changed by a person is never overwritten.
IMPORT_AUTHOR_PREFIX = "import: "


class ImportFileError(ValueError):
    """The import cannot start: the file is not the expected format (or names a column twice), or the report
    directory cannot be written. Nothing has been imported; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowRejected(ValueError):
    """Raised by an importer's row reader: the row cannot become a listing, and this is why."""


def require(*cells: tuple[str, str]) -> None:
    """Reject the row for the first of ``(value, reason)`` whose value is blank: a row without its key or name."""
    for value, reason in cells:
        if not value:
            raise RowRejected(reason)


@dataclass
class Problem:
    """A rejected row, or a warning about a row that was imported: where it is, what it is, what is wrong."""

    line: int
    source_key: str
    name: str
    reason: str


@dataclass
class SourceRow:
    """One source's contribution to one listing, read from one row (or one group of rows) of the file."""

    line: int
    source_key: str
    data: dict[str, Any]
    # False for rows outside the filter: they may update the listing they match but never create one.
    wanted: bool = True
    warnings: list[str] = field(default_factory=list)
    # A region to use when no location gives one (a nation in the source's own columns).
    fallback_region: str | None = None

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        return [(i["scheme"], i["value"]) for i in self.data.get("identifiers", [])]


class Importer(ABC):
    """One source's reader. Subclasses set the class attributes and implement :meth:`read`."""

    source: ClassVar[str]
    title: ClassVar[str]

    def __init__(self, path: Path, *, edition: str | None = None) -> None:
        self.path = Path(path)
        self.edition = edition or edition_from_file_name(self.path.name)
        # What reading found about whole files (one read as Windows-1252): the report's notes.
        self.notes: list[str] = []

    @property
    def author(self) -> str:
        """Whom the import's revisions are by: the prefix tells imports' revisions from people's."""
        return IMPORT_AUTHOR_PREFIX + self.title

    @property
    def filter_description(self) -> str:
        return "every row"

    def options(self) -> dict[str, Any]:
        return {}

    @abstractmethod
    def read(self) -> Iterator[SourceRow | Problem]:
        """The file's rows, each as a listing's data or as the reason it was rejected."""


def edition_from_file_name(name: str) -> str | None:
    """The edition a published file's name gives: 2017-06 from ..._2017-06.csv, 2025-11-01 from 01_November_2025..."""
    found = re.search(r"(\d{1,2})_([A-Za-z]+)_(\d{4})", name)
    if found:
        try:
            day = datetime.strptime(" ".join(found.groups()), "%d %B %Y").date()
            return day.isoformat()
        except ValueError:
            pass
    found = re.search(r"((?:19|20)\d\d)[-_](0[1-9]|1[0-2])(?:[-_](\d\d))?", name)
    if found:
        return "-".join(part for part in found.groups() if part)
    found = re.search(r"((?:19|20)\d\d)", name)
    return found.group(1) if found else None


# Where each part of a row's listing data is stored, so a row is checked against the columns' limits before it
# is written (rows are inserted in bulk, past the ORM's guard).
_ROW_COLUMNS: tuple[tuple[str | None, Any], ...] = (
    (None, Organisation.__table__),
    ("locations", Location.__table__),
    ("identifiers", Identifier.__table__),
    ("services", Service.__table__),
    ("sources", Source.__table__),
)
_ROW_KEYS = {"region": "region_code", "legal_form": "legal_form_code", "governance_model": "governance_model_code"}


def column_problems(row: SourceRow) -> list[str]:
    """Why ``row`` cannot be stored as it is: texts longer than their columns allow. A web address that is
    not http or https is dropped with a warning instead, as it is only a detail of the listing."""
    data = row.data
    website = data.get("website")
    if website and not is_web_address(website):
        row.warnings.append(f"The website {website[:80]!r} is not an http or https address: left out")
        data["website"] = None
    for source in data.get("sources", []):
        if source.get("url") and not is_web_address(source["url"]):
            source["url"] = None
    problems: list[str] = []
    for key, table in _ROW_COLUMNS:
        items = [data] if key is None else data.get(key) or []
        for item in items:
            values = {_ROW_KEYS.get(name, name): value for name, value in item.items()}
            if key is None and data.get("origin"):
                values["origin_parent_body"] = data["origin"].get("parent_body")
            problems.extend(f"The {problem}: the row is not imported" for problem in too_long(table, values))
    return problems


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size``: a batch's rows, or the keys of one ``IN (...)`` query."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
