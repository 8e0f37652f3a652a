"""What the preferred-provider profile is not, and the legal routes commissioners have: read from
``data/reference/procurement_routes.yaml`` so the words live beside their sources, not in code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

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


@cache
def procurement_guide(path: Path = ROUTES_FILE) -> ProcurementGuide:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    routes = tuple(
        ProcurementRoute(
            id=str(item["id"]),
            title=str(item["title"]),
            summary=" ".join(str(item["summary"]).split()),
            applies_to=str(item["applies_to"]),
            source=RouteSource(**{key: str(value) for key, value in item["source"].items()}),
            ruleset=item.get("ruleset"),
        )
        for item in document["routes"]
    )
    return ProcurementGuide(caveat=" ".join(str(document["caveat"]).split()), routes=routes)
