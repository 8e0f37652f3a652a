"""``flask import SOURCE FILE``: bring in public registers (Co-operatives UK, CQC care directory, FCA register)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

from registry.extensions import db

if TYPE_CHECKING:
    from registry.services.importers.rows import Importer

import_group = AppGroup(
    "import",
    help="Import a public register. Re-running an import changes only what the file changed.",
)

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _common_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        (
            click.option(
                "--report-dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=None,
                help="Where to write FILE.rejected.csv and FILE.warnings.csv (default: instance/imports/).",
            ),
            click.option("--edition", default=None, help="The file's edition, like 2017-06 (default: from its name)."),
            click.option(
                "--batch-size",
                type=click.IntRange(min=1),
                default=500,
                show_default=True,
                help="Rows written and committed together.",
            ),
        )
    ):
        command = option(command)
    return command


def _run(importer: Importer, batch_size: int, report_dir: Path | None) -> None:
    from registry.services.importers import ImportFileError, run_import

    directory = report_dir or Path(current_app.instance_path) / "imports"
    try:
        report = run_import(db.session(), importer, batch_size=batch_size, progress=True, report_dir=directory)
    except ImportFileError as error:
        raise click.UsageError(error.message) from error
    for line in report.summary_lines():
        click.echo(line)
    if report.reports_error:
        # The rows are imported, but whoever runs this must know the reports of what was left out are missing.
        raise click.ClickException(f"The rows are imported, but the report files could not be written to {directory}.")


@import_group.command("coops-uk")
@click.argument("file", type=_FILE)
@click.option("--economy", type=_FILE, default=None, help="The economy file (turnover, members, employees).")
@click.option("--outlets", type=_FILE, default=None, help="The outlets file (shops and other premises).")
@click.option(
    "--sector",
    default="Health and Social Care",
    show_default=True,
    help='Only rows of this "Sector - Simplified, High Level".',
)
@click.option("--all", "everything", is_flag=True, help="Every row, whatever its sector.")
@_common_options
def coops_uk(
    file: Path,
    economy: Path | None,
    outlets: Path | None,
    sector: str,
    everything: bool,
    edition: str | None,
    batch_size: int,
    report_dir: Path | None,
) -> None:
    """Co-operatives UK open data: the organisations CSV (ODC-By 1.0)."""
    from registry.services.importers import CoopsUkImporter

    importer = CoopsUkImporter(
        file, sector=None if everything else sector, economy=economy, outlets=outlets, edition=edition
    )
    _run(importer, batch_size, report_dir)


@import_group.command("cqc")
@click.argument("file", type=_FILE)
@click.option(
    "--add-unmatched",
    is_flag=True,
    help="List providers that match no listing too (most are neither co-operatives nor mutuals).",
)
@_common_options
def cqc(file: Path, add_unmatched: bool, edition: str | None, batch_size: int, report_dir: Path | None) -> None:
    """The CQC care directory CSV: locations, services and CQC provider IDs (OGL v3.0)."""
    from registry.services.importers import CqcImporter

    _run(CqcImporter(file, add_unmatched=add_unmatched, edition=edition), batch_size, report_dir)


@import_group.command("fca-mpr")
@click.argument("file", type=_FILE)
@click.option("--all", "everything", is_flag=True, help="Every society, not only health and social care (SIC 86-88).")
@_common_options
def fca_mpr(file: Path, everything: bool, edition: str | None, batch_size: int, report_dir: Path | None) -> None:
    """The FCA Mutuals Public Register society list (SocietyList.csv)."""
    from registry.services.importers import FcaMprImporter

    _run(FcaMprImporter(file, everything=everything, edition=edition), batch_size, report_dir)
