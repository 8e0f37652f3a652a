"""The OpenAPI document is written in parts: they combine in order, and no part may redefine another's entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.web.api.openapi import OpenApiDocumentError, read_parts

FIRST = """
openapi: 3.1.0
paths:
  /places:
    get: {operationId: resolvePlace}
"""
SECOND = """
paths:
  /rulesets:
    get: {operationId: listRuleSets}
components:
  schemas:
    Place: {type: object}
"""


def write_parts(folder: Path, **parts: str) -> tuple[str, ...]:
    for name, text in parts.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tuple(f"{name}.yaml" for name in parts)


def test_parts_combine_paths_and_components_in_the_order_listed(tmp_path: Path) -> None:
    document = read_parts(tmp_path, write_parts(tmp_path, first=FIRST, second=SECOND))

    assert list(document) == ["openapi", "paths", "components"]
    assert list(document["paths"]) == ["/places", "/rulesets"]
    assert document["components"] == {"schemas": {"Place": {"type": "object"}}}


@pytest.mark.parametrize(
    ("third", "repeated"),
    [
        ("paths:\n  /places:\n    post: {operationId: other}\n", "paths./places"),
        ("components:\n  schemas:\n    Place: {type: string}\n", "components.schemas.Place"),
        ("openapi: 3.1.1\n", "openapi"),
    ],
)
def test_a_part_that_repeats_another_parts_entry_is_refused_naming_both(
    tmp_path: Path, third: str, repeated: str
) -> None:
    parts = write_parts(tmp_path, first=FIRST, second=SECOND, third=third)

    with pytest.raises(OpenApiDocumentError, match=rf"third\.yaml defines {repeated}, which .*\.yaml already"):
        read_parts(tmp_path, parts)


def test_a_part_in_the_folder_but_not_listed_is_refused(tmp_path: Path) -> None:
    parts = write_parts(tmp_path, first=FIRST)
    write_parts(tmp_path, forgotten=SECOND)

    with pytest.raises(OpenApiDocumentError, match=r"forgotten\.yaml is in the folder but not listed"):
        read_parts(tmp_path, parts)
