"""What the preferred-provider profile is not, and the legal routes commissioners have: read from
``data/reference/procurement_routes.yaml`` so the words live beside their sources, not in code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from registry.domain.language import current_language, localised

ROUTES_FILE = Path(__file__).resolve().parents[2] / "data" / "reference" / "procurement_routes.yaml"


@dataclass(frozen=True)
class RouteSource:
    title: str
    publisher: str
    published: str
    url: str


# Keyword-only so the fields can stand in the order ``as_dict`` gives them, the rule set before its source.
@dataclass(frozen=True, kw_only=True)
class ProcurementRoute:
    id: str
    title: str
    summary: str
    applies_to: str
    ruleset: str | None = None
    source: RouteSource

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ProcurementGuide:
    caveat: str
    routes: tuple[ProcurementRoute, ...]


# The words of the guide a reader reads, said in Welsh too in a ``cy`` mapping beside the English (the sources'
# titles are the names of Acts and stay as published).
ROUTE_WORDING = ("title", "summary", "applies_to")


def procurement_guide(path: Path = ROUTES_FILE) -> ProcurementGuide:
    """The guide in the language being spoken."""
    return _guide(path, current_language())


@cache
def _read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


@cache
def _guide(path: Path, language: str) -> ProcurementGuide:
    document = _read(path)

    def words(item: dict[str, Any], field: str) -> str:
        return " ".join(str(localised(item, field)).split())

    routes = tuple(
        ProcurementRoute(
            id=str(item["id"]),
            title=words(item, "title"),
            summary=words(item, "summary"),
            applies_to=words(item, "applies_to"),
            source=RouteSource(**{key: str(value) for key, value in item["source"].items()}),
            ruleset=item.get("ruleset"),
        )
        for item in document["routes"]
    )
    return ProcurementGuide(caveat=words(document, "caveat"), routes=routes)
