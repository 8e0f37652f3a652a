"""What the preferred-provider profile is not, and the legal routes commissioners have: read from
``data/reference/procurement_routes.yaml`` so the words live beside their sources, not in code."""

from __future__ import annotations

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


@dataclass(frozen=True)
class ProcurementRoute:
    id: str
    title: str
    summary: str
    applies_to: str
    source: RouteSource
    ruleset: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "applies_to": self.applies_to,
            "ruleset": self.ruleset,
            "source": vars(self.source),
        }


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
