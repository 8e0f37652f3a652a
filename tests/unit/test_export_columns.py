"""The export columns file (data/reference/export_columns.yaml): the one place the commissioners' CSV and Excel
headers are worded, checked as it is read."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from registry.domain.export_columns import (
    SHEET_TITLE_LIMIT,
    export_columns_spec,
    load_export_columns,
    validate_export_columns,
)
from registry.domain.reference_data import REFERENCE_DIR, VocabularyError, read_vocabulary_file
from registry.models import LISTING_RECORD_LISTS, ListingProvenance, RegisteredStatus

RULESETS = {"preferred-provider": "Preferred provider profile", "charity": "Charity (Charities Act 2011)"}


def _document() -> dict[str, Any]:
    return copy.deepcopy(read_vocabulary_file(REFERENCE_DIR / "export_columns.yaml"))


def test_the_file_loads_with_a_sheet_for_each_list_of_records_and_words_for_every_header() -> None:
    spec = load_export_columns()
    assert {sheet.code for sheet in spec.sheets} == set(LISTING_RECORD_LISTS)
    for column in (*spec.listings, *(column for sheet in spec.sheets for column in sheet.columns)):
        assert column.label.strip() and column.label[0].isupper(), column
        assert 1 <= column.width <= 255
    assert all(len(sheet.title) <= SHEET_TITLE_LIMIT for sheet in spec.sheets)


def test_each_rule_set_gets_a_verdict_column_and_the_preferred_provider_keeps_its_own_words() -> None:
    columns = export_columns_spec().listing_columns(RULESETS)
    verdicts = [(c.code, c.label) for c in columns if c.code.startswith("verdict_")]
    assert verdicts == [
        ("verdict_preferred-provider", "Preferred-provider verdict"),
        ("verdict_charity", "Verdict: Charity (Charities Act 2011)"),
    ]
    assert [c.code for c in columns][:3] == ["slug", "name", "url"]


@pytest.mark.parametrize(
    ("shortlist", "profile", "extra"),
    [
        (False, False, set()),
        (True, False, {"shortlist_note"}),
        (False, True, {"profile", "profile_verdict"}),
        (True, True, {"shortlist_note", "profile", "profile_verdict"}),
    ],
)
def test_shortlist_and_profile_columns_appear_only_in_those_exports(
    shortlist: bool, profile: bool, extra: set[str]
) -> None:
    spec = export_columns_spec()
    plain = {c.code for c in spec.listing_columns(RULESETS)}
    chosen = {c.code for c in spec.listing_columns(RULESETS, shortlist=shortlist, profile=profile)}
    assert chosen - plain == extra


def test_value_words_cover_every_code_of_their_fields() -> None:
    values = export_columns_spec().values
    assert set(values["registered_status"]) == {status.value for status in RegisteredStatus}
    assert set(values["provenance"]) == {provenance.value for provenance in ListingProvenance}


def _without_label(document: dict[str, Any]) -> None:
    del document["listings"][1]["label"]


def _repeated_code(document: dict[str, Any]) -> None:
    document["listings"].append(dict(document["listings"][0]))


def _empty_label(document: dict[str, Any]) -> None:
    document["sheets"][0]["columns"][0]["label"] = " "


def _long_title(document: dict[str, Any]) -> None:
    document["sheets"][0]["title"] = "Registered numbers and their registers"


def _bad_title(document: dict[str, Any]) -> None:
    document["sheets"][0]["title"] = "Numbers: registers"


def _same_title(document: dict[str, Any]) -> None:
    document["sheets"][1]["title"] = document["sheets"][0]["title"].upper()


def _no_template(document: dict[str, Any]) -> None:
    document["listings"] = [c for c in document["listings"] if "{ruleset}" not in c["code"]]


def _bad_width(document: dict[str, Any]) -> None:
    document["listings"][0]["width"] = "wide"


def _bad_only(document: dict[str, Any]) -> None:
    document["listings"][0]["only"] = "moderators"


def _no_source(document: dict[str, Any]) -> None:
    del document["source"]


def _no_values(document: dict[str, Any]) -> None:
    document["values"] = {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_without_label, "missing label"),
        (_repeated_code, "the code 'slug' is used more than once"),
        (_empty_label, "'label' must not be empty"),
        (_long_title, "at most 31 characters"),
        (_bad_title, "at most 31 characters"),
        (_same_title, "a title of its own"),
        (_no_template, "verdict_{ruleset}"),
        (_bad_width, "'width' must be a whole number"),
        (_bad_only, "'only' must be one of profile, shortlist"),
        (_no_source, "'source' must be a non-empty list"),
        (_no_values, "map each field"),
    ],
)
def test_a_broken_file_is_refused_with_the_item_named(change: Any, message: str) -> None:
    document = _document()
    change(document)
    with pytest.raises(VocabularyError, match=r"export_columns\.yaml") as refused:
        validate_export_columns(document)
    assert message in str(refused.value)
