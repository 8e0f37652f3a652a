"""The columns of the commissioners' CSV and Excel exports and the words their headers show, read from
``data/reference/export_columns.yaml`` (the one place those words live).

``load_export_columns`` reads and checks the file, refusing it with a message naming the file and the item when
a column lacks a code or words, a code is repeated, a sheet's name is one Excel would refuse, or the rule sets'
verdict columns are not stood for exactly once. ``export_columns_spec`` is the checked file, read once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from registry.domain.language import DEFAULT_LANGUAGE, LocalisedLabels, current_language
from registry.domain.reference_data import (
    REFERENCE_DIR,
    VocabularyError,
    _check_source,
    _checked_codes,
    check_welsh,
    read_vocabulary_file,
)

# "verdict_{ruleset}" stands for one verdict column per rule set, "{ruleset}" in its label for the rule set's title.
RULESET_TEMPLATE = "{ruleset}"
ONLY = frozenset({"shortlist", "profile"})
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names, and these characters in one
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 12, 40


@dataclass(frozen=True)
class Column:
    """One column: the key of the row it reads, its header's words, its width in a workbook, and whether it is
    there only in a shortlist's export or an export against a profile (``only``)."""

    code: str
    english: str
    width: int
    only: str | None = None
    welsh: str | None = None

    @property
    def label(self) -> str:
        """The header's words in the language being spoken (an export downloaded in Welsh has Welsh headers)."""
        return _spoken(self.english, self.welsh)


@dataclass(frozen=True)
class Sheet:
    """A workbook sheet of one kind of a listing's child rows (``code``: the listing's list, like
    ``member_classes``), one row per record."""

    code: str
    english: str
    columns: tuple[Column, ...]
    welsh: str | None = None

    @property
    def title(self) -> str:
        """The sheet's name in the language being spoken."""
        return _spoken(self.english, self.welsh)


def _spoken(english: str, welsh: str | None) -> str:
    return welsh if welsh and current_language() != DEFAULT_LANGUAGE else english


@dataclass(frozen=True)
class ExportColumns:
    """The checked ``export_columns.yaml``."""

    listings: tuple[Column, ...]
    sheets: tuple[Sheet, ...]
    structure_details: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]

    def listing_columns(
        self, rulesets: Mapping[str, str], shortlist: bool = False, profile: bool = False
    ) -> list[Column]:
        """The columns of a listing's row, each rule set's verdict in the place the template stands; ``rulesets``
        is ``{id: title}`` in order. Shortlist and profile columns only for those exports."""
        named = {column.code for column in self.listings}
        wanted = {"shortlist": shortlist, "profile": profile}
        columns: list[Column] = []
        for column in self.listings:
            if column.only is not None and not wanted[column.only]:
                continue
            if RULESET_TEMPLATE not in column.code:
                columns.append(column)
                continue
            for ruleset_id, title in rulesets.items():
                code = column.code.replace(RULESET_TEMPLATE, ruleset_id)
                if code not in named:
                    welsh = column.welsh.replace(RULESET_TEMPLATE, title) if column.welsh else None
                    english = column.english.replace(RULESET_TEMPLATE, title)
                    columns.append(Column(code, english, column.width, welsh=welsh))
        return columns


def load_export_columns(directory: Path | None = None) -> ExportColumns:
    """Read and check ``<directory>/export_columns.yaml`` (default ``data/reference/``)."""
    return validate_export_columns(read_vocabulary_file((directory or REFERENCE_DIR) / "export_columns.yaml"))


def validate_export_columns(document: Any) -> ExportColumns:
    """Check a parsed ``export_columns.yaml`` and return it as columns and sheets."""
    where = "export_columns.yaml"
    _check_source(where, document, "'source', 'listings', 'sheets', 'structure_details' and 'values'")
    listings = _columns(f"{where}, listings", document.get("listings"))
    templates = [column for column in listings if RULESET_TEMPLATE in column.code]
    if len(templates) != 1 or not templates[0].code.startswith("verdict_"):
        raise VocabularyError(
            f"{where}, listings: exactly one column must stand for the rule sets' verdicts, with the code "
            f"'verdict_{RULESET_TEMPLATE}'."
        )
    sheets = document.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        raise VocabularyError(f"{where}: 'sheets' must be a non-empty list of sheets.")
    _checked_codes(f"{where}, sheets", sheets, ("code", "title", "columns"), _check_sheet_title)
    for position, sheet in enumerate(sheets, start=1):
        check_welsh(f"{where}, sheets: item {position} ({sheet['code']!r})", sheet, ("title",))
    titles = [sheet["title"].casefold() for sheet in sheets]
    if len(set(titles)) != len(titles) or {"about", "listings"} & set(titles):
        raise VocabularyError(f"{where}, sheets: each sheet needs a title of its own, not 'About' or 'Listings'.")
    return ExportColumns(
        listings=tuple(listings),
        sheets=tuple(
            Sheet(
                sheet["code"],
                sheet["title"],
                tuple(_columns(f"{where}, sheet {sheet['code']}", sheet["columns"])),
                sheet["cy"]["title"],
            )
            for sheet in sheets
        ),
        structure_details=_words(f"{where}, structure_details", document.get("structure_details")),
        values=MappingProxyType(_values(f"{where}, values", document.get("values"))),
    )


def _columns(where: str, items: Any) -> list[Column]:
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{where}: the columns must be a non-empty list.")
    _checked_codes(where, items, ("code", "label"), _check_column)
    for position, item in enumerate(items, start=1):
        check_welsh(f"{where}: item {position} ({item['code']!r})", item, ("label",))
    return [
        Column(
            item["code"],
            item["label"],
            item.get("width") or min(max(len(item["label"]) + 2, MIN_WIDTH), MAX_WIDTH),
            item.get("only"),
            item["cy"]["label"],
        )
        for item in items
    ]


def _check_column(label: str, item: Mapping[str, Any]) -> None:
    _check_words(label, item)
    width = item.get("width")
    if width is not None and (not isinstance(width, int) or isinstance(width, bool) or not 1 <= width <= 255):
        raise VocabularyError(f"{label}: 'width' must be a whole number of characters from 1 to 255.")
    if item.get("only") is not None and item["only"] not in ONLY:
        raise VocabularyError(f"{label}: 'only' must be one of {', '.join(sorted(ONLY))}.")


def _check_words(label: str, item: Mapping[str, Any]) -> None:
    if not isinstance(item["code"], str) or not item["code"].strip():
        raise VocabularyError(f"{label}: 'code' must be text, not empty.")
    if not isinstance(item["label"], str) or not item["label"].strip():
        raise VocabularyError(f"{label}: 'label' must be words, not empty.")


def _check_sheet_title(label: str, item: Mapping[str, Any]) -> None:
    title = item["title"]
    if not isinstance(title, str) or not title.strip():
        raise VocabularyError(f"{label}: 'title' must be words, not empty.")
    if len(title) > SHEET_TITLE_LIMIT or SHEET_TITLE_FORBIDDEN.search(title):
        raise VocabularyError(
            f"{label}: Excel needs a sheet name of at most {SHEET_TITLE_LIMIT} characters without [ ] : * ? / \\."
        )
    welsh = item.get("cy")
    welsh_title = welsh.get("title") if isinstance(welsh, Mapping) else None
    if isinstance(welsh_title, str) and (
        len(welsh_title) > SHEET_TITLE_LIMIT or SHEET_TITLE_FORBIDDEN.search(welsh_title)
    ):
        raise VocabularyError(
            f"{label}: Excel needs a sheet name of at most {SHEET_TITLE_LIMIT} characters without [ ] : * ? / \\ "
            "(the Welsh title too)."
        )


def _words(where: str, items: Any) -> Mapping[str, str]:
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{where}: the section must be a non-empty list of codes and labels.")
    _checked_codes(where, items, ("code", "label"), _check_words)
    for position, item in enumerate(items, start=1):
        check_welsh(f"{where}: item {position} ({item['code']!r})", item, ("label",))
    return LocalisedLabels({item["code"]: item for item in items})


def _values(where: str, fields: Any) -> dict[str, Mapping[str, str]]:
    if not isinstance(fields, Mapping) or not fields:
        raise VocabularyError(f"{where}: the section must map each field to a list of codes and labels.")
    return {field: _words(f"{where}, {field}", items) for field, items in fields.items()}


@cache
def export_columns_spec() -> ExportColumns:
    """The export columns of ``data/reference/export_columns.yaml``, read and checked once."""
    return load_export_columns()
