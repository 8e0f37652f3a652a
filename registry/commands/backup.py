"""``flask --app registry backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.extensions import db
from registry.services.backup import BackupError, default_backup_path
from registry.services.backup import backup as backup_database
from registry.services.backup import restore as restore_database


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the backup.")
@with_appcontext
def backup(output: Path | None) -> None:
    """Back up the whole database (SQLite online backup, or pg_dump for PostgreSQL)."""
    target = output or default_backup_path(db.engine, Path(current_app.instance_path) / "backups")
    try:
        written = backup_database(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {written} ({written.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database's contents.")
@with_appcontext
def restore(source: Path, yes: bool) -> None:
    """Replace the database's contents with a backup made by the backup command."""
    if not yes:
        click.confirm(f"Replace everything in the database with {source}?", abort=True)
    db.session.remove()
    try:
        restore_database(db.engine, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}.")
