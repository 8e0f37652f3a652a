"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

The document is data, in parts (``openapi/*.yaml``, combined in the order ``PARTS`` lists them; no part may
define what another defines). Where a schema says ``x-values-from: NAME`` the loader puts in the codes the
code itself uses, from the closed vocabularies, the reference data and the rule sets, so the
document's enums cannot drift from what the API accepts and returns. It is read once per process; each
request gets a copy with this deployment's address in ``servers`` and the app's page sizes.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from flask import Response, current_app

from registry.domain import vocabulary
from registry.domain.areas import PlaceKind
from registry.domain.reference_data import load_vocabulary
from registry.domain.search_query import FACETS, LocationMatch
from registry.domain.validator import Confidence, Severity
from registry.models.organisation import ListingProvenance, ListingStatus, RegisteredStatus, Verification
from registry.services.structure_checks import rulesets
from registry.web.api import bp
from registry.web.links import public_url

PARTS_FOLDER = Path(__file__).with_name("openapi")
# In the served document's order: a part's paths and components follow those of the parts before it.
PARTS = (
    "document.yaml",
    "paths-organisations.yaml",
    "paths-places.yaml",
    "paths-structure-checks.yaml",
    "paths-rule-sets.yaml",
    "paths-about.yaml",
    "parameters.yaml",
    "responses.yaml",
    "schemas-envelopes.yaml",
    "schemas-search.yaml",
    "schemas-places.yaml",
    "schemas-listing.yaml",
    "schemas-structure-checks.yaml",
    "schemas-rule-sets.yaml",
)
VALUES_KEY = "x-values-from"


def _members(kind: type[StrEnum]) -> Callable[[], list[str]]:
    return lambda: [member.value for member in kind]


def _vocabulary(name: str) -> Callable[[], list[str]]:
    return lambda: [str(item["code"]) for item in load_vocabulary(name)]


VALUE_SOURCES: dict[str, Callable[[], list[str]]] = {
    **{
        kind.__name__: _members(kind)
        for kind in (
            vocabulary.AssetLock,
            vocabulary.BoardSeatSource,
            Confidence,
            vocabulary.DissolutionClause,
            vocabulary.DistributionBasis,
            vocabulary.LegalForm,
            ListingProvenance,
            ListingStatus,
            LocationMatch,
            vocabulary.MemberClassKind,
            vocabulary.Origin,
            vocabulary.Outcome,
            PlaceKind,
            RegisteredStatus,
            Severity,
            vocabulary.SpinOutProgramme,
            vocabulary.Verdict,
            Verification,
            vocabulary.VoteDecision,
            vocabulary.VotingRule,
        )
    },
    "GovernanceModel": _vocabulary("governance_models"),
    "IdentifierScheme": _vocabulary("identifier_schemes"),
    "Region": _vocabulary("regions"),
    "ServiceType": _vocabulary("services"),
    "SearchFacet": lambda: list(FACETS),
    "RuleSetId": lambda: [r.id for r in rulesets()],
}


class OpenApiDocumentError(ValueError):
    """A part of the document is missing or not listed, defines what another part defines, names a value list
    that does not exist, or holds something JSON cannot."""


def _fill_values(node: Any, part: str) -> Any:
    """Replace each ``x-values-from`` with an ``enum`` of those values (and null where the type allows it)."""
    if isinstance(node, list):
        return [_fill_values(item, part) for item in node]
    if not isinstance(node, dict):
        return node
    filled = {key: _fill_values(value, part) for key, value in node.items() if key != VALUES_KEY}
    if VALUES_KEY in node:
        name = node[VALUES_KEY]
        if name not in VALUE_SOURCES:
            raise OpenApiDocumentError(f"{part}: no value list called {name!r}")
        values: list[Any] = VALUE_SOURCES[name]()
        types = node.get("type")
        if types == "null" or (isinstance(types, list) and "null" in types):
            values = [*values, None]
        filled["enum"] = values
    return filled


def _is_section(where: tuple[str, ...]) -> bool:
    """``paths``, ``components`` and each kind of component gather entries from several parts."""
    return where == ("paths",) or (where[:1] == ("components",) and len(where) <= 2)


def _combine(
    into: dict[str, Any], part: dict[str, Any], where: tuple[str, ...], file: str, owners: dict[tuple[str, ...], str]
) -> None:
    """Add ``file``'s entries to the document, refusing any that another part (named in ``owners``) defined."""
    for key, value in part.items():
        at = (*where, key)
        if _is_section(at):
            if not isinstance(value, dict):
                raise OpenApiDocumentError(f"{file}: {'.'.join(at)} should be a mapping of names to entries")
            _combine(into.setdefault(key, {}), value, at, file, owners)
        elif at in owners:
            raise OpenApiDocumentError(f"{file} defines {'.'.join(at)}, which {owners[at]} already defines")
        else:
            into[key] = value
            owners[at] = file


def read_parts(folder: Path, parts: tuple[str, ...]) -> dict[str, Any]:
    """The parts in ``folder`` combined into one document, in the order ``parts`` lists them."""
    unmatched = sorted({path.name for path in folder.glob("*.yaml")}.symmetric_difference(parts))
    if unmatched:
        name = unmatched[0]
        problem = "is listed but not in the folder" if name in parts else "is in the folder but not listed"
        raise OpenApiDocumentError(f"{folder.name}/{name} {problem} (PARTS in registry/web/api/openapi.py)")
    document: dict[str, Any] = {}
    owners: dict[tuple[str, ...], str] = {}
    for name in parts:
        part = f"{folder.name}/{name}"
        raw = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        try:
            # YAML reads unquoted dates as dates; the document must be plain JSON.
            json.dumps(raw)
        except TypeError as error:
            raise OpenApiDocumentError(f"{part} holds a value JSON cannot: {error}") from error
        if not isinstance(raw, dict):
            raise OpenApiDocumentError(f"{part} is not a mapping of keys to values")
        _combine(document, _fill_values(raw, part), (), part, owners)
    return document


@functools.cache
def _document() -> dict[str, Any]:
    document = read_parts(PARTS_FOLDER, PARTS)
    _answer_bad_requests_everywhere(document)
    return document


HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _answer_bad_requests_everywhere(document: dict[str, Any]) -> None:
    """Any operation can answer 400 (a null character in the address is refused before it runs): those
    that do not describe their own 400 get the shared one."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("400", {"$ref": "#/components/responses/BadRequest"})


def api_document(server_url: str, per_page: int, max_per_page: int) -> dict[str, Any]:
    """The whole OpenAPI document for a deployment at ``server_url`` (its ``/api/v1`` address)."""
    document = copy.deepcopy(_document())
    document["servers"] = [{"url": server_url, "description": "This registry"}]
    paging = document["components"]["parameters"]["per_page"]["schema"]
    paging["default"] = per_page
    paging["maximum"] = max_per_page
    return document


def current_api_document() -> dict[str, Any]:
    """The document for the app and address handling this request."""
    server_url = public_url("api.openapi_json").removesuffix("/openapi.json")
    return api_document(server_url, current_app.config["PER_PAGE"], current_app.config["MAX_PER_PAGE"])


@bp.get("/openapi.json")
def openapi_json() -> Response:
    # Not in the success envelope: OpenAPI tools read the document as it is. Dumped unsorted, so that it
    # reads in the order it was written (openapi, info, servers, paths ...).
    body = json.dumps(current_api_document(), ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/json")
