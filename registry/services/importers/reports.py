"""What an import did: the summary, the counts its run records, and the CSV files of rejected and warned rows."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import astuple, dataclass, field
from pathlib import Path

from registry.services.exports import spreadsheet_safe
from registry.services.importers.rows import ImportFileError, Problem


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
