"""The rule logic: small pure functions, each registered under the name a rule set's ``check`` uses.

The checks live in one module per family of criteria; importing this package imports every family, so
``CHECKS`` holds them all.
"""

from registry.domain.validator.checks import (  # noqa: F401  (each family registers its checks on import)
    assets_and_profits,
    independence,
    membership,
    staff,
    trusts,
)
from registry.domain.validator.checks.catalogue import CHECKS, DECLARATION, Check, CheckFunction, ParamKind, Result

__all__ = ["CHECKS", "DECLARATION", "Check", "CheckFunction", "ParamKind", "Result"]
