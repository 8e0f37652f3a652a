"""The CQC care directory (the weekly ``DD_Month_YYYY_CQC_directory.csv``).

The file starts with four lines about itself before the header (``directories-and-standards.md`` section
4.2); the header is found by its columns, so a file with more or fewer such lines reads as well. Its columns:
Name, Also known as, Address, Postcode, Phone number, Service's website (if available), Service types, Date of
latest check, Specialisms/services, Provider name, Local authority, Region, Location URL, CQC Location ID (for
office use only), CQC Provider ID (for office use only). "Service types" holds several names separated by |.

Each row is a place where care is given (a CQC location); each provider is one listing, found by its CQC
provider ID, its Companies House or charity number (when the file has the "Provider Companies House Number"
and "Provider Charity Number" columns of the HSCA locations file), or its name and a location's postcode. The
provider's locations, services (mapped from the service types) and CQC ID are added to that listing.

The care directory lists every registered provider, most of them neither co-operatives nor mutuals, so by
default a provider that matches no listing is skipped; ``--add-unmatched`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from registry.domain.identifiers import InvalidIdentifier, check_identifier
from registry.services.importers.mappings import services_for_cqc
from registry.services.importers.reading import (
    address_lines,
    clean_text,
    csv_header,
    read_csv_records,
    region_for_name,
    table_rows,
)
from registry.services.importers.rows import Importer, ImportFileError, Problem, SourceRow

DIRECTORY_URL = "https://www.cqc.org.uk/about-us/transparency/using-cqc-data"
LICENCE = "OGL v3.0"
# The header is within the first lines; the published files have four lines before it.
HEADER_SEARCH_LINES = 12
PROVIDER_ID_PREFIX = "CQC Provider ID"
LOCATION_ID_PREFIX = "CQC Location"
REQUIRED_COLUMNS = ("Name", "Address", "Postcode", "Service types", "Provider name")
OPTIONAL_IDENTIFIER_COLUMNS = {
    "Provider Companies House Number": "GB-COH",
    "Provider Charity Number": "GB-CHC",
}


class CqcImporter(Importer):
    source = "cqc"
    title = "CQC care directory"

    def __init__(self, path: Path, *, add_unmatched: bool = False, edition: str | None = None) -> None:
        super().__init__(path, edition=edition)
        self.add_unmatched = add_unmatched

    @property
    def filter_description(self) -> str:
        if self.add_unmatched:
            return "every provider (--add-unmatched)"
        return "providers that match a listing (--add-unmatched to list the others)"

    def options(self) -> dict[str, Any]:
        return {"add_unmatched": self.add_unmatched}

    def read(self) -> Iterator[SourceRow | Problem]:
        records = read_csv_records(self.path, self.notes)
        header: list[str] | None = None
        header_line = 0
        for record in records:
            cleaned = [clean_text(c) for c in record.cells]
            if "Name" in cleaned and any(c.startswith(PROVIDER_ID_PREFIX) for c in cleaned):
                header, header_line = csv_header(self.path, record.cells), record.line
                break
            if record.line >= HEADER_SEARCH_LINES:
                break
        if header is None:
            raise ImportFileError(
                f"{self.path.name} is not a CQC care directory file: no header with 'Name' and "
                f"'{PROVIDER_ID_PREFIX} (for office use only)' in its first {HEADER_SEARCH_LINES} lines."
            )
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ImportFileError(
                f"{self.path.name} is not a CQC care directory file: it has no "
                f"{', '.join(repr(m) for m in missing)} column."
            )
        provider_column = next(c for c in header if c.startswith(PROVIDER_ID_PREFIX))
        location_column = next((c for c in header if c.startswith(LOCATION_ID_PREFIX)), None)

        providers: dict[str, SourceRow] = {}
        seen_locations: dict[str, int] = {}
        for table_row in table_rows(records, header, header_line):
            line, row = table_row.line, table_row.cells
            if table_row.problem is not None:
                yield Problem(line, "", "", table_row.problem)
                continue
            raw_provider = clean_text(row[provider_column])
            location_name = clean_text(row["Name"])
            if not raw_provider:
                yield Problem(line, "", location_name, "No CQC provider ID")
                continue
            try:
                provider_id = check_identifier("CQC", raw_provider)
            except InvalidIdentifier:
                yield Problem(line, raw_provider, location_name, f"{raw_provider!r} is not a CQC provider ID")
                continue
            location_id = clean_text(row.get(location_column, "")) if location_column else ""
            if location_id and location_id in seen_locations:
                yield Problem(
                    line,
                    provider_id,
                    location_name,
                    f"Duplicate of line {seen_locations[location_id]}: the same CQC location {location_id}",
                )
                continue
            if location_id:
                seen_locations[location_id] = line
            provider = providers.get(provider_id)
            if provider is None:
                provider_name = clean_text(row["Provider name"])
                if not provider_name:
                    yield Problem(line, provider_id, location_name, "No provider name")
                    continue
                provider = providers[provider_id] = self._provider(line, provider_id, provider_name)
            self._add_location(provider, row)
            provider.warnings += table_row.changes
        yield from providers.values()

    def _provider(self, line: int, provider_id: str, name: str) -> SourceRow:
        return SourceRow(
            line=line,
            source_key=provider_id,
            data={
                "name": name[:300],
                "identifiers": [{"scheme": "CQC", "value": provider_id}],
                "services": [],
                "locations": [],
                "sources": [
                    {
                        "title": "CQC care directory",
                        "publisher": "Care Quality Commission",
                        "url": DIRECTORY_URL,
                        "published": self.edition,
                        "licence": LICENCE,
                        "note": f"CQC provider ID {provider_id}.",
                    }
                ],
            },
            wanted=self.add_unmatched,
        )

    def _add_location(self, provider: SourceRow, row: dict[str, str]) -> None:
        data = provider.data
        data["locations"].append(
            {
                "name": clean_text(row["Name"])[:200],
                "address": address_lines(row["Address"]),
                "postcode": clean_text(row["Postcode"]),
                "is_registered_office": False,
            }
        )
        codes, unknown = services_for_cqc(row["Service types"].split("|"))
        for code in codes:
            if code not in [s["code"] for s in data["services"]]:
                data["services"].append({"code": code, "description": "CQC service type"})
        for name in unknown:
            warning = f"The CQC service type {name!r} is not one we know"
            if warning not in provider.warnings:
                provider.warnings.append(warning)
        for column, scheme in OPTIONAL_IDENTIFIER_COLUMNS.items():
            raw = clean_text(row.get(column))
            if not raw:
                continue
            try:
                value = check_identifier(scheme, raw)
            except InvalidIdentifier:
                provider.warnings.append(f"The {column.lower()} {raw!r} is not valid: left out")
                continue
            if {"scheme": scheme, "value": value} not in data["identifiers"]:
                data["identifiers"].append({"scheme": scheme, "value": value})
        if provider.fallback_region is None:
            provider.fallback_region = region_for_name(row.get("Region"))
