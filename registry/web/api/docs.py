"""``/api/docs``: the JSON API's reference, rendered on the server from the OpenAPI document itself.

No Swagger UI and no JavaScript: each operation with its parameters, request and response fields (schemas
flattened into one row per field, like ``member_classes[].voting_rule``) and the document's examples.

The document's words are in English, with the Welsh beside each as an OpenAPI extension of the same name
(``x-cy-summary`` beside ``summary``, ``x-cy-description``, ``x-cy-name`` for a tag's name): the page reads the
ones of the language it speaks (:func:`words`). Its own words (types, notes) go through gettext.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, render_template, url_for
from markupsafe import Markup, escape

from registry.domain.language import DEFAULT_LANGUAGE, current_language
from registry.domain.language import gettext as _
from registry.web.api.openapi import current_api_document

METHODS = ("get", "put", "post", "patch", "delete")
MAX_DEPTH = 6
MAX_SCHEMA_VALUES = 12

# A blueprint of its own because the page sits at /api/docs, outside the API's /api/v1 prefix, and is an HTML page
# for people: the API's rate limit and CSRF exemption are not for it.
bp = Blueprint("api_docs", __name__)


def words(node: dict[str, Any], key: str) -> str:
    """A document object's ``key`` (``summary``, ``description``, ``name``) in the language being spoken: its
    ``x-<language>-<key>`` extension when it has one, else the English. Trailing space trimmed (YAML blocks end
    in a newline)."""
    language = current_language()
    if language != DEFAULT_LANGUAGE:
        translated = node.get(f"x-{language}-{key}")
        if isinstance(translated, str):
            return translated.strip()
    return str(node.get(key, "")).strip()


# A type's words in Welsh after "neu" (or) take the soft mutation: "testun neu null", "null neu destun".
_SOFT_MUTATED = {"testun": "destun", "rhif": "rif", "rhestr": "restr", "gwrthrych": "wrthrych", "gwir": "wir"}


def _type_word(kind: str) -> str:
    names = {
        "string": _("string"),
        "number": _("number"),
        "boolean": _("boolean"),
        "object": _("object"),
        "null": "null",
        "any value": _("any value"),
    }
    return names.get(kind, kind)


def _or(words: list[str]) -> str:
    if not words:
        return ""
    joiner = _(" or ")
    later = words[1:]
    if joiner.strip() == "neu":
        later = [_mutated(word) for word in later]
    return joiner.join([words[0], *later])


def _mutated(phrase: str) -> str:
    first, _space, rest = phrase.partition(" ")
    return " ".join(filter(None, [_SOFT_MUTATED.get(first, first), rest])) if first in _SOFT_MUTATED else phrase


@dataclass(frozen=True)
class FieldRow:
    """One field of a schema, or one parameter: what it is called, its type and what it may hold."""

    name: str
    type: str
    description: str = ""
    required: bool = False
    values: list[str] = field(default_factory=list)
    more_values: int = 0
    notes: list[str] = field(default_factory=list)
    location: str = ""
    example: str | None = None


@dataclass(frozen=True)
class Body:
    """A request or response body: its fields and its example, as pretty-printed JSON."""

    description: str
    fields: list[FieldRow]
    example: str | None


@dataclass(frozen=True)
class Answer:
    status: str
    phrase: str
    description: str
    body: Body | None
    is_error: bool


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[FieldRow]
    request: Body | None
    answers: list[Answer]


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    description: str
    operations: list[Operation]


class _Reader:
    """Reads the document's schemas into rows, following its local ``$ref``s."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node, seen = target, seen + 1
        return node

    def variants(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """The shapes a value may take: a ``oneOf``/``anyOf``'s choices, or the schema itself."""
        choices = schema.get("oneOf") or schema.get("anyOf")
        if choices and all("required" not in c or len(c) > 1 for c in choices):
            return [self.resolve(c) for c in choices]
        return [schema]

    def type_words(self, schema: dict[str, Any]) -> str:
        words: list[str] = []
        for variant in self.variants(schema):
            if "const" in variant:
                words.append(json.dumps(variant["const"]))
                continue
            types = variant.get("type", "any value")
            for kind in types if isinstance(types, list) else [types]:
                if kind == "array":
                    items = self.resolve(variant.get("items", {}))
                    words.append(_("array of %(items)s", items=self.type_words(items)) if items else _("array"))
                elif kind == "integer":
                    words.append(_("whole number"))
                else:
                    words.append(_type_word(kind))
        unique = list(dict.fromkeys(words))
        return _or(unique)

    def notes(self, schema: dict[str, Any]) -> list[str]:
        notes: list[str] = []
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            notes.append(_("From %(low)s to %(high)s.", low=format(low, "g"), high=format(high, "g")))
        elif low is not None:
            notes.append(_("%(low)s or more.", low=format(low, "g")))
        if "maxLength" in schema:
            notes.append(_("Up to %(count)s characters.", count=schema["maxLength"]))
        if "maxItems" in schema:
            notes.append(_("Up to %(count)s values.", count=schema["maxItems"]))
        if "pattern" in schema:
            notes.append(_("Matches %(pattern)s.", pattern="`" + schema["pattern"] + "`"))
        items = self.resolve(schema.get("items", {}))
        if isinstance(items, dict) and "pattern" in items:
            notes.append(_("Each matches %(pattern)s.", pattern="`" + items["pattern"] + "`"))
        if schema.get("format") == "uri":
            notes.append(_("A web address."))
        if "default" in schema:
            notes.append(_("Default: %(value)s.", value="`" + json.dumps(schema["default"]) + "`"))
        return notes

    def values(self, schema: dict[str, Any]) -> list[Any]:
        for candidate in (schema, self.resolve(schema.get("items", {}))):
            if isinstance(candidate, dict) and "enum" in candidate:
                return [v for v in candidate["enum"] if v is not None]
        return []

    def rows(self, schema: Any, prefix: str = "", depth: int = 0) -> list[FieldRow]:
        schema = self.resolve(schema)
        rows: list[FieldRow] = []
        if depth > MAX_DEPTH or not isinstance(schema, dict):
            return rows
        for variant in self.variants(schema):
            for name, child in variant.get("properties", {}).items():
                rows.extend(self.field(f"{prefix}{name}", child, name in variant.get("required", ()), depth))
            extra = variant.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                key = "<name>"
                rows.extend(self.field(f"{prefix}{key}", extra, False, depth))
        return rows

    def field(self, name: str, schema: Any, required: bool, depth: int) -> list[FieldRow]:
        schema = self.resolve(schema)
        values = self.values(schema)
        row = FieldRow(
            name=name,
            type=self.type_words(schema),
            description=words(schema, "description"),
            required=required,
            values=[str(v) for v in values[:MAX_SCHEMA_VALUES]],
            more_values=max(0, len(values) - MAX_SCHEMA_VALUES),
            notes=self.notes(schema),
        )
        rows = [row]
        for variant in self.variants(schema):
            if variant.get("properties") or isinstance(variant.get("additionalProperties"), dict):
                rows.extend(self.rows(variant, f"{name}.", depth=depth + 1))
            items = self.resolve(variant.get("items"))
            if isinstance(items, dict) and (items.get("properties") or items.get("oneOf")):
                rows.extend(self.rows(items, f"{name}[].", depth=depth + 1))
        return rows

    def parameter(self, node: Any) -> FieldRow:
        parameter = self.resolve(node)
        schema = self.resolve(parameter.get("schema", {}))
        values = self.values(schema)
        kind = self.type_words(schema)
        if schema.get("type") == "array":
            kind = _("%(type)s, repeatable", type=self.type_words(self.resolve(schema.get("items", {}))))
        return FieldRow(
            name=parameter["name"],
            type=kind,
            description=words(parameter, "description"),
            required=bool(parameter.get("required")),
            values=[str(v) for v in values],
            notes=self.notes(schema),
            location=parameter["in"],
            example=_example_text(parameter["example"]) if "example" in parameter else None,
        )

    def body(self, node: Any, with_fields: bool = True) -> Body | None:
        node = self.resolve(node)
        media = node.get("content", {}).get("application/json")
        if media is None:
            return None
        return Body(
            description=words(node, "description"),
            fields=self.rows(media["schema"]) if with_fields else [],
            example=json.dumps(media["example"], indent=2, ensure_ascii=False) if "example" in media else None,
        )


def _example_text(value: Any) -> str:
    if isinstance(value, list):
        return " & ".join(str(v) for v in value)
    return str(value)


def sections(document: dict[str, Any]) -> list[Section]:
    """The document's operations, grouped by tag in the document's order."""
    reader = _Reader(document)
    prefix = urlsplit(document["servers"][0]["url"]).path.rstrip("/")
    grouped: dict[str, list[Operation]] = {tag["name"]: [] for tag in document.get("tags", [])}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            answers = [
                Answer(
                    status=status,
                    phrase=HTTPStatus(int(status)).phrase,
                    description=words(reader.resolve(response), "description"),
                    # Error bodies all have the one shape, described once at the top of the page.
                    body=reader.body(response, with_fields=status.startswith("2")),
                    is_error=not status.startswith("2"),
                )
                for status, response in operation["responses"].items()
            ]
            request = operation.get("requestBody")
            grouped.setdefault((operation.get("tags") or ["Other"])[0], []).append(
                Operation(
                    id=operation["operationId"],
                    method=method.upper(),
                    path=prefix + path,
                    summary=words(operation, "summary"),
                    description=words(operation, "description"),
                    parameters=[reader.parameter(p) for p in operation.get("parameters", [])],
                    request=reader.body(request) if request else None,
                    answers=answers,
                )
            )
    tags = {tag["name"]: tag for tag in document.get("tags", [])}
    return [
        Section(
            # The address of a section is the same in both languages: made from the tag's (English) name.
            id="section-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            name=words(tags[name], "name") if name in tags else name,
            description=words(tags[name], "description") if name in tags else "",
            operations=operations,
        )
        for name, operations in grouped.items()
        if operations
    ]


def prose(text: str) -> Markup:
    """A description as paragraphs, with `backticked` words as code: the document's one bit of markup."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = str(escape(paragraph))
        html.append("<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped) + "</p>")
    return Markup("\n".join(html))  # noqa: S704 (every piece of text is escaped above)


def inline(text: str) -> Markup:
    """Like ``prose`` for a short text inside a table cell: no paragraphs."""
    escaped = str(escape(" ".join(text.split())))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))  # noqa: S704 (escaped above)


@bp.get("/api/docs")
def reference() -> str:
    document = current_api_document()
    reader = _Reader(document)
    return render_template(
        "public/api_docs.html",
        info=document["info"],
        summary=words(document["info"], "summary"),
        description=words(document["info"], "description"),
        server_url=document["servers"][0]["url"],
        document_url=url_for("api.openapi_json"),
        sections=sections(document),
        error_fields=reader.rows(document["components"]["schemas"]["Error"]),
        prose=prose,
        inline=inline,
    )
