"""Reading the workbooks the registry exports, straight from their XML (no spreadsheet library needed)."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree


def xlsx_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """Each worksheet's rows of cell text, read straight from the workbook's XML."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in workbook.find("m:sheets", ns)]  # type: ignore[union-attr]
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in strings]
        sheets = {}
        for index, name in enumerate(names, start=1):
            root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
            rows = []
            for row in root.iter(f"{{{ns['m']}}}row"):
                cells: dict[int, str] = {}
                for cell in row.findall("m:c", ns):
                    # Empty cells are not written, so each cell's place comes from its reference, like "AB2".
                    column = _column(cell.get("r", ""))
                    if cell.get("t") == "s":
                        cells[column] = shared[int(cell.findtext("m:v", "", ns))]
                    elif cell.get("t") == "inlineStr":
                        cells[column] = "".join(t.text or "" for t in cell.iter(f"{{{ns['m']}}}t"))
                    else:
                        cells[column] = cell.findtext("m:v", "", ns)
                rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
            sheets[str(name)] = rows
    return sheets


def _column(reference: str) -> int:
    index = 0
    for letter in re.match(r"[A-Z]+", reference).group():  # type: ignore[union-attr]
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1
