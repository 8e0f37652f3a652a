"""Fuzzing the JSON API from its own OpenAPI document.

For each operation, hypothesis draws requests from the documented parameter and body schemas, mixed with
arbitrary text, bytes and JSON, and checks every answer: never a 5xx, always JSON in one of the two
envelopes, only statuses the document lists, each answer matching the schema documented for its status,
and every error carrying a message. The 5xx it has found are pinned as plain regression tests at the end.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from registry.web.api.openapi import api_document
from tests.support.openapi import (
    document_for,
    follow,
    operations,
    pointer,
    problems,
    response_schema_pointer,
)

# Read once at collection, for the list of operations; each test reads the app's own copy.
DOCUMENT = api_document("http://localhost/api/v1", 20, 100)
GET_OPERATIONS = [(path, op["operationId"]) for path, method, op in operations(DOCUMENT) if method == "get"]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The test client is made inside the test from the session-wide app, and the function-scoped
    # ``session`` fixture holds one transaction for all of a test's examples: safe, because these
    # requests only read (and the transaction is rolled back when the test ends).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Numbers at the edges: JSON carries integers of any size, and floats up to 1.8e308.
EDGE_INTEGERS = [0, 1, -1, 2**31, 2**53 + 1, 2**63, 2**64, 10**20, 10**308, 10**309, -(10**309)]
TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
NUMERIC_TEXT = st.text(
    st.sampled_from("0123456789.-+eE _,%") | st.characters(categories=["Nd", "No", "Nl"]), max_size=12
)
# Digits from every script: str.isdigit() says yes to "²" and "①", which int() cannot read.
DIGITS = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=3)
ANY_QUERY_VALUE = st.one_of(
    TEXT,
    NUMERIC_TEXT,
    DIGITS,
    st.sampled_from(["", " ", "nan", "inf", "1e309", "-0", "0", "101", "10001", "S1", "S1 2HE", "ZZ9 9ZZ"]),
    st.text(st.characters(codec="utf-8"), min_size=190, max_size=260),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(EDGE_INTEGERS),
    st.floats(),  # NaN and infinities too: Python's JSON reads and writes them
    TEXT,
)
ANY_JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=16
)


# ---------------------------------------------------------------------------------------------------------
# Strategies from the document's JSON Schemas


def from_schema(document: dict[str, Any], schema: Any, wild: bool = False) -> st.SearchStrategy[Any]:
    """Values valid for ``schema``; with ``wild``, each field or item may instead be any JSON at all."""
    schema = _resolve(document, schema)
    strategy = _valid(document, schema, wild)
    return st.one_of(strategy, ANY_JSON) if wild else strategy


def _resolve(document: dict[str, Any], schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = follow(document, schema["$ref"].removeprefix("#"))[1]
    return schema


def _valid(document: dict[str, Any], schema: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices and not any(set(choice) == {"required"} for choice in choices):
        return st.one_of([from_schema(document, choice, wild) for choice in choices])
    types = schema.get("type", ["null", "boolean", "integer", "number", "string"])
    return st.one_of(
        [_of_type(document, schema, kind, wild) for kind in ([types] if isinstance(types, str) else types)]
    )


def _of_type(document: dict[str, Any], schema: dict[str, Any], kind: str, wild: bool) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        edges = [n for n in EDGE_INTEGERS if (low is None or n >= low) and (high is None or n <= high)]
        return st.integers(low, high) | st.sampled_from(edges)
    if kind == "number":
        return st.floats(low, high, allow_nan=False, allow_infinity=False) | st.integers(
            None if low is None else int(low), None if high is None else int(high)
        )
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        return st.text(st.characters(codec="utf-8"), max_size=min(schema.get("maxLength", 40), 400))
    if kind == "array":
        items = from_schema(document, schema.get("items", {}), wild)
        return st.lists(items, max_size=min(schema.get("maxItems", 4), 4))
    if kind == "object":
        properties = schema.get("properties", {})
        return st.fixed_dictionaries(
            {key: from_schema(document, properties[key], wild) for key in schema.get("required", [])},
            optional={
                key: from_schema(document, value, wild)
                for key, value in properties.items()
                if key not in schema.get("required", [])
            },
        )
    raise AssertionError(f"no strategy for type {kind!r}")


def leaf_paths(document: dict[str, Any], schema: Any, at: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every scalar field of a schema, by its path (list items as index 0), with its schema."""
    schema = _resolve(document, schema)
    choices = [c for c in (schema.get("oneOf") or []) if _resolve(document, c).get("type") != "null"]
    if choices:
        return leaf_paths(document, choices[0], at)
    types = schema.get("type", [])
    if "object" in types:
        return [leaf for key, child in schema["properties"].items() for leaf in leaf_paths(document, child, (*at, key))]
    if "array" in types:
        return leaf_paths(document, schema["items"], (*at, 0)) or [(at, schema)]
    return [(at, schema)]


def extremes(schema: dict[str, Any]) -> list[Any]:
    """Values at a schema's edges: its smallest and largest, huge where nothing caps them, odd text."""
    types = schema.get("type", [])
    low, high = schema.get("minimum"), schema.get("maximum")
    if "enum" in schema:
        return list(schema["enum"])
    if "integer" in types:
        return [n for n in (low, high, 2**63, 10**309) if n is not None and n >= (low or 0)]
    if "number" in types:
        return [n for n in (low, high, 5e-324, 1.7e308, 10**309) if n is not None and n >= (low or 0)]
    if "string" in types and "pattern" not in schema:
        longest = schema.get("maxLength", 1000)
        return ["", " ", "x" * longest, "x" * (longest + 1), "\u0301" * longest, "\ud7ff\U0010ffff"]
    if "boolean" in types:
        return [True, False]
    return [None]


def extreme(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "pattern" in schema and "enum" not in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return st.sampled_from(extremes(schema))


def with_leaf(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``body`` with ``value`` at ``path``, making the objects and one-item lists on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(body) if isinstance(body, list) and body else [None]
        items[0] = with_leaf(items[0], rest, value)
        return items
    fields = dict(body) if isinstance(body, dict) else {}
    fields[head] = with_leaf(fields.get(head), rest, value)
    return fields


def extreme_fields(document: dict[str, Any], schema: Any) -> st.SearchStrategy[Any]:
    """A body with a few fields set to extreme values and nothing else, so it is likely to be read and assessed."""
    leaves = leaf_paths(document, schema)
    chosen = st.lists(st.sampled_from(leaves), min_size=1, max_size=4, unique_by=lambda leaf: leaf[0])

    def build(draw_leaves: list[tuple[tuple[Any, ...], Any]]) -> st.SearchStrategy[Any]:
        values = st.tuples(*(extreme(leaf_schema) for _, leaf_schema in draw_leaves))

        def assemble(drawn: tuple[Any, ...]) -> Any:
            body: Any = {}
            for (leaf, _), value in zip(draw_leaves, drawn, strict=True):
                body = with_leaf(body, leaf, value)
            return body

        return values.map(assemble)

    return chosen.flatmap(build)


def _parameters(document: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    operation = document["paths"][path][method]
    return [_resolve(document, parameter) for parameter in operation.get("parameters", [])]


def _query_value(document: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[list[str]]:
    """One parameter's values in a query string: valid ones (repeated for arrays) or anything at all."""

    def as_text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value)

    if schema.get("type") == "array":
        valid = st.lists(from_schema(document, schema["items"]).map(as_text), min_size=1, max_size=4)
    else:
        valid = from_schema(document, schema).map(lambda value: [as_text(value)])
    if schema.get("examples"):  # values that mean something to the service, like real postcodes
        valid = valid | st.sampled_from(schema["examples"]).map(lambda value: [as_text(value)])
    return st.one_of(valid, st.lists(ANY_QUERY_VALUE, min_size=1, max_size=3))


def query_strings(document: dict[str, Any], path: str, method: str) -> st.SearchStrategy[Any]:
    """A query string: a list of (name, value) pairs from the parameters, or raw percent-encoded bytes."""
    query = [p for p in _parameters(document, path, method) if p["in"] == "query"]
    pairs = st.fixed_dictionaries(
        {}, optional={p["name"]: _query_value(document, _resolve(document, p["schema"])) for p in query}
    ).map(lambda chosen: [(name, value) for name, values in chosen.items() for value in values])
    unknown = st.lists(st.tuples(TEXT, TEXT), max_size=2)
    names = [p["name"] for p in query] or ["q"]
    raw = st.lists(st.tuples(st.sampled_from(names), st.binary(max_size=12)), max_size=3).map(
        lambda items: "&".join(f"{name}={quote_from_bytes(value)}" for name, value in items)
    )
    return st.one_of((pairs | pairs.flatmap(lambda p: unknown.map(lambda u: p + u))), raw)


def request_paths(document: dict[str, Any], path: str, method: str) -> st.SearchStrategy[str]:
    """The operation's URL with its path parameters filled in, valid or not."""
    strategy: st.SearchStrategy[str] = st.just("/api/v1" + path)
    for parameter in (p for p in _parameters(document, path, method) if p["in"] == "path"):
        value = from_schema(document, parameter["schema"]) | TEXT.filter(bool)
        placeholder = "{" + parameter["name"] + "}"
        strategy = st.tuples(strategy, value).map(
            lambda pair, p=placeholder: pair[0].replace(p, quote(pair[1], safe=""))
        )
    return strategy


# ---------------------------------------------------------------------------------------------------------
# What every answer must be

# Bugs this fuzzing found, each shown by a regression test below. While a bug stands, an example that hits it
# is set aside so that the fuzzing keeps looking for others; fixing one makes its xfail test fail (strict),
# which says to delete it from here as well.
KNOWN_BUGS: dict[tuple[type[BaseException], str], str] = {}


def call(send: Callable[[], TestResponse], *, drawn: bool = True) -> TestResponse:
    """Send a request; set aside an example that hits a known bug (``drawn``: by hypothesis, else xfail)."""
    try:
        return send()
    except Exception as error:  # the app is in testing mode, so a 500 arrives as the exception itself
        frames = traceback.extract_tb(error.__traceback__)
        bug = KNOWN_BUGS.get((type(error), frames[-1].name)) if frames else None
        if bug is None:
            raise
        if drawn:
            reject()
        pytest.xfail(f"the bug shown by {bug}")


def check_answer(document: dict[str, Any], path: str, method: str, response: TestResponse) -> None:
    """Requests are sent following redirects: Werkzeug answers a doubled slash (``/rulesets//x``) with a 308 to
    the address with one slash, before any of our code runs, and that answer is the one that matters."""
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:500]
    assert response.is_json, (status, response.mimetype)
    body = json.loads(response.get_data(as_text=True))
    assert isinstance(body, dict)
    if status < 400:
        if path != "/openapi.json":  # the document itself is not wrapped
            assert not problems(document, pointer("components", "schemas", "SuccessEnvelope"), body)
    else:
        assert not problems(document, pointer("components", "schemas", "ErrorEnvelope"), body)
        assert body["error"]["status"] == status
        assert body["error"]["message"].strip()
    at = response_schema_pointer(document, path, method, status)
    assert at is not None, f"{method.upper()} {path} answered {status}, which the document does not list: {body}"
    assert not problems(document, at, body)


# ---------------------------------------------------------------------------------------------------------
# The fuzzing


@pytest.mark.slow
@pytest.mark.parametrize(("path", "operation_id"), GET_OPERATIONS, ids=[o for _, o in GET_OPERATIONS])
@FUZZ
@given(data=st.data())
def test_get_operations_answer_any_query_with_a_documented_envelope(
    app: Flask, session: Session, path: str, operation_id: str, data: st.DataObject
) -> None:
    document = document_for(app)
    url = data.draw(request_paths(document, path, "get"), label="url")
    query = data.draw(query_strings(document, path, "get"), label="query")
    response = call(lambda: app.test_client().get(url, query_string=query, follow_redirects=True))
    check_answer(document, path, "get", response)


def _structure_bodies(document: dict[str, Any]) -> st.SearchStrategy[tuple[bytes, str]]:
    schema = document["paths"]["/structure-checks"]["post"]["requestBody"]["content"]["application/json"]["schema"]

    def as_json(value: Any) -> tuple[bytes, str]:
        return json.dumps(value).encode(), "application/json"

    return st.one_of(
        extreme_fields(document, schema).map(as_json),
        from_schema(document, schema).map(as_json),
        from_schema(document, schema, wild=True).map(as_json),
        ANY_JSON.map(as_json),
        st.tuples(st.binary(max_size=40), st.sampled_from(["application/json", "text/plain", "application/x-json"])),
        st.tuples(
            st.sampled_from([b"", b"{", b"NaN", b'{"members_total": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe{}"]),
            st.just("application/json"),
        ),
    )


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_structure_checks_answer_any_body_with_a_documented_envelope(
    app: Flask, session: Session, data: st.DataObject
) -> None:
    document = document_for(app)
    body, content_type = data.draw(_structure_bodies(document), label="body")
    query = data.draw(query_strings(document, "/structure-checks", "post"), label="query")
    response = call(
        lambda: app.test_client().post(
            "/api/v1/structure-checks", data=body, content_type=content_type, query_string=query
        )
    )
    check_answer(document, "/structure-checks", "post", response)


# Every field and parameter at its edges, one at a time: a sweep rather than a draw, because a value that
# matters in one field of seventy is a needle random drawing rarely finds in a bounded run.

STRUCTURE_SCHEMA = DOCUMENT["paths"]["/structure-checks"]["post"]["requestBody"]["content"]["application/json"]
STRUCTURE_LEAVES = leaf_paths(DOCUMENT, STRUCTURE_SCHEMA["schema"])
ODD_QUERY_VALUES = ["", " ", "²", "①", "٣", "-1", "0", "01", "1.5", "nan", "1e309", "\x00", "%", "x" * 201, "S1 2HE"]
QUERY_PARAMETERS = [
    (path, method, parameter["name"])
    for path, method, _ in operations(DOCUMENT)
    for parameter in _parameters(DOCUMENT, path, method)
]


def _leaf_id(leaf: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in leaf).lstrip(".")


@pytest.mark.parametrize(
    ("leaf", "leaf_schema"), STRUCTURE_LEAVES, ids=[_leaf_id(leaf) for leaf, _ in STRUCTURE_LEAVES]
)
def test_each_structure_field_at_its_edges_gets_a_documented_answer(
    app: Flask, session: Session, leaf: tuple[Any, ...], leaf_schema: dict[str, Any]
) -> None:
    document = document_for(app)
    values = extremes(leaf_schema) if "pattern" not in leaf_schema else [None, "", "x" * 81]
    for value in [*values, "not that", -1, [], {}]:
        body = json.dumps(with_leaf({}, leaf, value))
        response = call(
            lambda body=body: app.test_client().post(
                "/api/v1/structure-checks", data=body, content_type="application/json"
            ),
            drawn=False,
        )
        check_answer(document, "/structure-checks", "post", response)


@pytest.mark.parametrize(
    ("path", "method", "name"), QUERY_PARAMETERS, ids=[f"{m.upper()} {p} {n}" for p, m, n in QUERY_PARAMETERS]
)
def test_each_parameter_at_its_edges_gets_a_documented_answer(
    app: Flask, session: Session, path: str, method: str, name: str
) -> None:
    document = document_for(app)
    parameter = next(p for p in _parameters(document, path, method) if p["name"] == name)
    schema = _resolve(document, parameter["schema"])
    values = [
        value if isinstance(value, str) else json.dumps(value)
        for value in extremes(_resolve(document, schema.get("items", schema)))
    ]
    for value in [*values, *ODD_QUERY_VALUES]:
        url, query = "/api/v1" + path, {}
        if parameter["in"] == "path":
            url = url.replace("{" + name + "}", quote(value, safe=""))
        else:
            query = {name: value}
        response = call(
            lambda url=url, query=query: app.test_client().open(
                url,
                method=method.upper(),
                query_string=query,
                json={} if method == "post" else None,
                follow_redirects=True,
            ),
            drawn=False,
        )
        check_answer(document, path, method, response)


# ---------------------------------------------------------------------------------------------------------
# Regression tests for the 5xx the fuzzing found (all fixed)


@pytest.mark.parametrize("parameter", ["page", "per_page"])
def test_a_page_number_in_superscript_digits_is_a_400_not_a_500(app: Flask, session: Session, parameter: str) -> None:
    response = app.test_client().get("/api/v1/organisations", query_string={parameter: "²"})
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_a_board_seat_count_too_big_for_a_float_is_a_400_not_a_500(app: Flask, session: Session) -> None:
    body = '{"board_seats": [{"seats": 1' + "0" * 309 + "}]}"
    response = app.test_client().post("/api/v1/structure-checks", data=body, content_type="application/json")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"trading_income_pct": 1' + "0" * 309 + "}", "trading_income_pct"),
        ('{"profits": {"min_shareholding_gbp": 1' + "0" * 309 + "}}", "profits.min_shareholding_gbp"),
    ],
    ids=["trading_income_pct", "profits.min_shareholding_gbp"],
)
def test_a_number_too_big_for_a_float_is_a_400_not_a_500(app: Flask, session: Session, body: str, field: str) -> None:
    response = app.test_client().post("/api/v1/structure-checks", data=body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]
