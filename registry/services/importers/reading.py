"""Reading a register's file: its bytes decoded into CSV rows, and its cells as text, addresses, dates, regions.

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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from registry.domain.text import clean_line
from registry.services.gazetteer.sources import region_names
from registry.services.importers.rows import ImportFileError

NATION_REGIONS = {
    "wales": "W92000004",
    "scotland": "S92000003",
    "northern ireland": "N92000002",
}


def clean_text(value: str | None) -> str:
    """One line of text: NFKC, no control or invisible (zero-width, bidirectional) characters, inner whitespace
    and newlines collapsed, ends trimmed (``registry.domain.text.clean_line``)."""
    return clean_line(value)


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


def region_for_nation(nation: str | None) -> str | None:
    return NATION_REGIONS.get(clean_text(nation).lower())


_REGION_BY_NAME = {name.lower(): code for code, name in region_names().items()}


def region_for_name(name: str | None) -> str | None:
    """An ONS region code from a region's name as registers write it ("Yorkshire and the Humber")."""
    return _REGION_BY_NAME.get(clean_text(name).lower())
