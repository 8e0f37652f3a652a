"""Importers given hostile files (issue 14): control characters, stray bytes, huge cells, repeated or duplicated
headers, formulas in names, a report directory that cannot be written.

Each file is the matching fixture of ``tests/fixtures/imports/`` changed in ``tmp_path``, so every case is one
small change to a file the other importer tests already read. Bad input gets a clear error and loses nothing:
a file that cannot be read at all is refused before anything is written; a row that cannot be read is
rejected with its reason, and the rows after it are imported.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.models import ListingProvenance, Organisation
from registry.models.imports import ImportedRecord, ImportRun, ImportRunStatus
from registry.services.importers import (
    CoopsUkImporter,
    CqcImporter,
    FcaMprImporter,
    ImportFileError,
    run_import,
    runner,
)
from registry.services.importers.reading import decode_csv
from registry.services.importers.reports import ImportReport
from registry.services.importers.rows import Importer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ORGANISATIONS = FIXTURES / "open_data_organisations_2017-06.csv"
ECONOMY = FIXTURES / "open_data_economy_2016.csv"
CQC_DIRECTORY = FIXTURES / "01_November_2025_CQC_directory.csv"
SOCIETY_LIST = FIXTURES / "SocietyList.csv"

# What no imported text may hold: C0 controls but tab and newlines, DEL, C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HOMECARE = "Sheffield Homecare Co-operative Limited"


@dataclass(frozen=True)
class Register:
    """A source, its fixture and how to import it, the fixture's header line, and what the tests change."""

    source: str
    fixture: Path
    importer: Callable[[Path], Importer]
    header_line: int
    # The source key of the Sheffield homecare co-operative: one row of the fixture, or (CQC) the provider of three.
    homecare_key: str
    # A column of the header, and the name of another column to rename it to (so the header names it twice).
    renamed_column: tuple[str, str]


REGISTERS = [
    Register(
        "coops-uk",
        ORGANISATIONS,
        lambda path: CoopsUkImporter(path),
        header_line=1,
        homecare_key="R900001",
        renamed_column=('"Trading Name"', "Registered Name"),
    ),
    Register(
        "cqc",
        CQC_DIRECTORY,
        lambda path: CqcImporter(path, add_unmatched=True),
        header_line=5,
        homecare_key="1-100000001",
        renamed_column=("Also known as", "Name"),
    ),
    Register(
        "fca-mpr",
        SOCIETY_LIST,
        lambda path: FcaMprImporter(path),
        header_line=1,
        homecare_key="29791R",
        renamed_column=("Society Suffix", "Society Name"),
    ),
]


# Runs a test once for each register.
by_source = pytest.mark.parametrize("register", REGISTERS, ids=[r.source for r in REGISTERS])


def changed_copy(tmp_path: Path, fixture: Path, change: Callable[[str], str]) -> Path:
    """The fixture with ``change`` made to its text, under the fixture's own name (which gives the edition)."""
    directory = tmp_path / "files"
    directory.mkdir(exist_ok=True)
    path = directory / fixture.name
    path.write_text(change(fixture.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    return path


def import_file(session: Session, tmp_path: Path, importer: Importer) -> ImportReport:
    return run_import(session, importer, report_dir=tmp_path / "reports")


def listing_for(session: Session, source: str, key: str) -> Organisation:
    org = session.scalar(
        select(Organisation)
        .join(ImportedRecord, ImportedRecord.organisation_id == Organisation.id)
        .where(ImportedRecord.source == source, ImportedRecord.source_key == key)
    )
    assert org is not None, f"no listing for {source} {key}"
    return org


def imported(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.provenance == ListingProvenance.IMPORTED)))


def read_report(path: Path | None) -> list[dict[str, str]]:
    assert path is not None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def run_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ImportRun)) or 0


# ---------------------------------------------------------------------------------------------------
# Finding 8: control characters


@by_source
def test_control_characters_are_removed_from_every_importers_text_with_a_warning(
    register: Register, session: Session, tmp_path: Path
) -> None:
    # A NUL (which PostgreSQL cannot store at all), a bell, DEL and a C1 control, in the name of every row
    # that gives it.
    hostile = "Sheffield Home\x00care\x07 Co-operative\x7f\x9b Limited"
    path = changed_copy(tmp_path, register.fixture, lambda text: text.replace(HOMECARE, hostile))

    report = import_file(session, tmp_path, register.importer(path))

    org = listing_for(session, register.source, register.homecare_key)
    assert org.name == HOMECARE
    for record in session.scalars(select(ImportedRecord)):
        assert not CONTROL_CHARACTERS.search(json.dumps(record.data, ensure_ascii=False))
    reasons = [w.reason for w in report.warnings if w.source_key == register.homecare_key]
    removed = [r for r in reasons if "held control characters that are not text (U+0000, U+0007, U+007F, U+009B)" in r]
    assert removed and removed[0].startswith("Line ")


def test_control_characters_that_separate_words_become_spaces(session: Session, tmp_path: Path) -> None:
    path = changed_copy(
        tmp_path,
        ORGANISATIONS,
        lambda text: text.replace("Derby Therapy Co-operative", "Derby\x0cTherapy\x1fCo-operative"),
    )

    import_file(session, tmp_path, CoopsUkImporter(path))

    assert listing_for(session, "coops-uk", "R900004").name == "Derby Therapy Co-operative Limited"


# ---------------------------------------------------------------------------------------------------
# Finding 9: text that is not UTF-8


def test_a_stray_byte_is_read_on_its_own_line_and_the_utf8_around_it_is_never_re_decoded(
    session: Session, tmp_path: Path
) -> None:
    text = ORGANISATIONS.read_text(encoding="utf-8").replace(
        '"Sheffield Homecare","Society"', '"Crème Homecare","Society"'
    )
    raw = text.encode("utf-8").replace(b"Derby Therapy", b"Derby Th\xe9rapie")  # one byte from Windows-1252
    path = tmp_path / ORGANISATIONS.name
    path.write_bytes(raw)

    report = import_file(session, tmp_path, CoopsUkImporter(path))

    assert listing_for(session, "coops-uk", "R900001").trading_names == ["Crème Homecare"]
    assert listing_for(session, "coops-uk", "R900004").name == "Derby Thérapie Co-operative Limited"
    warnings = [(w.line, w.source_key, w.reason) for w in report.warnings]
    assert (6, "R900004", "Line 6 is not UTF-8 throughout: read as Windows-1252, 0xE9 is 'é'") in warnings
    assert not any("UTF-8" in reason for line, _, reason in warnings if line != 6)
    assert report.notes == []


def test_a_file_wholly_in_windows_1252_imports_with_its_text_right_and_says_so(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    text = ORGANISATIONS.read_text(encoding="utf-8").replace(
        '"Sheffield Homecare","Society"', '"Crème Homecare","Society"'
    )
    path = tmp_path / ORGANISATIONS.name
    path.write_bytes(text.replace("Derby Therapy", "Derby Thérapie").encode("cp1252"))

    result = app.test_cli_runner().invoke(
        args=["import", "coops-uk", str(path), "--report-dir", str(tmp_path / "reports")]
    )

    assert result.exit_code == 0, result.output
    assert "Note: open_data_organisations_2017-06.csv is not UTF-8, so it was read as Windows-1252" in result.output
    assert listing_for(session, "coops-uk", "R900001").trading_names == ["Crème Homecare"]
    assert listing_for(session, "coops-uk", "R900004").name == "Derby Thérapie Co-operative Limited"
    warnings = read_report(tmp_path / "reports" / "open_data_organisations_2017-06.warnings.csv")
    assert not any("UTF-8" in row["reason"] for row in warnings)  # one note for the file, not one per line


@pytest.mark.parametrize(
    ("raw", "lines", "changed_lines", "wholly_cp1252"),
    [
        (b"\xef\xbb\xbfName\r\nCr\xc3\xa8me\r\n", ["Name\r\n", "Crème\r\n"], [], False),
        (b"Cr\xc3\xa8me\nCaf\xe9 Cr\xc3\xa8me\n", ["Crème\n", "Café Crème\n"], [2], False),
        (b"Cr\xe8me\nCaf\xe9\nplain\n", ["Crème\n", "Café\n", "plain\n"], [], True),
        (b"a\x00b\rc\x1bd\xc2\x85e\n", ["ab\r", "cd e\n"], [1, 2], False),
    ],
    ids=["utf-8 with a byte-order mark", "utf-8 with a stray byte", "windows-1252", "control characters"],
)
def test_each_line_is_decoded_on_its_own(
    raw: bytes, lines: list[str], changed_lines: list[int], wholly_cp1252: bool
) -> None:
    text = decode_csv(raw)

    assert (text.lines, sorted(text.changes), text.windows_1252) == (lines, changed_lines, wholly_cp1252)


# ---------------------------------------------------------------------------------------------------
# Finding 13: a cell larger than csv's field limit


@by_source
def test_a_five_megabyte_cell_rejects_its_row_and_the_import_goes_on(
    register: Register, session: Session, tmp_path: Path
) -> None:
    huge = "A" * 5_000_000
    path = changed_copy(tmp_path, register.fixture, lambda text: text.replace(HOMECARE, huge, 1))

    report = import_file(session, tmp_path, register.importer(path))

    [rejected] = [p for p in report.rejected if p.reason.startswith("A cell holds")]
    assert (
        rejected.reason
        == "A cell holds 5,000,000 characters, more than the 131,072 a cell may hold: the row is not imported"
    )
    assert rejected.line == register.header_line + 1
    assert report.created >= 1  # the rows after it
    assert all(len(org.name) < 1000 for org in imported(session))


# ---------------------------------------------------------------------------------------------------
# Finding 14: a report directory that cannot be written


def test_an_unwritable_report_directory_stops_the_import_before_its_first_row(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    not_a_directory = tmp_path / "reports.txt"
    not_a_directory.write_text("a file, so nothing can be made under it", encoding="utf-8")
    runs = run_count(session)

    result = app.test_cli_runner().invoke(
        args=["import", "coops-uk", str(ORGANISATIONS), "--report-dir", str(not_a_directory / "imports")]
    )

    assert result.exit_code == 2, result.output
    assert f"The import's reports cannot be written to {not_a_directory / 'imports'}" in result.output
    assert "Choose a directory you can write to with --report-dir. Nothing has been imported." in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, OSError)
    assert imported(session) == []
    assert run_count(session) == runs

    with pytest.raises(ImportFileError, match="cannot be written"):
        run_import(session, CoopsUkImporter(ORGANISATIONS), report_dir=not_a_directory)
    assert (imported(session), run_count(session)) == ([], runs)


def test_reports_that_fail_after_the_rows_are_saved_leave_the_run_completed_and_say_so(
    app: Flask, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(report: ImportReport, directory: Path) -> tuple[Path, Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner, "write_reports", disk_full)

    result = app.test_cli_runner().invoke(
        args=["import", "coops-uk", str(ORGANISATIONS), "--report-dir", str(tmp_path)]
    )

    assert result.exit_code == 1, result.output
    assert f"The report files could not be written: {tmp_path}: No space left on device" in result.output
    assert "Error: The rows are imported, but the report files could not be written" in result.output
    run = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert run is not None
    assert (run.status, run.counts["created"]) == (ImportRunStatus.COMPLETED, 7)


# ---------------------------------------------------------------------------------------------------
# Finding 15: repeated and duplicated headers


@by_source
def test_a_repeated_header_line_is_rejected_not_listed(register: Register, session: Session, tmp_path: Path) -> None:
    def repeat_header(text: str) -> str:
        lines = text.splitlines(keepends=True)
        header = lines[register.header_line - 1]
        # After the first data row: the rows after the repeated header are still imported.
        at = register.header_line + 1 + (lines[register.header_line].count('"') % 2)
        return "".join([*lines[:at], header, *lines[at:]])

    path = changed_copy(tmp_path, register.fixture, repeat_header)
    header_names = set(next(csv.reader(path.read_text(encoding="utf-8").splitlines()[register.header_line - 1 :])))

    report = import_file(session, tmp_path, register.importer(path))

    repeated = [p for p in report.rejected if p.reason.startswith("The header line repeated")]
    assert [p.reason for p in repeated] == [
        f"The header line repeated (the header is line {register.header_line}): not a row of data"
    ]
    assert not {org.name for org in imported(session)} & header_names
    assert report.created >= 1


@by_source
def test_a_file_naming_a_column_twice_is_refused_naming_the_column(
    register: Register, session: Session, tmp_path: Path
) -> None:
    column, twin = register.renamed_column
    path = changed_copy(
        tmp_path,
        register.fixture,
        lambda text: text.replace(column, f'"{twin}"' if column.startswith('"') else twin, 1),
    )

    with pytest.raises(ImportFileError) as refused:
        import_file(session, tmp_path, register.importer(path))

    assert f"has two columns called {twin!r}" in refused.value.message
    assert "Rename or remove one of them and import the file again." in refused.value.message
    assert imported(session) == []


def test_the_import_command_refuses_a_file_naming_a_column_twice_with_a_clear_message(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    path = changed_copy(tmp_path, ORGANISATIONS, lambda text: text.replace('"Trading Name"', '"Registered Name"', 1))

    result = app.test_cli_runner().invoke(args=["import", "coops-uk", str(path), "--report-dir", str(tmp_path)])

    assert result.exit_code == 2, result.output
    assert "has two columns called 'Registered Name' (columns 4 and 5)" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------------
# Finding 18: formulas in the report files


def test_report_files_write_formulas_as_text(session: Session, tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://example.com/steal","Click me")'
    quoted = formula.replace('"', '""')

    def with_formulas(text: str) -> str:
        text = text.replace('"Nowhere Carers Co-operative"', f'"{quoted}"')  # imported, with warnings
        return text.replace('"Sheffield Homecare Co-op"', '"@SUM(1+1)"')  # rejected as a duplicate

    path = changed_copy(tmp_path, ORGANISATIONS, with_formulas)

    report = import_file(session, tmp_path, CoopsUkImporter(path))

    warned = {row["name"] for row in read_report(report.warnings_path)}
    rejected = {row["name"] for row in read_report(report.rejected_path)}
    assert "'" + formula in warned and formula not in warned
    assert "'@SUM(1+1)" in rejected and "@SUM(1+1)" not in rejected
    assert listing_for(session, "coops-uk", "R900003").name == formula  # the listing keeps its name as given


# ---------------------------------------------------------------------------------------------------
# Loses nothing: the economy and outlets files' unreadable rows are reported too


def test_unreadable_rows_of_the_economy_file_are_rejected_with_the_file_named(session: Session, tmp_path: Path) -> None:
    economy = changed_copy(
        tmp_path,
        ECONOMY,
        lambda text: (
            text.rstrip("\n") + '\n"R900004","Derby Therapy Co-operative Limited"\n'
            '"R900004","Derby Therapy Co-operative Limited","1","","","","","1","the end of March","2016"\n'
        ),
    )

    report = run_import(session, CoopsUkImporter(ORGANISATIONS, economy=economy), report_dir=tmp_path)

    reasons = [p.reason for p in report.rejected if p.reason.startswith(economy.name)]
    assert reasons == [
        f"{economy.name}, line 5: The row has 2 cells but the header has 10",
        f"{economy.name}, line 6: the Year End Date 'the end of March' is not a date",
    ]
    assert listing_for(session, "coops-uk", "R900001").turnover_gbp == 405607
