"""How the one search box reads what people type: a table of query → (what, where, service)."""

from __future__ import annotations

import pytest

from registry.domain.query_reading import load_service_vocabulary, read_query, words_of

# Place names as the gazetteer holds them (towns, local authorities, counties, ICBs, health boards, regions).
PLACES = {
    "sheffield",
    "leeds",
    "derby",
    "cardiff",
    "bristol",
    "south yorkshire",
    "derbyshire",
    "west yorkshire",
    "nhs south yorkshire icb",
    "nhs derby and derbyshire icb",
    "south yorkshire icb",
    "nhs lothian",
    "belfast",
    "belfast trust",
    "aneurin bevan university health board",
    "kingston upon hull",
    "newcastle upon tyne",
    "milton keynes",
    "yorkshire",
    "wales",
    "london",
    "st albans",
}
# Words some listing's text starts with ("ripplez" is a name; "sheffeild" and "leedz" are in none).
INDEXED = {"home", "homecare", "care", "ripplez", "mutual", "support", "gp", "co", "op", "mind", "carers", "dementia"}


def is_place(text: str) -> bool:
    return " ".join(text.casefold().replace(",", " ").split()) in PLACES


def correct_place(text: str) -> str | None:
    return {"sheffeild": "Sheffield", "leedz": "Leeds", "darby": "Derby", "cardif": "Cardiff"}.get(text.casefold())


def is_indexed(word: str) -> bool:
    return any(known.startswith(word) for known in INDEXED)


VOCABULARY = load_service_vocabulary()


def reading(text: str):  # type: ignore[no-untyped-def]
    return read_query(text, is_place, VOCABULARY, is_indexed, correct_place)


CASES = [
    # (typed, what, where, service code)
    ("homecare Sheffield", "homecare", "Sheffield", "hsc-homecare"),
    ("home care near Sheffield", "home care", "Sheffield", "hsc-homecare"),
    ("home care near Leeds", "home care", "Leeds", "hsc-homecare"),
    ("home care in Leeds", "home care", "Leeds", "hsc-homecare"),
    ("domiciliary care Derby", "domiciliary care", "Derby", "hsc-homecare"),
    ("dementia support in Cardiff", "dementia support", "Cardiff", None),
    ("GP co-op S1", "GP co-op", "S1", "hsc-gp-services"),
    ("GP co-op S1 2HE", "GP co-op", "S1 2HE", "hsc-gp-services"),
    ("homecare s12he", "homecare", "s12he", "hsc-homecare"),
    ("carers S1 2", "carers", "S1 2", "hsc-carers-support"),
    ("Ripplez Derby", "Ripplez", "Derby", None),
    ("Sheffield homecare", "homecare", "Sheffield", "hsc-homecare"),
    ("Leeds carers", "carers", "Leeds", "hsc-carers-support"),
    ("homecare South Yorkshire", "homecare", "South Yorkshire", "hsc-homecare"),
    ("homecare in NHS South Yorkshire ICB", "homecare", "NHS South Yorkshire ICB", "hsc-homecare"),
    ("carers Derbyshire", "carers", "Derbyshire", "hsc-carers-support"),
    ("mental health NHS Lothian", "mental health", "NHS Lothian", "hsc-mental-health"),
    ("respite Belfast Trust", "respite", "Belfast Trust", "hsc-short-breaks"),
    (
        "counselling in Aneurin Bevan University Health Board",
        "counselling",
        "Aneurin Bevan University Health Board",
        "hsc-talking-therapies",
    ),
    ("homecare Kingston upon Hull", "homecare", "Kingston upon Hull", "hsc-homecare"),
    ("care homes near Newcastle upon Tyne", "care homes", "Newcastle upon Tyne", "hsc-care-home"),
    ("nursing home Milton Keynes", "nursing home", "Milton Keynes", "hsc-nursing-home"),
    ("homecare St Albans", "homecare", "St Albans", "hsc-homecare"),
    ("homecare around Bristol", "homecare", "Bristol", "hsc-homecare"),
    ("homecare close to Bristol", "homecare", "Bristol", "hsc-homecare"),
    ("GP out of hours Yorkshire", "GP out of hours", "Yorkshire", "hsc-gp-out-of-hours"),
    ("out of hours doctor Wales", "out of hours doctor", "Wales", "hsc-gp-out-of-hours"),
    ("pharmacy London", "pharmacy", "London", "hsc-pharmacy"),
    # Misspelt places are corrected to places, never the other way round.
    ("homecare Sheffeild", "homecare", "Sheffield", "hsc-homecare"),
    ("home care near Leedz", "home care", "Leeds", "hsc-homecare"),
    ("dentist near Darby", "dentist", "Derby", "hsc-dental"),
    ("Ripplez", "Ripplez", None, None),
    # Places on their own, and postcodes.
    ("Sheffield", "", "Sheffield", None),
    ("South Yorkshire", "", "South Yorkshire", None),
    ("NHS South Yorkshire ICB", "", "NHS South Yorkshire ICB", None),
    ("S1 2HE", "", "S1 2HE", None),
    ("S1", "", "S1", None),
    # Words only: services and names.
    ("home care", "home care", None, "hsc-homecare"),
    ("homecare", "homecare", None, "hsc-homecare"),
    ("domiciliary care", "domiciliary care", None, "hsc-homecare"),
    ("GP out of hours", "GP out of hours", None, "hsc-gp-out-of-hours"),
    ("out-of-hours", "out-of-hours", None, "hsc-gp-out-of-hours"),
    ("carers", "carers", None, "hsc-carers-support"),
    ("unpaid carers support", "unpaid carers support", None, "hsc-carers-support"),
    ("Mutual Support", "Mutual Support", None, None),
    ("care in mind", "care in mind", None, None),
    ("homecare near me", "homecare", None, "hsc-homecare"),
    ("care 24", "care 24", None, None),
    ("homecre", "homecre", None, None),
    ("", "", None, None),
]


@pytest.mark.parametrize(("typed", "what", "where", "service"), CASES, ids=[case[0] or "empty" for case in CASES])
def test_the_one_box_reads_what_and_where(typed: str, what: str, where: str | None, service: str | None) -> None:
    read = reading(typed)
    assert (read.what, read.where, read.service.service if read.service else None) == (what, where, service)


def test_the_table_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_a_corrected_place_says_what_was_typed() -> None:
    read = reading("homecare Sheffeild")
    assert read.place_typed == "Sheffeild"
    assert read.words == "homecare Sheffeild"


def test_a_word_some_listing_holds_is_never_read_as_a_misspelt_place() -> None:
    # "ripplez" is a listing's name: it is not "Ripley" misspelt, whatever the gazetteer holds.
    read = read_query("care Ripplez", is_place, VOCABULARY, is_indexed, lambda text: "Ripley")
    assert read.where is None


def test_words_after_near_that_are_no_place_stay_words() -> None:
    read = reading("support near nowhere")
    assert (read.what, read.where, read.unplaced) == ("support near nowhere", None, "nowhere")


def test_the_service_is_shown_by_its_name() -> None:
    assert reading("domiciliary care near Leeds").what_label == "homecare"
    assert reading("home care co-op").what_label == "homecare co-op"


def test_every_phrase_names_a_service_of_the_taxonomy() -> None:
    from registry.domain.reference_data import load_vocabulary

    codes = {item["code"] for item in load_vocabulary("services")}
    assert {term.service for term in VOCABULARY.terms} <= codes
    phrases = [tuple(words_of(p)) for term in VOCABULARY.terms for p in term.phrases]
    assert len(phrases) == len(set(phrases)), "a phrase names two services"
