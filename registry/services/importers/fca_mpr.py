"""The FCA Mutuals Public Register society list (``SocietyList.csv``).

Columns (``directories-and-standards.md`` section 3): Society Number, Society Suffix, Full Registation Number
(sic: the real header is misspelt; the correct spelling is read too), Society Name, Registered As, Society
Address, Registration Date, Deregistration Date, Registration Act, Standard Industrial Classification Code (SIC),
Reporting Classification, Society Status. Each society becomes one listing:

- the registration number as a GB-MPR identifier (and the row's key); the name; the legal form from
  "Registered As" (see ``mappings``); founded from the registration date;
- deregistered societies kept, marked dissolved on their deregistration date;
- the address, one free-text field with the postcode at its end, split into the registered office's address
  and postcode, and geocoded;
- services from the SIC code.

By default only societies in health and social care (SIC divisions 86, 87 and 88) create listings; ``--all``
takes every society. A society outside the filter still updates a listing it matches.

The register's licence is unclear (org-id.guide records it as closed, Find That Charity as OGL v3.0): each
source row says so, and so does ``/data``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from registry.domain.identifiers import InvalidIdentifier, check_identifier
from registry.domain.postcodes import loose_storage_key
from registry.services.importers.mappings import fca_legal_form, is_health_or_social_care_sic, services_for_sic
from registry.services.importers.reading import (
    address_lines,
    clean_text,
    csv_header,
    read_csv_records,
    read_date,
    table_rows,
)
from registry.services.importers.rows import Importer, ImportFileError, Problem, RowRejected, SourceRow, require

REGISTER_URL = "https://mutuals.fca.org.uk/"
LICENCE = "Not stated by the FCA: check before reuse"
NUMBER_COLUMNS = ("Full Registation Number", "Full Registration Number")
REQUIRED_COLUMNS = ("Society Name", "Registered As", "Society Address")
SIC_COLUMN_PREFIX = "Standard Industrial Classification"

# A postcode at the end of an address: the outward code, optional space, the inward code.
_TRAILING_POSTCODE = re.compile(r"[,\s]*\b([A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2})\s*[.,]?\s*$")
_DISSOLVED_WORDS = ("dereg", "cancel", "dissol", "revoked", "struck", "wound")


def split_address(text: str) -> tuple[str, str | None]:
    """(address, postcode) from "1 Angel Square, Manchester, M60 0AG"; the postcode is None when none ends it."""
    one_line = address_lines(text)
    found = _TRAILING_POSTCODE.search(one_line)
    if found is None or loose_storage_key(found.group(1)) is None:
        return one_line, None
    return one_line[: found.start()].rstrip(" ,"), clean_text(found.group(1)).upper()


class FcaMprImporter(Importer):
    source = "fca-mpr"
    title = "FCA Mutuals Public Register"

    def __init__(self, path: Path, *, everything: bool = False, edition: str | None = None) -> None:
        super().__init__(path, edition=edition)
        self.everything = everything

    @property
    def filter_description(self) -> str:
        return "every society (--all)" if self.everything else "societies in health and social care (SIC 86-88)"

    def options(self) -> dict[str, Any]:
        return {"all": self.everything}

    def read(self) -> Iterator[SourceRow | Problem]:
        records = read_csv_records(self.path, self.notes)
        first = next(records, None)
        if first is None:
            raise ImportFileError(f"{self.path.name} is empty: it should be the FCA society list.")
        header = csv_header(self.path, first.cells)
        number_column = next((c for c in NUMBER_COLUMNS if c in header), None)
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if number_column is None:
            missing.insert(0, NUMBER_COLUMNS[0])
        if missing:
            raise ImportFileError(
                f"{self.path.name} is not the FCA society list: it has no {', '.join(repr(m) for m in missing)} "
                "column. Download SocietyList.csv from the Mutuals Public Register."
            )
        assert number_column is not None
        sic_column = next((c for c in header if c.startswith(SIC_COLUMN_PREFIX)), None)
        for table_row in table_rows(records, header, first.line):
            line, row = table_row.line, table_row.cells
            if table_row.problem is not None:
                yield Problem(line, "", "", table_row.problem)
                continue
            number = self._number(row, number_column)
            try:
                source_row = self._row(line, row, number, row.get(sic_column, "") if sic_column else "")
            except RowRejected as rejected:
                yield Problem(line, number, clean_text(row["Society Name"]), str(rejected))
                continue
            source_row.warnings += table_row.changes
            yield source_row

    @staticmethod
    def _number(row: dict[str, str], number_column: str) -> str:
        number = "".join(row[number_column].upper().split())
        if not number:
            number = "".join((row.get("Society Number", "") + row.get("Society Suffix", "")).upper().split())
        return number

    def _row(self, line: int, row: dict[str, str], number: str, sic: str) -> SourceRow:
        name = clean_text(row["Society Name"])
        require((number, "No registration number"), (name, "No society name"))
        warnings: list[str] = []
        identifiers = []
        try:
            identifiers.append({"scheme": "GB-MPR", "value": check_identifier("GB-MPR", number)})
        except InvalidIdentifier:
            warnings.append(f"The registration number {number!r} is not one we recognise: listed without it")
        legal_form = fca_legal_form(row["Registered As"])
        if legal_form.warning:
            warnings.append(legal_form.warning)

        dissolved_on = read_date(row.get("Deregistration Date"), "deregistration date", warnings)
        status = clean_text(row.get("Society Status")).lower()
        dissolved = dissolved_on is not None or any(word in status for word in _DISSOLVED_WORDS)
        address, postcode = split_address(row["Society Address"])
        sic_codes = [code for code in re.split(r"[;,|/]", sic) if clean_text(code)]
        services: list[dict[str, str]] = []
        for code in sic_codes:
            for service in services_for_sic(code):
                if service not in [s["code"] for s in services]:
                    services.append({"code": service, "description": f"SIC 2007 {clean_text(code)}"})
        act = clean_text(row.get("Registration Act"))
        data: dict[str, Any] = {
            "name": name[:300],
            "legal_form": legal_form.code,
            "registered_status": "dissolved" if dissolved else "active",
            "dissolved_on": dissolved_on if dissolved else None,
            "founded": read_date(row.get("Registration Date"), "registration date", warnings),
            "identifiers": identifiers,
            "services": services,
            "locations": [
                {"name": "Registered office", "address": address, "postcode": postcode, "is_registered_office": True}
            ],
            "sources": [
                {
                    "title": "FCA Mutuals Public Register: society list",
                    "publisher": "Financial Conduct Authority",
                    "url": REGISTER_URL,
                    "published": self.edition,
                    "licence": LICENCE,
                    "note": f"Registration number {number}" + (f", registered under the {act}." if act else "."),
                }
            ],
        }
        return SourceRow(
            line=line,
            source_key=number,
            data=data,
            wanted=self.everything or any(is_health_or_social_care_sic(code) for code in sic_codes),
            warnings=warnings,
        )
