"""Back up and restore the whole database: SQLite through its online backup API (safe while the app runs),
PostgreSQL through pg_dump and pg_restore (custom format)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine, make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done, with what to do about it."""


def _libpq_url(engine: Engine) -> str:
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def default_backup_path(engine: Engine, directory: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if engine.dialect.name == "sqlite" else "pgdump"
    return directory / f"registry-{stamp}.{suffix}"


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` and return it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        return target
    if engine.dialect.name == "postgresql":
        _require("pg_dump")
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq_url(engine)])
        return target
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup in ``source``."""
    if not source.exists():
        raise BackupError(f"There is no backup at {source}.")
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(engine))
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    if engine.dialect.name == "postgresql":
        _require("pg_restore")
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(engine),
                str(source),
            ]
        )
        return
    raise BackupError(f"Restoring {engine.dialect.name} databases is not supported.")


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed: install the PostgreSQL client tools (postgresql-client).")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (fixed program)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
