"""What every importer shares: rows in the listing-data shape, geocoding, matching, batched writes and reports.

An importer (one module per source) reads its file into :class:`SourceRow` objects, each one source's
contribution to one listing in the shape ``apply_listing_data`` reads, or into :class:`Problem` rejections.
:func:`run_import` then works through the rows in batches, each in its own transaction:

1. **Geocode** every location's postcode against the gazetteer in one query per batch (a letter O typed for
   a zero is put right when only one reading is a real postcode; a partial postcode is placed at its sector
   or district; an unknown one keeps the location without a map position, with a warning).
2. **Match** each row to a listing: by the source's own key (a row imported before), then by identifier
   (GB-COH, GB-MPR, CQC, charity numbers), then by normalised name and postcode, never to a listing whose
   identifier in the same scheme differs. A second row that lands on a listing an earlier row of the same
   file already took is a duplicate, and is rejected with the line it duplicates.
3. **Write.** A listing the imports own (provenance ``imported``, unverified, last changed by an import) is
   the merge of every source's latest contribution, applied only when that merge's fingerprint differs from
   the one last applied; it then gets a revision and a fresh assessment. A listing someone looks after (seed
   data, self-registered, verified, or last edited by a person) is never overwritten: the import only adds
   identifiers it lacks. A row outside the filter (``--sector``, ``--all``) never creates a listing, but
   still updates the one it matches.
4. **Commit** the batch. An interrupted import leaves whole batches only, and running it again skips what
   is done (unchanged fingerprints) and completes the rest.

The rejected rows (line, key, name, reason) and the rows imported with warnings are written to two CSV
files beside the printed summary, formulas written as text. The report directory is checked before the first
row: an import whose reports cannot be written does not start.

Every importer reads its files through :func:`read_csv_records` (and :func:`csv_header`, :func:`table_rows`),
so every importer reads the same way:

- **Encoding.** UTF-8, with or without a byte-order mark. A file wholly in Windows-1252 (as older spreadsheets
  save CSV) is read as that, with a note in the summary. In a UTF-8 file, a line holding bytes that are not
  UTF-8 has just those bytes read as Windows-1252, with a warning naming the line; valid UTF-8 is never
  decoded again as something else.
- **Control characters** (C0 but tab and newlines, DEL, C1; a NUL cannot be stored in PostgreSQL) are removed
  from every line, with a warning naming the line.
- **Rows that cannot be read** are rejected with their reason, and the rows after them are read: a cell of more
  than :data:`MAX_CELL_CHARACTERS`, a different number of cells from the header, the header line repeated.
  A header that names a column twice refuses the file (which of the two would we read?).
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import socket
import tempfile
import time
import unicodedata
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from slugify import slugify
from sqlalchemy import Table, Text, bindparam, cast, func, insert, select, type_coerce
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from tqdm import tqdm

from registry.domain.postcodes import PostcodeKind, parse_postcode_query
from registry.domain.text import clean_line, is_web_address
from registry.domain.validator import assess_all, rules_basis
from registry.models import (
    LISTING_RECORD_LISTS,
    Assessment,
    GovernanceModel,
    Identifier,
    LegalForm,
    ListingProvenance,
    ListingStatus,
    Location,
    Organisation,
    Region,
    Revision,
    Service,
    ServiceType,
    Source,
    Verification,
)
from registry.models.gazetteer import Outcode, Postcode, Sector
from registry.models.imports import ImportedRecord, ImportRun, ImportRunStatus
from registry.models.limits import too_long
from registry.services.assessments import listing_facts, store_assessments
from registry.services.commissioning import spreadsheet_safe
from registry.services.driver import driver_cursor
from registry.services.gazetteer.sources import region_names
from registry.services.gazetteer.status import is_gazetteer_loaded
from registry.services.listing_data import apply_listing_data
from registry.services.listings import listing_as_dict
from registry.services.search_index import PREFERRED_PROVIDER_RULESET, add_to_index, reindex
from registry.services.seed import data_digest

DEFAULT_BATCH_SIZE = 500
# Distinct assessment reports kept as JSON during a run (see ImportRunner._report_json).
REPORT_CACHE_SIZE = 5000

# When two sources give the same fact, the first here wins: the FCA keeps the register of societies itself;
# Co-operatives UK curates names and classifications; CQC knows where care is given, not who owns it.
SOURCE_PRIORITY = ("fca-mpr", "coops-uk", "cqc")

# Imported listings carry these; anything else (a moderator's suspension, a claim) is made by a person and
# stops imports from overwriting the listing.
IMPORTED_STATE = {
    "status": ListingStatus.PUBLISHED.value,
    "verification": Verification.UNVERIFIED.value,
    "provenance": ListingProvenance.IMPORTED.value,
}

# The author of every revision an import makes starts with this, so imports know their own revisions from
# people's: a listing last changed by a person is never overwritten.
IMPORT_AUTHOR_PREFIX = "import: "

NATION_REGIONS = {
    "wales": "W92000004",
    "scotland": "S92000003",
    "northern ireland": "N92000002",
}


class ImportFileError(ValueError):
    """The import cannot start: the file is not the expected format (or names a column twice), or the report
    directory cannot be written. Nothing has been imported; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowRejected(ValueError):
    """Raised by an importer's row reader: the row cannot become a listing, and this is why."""


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


@dataclass
class ImportReport:
    """What an import did, for the summary, the run record and the report files."""

    source: str
    title: str
    file: Path
    edition: str | None
    filter_description: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    skipped: int = 0
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    gazetteer_loaded: bool = True
    rejected_path: Path | None = None
    warnings_path: Path | None = None
    run_id: int | None = None
    # About whole files rather than rows (a file read as Windows-1252), printed with the summary.
    notes: list[str] = field(default_factory=list)
    # Why the report files could not be written after the rows were (the rows are imported all the same).
    reports_error: str | None = None

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "linked": self.linked,
            "skipped": self.skipped,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
        }

    def summary_lines(self) -> list[str]:
        edition = f" ({self.edition})" if self.edition else ""
        lines = [
            f"{self.title}{edition}: {self.rows_read:,} rows read from {self.file.name} in {self.seconds:.1f} s",
            f"  Filter: {self.filter_description}; "
            f"{self.skipped:,} rows outside it matched no listing and were skipped",
            f"  Listings: {self.created:,} created, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{self.linked:,} looked after by people and only linked",
            f"  Rejected rows: {len(self.rejected):,}" + (f" (see {self.rejected_path})" if self.rejected_path else ""),
            f"  Rows imported with warnings: {len({w.line for w in self.warnings}):,}"
            + (f" (see {self.warnings_path})" if self.warnings_path else ""),
        ]
        lines += [f"  Note: {note}" for note in self.notes]
        if self.reports_error:
            lines.append(f"  The report files could not be written: {self.reports_error}")
        if not self.gazetteer_loaded:
            lines.append(
                "  The gazetteer is not built, so no listing was given a map position or region: run "
                "`flask gazetteer build`, then this import again."
            )
        return lines


class Importer(ABC):
    """One source's reader. Subclasses set the class attributes and implement :meth:`read`."""

    source: ClassVar[str]
    title: ClassVar[str]
    author: ClassVar[str]

    def __init__(self, path: Path, *, edition: str | None = None) -> None:
        self.path = Path(path)
        self.edition = edition or edition_from_file_name(self.path.name)
        # What reading found about whole files (one read as Windows-1252): the report's notes.
        self.notes: list[str] = []

    @property
    def filter_description(self) -> str:
        return "every row"

    def options(self) -> dict[str, Any]:
        return {}

    @abstractmethod
    def read(self) -> Iterator[SourceRow | Problem]:
        """The file's rows, each as a listing's data or as the reason it was rejected."""


# ---------------------------------------------------------------------------------------------------
# Reading helpers shared by the source modules


def clean_text(value: str | None) -> str:
    """One line of text: NFKC, no control or invisible (zero-width, bidirectional) characters, inner whitespace
    and newlines collapsed, ends trimmed (``registry.domain.text.clean_line``)."""
    return clean_line(value)


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


def address_lines(*parts: str | None) -> str:
    """An address as one line, "12 High Street, Leeds", from parts that may hold newlines or repeat."""
    lines: list[str] = []
    seen: set[str] = set()
    for part in parts:
        for piece in re.split(r"[\r\n]+|,", part or ""):
            text = clean_text(piece)
            # "Newcastle-upon-Tyne" and "Newcastle upon Tyne" are one line said twice.
            key = re.sub(r"[^a-z0-9]", "", text.lower())
            if key and key not in seen:
                seen.add(key)
                lines.append(text)
    return ", ".join(lines)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y")


def parse_date(value: str | None) -> date | None:
    """A date as registers write it (1/2/2003, 2003-02-01, 2003-02-01 00:00:00); None when blank.

    Raises ValueError when the text is not a date.
    """
    text = clean_text(value)
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def read_date(value: str | None, what: str, warnings: list[str]) -> str | None:
    """An ISO date for the listing, or None with a warning when the text is not a date."""
    try:
        parsed = parse_date(value)
    except ValueError:
        warnings.append(f"The {what} {clean_text(value)!r} is not a date: left out")
        return None
    return parsed.isoformat() if parsed else None


def csv_rows(lines: Iterable[str], first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the file line each starts on, whatever newlines their quoted cells hold."""
    reader = csv.reader(lines)
    start = first_line
    for record in reader:
        yield start, record
        start = first_line + reader.line_num


# Characters no register means as text: the C0 controls but tab, line feed and carriage return (the CSV's own
# structure, and clean_text makes them spaces), DEL and the C1 controls. A NUL byte cannot be stored in
# PostgreSQL at all (it aborted a whole batch); the others are invisible, or break the lines of reports.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# More characters in one cell than any register field holds (csv's own default limit): such a row is rejected.
MAX_CELL_CHARACTERS = 131_072
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class CsvText:
    """A CSV file's text as lines (line endings kept), decoded and cleaned, and what reading changed."""

    lines: list[str]
    # File line number → what was changed on that line: bytes read as Windows-1252, control characters removed.
    changes: dict[int, list[str]] = field(default_factory=dict)
    # True when the whole file is Windows-1252 (not UTF-8), as older spreadsheets save CSV files.
    windows_1252: bool = False


@dataclass
class CsvRecord:
    """One CSV record: the file line it starts on, its cells, and what reading changed on its lines.

    ``problem`` says why the record cannot be a row at all (a cell too large); its cells are then empty.
    """

    line: int
    cells: list[str]
    changes: list[str] = field(default_factory=list)
    problem: str | None = None


def _cp1252_for_invalid_utf8(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: the bytes that are not UTF-8 read as Windows-1252, one at a time."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("registry-cp1252-fallback", _cp1252_for_invalid_utf8)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_csv(raw: bytes) -> CsvText:
    """A CSV file's bytes as text, each line decoded on its own and cleaned of control characters.

    - A file that is UTF-8 throughout (with or without a byte-order mark) is read as UTF-8.
    - A file in which no line with a byte beyond ASCII is UTF-8 is a Windows-1252 file (as older spreadsheets
      save CSV): it is read as Windows-1252 throughout, and ``windows_1252`` says so.
    - Otherwise (a UTF-8 file with a stray byte from elsewhere) each UTF-8 line is read as UTF-8, never
      re-decoded, and in a line that is not, only the bytes that are not UTF-8 are read as Windows-1252
      ("Cr\\xe8me" becomes "Crème"), with a change naming the line and the bytes.

    Control characters (C0 but tab and newlines, DEL, C1) are removed from every line, with a change naming the
    line; those that separate words (a vertical tab, a form feed) become a space.
    """
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    # bytes.splitlines breaks at \r\n, \r and \n only: the lines csv reads from text opened with newline="".
    raw_lines = raw.splitlines(keepends=True)
    whole_utf8 = _is_utf8(raw)
    cp1252_file = not whole_utf8 and not any(not line.isascii() and _is_utf8(line) for line in raw_lines)
    text = CsvText(lines=[], windows_1252=cp1252_file)
    for number, raw_line in enumerate(raw_lines, start=1):
        changes: list[str] = []
        if whole_utf8 or raw_line.isascii():
            line = raw_line.decode("utf-8")
        elif cp1252_file:
            line = raw_line.decode("cp1252", errors="replace")
        else:
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                line = raw_line.decode("utf-8", errors="registry-cp1252-fallback")
                changes.append(_not_utf8_change(number, raw_line))
        if _CONTROL_CHARACTERS.search(line):
            found = sorted(set(_CONTROL_CHARACTERS.findall(line)))
            line = _CONTROL_CHARACTERS.sub(lambda m: " " if m.group().isspace() else "", line)
            shown = ", ".join(f"U+{ord(ch):04X}" for ch in found)
            changes.append(f"Line {number} held control characters that are not text ({shown}): removed")
        text.lines.append(line)
        if changes:
            text.changes[number] = changes
    return text


def _not_utf8_change(number: int, raw_line: bytes) -> str:
    """What reading a line that is not UTF-8 changed: its stray bytes, each read as Windows-1252."""
    strays: list[str] = []
    position = 0
    while position < len(raw_line) and len(strays) < 5:
        try:
            raw_line[position:].decode("utf-8")
            break
        except UnicodeDecodeError as error:
            start, end = position + error.start, position + error.end
            byte = raw_line[start:end]
            strays.append(f"0x{byte.hex().upper()} is {byte.decode('cp1252', errors='replace')!r}")
            position = end
    return f"Line {number} is not UTF-8 throughout: read as Windows-1252, " + ", ".join(strays)


def read_csv_file(path: Path) -> str:
    """The file's text, decoded and cleaned as :func:`decode_csv` says."""
    return "".join(decode_csv(path.read_bytes()).lines)


def read_csv_records(path: Path, notes: list[str] | None = None) -> Iterator[CsvRecord]:
    """The CSV records of a register's file, decoded and cleaned (:func:`decode_csv`), each with its line.

    A record with a cell larger than :data:`MAX_CELL_CHARACTERS` comes with a ``problem`` instead of its
    cells, and the records after it are read as usual. A note about the whole file (read as Windows-1252) is
    added to ``notes``.
    """
    raw = path.read_bytes()
    text = decode_csv(raw)
    if text.windows_1252 and notes is not None:
        notes.append(
            f"{path.name} is not UTF-8, so it was read as Windows-1252 (as older spreadsheets save CSV files): "
            "check the accents of a few of its listings"
        )
    # csv refuses a field over its limit with an error that ends the reading of the file. The limit is the
    # csv module's, for every reader in the process: raised only while this file is parsed (to the file's
    # size, so no field can reach it), and put back before any record is used.
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(raw) + 1))
    try:
        parsed = [(line, cells) for line, cells in csv_rows(text.lines)]
    finally:
        csv.field_size_limit(previous)
    ends = [line for line, _ in parsed[1:]] + [len(text.lines) + 1]
    for (line, cells), next_line in zip(parsed, ends, strict=True):
        changes = [change for number in range(line, next_line) for change in text.changes.get(number, [])]
        largest = max((len(cell) for cell in cells), default=0)
        if largest > MAX_CELL_CHARACTERS:
            problem = (
                f"A cell holds {largest:,} characters, more than the {MAX_CELL_CHARACTERS:,} a cell may hold: "
                "the row is not imported"
            )
            yield CsvRecord(line, [], changes, problem)
        else:
            yield CsvRecord(line, cells, changes)


def csv_header(path: Path, cells: list[str]) -> list[str]:
    """A file's column names, cleaned; refuses a file that names a column twice (which would we read?)."""
    header = [clean_text(cell) for cell in cells]
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name and name in seen:
            raise ImportFileError(
                f"{path.name} has two columns called {name!r} (columns {seen[name]} and {number}), so we cannot "
                "tell which one to read. Rename or remove one of them and import the file again."
            )
        seen.setdefault(name, number)
    return header


@dataclass
class TableRow:
    """A row of a register's file by column name, or the reason it cannot be read (``problem``)."""

    line: int
    cells: dict[str, str]
    changes: list[str] = field(default_factory=list)
    problem: str | None = None


def table_rows(records: Iterable[CsvRecord], header: list[str], header_line: int) -> Iterator[TableRow]:
    """The records after a header as rows by column name; blank lines are skipped.

    A record that cannot be a row comes with its reason: a cell too large, a different number of cells from
    the header, or the header repeated (as when two files are pasted together).
    """
    for record in records:
        cells = record.cells
        if record.problem is not None:
            yield TableRow(record.line, {}, record.changes, record.problem)
        elif not any(cell.strip() for cell in cells):
            continue
        elif len(cells) != len(header):
            problem = f"The row has {len(cells)} cells but the header has {len(header)}"
            yield TableRow(record.line, {}, record.changes, problem)
        elif [clean_text(cell) for cell in cells] == header:
            problem = f"The header line repeated (the header is line {header_line}): not a row of data"
            yield TableRow(record.line, {}, record.changes, problem)
        else:
            yield TableRow(record.line, dict(zip(header, cells, strict=True)), record.changes)


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


def region_for_nation(nation: str | None) -> str | None:
    return NATION_REGIONS.get(clean_text(nation).lower())


_REGION_BY_NAME = {name.lower(): code for code, name in region_names().items()}


def region_for_name(name: str | None) -> str | None:
    """An ONS region code from a region's name as registers write it ("Yorkshire and the Humber")."""
    return _REGION_BY_NAME.get(clean_text(name).lower())


# ---------------------------------------------------------------------------------------------------
# Names


_NAME_NOISE = re.compile(
    r"\b(the|limited|ltd|plc|llp|cic|c i c|community interest company|incorporated|inc|co|company)\b"
)


def match_name(name: str) -> str:
    """A name reduced for matching: case, accents, punctuation and legal endings do not count.

    "The Foster Care Co-operative Ltd." and "FOSTER CARE COOPERATIVE LIMITED" both give "foster care cooperative".
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("co-operative", "cooperative").replace("co-op", "coop")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _NAME_NOISE.sub(" ", text)
    return " ".join(text.split())


def compact_postcode(postcode: str | None) -> str | None:
    text = "".join((postcode or "").upper().split())
    return text or None


# ---------------------------------------------------------------------------------------------------
# Geocoding


@dataclass(frozen=True)
class _Point:
    latitude: float | None
    longitude: float | None
    lad_code: str | None
    region_code: str | None
    terminated: bool = False


_LOOKALIKES = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S"}


def _lookalike_readings(compact: str) -> list[str]:
    """Full postcodes the text could be with one or two letters and digits that look alike swapped."""
    positions = [i for i, ch in enumerate(compact) if ch in _LOOKALIKES]
    readings: set[str] = set()
    for i in positions:
        once = compact[:i] + _LOOKALIKES[compact[i]] + compact[i + 1 :]
        readings.add(once)
        for j in positions:
            if j > i:
                readings.add(once[:j] + _LOOKALIKES[once[j]] + once[j + 1 :])
    return sorted(
        r
        for r in readings
        if 5 <= len(r) <= 7 and parse_postcode_query(f"{r[:-3]} {r[-3:]}").kind is PostcodeKind.POSTCODE
    )


class PostcodeLocator:
    """Puts locations on the map from the gazetteer, a batch at a time (one query per kind of postcode)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.loaded = is_gazetteer_loaded(session)

    def locate(self, rows: Sequence[SourceRow]) -> None:
        """Fill in each location's position, local authority and region, and each row's region."""
        plans: list[tuple[SourceRow, dict[str, Any], str | None, Any]] = []
        full_keys: set[str] = set()
        sectors: set[str] = set()
        outcodes: set[str] = set()
        for row in rows:
            for location in row.data.get("locations", []):
                raw = clean_text(location.get("postcode"))
                query = parse_postcode_query(raw) if raw else None
                readings: list[str] = []
                if query is not None and query.kind is PostcodeKind.POSTCODE:
                    assert query.storage_key is not None
                    full_keys.add(query.storage_key)
                elif query is not None and query.kind is PostcodeKind.SECTOR:
                    assert query.sector is not None
                    sectors.add(query.sector)
                elif query is not None and query.kind is PostcodeKind.OUTCODE:
                    assert query.outcode is not None
                    outcodes.add(query.outcode)
                elif raw:
                    readings = _lookalike_readings("".join(raw.upper().split()))
                    full_keys.update(_storage_key(r) for r in readings)
                plans.append((row, location, raw or None, (query, readings)))

        found = self._postcodes(full_keys) if self.loaded else {}
        found_sectors = self._areas(Sector, Sector.sector, sectors) if self.loaded else {}
        found_outcodes = self._areas(Outcode, Outcode.outcode, outcodes) if self.loaded else {}

        for row, location, given, (query, readings) in plans:
            point: _Point | None = None
            shown: str | None = given
            if given is None:
                row.warnings.append(f"{_which(location)} has no postcode: listed without a map position")
            elif query.kind is PostcodeKind.POSTCODE:
                shown = query.display
                point = found.get(query.storage_key)
                if point is None and self.loaded:
                    row.warnings.append(f"We cannot find the postcode {shown}: listed without a map position")
            elif query.kind in (PostcodeKind.SECTOR, PostcodeKind.OUTCODE):
                shown = query.display
                area = found_sectors.get(query.sector) if query.kind is PostcodeKind.SECTOR else None
                area = area or found_outcodes.get(query.outcode)
                what = "sector" if query.kind is PostcodeKind.SECTOR else "district"
                if area is not None:
                    point = area
                    row.warnings.append(
                        f"Only part of a postcode ({given}): placed at the centre of postcode {what} {shown}"
                    )
                elif self.loaded:
                    row.warnings.append(f"We cannot find the postcode {what} {shown}: listed without a map position")
            else:
                real = [r for r in readings if _storage_key(r) in found]
                if len(real) == 1:
                    shown = f"{real[0][:-3]} {real[0][-3:]}"
                    point = found[_storage_key(real[0])]
                    row.warnings.append(
                        f"The postcode {given!r} is read as {shown} (letters and digits that look alike)"
                    )
                else:
                    row.warnings.append(f"{given!r} is not a postcode: listed without a map position")
                    shown = None
            if point is not None and point.terminated:
                row.warnings.append(f"The postcode {shown} is no longer in use")
            if point is not None and point.latitude is None:
                row.warnings.append(f"The postcode {shown} has no map position in the ONS directory")
            location["postcode"] = shown if shown and len(shown) <= 8 else None
            location["latitude"] = point.latitude if point else None
            location["longitude"] = point.longitude if point else None
            location["local_authority_code"] = point.lad_code if point else None
            location["region_code"] = point.region_code if point else None

        for row in rows:
            region = next((loc["region_code"] for loc in row.data.get("locations", []) if loc.get("region_code")), None)
            row.data["region"] = region or row.fallback_region

    def _postcodes(self, keys: set[str]) -> dict[str, _Point]:
        points: dict[str, _Point] = {}
        for chunk in _chunks(sorted(keys), 500):
            for pcd, lat, lon, lad, region, terminated in self.session.execute(
                select(
                    Postcode.pcd,
                    Postcode.latitude,
                    Postcode.longitude,
                    Postcode.lad_code,
                    Postcode.region_code,
                    Postcode.terminated,
                ).where(Postcode.pcd.in_(chunk))
            ):
                points[pcd] = _Point(lat, lon, lad, region, bool(terminated))
        return points

    def _areas(self, model: type[Sector] | type[Outcode], key: Any, keys: set[str]) -> dict[str, _Point]:
        if not keys:
            return {}
        return {
            row[0]: _Point(row[1], row[2], row[3], row[4])
            for row in self.session.execute(
                select(key, model.latitude, model.longitude, model.lad_code, model.region_code).where(key.in_(keys))
            )
        }


def _storage_key(compact: str) -> str:
    return f"{compact[:-3]:<4}{compact[-3:]}"


def _which(location: dict[str, Any]) -> str:
    return "The registered office" if location.get("is_registered_office") else f"The location {location.get('name')!r}"


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------------------
# Merging the sources of one listing

_LIST_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "identifiers": lambda i: (i["scheme"], i["value"]),
    "services": lambda s: s["code"],
    "locations": lambda loc: (loc.get("name"), loc.get("address"), loc.get("postcode")),
    "sources": lambda s: (s["title"], s.get("published")),
}


def merge_contributions(contributions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One listing's data from every source's contribution: facts by source priority, lists joined.

    Every list key is present (empty when no source gives one), so applying the merge replaces the listing's
    lists whole and nothing a source no longer says lingers.
    """
    ordered = [contributions[s] for s in SOURCE_PRIORITY if s in contributions]
    ordered += [data for s, data in sorted(contributions.items()) if s not in SOURCE_PRIORITY]
    merged: dict[str, Any] = {key: [] for key in _LIST_KEYS}
    merged["trading_names"] = []
    for data in ordered:
        for key, value in data.items():
            if key in _LIST_KEYS:
                seen = {_LIST_KEYS[key](item) for item in merged[key]}
                merged[key] += [item for item in value if _LIST_KEYS[key](item) not in seen]
            elif key == "trading_names":
                merged[key] += [name for name in value if name not in merged[key]]
            elif isinstance(value, dict):
                group = merged.setdefault(key, {})
                for inner, inner_value in value.items():
                    if group.get(inner) is None:
                        group[inner] = inner_value
            elif merged.get(key) is None:
                merged[key] = value
    merged["trading_names"] = [n for n in merged["trading_names"] if n != merged.get("name")]
    merged.setdefault("description", "")
    # The registered office first: it is the listing's address.
    merged["locations"].sort(key=lambda loc: not loc.get("is_registered_office"))
    return merged


# ---------------------------------------------------------------------------------------------------
# The run


@dataclass
class _Decision:
    row: SourceRow
    org: Organisation
    outcome: str  # created, matched (while deciding), updated, unchanged, linked
    added_identifiers: list[tuple[str, str]] = field(default_factory=list)
    # For an update: the merged listing data to apply and its fingerprint.
    data: dict[str, Any] = field(default_factory=dict)
    digest: str = ""


# Loaded with each matched listing (its identifiers come with the batch's identifier lookup).
_LISTING_CHILDREN = (*(name for name in LISTING_RECORD_LISTS if name != "identifiers"), "assessments")


class _Batch:
    """What the database already holds about a batch's rows, loaded in a few queries."""

    def __init__(self, session: Session, source: str, rows: Sequence[SourceRow]) -> None:
        keys = [row.source_key for row in rows]
        records = session.scalars(
            select(ImportedRecord).where(ImportedRecord.source == source, ImportedRecord.source_key.in_(keys))
        ).all()
        org_by_key = {r.source_key: r.organisation_id for r in records}

        wanted_identifiers = {ident for row in rows for ident in row.identifiers}
        by_identifier: dict[tuple[str, str], int] = {}
        for scheme in {s for s, _ in wanted_identifiers}:
            values = [v for s, v in wanted_identifiers if s == scheme]
            for chunk in _chunks(values, 500):
                for value, org_id in session.execute(
                    select(Identifier.value, Identifier.organisation_id).where(
                        Identifier.scheme_code == scheme, Identifier.value.in_(chunk)
                    )
                ):
                    by_identifier[(scheme, value)] = org_id

        postcodes = {
            pc for row in rows for loc in row.data.get("locations", []) if (pc := compact_postcode(loc.get("postcode")))
        }
        located: list[tuple[int, str | None]] = []
        for chunk in _chunks(sorted(postcodes), 500):
            located += session.execute(
                select(Location.organisation_id, Location.postcode).where(
                    func.upper(func.replace(Location.postcode, " ", "")).in_(chunk)
                )
            ).all()

        ids = set(org_by_key.values()) | set(by_identifier.values()) | {org_id for org_id, _ in located}
        self.orgs: dict[int, Organisation] = {}
        for chunk in _chunks(sorted(ids), 500):
            for org in session.scalars(
                select(Organisation).where(Organisation.id.in_(chunk)).options(selectinload(Organisation.identifiers))
            ):
                self.orgs[org.id] = org
        self.by_key = {key: self.orgs[org_id] for key, org_id in org_by_key.items() if org_id in self.orgs}
        self.by_identifier = {i: self.orgs[org_id] for i, org_id in by_identifier.items() if org_id in self.orgs}
        self.by_name_postcode: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
        for org_id, postcode in located:
            found = self.orgs.get(org_id)
            if found is not None and (pc := compact_postcode(postcode)):
                for name in {match_name(n) for n in [found.name, *(found.trading_names or [])]}:
                    if found not in self.by_name_postcode[(pc, name)]:
                        self.by_name_postcode[(pc, name)].append(found)

        self.records: dict[int, dict[str, ImportedRecord]] = defaultdict(dict)
        for chunk in _chunks(sorted(self.orgs), 500):
            for record in session.scalars(select(ImportedRecord).where(ImportedRecord.organisation_id.in_(chunk))):
                self.records[record.organisation_id][record.source] = record
        for record in records:
            self.records[record.organisation_id][record.source] = record

        self.last_author: dict[int, str] = {}
        for chunk in _chunks(sorted(self.orgs), 500):
            for org_id, author in session.execute(
                select(Revision.organisation_id, Revision.author)
                .where(Revision.organisation_id.in_(chunk))
                .order_by(Revision.organisation_id, Revision.number)
            ):
                self.last_author[org_id] = author

    def add_new(self, org: Organisation, row: SourceRow) -> None:
        """Make a listing created in this batch findable by the rows after it."""
        self.by_key[row.source_key] = org
        for ident in row.identifiers:
            self.by_identifier.setdefault(ident, org)
        for pc, name in _name_postcode_keys(row):
            self.by_name_postcode[(pc, name)].append(org)

    def find(self, row: SourceRow) -> Organisation | None:
        org = self.by_key.get(row.source_key)
        if org is not None:
            return org
        for ident in row.identifiers:
            org = self.by_identifier.get(ident)
            if org is not None:
                return org
        for key in _name_postcode_keys(row):
            for org in self.by_name_postcode.get(key, []):
                if not _conflicting_identifiers(_identifiers_of(org), row.identifiers):
                    return org
        return None


def _name_postcode_keys(row: SourceRow) -> list[tuple[str, str]]:
    names = {match_name(n) for n in [row.name, *row.data.get("trading_names", [])] if n}
    postcodes = {compact_postcode(loc.get("postcode")) for loc in row.data.get("locations", [])}
    return [(pc, name) for pc in sorted(p for p in postcodes if p) for name in sorted(n for n in names if n)]


def _identifiers_of(org: Organisation) -> list[tuple[str, str]]:
    return [(i.scheme_code, i.value) for i in org.identifiers]


def _conflicting_identifiers(held: Iterable[tuple[str, str]], given: Iterable[tuple[str, str]]) -> bool:
    """True when both have a number in one scheme and the numbers differ: two different organisations."""
    held_by_scheme = defaultdict(set)
    for scheme, value in held:
        held_by_scheme[scheme].add(value)
    return any(held_by_scheme[scheme] and value not in held_by_scheme[scheme] for scheme, value in given)


class ImportRunner:
    """Runs one importer over its file: see the module docstring."""

    def __init__(
        self,
        session: Session,
        importer: Importer,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: bool = False,
        report_dir: Path | None = None,
    ) -> None:
        self.session = session
        self.importer = importer
        self.batch_size = batch_size
        self.progress = progress
        self.report_dir = report_dir
        self.report = ImportReport(
            source=importer.source,
            title=importer.title,
            file=importer.path,
            edition=importer.edition,
            filter_description=importer.filter_description,
        )
        # Listing id → the line that took it in this run: a later row landing there is a duplicate.
        self.claimed: dict[int, int] = {}
        self.slugs: set[str] = set()
        self._reports: dict[Any, str] = {}

    def run(self) -> ImportReport:
        started = time.perf_counter()
        if self.report_dir is not None:
            check_report_directory(self.report_dir)
        rows: list[SourceRow] = []
        for item in self.importer.read():
            if isinstance(item, Problem):
                self.report.rejected.append(item)
            else:
                rows.append(item)
        self.report.rows_read = len(rows) + len(self.report.rejected)
        self.report.notes += self.importer.notes

        _close_abandoned_runs(self.session)
        run = ImportRun(
            source=self.importer.source,
            file_name=self.importer.path.name[:300],
            edition=self.importer.edition,
            options={**self.importer.options(), "process": {"host": socket.gethostname(), "pid": os.getpid()}},
            status=ImportRunStatus.RUNNING,
            rows_read=self.report.rows_read,
        )
        self.session.add(run)
        self.session.commit()
        run_id = self.report.run_id = run.id
        self.slugs = set(self.session.scalars(select(Organisation.slug)))
        locator = PostcodeLocator(self.session)
        self.report.gazetteer_loaded = locator.loaded

        bar = tqdm(total=len(rows), desc=self.importer.title, unit=" rows", disable=not self.progress)
        try:
            for batch in _chunks(rows, self.batch_size):
                self._import_batch(list(batch), locator, run_id)
                bar.update(len(batch))
        except BaseException:
            self.session.rollback()
            self._finish(run_id, ImportRunStatus.INTERRUPTED, started)
            raise
        finally:
            bar.close()
        self._finish(run_id, ImportRunStatus.COMPLETED, started)
        return self.report

    def _finish(self, run_id: int, status: ImportRunStatus, started: float) -> None:
        self.report.seconds = time.perf_counter() - started
        self.report.rejected.sort(key=lambda p: p.line)
        self.report.warnings.sort(key=lambda p: p.line)
        if self.report_dir is not None:
            try:
                self.report.rejected_path, self.report.warnings_path = write_reports(self.report, self.report_dir)
            except OSError as error:
                # The rows are saved: record the run as what it was, and say the reports are missing.
                self.report.reports_error = f"{self.report_dir}: {error.strerror or error}"
        run = self.session.get(ImportRun, run_id)
        if run is not None:
            run.status = status
            run.finished_at = datetime.now(UTC)
            run.counts = self.report.counts()
            run.report_path = str(self.report.rejected_path) if self.report.rejected_path else None
            self.session.commit()

    def _import_batch(self, rows: list[SourceRow], locator: PostcodeLocator, run_id: int) -> None:
        session = self.session
        locator.locate(rows)
        batch = _Batch(session, self.importer.source, rows)
        labels = _Vocabulary(session)
        decisions: list[_Decision] = []
        claimed: dict[int, int] = {}
        taken_here: dict[int, int] = {}  # id() of listings created in this batch → line
        rejected: list[Problem] = []
        skipped = 0
        new_slugs: set[str] = set()

        with session.no_autoflush:
            for row in rows:
                labels.check(row)
                problems = column_problems(row)
                if problems:
                    rejected.append(Problem(row.line, row.source_key, row.name, "; ".join(problems)))
                    continue
                org = batch.find(row)
                if org is None:
                    if not row.wanted:
                        skipped += 1
                        continue
                    decision = _Decision(row, Organisation(slug=self._new_slug(row.name, new_slugs)), "created")
                    self._create(decision, batch)
                    batch.add_new(decision.org, row)
                    taken_here[id(decision.org)] = row.line
                    decisions.append(decision)
                    continue
                earlier = self.claimed.get(org.id) if org.id is not None else None
                earlier = earlier or (claimed.get(org.id) if org.id is not None else None) or taken_here.get(id(org))
                if earlier is not None:
                    reason = f"Duplicate of line {earlier}: {_same_what(row, org, batch.by_key.get(row.source_key))}"
                    rejected.append(Problem(row.line, row.source_key, row.name, reason))
                    continue
                if org.id is not None:
                    claimed[org.id] = row.line
                else:
                    taken_here[id(org)] = row.line
                decision = _Decision(row, org, "matched")
                self._update(decision, batch, run_id)
                decisions.append(decision)

        self._insert_created([d for d in decisions if d.outcome == "created"], labels, run_id)
        self._apply_updates([d for d in decisions if d.outcome == "updated"], batch)
        session.flush()
        changed = [d for d in decisions if d.outcome in {"updated", "linked"}]
        self._record_revisions(changed)
        _reassess([d.org for d in changed if d.outcome == "updated"], session)
        for decision in decisions:
            claimed[decision.org.id] = decision.row.line
        session.commit()

        # Only now that the batch is saved does it count.
        self.claimed.update(claimed)
        self.slugs |= new_slugs
        self.report.rejected += rejected
        self.report.skipped += skipped
        for decision in decisions:
            setattr(self.report, decision.outcome, getattr(self.report, decision.outcome) + 1)
            row = decision.row
            self.report.warnings += [Problem(row.line, row.source_key, row.name, w) for w in row.warnings]

    def _new_slug(self, name: str, new_slugs: set[str]) -> str:
        base = slugify(name, max_length=100, word_boundary=True) or "organisation"
        slug, number = base, 1
        while slug in self.slugs or slug in new_slugs:
            number += 1
            slug = f"{base}-{number}"
        new_slugs.add(slug)
        return slug

    def _listing_data(self, records: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], str]:
        """The listing's data merged from every source's record, and its fingerprint."""
        data = {**merge_contributions(records), **IMPORTED_STATE}
        return data, data_digest(data)

    def _create(self, decision: _Decision, batch: _Batch) -> None:
        """Build a new listing from the row. It stays out of the session: :meth:`_insert_created` saves it."""
        row, org = decision.row, decision.org
        data, digest = self._listing_data({self.importer.source: row.data})
        _drop_identifiers_held_elsewhere(data, org, batch, row)
        # A listing outside the session has no id, so this touches no database, and the lists the data
        # leaves out (member classes, board seats...) read as empty without a query.
        apply_listing_data(self.session, org, data)
        org.source_digest = digest
        decision.digest = data_digest(row.data)

    def _update(self, decision: _Decision, batch: _Batch, run_id: int) -> None:
        """Bring a listing up to date with the row; sets the decision's outcome."""
        session, row, org = self.session, decision.row, decision.org
        source = self.importer.source
        records = batch.records[org.id]
        record = records.get(source)
        own_digest = data_digest(row.data)
        if record is None:
            record = ImportedRecord(source=source, source_key=row.source_key, organisation_id=org.id)
            session.add(record)
            records[source] = record
        if record.digest != own_digest or record.source_key != row.source_key:
            record.source_key = row.source_key
            record.data = row.data
            record.digest = own_digest
            record.run_id = run_id

        if self._looked_after(org, batch):
            decision.outcome = "linked" if self._link(decision) else "unchanged"
            return
        data, digest = self._listing_data({s: r.data for s, r in records.items()})
        if org.source_digest == digest:
            decision.outcome = "unchanged"
            return
        decision.outcome = "updated"
        decision.data, decision.digest = data, digest

    def _apply_updates(self, decisions: list[_Decision], batch: _Batch) -> None:
        """Write the changed listings, their child rows loaded first in one query per kind."""
        if not decisions:
            return
        session = self.session
        ids = [d.org.id for d in decisions]
        for chunk in _chunks(ids, 500):
            session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(chunk))
                .options(*(selectinload(getattr(Organisation, name)) for name in _LISTING_CHILDREN))
            ).all()
        with session.no_autoflush:
            for decision in decisions:
                org, data = decision.org, decision.data
                _drop_identifiers_held_elsewhere(data, org, batch, decision.row)
                apply_listing_data(session, org, data)
                org.source_digest = decision.digest
                if org.published_at is None:
                    org.published_at = datetime.now(UTC)

    def _insert_created(self, decisions: list[_Decision], labels: _Vocabulary, run_id: int) -> None:
        """Save new listings with their first revision, assessments and index entries, a statement per table.

        The rows are what the ORM would write for the same objects (``_column_values``); going round it saves
        a round trip per row (SQLite cannot return the ids of many rows in the order they were given) and its
        bookkeeping, which is most of the time of a large import.
        """
        if not decisions:
            return
        session = self.session
        now = datetime.now(UTC)
        orgs = [d.org for d in decisions]
        for org in orgs:
            org.created_at = org.updated_at = org.published_at = now
            org.version = 1
            labels.attach(org)
        table: Table = Organisation.__table__  # type: ignore[assignment]
        inserted = session.execute(
            insert(table).returning(table.c.id, table.c.slug), [_column_values(org, table) for org in orgs]
        )
        ids = {slug: org_id for org_id, slug in inserted}
        rows: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        assessment_rows: list[dict[str, Any]] = []
        basis = rules_basis()
        for decision in decisions:
            org, row = decision.org, decision.row
            org.id = ids[org.slug]
            for model, children in (
                (Identifier, org.identifiers),
                (Location, org.locations),
                (Source, org.sources),
                (Service, org.services),
            ):
                rows[model.__table__] += [_column_values(child, model.__table__, org.id) for child in children]
            indexed: list[Assessment] = []
            for assessment in assess_all(listing_facts(org)):
                verdict = assessment.verdict.value
                if assessment.ruleset_id == PREFERRED_PROVIDER_RULESET:
                    indexed.append(Assessment(ruleset_id=assessment.ruleset_id, verdict=verdict))
                assessment_rows.append(
                    {
                        "organisation_id": org.id,
                        "ruleset_id": assessment.ruleset_id,
                        "verdict": verdict,
                        "report_json": self._report_json(assessment),
                        "organisation_version": 1,
                        "basis": basis,
                        "assessed_at": now,
                    }
                )
            # What the index reads of the assessments (the preferred-provider verdict), loaded as if from the
            # database: the rows themselves are inserted below without the cost of mapped objects.
            set_committed_value(org, "assessments", indexed)
            rows[Revision.__table__].append(
                {
                    "organisation_id": org.id,
                    "number": 1,
                    "created_at": now,
                    "author": self.importer.author,
                    "summary": f"Listed from {self.importer.title}",
                    "snapshot": listing_as_dict(org),
                }
            )
            rows[ImportedRecord.__table__].append(
                {
                    "source": self.importer.source,
                    "source_key": row.source_key,
                    "organisation_id": org.id,
                    "data": row.data,
                    "digest": decision.digest,
                    "run_id": run_id,
                    "first_imported_at": now,
                    "updated_at": now,
                }
            )
        for child_table, values in rows.items():
            if values:
                session.execute(insert(child_table), values)
        if assessment_rows and session.get_bind().dialect.name == "postgresql":
            _copy_rows(session, Assessment.__table__, assessment_rows, json_text={"report": "report_json"})
        elif assessment_rows:
            session.execute(_insert_with_json_text(Assessment.__table__, "report", session), assessment_rows)
        add_to_index(session, orgs, labels.service_parents)

    def _report_json(self, assessment: Any) -> str:
        """An assessment's report as the JSON the column stores, made once per distinct assessment.

        Imported listings mostly share their facts (a legal form, little else), so thousands of listings share a
        few hundred distinct assessments: turning each into JSON once is most of the cost of assessing them.
        """
        found = self._reports.get(assessment)
        if found is None:
            if len(self._reports) >= REPORT_CACHE_SIZE:
                self._reports.clear()
            found = self._reports[assessment] = json.dumps(assessment.to_dict())
        return found

    def _looked_after(self, org: Organisation, batch: _Batch) -> bool:
        """True when people look after the listing, so imports must not overwrite it."""
        if org.provenance != ListingProvenance.IMPORTED or org.verification != Verification.UNVERIFIED:
            return True
        if org.status != ListingStatus.PUBLISHED:
            return True  # suspended or withdrawn by a moderator: an import must not publish it again
        author = batch.last_author.get(org.id)
        return author is not None and not author.startswith(IMPORT_AUTHOR_PREFIX)

    def _link(self, decision: _Decision) -> bool:
        org, row = decision.org, decision.row
        held = set(_identifiers_of(org))
        schemes = {scheme for scheme, _ in held}
        new = [(s, v) for s, v in row.identifiers if (s, v) not in held and s not in schemes]
        taken = set()
        if new:
            taken = {
                (s, v)
                for s, v in self.session.execute(
                    select(Identifier.scheme_code, Identifier.value).where(Identifier.value.in_([v for _, v in new]))
                )
            }
        new = [i for i in new if i not in taken]
        for scheme, value in new:
            org.identifiers.append(Identifier(scheme_code=scheme, value=value))
        decision.added_identifiers = new
        return bool(new)

    def _record_revisions(self, changed: list[_Decision]) -> None:
        """A revision per updated or linked listing, numbered after its last (one query for the batch)."""
        if not changed:
            return
        session = self.session
        last: dict[int, int] = {}
        for chunk in _chunks([d.org.id for d in changed], 500):
            last.update(
                session.execute(
                    select(Revision.organisation_id, func.max(Revision.number))
                    .where(Revision.organisation_id.in_(chunk))
                    .group_by(Revision.organisation_id)
                ).all()
            )
        title = self.importer.title
        for decision in changed:
            org = decision.org
            # The codes changed under the labelled relationships: let them load again (from the identity map).
            session.expire(org, ["legal_form", "governance_model", "region"])
            if decision.outcome == "linked":
                added = ", ".join(f"{s} {v}" for s, v in decision.added_identifiers)
                summary = f"Linked to {title}: added {added}"
            else:
                summary = f"Updated from {title}"
            session.add(
                Revision(
                    organisation_id=org.id,
                    number=last.get(org.id, 0) + 1,
                    author=self.importer.author,
                    summary=summary,
                    snapshot=listing_as_dict(org),
                )
            )


def _reassess(orgs: list[Organisation], session: Session) -> None:
    """``reassess`` for a batch: the same verdicts, stored the same way, and one reindex for the lot.

    (``reassess`` reindexes each listing as it goes; with hundreds of listings in the session, each of its
    deletes would check every object in the session, so a batch takes quadratic time.)
    """
    for org in orgs:
        store_assessments(org)
    reindex(session, orgs)


def _close_abandoned_runs(session: Session) -> None:
    """Mark as interrupted the runs left "running" by an import process on this host that no longer exists
    (killed, or its machine restarted). Their finish time stays empty: nobody knows when they stopped."""
    here = socket.gethostname()
    for run in session.scalars(select(ImportRun).where(ImportRun.status == ImportRunStatus.RUNNING)):
        process = (run.options or {}).get("process") or {}
        if process.get("host") == here and isinstance(process.get("pid"), int) and not _alive(process["pid"]):
            run.status = ImportRunStatus.INTERRUPTED  # committed with the new run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _same_what(row: SourceRow, org: Organisation, keyed: Organisation | None) -> str:
    """Why ``row`` landed on ``org``, in the order the match was made: source key, identifier, name."""
    if row.source_key and keyed is org:
        return f"the same source key {row.source_key}"
    held = set(_identifiers_of(org))
    for scheme, value in row.identifiers:
        if (scheme, value) in held:
            return f"the same {scheme} number {value}"
    return "the same name and postcode"


def _drop_identifiers_held_elsewhere(data: dict[str, Any], org: Organisation, batch: _Batch, row: SourceRow) -> None:
    """Leave out identifiers another listing holds: the number is unique, and the other listing had it first."""
    kept = []
    for identifier in data["identifiers"]:
        holder = batch.by_identifier.get((identifier["scheme"], identifier["value"]))
        if holder is None or holder is org:
            kept.append(identifier)
        else:
            row.warnings.append(
                f"The {identifier['scheme']} number {identifier['value']} belongs to another listing "
                f"({holder.name}): left off this one"
            )
    data["identifiers"] = kept


def _copy_rows(session: Session, table: Any, rows: list[dict[str, Any]], json_text: dict[str, str]) -> None:
    """PostgreSQL's COPY of ``rows`` into ``table``: a batch's assessments carry a few kB of report JSON each,
    and the multi-row INSERT of them (which psycopg must also parse) was a third of a PostgreSQL import.
    ``json_text`` maps a JSON column to the key under which each row holds its value as JSON text."""
    columns = [column.key for column in table.columns if column.key in rows[0] or column.key in json_text]
    keys = [json_text.get(column, column) for column in columns]
    with driver_cursor(session) as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[key] for key in keys])


def _insert_with_json_text(table: Any, column: str, session: Session) -> Any:
    """An INSERT whose ``column`` (a JSON column) takes text that is already JSON, as ``{column}_json``."""
    text = type_coerce(bindparam(f"{column}_json"), Text)
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL types the parameter as text; SQLite must not cast (its JSON affinity is numeric).
        return insert(table).values({column: cast(text, table.c[column].type)})
    return insert(table).values({column: text})


def _column_values(obj: Any, table: Any, organisation_id: int | None = None) -> dict[str, Any]:
    """The row the ORM would insert for ``obj`` (without its id): its attributes, or its columns' defaults."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id":
            continue
        value = obj.__dict__.get(column.key)
        default = column.default
        if value is None and default is not None and (default.is_callable or default.is_scalar):
            value = default.arg(None) if default.is_callable else default.arg
        values[column.key] = value
    if organisation_id is not None:
        values["organisation_id"] = organisation_id
    return values


class _Vocabulary:
    """The labelled vocabularies in the session, so listings' labels load without a query each."""

    def __init__(self, session: Session) -> None:
        self.legal_forms = {f.code: f for f in session.scalars(select(LegalForm))}
        self.governance = {g.code: g for g in session.scalars(select(GovernanceModel))}
        self.regions = {r.code: r for r in session.scalars(select(Region))}
        self.services = {s.code: s for s in session.scalars(select(ServiceType))}
        self.service_parents = {code: s.parent_code for code, s in self.services.items()}

    def attach(self, org: Organisation) -> None:
        """Give a new listing its labels without loading them: what its revision and index entry read."""
        org.legal_form = self.legal_forms.get(org.legal_form_code or "")
        org.governance_model = self.governance.get(org.governance_model_code or "")
        org.region = self.regions.get(org.region_code or "")
        for service in org.services:
            service.service_type = self.services[service.service_type_code]

    def check(self, row: SourceRow) -> None:
        """Drop codes the database does not hold (reference data not loaded or older), with a warning."""
        data = row.data
        for key, known in (("legal_form", self.legal_forms), ("governance_model", self.governance)):
            if data.get(key) and data[key] not in known:
                row.warnings.append(f"The {key.replace('_', ' ')} {data[key]!r} is not in the reference data")
                data[key] = None
        if data.get("region") and data["region"] not in self.regions:
            data["region"] = None
        for location in data.get("locations", []):
            if location.get("region_code") and location["region_code"] not in self.regions:
                location["region_code"] = None
        if "services" in data:
            data["services"] = [s for s in data["services"] if s["code"] in self.services]


# ---------------------------------------------------------------------------------------------------
# Reports

REPORT_COLUMNS = ("line", "source_key", "name", "reason")


def check_report_directory(directory: Path) -> None:
    """Make the report directory if need be, and prove a file can be written there, before anything is imported.

    Raises ImportFileError saying why not: an import whose reports cannot be written must not start.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ImportFileError(
            f"The import's reports cannot be written to {directory} ({error.strerror or error}). "
            "Choose a directory you can write to with --report-dir. Nothing has been imported."
        ) from error


def write_reports(report: ImportReport, directory: Path) -> tuple[Path, Path]:
    """``FILE.rejected.csv`` and ``FILE.warnings.csv`` (UTF-8 with a byte-order mark, for spreadsheets).

    A cell a spreadsheet would run as a formula (a name like ``=HYPERLINK(...)``) is written as text, the way
    the registry's exports write it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stem = report.file.stem
    paths = (directory / f"{stem}.rejected.csv", directory / f"{stem}.warnings.csv")
    for path, problems in zip(paths, (report.rejected, report.warnings), strict=True):
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for problem in problems:
                safe = spreadsheet_safe(dict(zip(REPORT_COLUMNS, astuple(problem), strict=True)))
                writer.writerow([safe[column] for column in REPORT_COLUMNS])
    return paths


def run_import(
    session: Session,
    importer: Importer,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    report_dir: Path | None = None,
) -> ImportReport:
    """Import ``importer``'s file into the database, committing each batch; returns what it did."""
    return ImportRunner(session, importer, batch_size=batch_size, progress=progress, report_dir=report_dir).run()
