"""Reading the OpenAPI document in tests: pointers into it, its operations, and the schema problems of an answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from registry.web.api.openapi import api_document

DOCUMENT_URI = "urn:registry:openapi"
METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def document_for(app: Flask) -> dict[str, Any]:
    """The document as the app serves it (the address does not matter to the schemas)."""
    return api_document("http://localhost/api/v1", app.config["PER_PAGE"], app.config["MAX_PER_PAGE"])


def pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def validator(document: dict[str, Any], json_pointer: str) -> Draft202012Validator:
    """A validator for the schema at ``json_pointer``, resolving its ``$ref``s within the document."""
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    return Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#{json_pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def follow(document: dict[str, Any], json_pointer: str) -> tuple[str, Any]:
    """The node at ``json_pointer``, following a local ``$ref`` (as a response object may be), and its pointer."""
    node: Any = document
    for part in json_pointer.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node:
        return follow(document, node["$ref"].removeprefix("#"))
    return json_pointer, node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def response_schema_pointer(document: dict[str, Any], path: str, method: str, status: int) -> str | None:
    """Where the documented schema of this answer is, or None when the status is not documented."""
    responses = document["paths"][path][method]["responses"]
    if str(status) not in responses:
        return None
    at, response = follow(document, pointer("paths", path, method, "responses", str(status)))
    assert "application/json" in response["content"], f"{method} {path} {status} is not documented as JSON"
    return at + pointer("content", "application/json", "schema")


def problems(document: dict[str, Any], json_pointer: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message[:300]}"
        for error in validator(document, json_pointer).iter_errors(instance)
    ]
