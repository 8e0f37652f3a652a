"""How long each text may be: one limit per column, read by the forms, the API, the importers and the database.

A ``String(n)`` column's limit is ``n``; a ``Text`` column names its limit in ``info={"max_length": n}``. Forms
build their ``Length`` validators from :func:`column_limit`, importers reject rows with :func:`too_long`, and
the ``before_flush`` guard below refuses anything longer on every database. SQLite does not enforce
``VARCHAR(n)`` and PostgreSQL fails the whole transaction with a ``DataError``; the guard makes both refuse the
same way, before any SQL is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import InstrumentedAttribute

from registry.domain.text import is_web_address


class FieldRefused(ValueError):
    """A value its column must not hold; ``advice`` says what to enter instead, in words for people."""

    def __init__(self, table: str, column: str, message: str, advice: str) -> None:
        super().__init__(f"{table}.{column}: {message}")
        self.table = table
        self.column = column
        self.advice = advice


class FieldTooLong(FieldRefused):
    """A text is longer than its column allows; the message names the column and both lengths."""

    def __init__(self, table: str, column: str, length: int, limit: int) -> None:
        what = column.replace("_", " ")
        super().__init__(
            table,
            column,
            f"{length:,} characters long; the limit is {limit:,}",
            f"The {what} is too long: enter {limit:,} characters or fewer.",
        )
        self.length = length
        self.limit = limit


class NotAWebAddress(FieldRefused):
    """A column of web addresses was given something that is not an http or https address."""

    def __init__(self, table: str, column: str) -> None:
        super().__init__(
            table,
            column,
            "not an http or https address",
            "Enter a web address that starts with https://, like https://www.example.org.",
        )


def column_limit(attribute: InstrumentedAttribute[Any]) -> int:
    """The limit of a mapped text column, e.g. ``column_limit(Location.address)``."""
    column = attribute.property.columns[0]
    limit = column.info.get("max_length") or getattr(column.type, "length", None)
    if not limit:
        raise LookupError(f"{attribute} has no length limit")
    return int(limit)


def _limits(table: Any) -> dict[str, int]:
    cached: dict[str, int] | None = table.info.get("registry.text_limits")
    if cached is None:
        cached = {}
        for column in table.columns:
            limit = column.info.get("max_length") or (column.type.length if isinstance(column.type, String) else None)
            if limit:
                cached[column.key] = int(limit)
        table.info["registry.text_limits"] = cached
    return cached


def check_lengths(obj: Any) -> None:
    """Raise ``FieldTooLong`` for the first text of ``obj`` that is longer than its column allows, and
    ``NotAWebAddress`` for a web-address column (``info={"web_address": True}``) holding anything else."""
    mapper = inspect(obj).mapper
    table = mapper.local_table
    for key, limit in _limits(table).items():
        column = table.columns[key]
        value = getattr(obj, mapper.get_property_by_column(column).key, None)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            raise FieldTooLong(table.name, key, len(value), limit)
        if value and column.info.get("web_address") and not is_web_address(value):
            raise NotAWebAddress(table.name, key)


def too_long(table: Any, values: Mapping[str, Any]) -> list[str]:
    """Problems with ``values`` (column name to value) for ``table``, for importers that insert rows in bulk."""
    limits = _limits(table)
    return [
        f"{key.replace('_', ' ')} is {len(value):,} characters long; the limit is {limits[key]:,}"
        for key, value in values.items()
        if key in limits and isinstance(value, str) and len(value) > limits[key]
    ]


def _guard(session: Session, flush_context: Any, instances: Iterable[Any] | None) -> None:
    for obj in [*session.new, *session.dirty]:
        check_lengths(obj)


def install_guard() -> None:
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)
