"""The reference vocabularies speak Welsh (issue 19): every wording of every item has its Welsh beside the English,
the loaders refuse an item without it, and the labels, dates, numbers, exports' headers and charts answer in the
language being spoken."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import yaml

from registry.domain import labels
from registry.domain.export_columns import export_columns_spec, validate_export_columns
from registry.domain.identifiers import InvalidIdentifier, check_identifier
from registry.domain.language import speaking
from registry.domain.procurement import procurement_guide
from registry.domain.query_reading import load_service_vocabulary, words_of
from registry.domain.reference_data import (
    REFERENCE_DIR,
    WORDING_FIELDS,
    VocabularyError,
    legal_form_short_labels,
    load_labels,
    load_vocabulary,
    reference_labels,
    reference_wording,
    validate_labels,
    validate_vocabulary,
)
from registry.web.charts import region_tile_map
from registry.web.date_filters import moment
from registry.web.template_helpers import money, number, partial_date


def _read(name: str) -> Any:
    with (REFERENCE_DIR / f"{name}.yaml").open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@pytest.mark.parametrize("name", sorted(WORDING_FIELDS))
def test_every_item_says_its_words_in_welsh(name: str) -> None:
    for item in load_vocabulary(name):
        for field in WORDING_FIELDS[name]:
            if item.get(field):
                assert isinstance(item["cy"][field], str) and item["cy"][field].strip(), (name, item["code"], field)


@pytest.mark.parametrize("name", sorted(WORDING_FIELDS))
def test_an_item_without_its_welsh_is_refused(name: str) -> None:
    document = _read(name)
    del document["items"][0]["cy"]
    with pytest.raises(VocabularyError, match="'cy' mapping"):
        validate_vocabulary(name, document)


def test_a_missing_welsh_wording_is_named() -> None:
    document = _read("services")
    del document["items"][1]["cy"]["description"]
    with pytest.raises(VocabularyError, match="no Welsh for 'description'"):
        validate_vocabulary("services", document)


def test_welsh_for_a_field_the_item_does_not_have_is_refused() -> None:
    document = _read("regions")
    document["items"][0]["cy"]["nation"] = "Lloegr"
    with pytest.raises(VocabularyError, match="may only hold name"):
        validate_vocabulary("regions", document)


def test_a_welsh_short_label_must_fit_a_tag() -> None:
    document = _read("legal_forms")
    document["items"][0]["cy"]["short_label"] = "Cymdeithas gydweithredol gofrestredig hir iawn"
    with pytest.raises(VocabularyError, match="short_label"):
        validate_vocabulary("legal_forms", document)


def test_every_label_section_is_in_welsh_and_refused_without_it() -> None:
    for section, items in load_labels().items():
        for item in items:
            assert item["cy"]["label"].strip(), (section, item["code"])
    document = _read("labels")
    broken = copy.deepcopy(document)
    del broken["verdict"][0]["cy"]["facet_label"]
    with pytest.raises(VocabularyError, match="no Welsh for 'facet_label'"):
        validate_labels(broken)
    broken = copy.deepcopy(document)
    del broken["audit_action"][3]["cy"]
    with pytest.raises(VocabularyError, match="audit_action"):
        validate_labels(broken)


def test_export_columns_are_refused_without_welsh() -> None:
    document = _read("export_columns")
    broken = copy.deepcopy(document)
    del broken["listings"][2]["cy"]
    with pytest.raises(VocabularyError, match="'cy' mapping"):
        validate_export_columns(broken)
    broken = copy.deepcopy(document)
    del broken["sheets"][0]["cy"]
    with pytest.raises(VocabularyError, match="'cy' mapping"):
        validate_export_columns(broken)
    broken = copy.deepcopy(document)
    broken["sheets"][0]["cy"]["title"] = "Rhifau: cofrestredig"
    with pytest.raises(VocabularyError, match="sheet name"):
        validate_export_columns(broken)


def test_labels_answer_in_the_language_being_spoken() -> None:
    assert labels.VERDICT["meets"] == "Meets"
    assert labels.VERDICT_FACET["meets"] == "Meets the preferred-provider profile"
    with speaking("cy"):
        assert labels.VERDICT["meets"] == "Yn bodloni"
        assert labels.VERDICT_FACET["meets"] == "Yn bodloni proffil y darparwr a ffefrir"
        assert labels.FACET_TITLES["legal_form"] == "Ffurf gyfreithiol"
        assert labels.tags("outcome")["pass"] == ("green", "Llwyddo")
        assert dict(labels.ORIGIN)["nhs_spin_out"] == "Wedi deillio o'r GIG"
        # Colours and the English feed's words stay as they are.
        assert labels.CHART_COLOURS["meets"] == "#007f3b"
        assert labels.FEED_NAMES["meets"] == "meets"
    assert labels.ORIGIN["nhs_spin_out"] == "Spun out of the NHS"


def test_reference_words_by_code() -> None:
    assert reference_wording("legal_forms", "cic_cls", "short_label") == "Community interest company"
    with speaking("cy"):
        assert legal_form_short_labels()["cic_cls"] == "Cwmni buddiant cymunedol"
        assert reference_labels("regions", "name")["W92000004"] == "Cymru"
        assert reference_wording("services", "hsc-homecare") == "Gofal cartref"
        assert reference_wording("legal_forms", "cic_cls", "registrar") == "Tŷ'r Cwmnïau"
        assert reference_wording("services", "hsc-not-a-service", default="Other") == "Other"


def test_reference_models_read_welsh_from_the_vocabularies() -> None:
    from registry.models import LegalForm, Region, ServiceType

    form = LegalForm(code="co_operative_society", label="Co-operative society", registrar="FCA")
    region = Region(code="W92000004", name="Wales", nation="Wales")
    unknown = ServiceType(code="hsc-made-up", label="Made up")
    assert (form.label, region.name) == ("Co-operative society", "Wales")
    with speaking("cy"):
        assert form.label == "Cymdeithas gydweithredol"
        assert region.name == "Cymru"
        assert unknown.label == "Made up"
    # In a query the words are the English column.
    assert str(LegalForm.label.expression) == "legal_form.label"


def test_dates_numbers_and_money_in_welsh() -> None:
    assert partial_date("2019-03") == "March 2019"
    assert money(Decimal(1_250_000)) == "£1.2 million"
    with speaking("cy"):
        assert partial_date("2019-03") == "Mawrth 2019"
        assert partial_date("2011-02-17") == "17 Chwefror 2011"
        assert partial_date("2011") == "2011"
        assert partial_date("2011-13") == "2011-13"
        assert number(12345) == "12,345"
        assert money(12345) == "£12,345"
        assert moment(datetime(2026, 12, 6, 10, 0)).startswith("6 Rhagfyr 2026")


def test_export_headers_in_welsh() -> None:
    spec = export_columns_spec()
    columns = spec.listing_columns({"extra": "Extra rules"})
    assert columns[0].label == "Registry ID"
    with speaking("cy"):
        assert columns[0].label == "ID y gofrestrfa"
        assert [c.label for c in columns if c.code == "verdict_extra"] == ["Dyfarniad: Extra rules"]
        assert spec.sheets[0].title == "Rhifau cofrestredig"
        assert spec.values["registered_status"]["dissolved"] == "Wedi cau"
        assert spec.structure_details["registered_charity"] == "Mae'n elusen"


def test_identifier_messages_and_procurement_guide_in_welsh() -> None:
    with speaking("cy"), pytest.raises(InvalidIdentifier, match="Rhowch rif Tŷ'r Cwmnïau"):
        check_identifier("GB-COH", "not a number")
    with speaking("cy"):
        guide = procurement_guide()
        assert guide.caveat.startswith("Lens polisi")
        assert guide.routes[0].source.title.startswith("Procurement Act 2023")
    assert procurement_guide().caveat.startswith("The preferred-provider profile")


def test_welsh_search_phrases_find_the_services() -> None:
    vocabulary = load_service_vocabulary()
    for typed, service in [
        ("gofal cartref yng nghaerdydd", "hsc-homecare"),
        ("meddyg teulu", "hsc-gp-services"),
        ("cartref nyrsio", "hsc-nursing-home"),
        ("fferyllfa", "hsc-pharmacy"),
        ("iechyd meddwl", "hsc-mental-health"),
    ]:
        found = vocabulary.find(words_of(typed))
        assert found is not None and found[0].service == service, typed


def test_no_search_phrase_means_two_services() -> None:
    seen: dict[str, str] = {}
    for term in _read("search_terms")["terms"]:
        for phrase in term["phrases"]:
            assert seen.setdefault(phrase, term["service"]) == term["service"], phrase


def test_chart_rows_in_welsh() -> None:
    class Row:
        def __init__(self, code: str, label: str) -> None:
            self.code, self.label, self.by_verdict = code, label, {"meets": 2}

    rows = [Row("W92000004", "Wales"), Row("E12000003", "Yorkshire and The Humber")]
    with speaking("cy"):
        chart = region_tile_map("map", "Rhestriadau", rows, "meets")
    names = {tile.code: tile.name for tile in chart.tiles}
    assert names == {"W92000004": "Cymru", "E12000003": "Swydd Efrog a'r Humber"}
