from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from registry.domain.reference_data import REFERENCE_DIR, REQUIRED_FIELDS, VocabularyError, load_vocabulary
from registry.domain.vocabulary import LegalForm, MemberClassKind

VOCABULARIES = sorted(REQUIRED_FIELDS)

REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "W92000004": "Wales",
    "S92000003": "Scotland",
    "N92000002": "Northern Ireland",
}

COOPS_UK_OWNERSHIP = {
    "Consumers",
    "Community of Interest",
    "Workers",
    "Enterprises",
    "Multi-stakeholder",
    "Self-employed",
    "Tenants",
    "Co-operatives",
    "Employee Trust",
}

COOPS_UK_LEGAL_FORMS = {
    "Society",
    "Company",
    "Community Interest Company",
    "LLP",
    "Limited Partnership",
    "Charitable Incorporated Organisation",
    "Scottish Charitable Incorporated Organisation",
    "Unincorporated",
}

HEALTH_AND_CARE_SIC_CODES = {
    "86101",
    "86210",
    "86220",
    "86230",
    "86900",
    "87100",
    "87200",
    "87300",
    "87900",
    "88100",
    "88910",
    "88990",
}


def codes(name: str) -> list[str]:
    return [item["code"] for item in load_vocabulary(name)]


def by_code(name: str) -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in load_vocabulary(name)}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_vocabulary_loads_with_sources_and_unique_codes(name: str) -> None:
    items = load_vocabulary(name)
    assert items
    assert len(codes(name)) == len(set(codes(name)))
    document = yaml.safe_load((REFERENCE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    assert document["source"]


@pytest.mark.parametrize("name", [n for n in VOCABULARIES if n != "regions"])
def test_every_item_has_a_plain_label_and_a_description(name: str) -> None:
    for item in load_vocabulary(name):
        assert item["label"].strip(), item["code"]
        assert item["label"][0].isupper(), item["code"]
        assert len(item["description"]) > 20, item["code"]


def test_legal_form_codes_are_exactly_the_registrys_legal_forms() -> None:
    assert codes("legal_forms") == [form.value for form in LegalForm]


def test_member_class_kind_codes_are_exactly_the_registrys_kinds() -> None:
    assert codes("member_class_kinds") == [kind.value for kind in MemberClassKind]


def test_legal_forms_identifier_schemes_exist() -> None:
    schemes = set(codes("identifier_schemes"))
    for form in load_vocabulary("legal_forms"):
        assert set(form["identifier_schemes"]) <= schemes, form["code"]


def test_legal_forms_use_co_operatives_uk_legal_form_values() -> None:
    used = {form["coops_uk_legal_form"] for form in load_vocabulary("legal_forms")} - {None}
    assert used <= COOPS_UK_LEGAL_FORMS
    assert used == COOPS_UK_LEGAL_FORMS  # every Co-operatives UK value lands somewhere


def test_legal_forms_facts_that_the_law_fixes() -> None:
    forms = by_code("legal_forms")
    assert forms["cic_cls"]["statutory_asset_lock"] is True
    assert forms["cic_clg"]["statutory_asset_lock"] is True
    assert forms["community_benefit_society"]["statutory_asset_lock"] is None  # optional, SI 2006/264
    assert forms["cic_cls"]["charitable"] is False  # a CIC is not a charity
    assert forms["co_operative_society"]["charitable"] is False
    assert forms["cic_clg"]["has_share_capital"] is False
    assert forms["cic_cls"]["companies_house_subtype"] == "community-interest-company"
    assert forms["cio"]["companies_house_types"] == ["charitable-incorporated-organisation"]


def test_member_class_kinds_count_the_preferred_provider_stakeholders() -> None:
    kinds = by_code("member_class_kinds")
    stakeholders = {code for code, kind in kinds.items() if kind["stakeholder"]}
    assert stakeholders == {"staff", "service_user", "carer", "community_public"}
    assert kinds["service_user"]["label"] == "Service users and patients"
    assert not kinds["investor"]["user_member"]
    assert kinds["staff"]["user_member"]


def test_governance_models_map_each_co_operatives_uk_ownership_value_once() -> None:
    values = [m["coops_uk_ownership"] for m in load_vocabulary("governance_models") if m["coops_uk_ownership"]]
    assert sorted(values) == sorted(COOPS_UK_OWNERSHIP)


def test_governance_models_include_the_models_the_seed_uses() -> None:
    assert {"staff_led_social_enterprise", "multi_stakeholder", "workers"} <= set(codes("governance_models"))


def test_service_parents_exist_and_groups_come_first() -> None:
    services = load_vocabulary("services")
    seen: set[str] = set()
    for service in services:
        assert service["parent"] is None or service["parent"] in seen, service["code"]
        seen.add(service["code"])
    groups = [s for s in services if s["parent"] is None]
    assert 8 <= len(groups) <= 12
    assert 30 <= len(services) <= 60


def test_services_include_the_terms_the_seed_uses() -> None:
    assert {"hsc-homecare", "hsc-family-nurse-partnership"} <= set(codes("services"))


def test_services_cover_every_health_and_care_sic_code() -> None:
    used = {code for service in load_vocabulary("services") for code in service["sic_codes"]}
    assert used >= HEALTH_AND_CARE_SIC_CODES


def test_services_cqc_service_types_are_real_cqc_service_types() -> None:
    document = yaml.safe_load((REFERENCE_DIR / "services.yaml").read_text(encoding="utf-8"))
    known = {row["service_type"] for row in document["cqc_service_type_names"]}
    for service in document["items"]:
        assert set(service["cqc_service_types"]) <= known, service["code"]


def test_there_are_exactly_twelve_regions_with_their_ons_codes() -> None:
    regions = load_vocabulary("regions")
    assert {r["code"]: r["name"] for r in regions} == REGIONS
    nations = {r["code"]: r["nation"] for r in regions}
    assert nations["W92000004"] == "Wales"
    assert nations["N92000002"] == "Northern Ireland"
    assert sum(1 for n in nations.values() if n == "England") == 9


def test_every_region_in_the_local_authority_table_is_a_region() -> None:
    lines = (REFERENCE_DIR / "lad_regions.csv").read_text(encoding="utf-8").splitlines()[1:]
    used = {line.rsplit(",", 1)[1] for line in lines if line}
    # The table also has ONS's pseudo-codes for the Channel Islands (L99999999) and Isle of Man (M99999999).
    assert used - {"L99999999", "M99999999"} <= set(REGIONS)


# --- the loader refuses bad files, and says why ---


def write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_an_unknown_vocabulary_is_refused() -> None:
    with pytest.raises(VocabularyError, match="no reference vocabulary called 'colours'"):
        load_vocabulary("colours")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="the file does not exist"):
        load_vocabulary("regions", tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("items: []\n", "'source' must be a non-empty list"),
        ("source: [x]\nitems: []\n", "'items' must be a non-empty list"),
        ("- just a list\n", "must be a mapping with 'source' and 'items'"),
        ("source: [x]\nitems: [: bad\n", "not valid YAML"),
        (
            "source: [x]\nitems:\n  - {code: a, label: A, description: An a thing.}\n",
            r"item 1 \('a'\): missing stakeholder, user_member",
        ),
        (
            "source: [x]\nitems:\n  - {code: a, label: A, description: D, stakeholder: 'yes', user_member: false}\n",
            "'stakeholder' must be true or false",
        ),
        (
            "source: [x]\nitems:\n  - {code: a, label: '', description: D, stakeholder: true, user_member: false}\n",
            "'label' must not be empty",
        ),
        (
            "source: [x]\nitems:\n"
            "  - {code: a, label: A, description: D, stakeholder: true, user_member: false}\n"
            "  - {code: a, label: B, description: D, stakeholder: true, user_member: false}\n",
            "the code 'a' is used more than once",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "member_class_kinds", text)
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary("member_class_kinds", tmp_path)


def test_member_class_kinds_that_drift_from_the_enum_are_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "member_class_kinds",
        "source: [x]\nitems:\n  - {code: staff, label: Staff, description: D, stakeholder: true, user_member: true}\n",
    )
    with pytest.raises(VocabularyError, match=r"must match the closed vocabulary in code \(missing carer"):
        load_vocabulary("member_class_kinds", tmp_path)


SERVICE = "  - {{code: {code}, label: L, description: D, parent: {parent}, cqc_service_types: [], sic_codes: []}}\n"


def test_a_service_whose_parent_does_not_exist_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "services", "source: [x]\nitems:\n" + SERVICE.format(code="hsc-a", parent="hsc-nowhere"))
    with pytest.raises(VocabularyError, match="'hsc-a' has the parent 'hsc-nowhere', which is not a code"):
        load_vocabulary("services", tmp_path)


def test_services_whose_parents_go_round_in_a_circle_are_refused(tmp_path: Path) -> None:
    items = SERVICE.format(code="hsc-a", parent="hsc-b") + SERVICE.format(code="hsc-b", parent="hsc-a")
    write(tmp_path, "services", "source: [x]\nitems:\n" + items)
    with pytest.raises(VocabularyError, match="parents go round in a circle"):
        load_vocabulary("services", tmp_path)


def test_a_sic_code_that_is_not_five_digits_is_refused(tmp_path: Path) -> None:
    item = "  - {code: hsc-a, label: L, description: D, parent: null, cqc_service_types: [], sic_codes: ['8810']}\n"
    write(tmp_path, "services", "source: [x]\nitems:\n" + item)
    with pytest.raises(VocabularyError, match="SIC codes must be 5 digits"):
        load_vocabulary("services", tmp_path)


def test_eleven_regions_are_refused(tmp_path: Path) -> None:
    regions = load_vocabulary("regions")[:11]
    write(tmp_path, "regions", yaml.safe_dump({"source": ["x"], "items": regions}))
    with pytest.raises(VocabularyError, match="exactly 12 regions"):
        load_vocabulary("regions", tmp_path)


def test_a_legal_form_naming_an_unknown_identifier_scheme_is_refused(tmp_path: Path) -> None:
    forms = load_vocabulary("legal_forms")
    forms[0]["identifier_schemes"] = ["GB-XYZ"]
    write(tmp_path, "legal_forms", yaml.safe_dump({"source": ["x"], "items": forms}))
    write(tmp_path, "identifier_schemes", (REFERENCE_DIR / "identifier_schemes.yaml").read_text(encoding="utf-8"))
    with pytest.raises(VocabularyError, match=r"not in identifier_schemes\.yaml: GB-XYZ"):
        load_vocabulary("legal_forms", tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pattern": r"\d{8}"}, "must be anchored"),
        ({"pattern": "^([$"}, "not a valid regular expression"),
        ({"url_template": "https://example.org/"}, "must contain {value}"),
    ],
)
def test_a_bad_identifier_scheme_is_refused(tmp_path: Path, change: dict[str, str], message: str) -> None:
    schemes = load_vocabulary("identifier_schemes")
    schemes[0].update(change)
    write(tmp_path, "identifier_schemes", yaml.safe_dump({"source": ["x"], "items": schemes}))
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary("identifier_schemes", tmp_path)
