"""Importers of public registers: Co-operatives UK open data, the CQC care directory, the FCA Mutuals Public Register.

One module per source reads its file into rows in the listing-data shape; ``base`` geocodes, matches, writes
in batches and reports, the same way for every source. ``flask import SOURCE FILE`` runs them.
"""

from registry.services.importers.base import ImportFileError, ImportReport, run_import
from registry.services.importers.coops_uk import CoopsUkImporter
from registry.services.importers.cqc import CqcImporter
from registry.services.importers.fca_mpr import FcaMprImporter

__all__ = [
    "CoopsUkImporter",
    "CqcImporter",
    "FcaMprImporter",
    "ImportFileError",
    "ImportReport",
    "run_import",
]
