"""Readiness: is this instance able to serve the registry's data?

The answer names each check and whether it passed, never the database's own error (its host, port and message
are for the operators' logs, not for whoever can reach ``/readyz``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.services.gazetteer.status import is_gazetteer_loaded

log = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"
NOT_CHECKED = "not checked: the database is unavailable"


def readiness(session: Session, migrations_directory: str) -> dict[str, dict[str, Any]]:
    def database() -> dict[str, Any]:
        session.execute(text("SELECT 1"))
        return {"ok": True}

    def migrations() -> dict[str, Any]:
        config = Config()
        config.set_main_option("script_location", migrations_directory)
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current = set(MigrationContext.configure(session.connection()).get_current_heads())
        return {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}

    def gazetteer() -> dict[str, Any]:
        if is_gazetteer_loaded(session):
            return {"ok": True}
        return {"ok": False, "detail": "run flask --app registry gazetteer build"}

    checks: dict[str, dict[str, Any]] = {}
    for name, check in (("database", database), ("migrations", migrations), ("gazetteer", gazetteer)):
        if checks and not checks["database"]["ok"]:
            checks[name] = {"ok": False, "detail": NOT_CHECKED}
            continue
        checks[name] = _run(session, name, check)
    return checks


def _run(session: Session, name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    except SQLAlchemyError as error:
        log.warning("Readiness check %r failed: %s", name, str(error).splitlines()[0][:300])
        with suppress(SQLAlchemyError):
            session.rollback()
        return {"ok": False, "detail": UNAVAILABLE}
