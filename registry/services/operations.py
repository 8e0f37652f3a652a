"""Readiness: is this instance able to serve the registry's data?"""

from __future__ import annotations

from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.services.gazetteer import is_gazetteer_loaded


def readiness(session: Session, migrations_directory: str) -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    try:
        session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except SQLAlchemyError as error:
        session.rollback()
        checks["database"] = {"ok": False, "detail": str(error).splitlines()[0][:200]}
        checks["migrations"] = {"ok": False, "detail": "database unreachable"}
        checks["gazetteer"] = {"ok": False, "detail": "database unreachable"}
        return checks

    config = Config()
    config.set_main_option("script_location", migrations_directory)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(MigrationContext.configure(session.connection()).get_current_heads())
    checks["migrations"] = {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}
    loaded = is_gazetteer_loaded(session)
    checks["gazetteer"] = (
        {"ok": loaded} if loaded else {"ok": False, "detail": "run flask --app registry gazetteer build"}
    )
    return checks
