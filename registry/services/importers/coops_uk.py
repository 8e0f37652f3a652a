"""Co-operatives UK open data: the organisations file, with the economy and outlets files when given.

Columns, quirks and licence: ``../shared/reference/data/coops-uk/PROVENANCE.md`` and
``directories-and-standards.md`` section 2. Each organisation row becomes one listing:

- name and trading name; legal form from "Legal Form" (see ``mappings``), governance model from
  "Ownership Classification"; the identifier from "Registrar" + "Registered Number" (FCA → GB-MPR, Companies
  House → GB-COH, DETINI → GB-MPR or GB-COH by the number's shape), checked, or left off with a warning;
- "Registered Status" Dead → dissolved, with "Dissolved Date"; the organisation is kept, never dropped;
  "Incorporation Date" → founded;
- the registered office as a location (the street's embedded newlines become commas), geocoded; the region
  from its postcode, or from "UK Nation" outside England when the postcode cannot be placed;
- a service from "SIC Code", with the SIC code and its description as the service's description;
- from the economy file, the most recent year's turnover, members and employees; from the outlets file,
  each outlet as a location, and the first outlet's description, phone and website;
- a source row for each file: Co-operatives UK open data, ODC-By 1.0, the file's edition, and the
  organisation's Co-operatives UK ID.

``--sector`` keeps rows whose "Sector - Simplified, High Level" is that sector (default Health and Social
Care); ``--all`` keeps every row. A row outside the sector still updates a listing it matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.services.importers.mappings import (
    coops_uk_governance,
    coops_uk_legal_form,
    registered_identifier,
    services_for_sic,
    sic_digits,
)
from registry.services.importers.reading import (
    TableRow,
    address_lines,
    clean_text,
    csv_header,
    parse_date,
    read_csv_records,
    read_date,
    region_for_nation,
    table_rows,
)
from registry.services.importers.rows import (
    Importer,
    ImportFileError,
    Problem,
    RowRejected,
    SourceRow,
    edition_from_file_name,
    require,
)

DEFAULT_SECTOR = "Health and Social Care"
PUBLISHER = "Co-operatives UK"
LICENCE = "ODC-By 1.0"
OPEN_DATA_URL = "https://www.uk.coop/resources/open-data"

ORGANISATION_COLUMNS = (
    "CUK Organisation ID",
    "Registered Number",
    "Registrar",
    "Registered Name",
    "Trading Name",
    "Legal Form",
    "Registered Street",
    "Registered City",
    "Registered State/Province",
    "Registered Postcode",
    "UK Nation",
    "SIC Code",
    "Sector - Simplified, High Level",
    "Ownership Classification",
    "Registered Status",
    "Incorporation Date",
    "Dissolved Date",
)
ECONOMY_COLUMNS = ("CUK Organisation ID", "Turnover", "Memberships", "Employees", "Year End Date")
OUTLET_COLUMNS = ("CUK Organisation ID", "Outlet Name", "Street", "City", "State/Province", "Postcode")


def read_table(path: Path, required: tuple[str, ...], what: str, notes: list[str] | None = None) -> Iterator[TableRow]:
    """The rows of a Co-operatives UK CSV by column name (see ``table_rows``); refuses a file without the
    columns, or with a column named twice. Notes about the whole file are added to ``notes``."""
    records = read_csv_records(path, notes)
    first = next(records, None)
    if first is None:
        raise ImportFileError(f"{path.name} is empty: it should be {what}.")
    # The published header spells "SIC code  - level 2" with two spaces; cleaned, it has one.
    header = csv_header(path, first.cells)
    missing = [c for c in required if clean_text(c) not in header]
    if missing:
        raise ImportFileError(
            f"{path.name} is not {what}: it has no {', '.join(repr(m) for m in missing)} column. "
            "Check you chose the right file."
        )
    yield from table_rows(records, header, first.line)


def _source(part: str, published: str | None, note: str) -> dict[str, Any]:
    """The source row for one of the open data's files (organisations, economy or outlets)."""
    return {
        "title": f"Co-operatives UK open data: {part}",
        "publisher": PUBLISHER,
        "url": OPEN_DATA_URL,
        "published": published,
        "licence": LICENCE,
        "note": note,
    }


@dataclass(frozen=True)
class _Economy:
    year_end: str
    turnover: str
    members: str
    employees: str
    # What reading changed on the row's lines (see ``decode_csv``), naming the economy file.
    changes: tuple[str, ...] = ()


def _whole_number(value: str, what: str, warnings: list[str]) -> int | None:
    text = clean_text(value).replace(",", "")
    if not text:
        return None
    try:
        number = round(float(text))
    except ValueError:
        warnings.append(f"The {what} {text!r} is not a number: left out")
        return None
    if number < 0:
        warnings.append(f"The {what} {text} is negative: left out")
        return None
    return number


class CoopsUkImporter(Importer):
    source = "coops-uk"
    title = "Co-operatives UK open data"

    def __init__(
        self,
        path: Path,
        *,
        sector: str | None = DEFAULT_SECTOR,
        economy: Path | None = None,
        outlets: Path | None = None,
        edition: str | None = None,
    ) -> None:
        super().__init__(path, edition=edition)
        self.sector = clean_text(sector) if sector else None
        self.economy_path = Path(economy) if economy else None
        self.outlets_path = Path(outlets) if outlets else None

    @property
    def filter_description(self) -> str:
        return f"the {self.sector} sector" if self.sector else "every sector (--all)"

    def options(self) -> dict[str, Any]:
        return {
            "sector": self.sector,
            "economy": self.economy_path.name if self.economy_path else None,
            "outlets": self.outlets_path.name if self.outlets_path else None,
        }

    def read(self) -> Iterator[SourceRow | Problem]:
        # The economy and outlets files' rows that cannot be read are rejected rows too, their reason naming
        # the file (their line numbers are that file's).
        side_problems: list[Problem] = []
        economy = self._economy(side_problems) if self.economy_path else {}
        outlets = self._outlets(side_problems) if self.outlets_path else {}
        yield from side_problems
        rows = read_table(self.path, ORGANISATION_COLUMNS, "a Co-operatives UK organisations file", self.notes)
        for table_row in rows:
            line, cells = table_row.line, table_row.cells
            if table_row.problem is not None:
                yield Problem(line, "", "", table_row.problem)
                continue
            key = clean_text(cells.get("CUK Organisation ID"))
            name = clean_text(cells.get("Registered Name"))
            try:
                row = self._row(line, cells)
            except RowRejected as rejected:
                yield Problem(line, key, name, str(rejected))
                continue
            row.warnings += table_row.changes
            if key in economy:
                self._add_economy(row, economy[key])
            if key in outlets:
                self._add_outlets(row, outlets[key])
            yield row

    def _row(self, line: int, cells: dict[str, str]) -> SourceRow:
        key = clean_text(cells["CUK Organisation ID"])
        name = clean_text(cells["Registered Name"])
        require((key, "No Co-operatives UK organisation ID (CUK Organisation ID)"), (name, "No registered name"))
        warnings: list[str] = []
        number = clean_text(cells["Registered Number"])
        legal_form = coops_uk_legal_form(
            cells["Legal Form"], name=name, registered_number=number, ownership=cells["Ownership Classification"]
        )
        governance = coops_uk_governance(cells["Ownership Classification"])
        identifier, identifier_warning = registered_identifier(cells["Registrar"], number)
        warnings += [w for w in (legal_form.warning, governance.warning, identifier_warning) if w]

        status = clean_text(cells["Registered Status"]).lower()
        dissolved_on = read_date(cells["Dissolved Date"], "dissolved date", warnings)
        if status == "dead":
            registered_status = "dissolved"
            if dissolved_on is None:
                warnings.append("Dissolved (Dead) but no dissolved date given")
        else:
            registered_status = "active"
            if dissolved_on is not None:
                warnings.append(f"Live but with a dissolved date ({dissolved_on}): listed as active")
                dissolved_on = None

        trading = clean_text(cells["Trading Name"])
        sic = clean_text(cells["SIC Code"])
        digits = sic_digits(sic)
        sic_description = clean_text(cells.get(f"SIC code - level {len(digits)} description")) if digits else ""
        services = [
            {"code": code, "description": f"SIC 2007 {digits}: {sic_description}".rstrip(": ")}
            for code in services_for_sic(sic)
        ]
        sector = clean_text(cells["Sector - Simplified, High Level"])
        data: dict[str, Any] = {
            "name": name[:300],
            "trading_names": [trading[:300]] if trading and trading.lower() != name.lower() else [],
            "legal_form": legal_form.code,
            "governance_model": governance.code,
            "registered_status": registered_status,
            "dissolved_on": dissolved_on,
            "founded": read_date(cells["Incorporation Date"], "incorporation date", warnings),
            "identifiers": [{"scheme": identifier[0], "value": identifier[1]}] if identifier else [],
            "services": services,
            "locations": [
                {
                    "name": "Registered office",
                    "address": address_lines(
                        cells["Registered Street"], cells["Registered City"], cells["Registered State/Province"]
                    ),
                    "postcode": clean_text(cells["Registered Postcode"]),
                    "is_registered_office": True,
                }
            ],
            "sources": [_source("organisations", self.edition, f"Co-operatives UK organisation ID {key}.")],
        }
        return SourceRow(
            line=line,
            source_key=key,
            data=data,
            wanted=self.sector is None or sector.lower() == self.sector.lower(),
            warnings=warnings,
            fallback_region=region_for_nation(cells["UK Nation"]),
        )

    # -- the economy file: one row per organisation and year

    def _economy(self, problems: list[Problem]) -> dict[str, _Economy]:
        assert self.economy_path is not None
        file_name = self.economy_path.name
        latest: dict[str, _Economy] = {}
        for row in read_table(self.economy_path, ECONOMY_COLUMNS, "a Co-operatives UK economy file", self.notes):
            cells = row.cells
            if row.problem is not None:
                problems.append(Problem(row.line, "", "", f"{file_name}, line {row.line}: {row.problem}"))
                continue
            key = clean_text(cells["CUK Organisation ID"])
            try:
                year_end = parse_date(cells["Year End Date"])
            except ValueError:
                given = clean_text(cells["Year End Date"])
                reason = f"{file_name}, line {row.line}: the Year End Date {given!r} is not a date"
                problems.append(Problem(row.line, key, clean_text(cells.get("Registered Name")), reason))
                continue
            if not key or year_end is None:
                continue
            figures = _Economy(
                year_end.isoformat(),
                cells["Turnover"],
                cells["Memberships"],
                cells["Employees"],
                tuple(f"{file_name}: {change}" for change in row.changes),
            )
            if not any(clean_text(v) for v in (figures.turnover, figures.members, figures.employees)):
                continue
            if key not in latest or latest[key].year_end < figures.year_end:
                latest[key] = figures
        return latest

    def _add_economy(self, row: SourceRow, economy: _Economy) -> None:
        row.warnings += economy.changes
        year = int(economy.year_end[:4])
        turnover = _whole_number(economy.turnover, "turnover", row.warnings)
        row.data["size"] = {
            "employees": _whole_number(economy.employees, "number of employees", row.warnings),
            "members": _whole_number(economy.members, "number of members", row.warnings),
            "year": year,
            "turnover_gbp": turnover,
            "turnover_year": year if turnover is not None else None,
        }
        assert self.economy_path is not None
        published = edition_from_file_name(self.economy_path.name)
        row.data["sources"].append(_source("economy", published, f"Figures for the year ending {economy.year_end}."))

    # -- the outlets file: shops, surgeries and other places an organisation works from

    def _outlets(self, problems: list[Problem]) -> dict[str, list[TableRow]]:
        assert self.outlets_path is not None
        file_name = self.outlets_path.name
        outlets: dict[str, list[TableRow]] = {}
        for row in read_table(self.outlets_path, OUTLET_COLUMNS, "a Co-operatives UK outlets file", self.notes):
            if row.problem is not None:
                problems.append(Problem(row.line, "", "", f"{file_name}, line {row.line}: {row.problem}"))
            elif clean_text(row.cells["CUK Organisation ID"]):
                row.changes = [f"{file_name}: {change}" for change in row.changes]
                outlets.setdefault(clean_text(row.cells["CUK Organisation ID"]), []).append(row)
        return outlets

    def _add_outlets(self, row: SourceRow, outlet_rows: list[TableRow]) -> None:
        outlets = [outlet.cells for outlet in outlet_rows]
        row.warnings += [change for outlet in outlet_rows for change in outlet.changes]
        for cells in outlets:
            row.data["locations"].append(
                {
                    "name": clean_text(cells["Outlet Name"])[:200],
                    "address": address_lines(cells["Street"], cells["City"], cells["State/Province"]),
                    "postcode": clean_text(cells["Postcode"]),
                    "is_registered_office": False,
                }
            )
        description = next((clean_text(c.get("Description")) for c in outlets if clean_text(c.get("Description"))), "")
        phone = next((clean_text(c.get("Phone")) for c in outlets if clean_text(c.get("Phone"))), "")
        website = next((clean_text(c.get("Website")) for c in outlets if clean_text(c.get("Website"))), "")
        if description:
            row.data["description"] = description
        if phone and len(phone) <= 40:
            row.data["phone"] = phone
        if website and len(website) <= 300:
            row.data["website"] = website if "://" in website else f"https://{website}"
        assert self.outlets_path is not None
        note = f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''}."
        row.data["sources"].append(_source("outlets", edition_from_file_name(self.outlets_path.name), note))
