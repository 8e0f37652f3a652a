"""The open data a new registry loads by default: Co-operatives UK's health and social care co-operatives.

``data/coops-uk/`` holds extracts of the published organisations, economy and outlets files (June 2017 and 2016
editions, ODC-By 1.0; see its ``PROVENANCE.md``). :func:`load_default_data` imports them with the Co-operatives UK
importer once: the run is recorded with a fingerprint of the three files, and a later call with the same files
does nothing. Each imported source names the facts it supports, as curated sources do, so every imported fact
shows its source and its "as at" date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models.imports import ImportRun, ImportRunStatus
from registry.services.importers import CoopsUkImporter, ImportReport, run_import
from registry.services.importers.rows import Problem, SourceRow

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "coops-uk"
ORGANISATIONS = "open_data_organisations_2017-06.csv"
ECONOMY = "open_data_economy_2016.csv"
OUTLETS = "open_data_outlets_2017-06.csv"
EDITION = "2017-06"


@dataclass(frozen=True)
class DefaultDataset:
    """One open dataset loaded by default, as ``/about/data`` describes it."""

    title: str
    publisher: str
    edition: str
    licence: str
    url: str
    files: tuple[str, ...]


COOPS_UK = DefaultDataset(
    title="Co-operatives UK open data: health and social care",
    publisher="Co-operatives UK",
    edition="June 2017 (organisations and outlets), 2016 (economy)",
    licence="ODC-By 1.0",
    url="https://www.uk.coop/resources/open-data",
    files=(ORGANISATIONS, ECONOMY, OUTLETS),
)

# Which of a listing's facts each Co-operatives UK file gives (keys of the listing data).
_OUTLET_FACTS = ("locations", "description", "phone", "website")


class AttributedCoopsUkImporter(CoopsUkImporter):
    """The Co-operatives UK importer with each source naming the facts its file gave to the row, and the run
    recorded with the files' fingerprint (so the same files are never imported twice by default)."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        super().__init__(
            directory / ORGANISATIONS, economy=directory / ECONOMY, outlets=directory / OUTLETS, edition=EDITION
        )
        self.fingerprint = fingerprint

    def options(self) -> dict[str, Any]:
        return {**super().options(), "default_data": self.fingerprint}

    def read(self) -> Iterator[SourceRow | Problem]:
        for item in super().read():
            if isinstance(item, SourceRow):
                attribute_facts(item.data)
            yield item


def attribute_facts(data: dict[str, Any]) -> None:
    """Name on each Co-operatives UK source the facts its file gave (in place)."""
    given = {key for key, value in data.items() if key != "sources" and value not in (None, "", [], {})}
    for source in data.get("sources", []):
        title = source.get("title", "")
        if title.endswith("economy"):
            facts = {"size"} & given
        elif title.endswith("outlets"):
            facts = set(_OUTLET_FACTS) & given
        else:
            facts = (given - {"size", *_OUTLET_FACTS}) | {"locations", "region"}
        source["facts"] = sorted(facts)


def fingerprint(directory: Path = DATA_DIR) -> str:
    """SHA-256 over the three files, so a changed file is imported again."""
    digest = hashlib.sha256()
    for name in COOPS_UK.files:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def default_data_loaded(session: Session, directory: Path = DATA_DIR) -> bool:
    """True when a completed import holds these very files."""
    wanted = fingerprint(directory)
    runs = session.scalars(
        select(ImportRun.options).where(
            ImportRun.source == CoopsUkImporter.source, ImportRun.status == ImportRunStatus.COMPLETED
        )
    )
    return any((options or {}).get("default_data") == wanted for options in runs)


def load_default_data(
    session: Session, directory: Path = DATA_DIR, *, report_dir: Path | None = None, progress: bool = False
) -> ImportReport | None:
    """Import the default open data unless these files are already imported; None when there was nothing to do."""
    if default_data_loaded(session, directory):
        return None
    importer = AttributedCoopsUkImporter(directory, fingerprint(directory))
    return run_import(session, importer, progress=progress, report_dir=report_dir)
