"""Importers of public registers: Co-operatives UK open data, the CQC care directory, the FCA Mutuals Public Register.

One module per source reads its file (``reading``) into rows in the listing-data shape (``rows``); the
``runner`` locates, matches, merges, writes in batches and reports, the same way for every source.
``flask import SOURCE FILE`` runs them.
"""

from registry.services.importers.coops_uk import CoopsUkImporter
from registry.services.importers.cqc import CqcImporter
from registry.services.importers.fca_mpr import FcaMprImporter
from registry.services.importers.reports import ImportReport
from registry.services.importers.rows import ImportFileError
from registry.services.importers.runner import run_import

__all__ = [
    "CoopsUkImporter",
    "CqcImporter",
    "FcaMprImporter",
    "ImportFileError",
    "ImportReport",
    "run_import",
]
