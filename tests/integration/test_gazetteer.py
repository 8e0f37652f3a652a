"""The gazetteer of the shared test database (postcode areas S, DE, BT and HU of the real ONS data), searched.

The shared ``app`` fixture builds the gazetteer once per run (``tests/support/database.py``). Tests that
build their own small gazetteer from ``records=``, or empty it, do so inside the per-test transaction of the
``session`` fixture: ``build_gazetteer`` works only through ``session.connection()`` (COPY and TRUNCATE on
PostgreSQL), so its commit releases a SAVEPOINT and the rollback after the test restores the shared gazetteer.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask
from geopy.distance import geodesic
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.domain.areas import PlaceKind
from registry.models.gazetteer import GazetteerBuild, LocalAuthority, Outcode, Place, Postcode, Sector
from registry.services.gazetteer import build as gazetteer_build
from registry.services.gazetteer import status as gazetteer_status_module
from registry.services.gazetteer.build import build_gazetteer
from registry.services.gazetteer.lookup import (
    AreaRef,
    GazetteerNotLoaded,
    MalformedPostcode,
    PostcodeHasNoLocation,
    ResolvedPlace,
    UnknownPlace,
    UnknownPostcode,
    place_search_name,
    resolve_place,
)
from registry.services.gazetteer.sources import PlaceRecord, PostcodeRecord, postcode_area
from registry.services.gazetteer.status import GazetteerStatus, gazetteer_status, is_gazetteer_loaded
from tests.support.database import TEST_GAZETTEER_AREAS

AREAS = TEST_GAZETTEER_AREAS
GAZETTEER_MODELS = (Postcode, Outcode, Sector, LocalAuthority, Place, GazetteerBuild)
SHEFFIELD = AreaRef("E08000039", "Sheffield")
YORKSHIRE = AreaRef("E12000003", "Yorkshire and The Humber")


@pytest.fixture
def gz(session: Session) -> Session:
    return session


@pytest.fixture
def gazetteer_app(app: Flask, session: Session) -> tuple[Flask, GazetteerStatus]:
    status = gazetteer_status(session)
    assert status is not None, "the shared test database has no gazetteer"
    return app, status


def empty_gazetteer(session: Session) -> None:
    """Delete every gazetteer row; the test's transaction brings them back afterwards."""
    assert {model.__tablename__ for model in GAZETTEER_MODELS} == {
        table.name for table in Postcode.metadata.sorted_tables if table.name.startswith("gazetteer_")
    }
    for model in GAZETTEER_MODELS:
        session.execute(delete(model))
    session.commit()  # releases the SAVEPOINT only


def near(place: ResolvedPlace, lat: float, lon: float, km: float) -> bool:
    return bool(geodesic((place.latitude, place.longitude), (lat, lon)).km < km)


# Building


def test_build_records_what_it_loaded(gazetteer_app: tuple[Flask, GazetteerStatus], gz: Session) -> None:
    _, status = gazetteer_app
    assert gazetteer_status(gz) == status
    assert is_gazetteer_loaded(gz)
    assert status.letters == "areas BT,DE,HU,LS,S"
    assert not status.is_complete
    assert status.postcode_count == gz.scalar(select(func.count()).select_from(Postcode))
    assert status.postcode_count > 100_000
    assert 0 < status.located_postcode_count < status.postcode_count
    assert status.outcode_count == gz.scalar(select(func.count()).select_from(Outcode))
    assert status.sector_count == gz.scalar(select(func.count()).select_from(Sector))
    assert status.local_authority_count == gz.scalar(select(func.count()).select_from(LocalAuthority))
    assert status.place_count == gz.scalar(select(func.count()).select_from(Place))
    assert status.place_count > 50
    assert status.source_version
    assert gz.scalar(select(func.count()).select_from(GazetteerBuild)) == 1


def test_only_the_requested_postcode_areas_are_loaded(gz: Session) -> None:
    firsts = set(gz.scalars(select(func.substr(Postcode.pcd, 1, 2)).distinct()))
    assert {postcode_area(f) for f in firsts} == set(AREAS)
    assert "SW" not in firsts


def test_postcodes_are_stored_in_the_seven_character_form(gz: Session) -> None:
    sheffield = gz.get(Postcode, "S1  2HE")
    assert sheffield is not None
    assert sheffield.lad_code == "E08000039"
    assert sheffield.region_code == "E12000003"
    assert sheffield.terminated is False


def test_local_authorities_have_names_regions_and_centroids(gz: Session) -> None:
    belfast = gz.get(LocalAuthority, "N09000003")
    assert belfast is not None
    assert belfast.name == "Belfast"
    assert belfast.region_code == "N92000002"
    assert belfast.latitude is not None
    assert belfast.longitude is not None
    assert geodesic((belfast.latitude, belfast.longitude), (54.597, -5.930)).km < 5


def test_towns_are_placed_in_the_authority_of_their_nearest_postcode(gz: Session) -> None:
    chesterfield = gz.scalars(select(Place).where(Place.search_name == "chesterfield")).first()
    assert chesterfield is not None
    assert chesterfield.lad_code == "E07000034"
    assert chesterfield.region_code == "E12000004"


def test_rebuilding_gives_the_same_gazetteer(session: Session) -> None:
    records = [
        PostcodeRecord("S1  2HE", "E08000039", 435393.0, 387336.0),
        PostcodeRecord("S1  2HD", "E08000039", 435400.0, 387300.0),
        PostcodeRecord("BT1 5GS", "N09000003", 333832.0, 374014.0),
        PostcodeRecord("JE2 3AA", "L99999999", None, None),
    ]
    places = [PlaceRecord("Sheffield", 53.38297, -1.4659, 556500)]
    first = build_gazetteer(session, records=records, places=places)
    second = build_gazetteer(session, records=records, places=places)
    assert (first.postcode_count, first.outcode_count, first.sector_count, first.place_count) == (4, 3, 3, 1)
    assert (second.postcode_count, second.outcode_count, second.sector_count, second.place_count) == (4, 3, 3, 1)
    assert session.scalar(select(func.count()).select_from(Postcode)) == 4
    assert session.scalar(select(func.count()).select_from(GazetteerBuild)) == 1
    assert session.scalar(select(func.count()).select_from(Place)) == 1


def test_an_interrupted_build_leaves_the_previous_gazetteer(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    good = [PostcodeRecord("S1  2HE", "E08000039", 435393.0, 387336.0)]
    build_gazetteer(session, records=good, places=[])

    # Stop the next build at its very last step, after the tables were emptied and refilled.
    def interrupt(status: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(gazetteer_build, "_status_row", interrupt)
    bad = [PostcodeRecord("DE1 3QT", "E06000015", 435810.0, 336585.0)]
    with pytest.raises(KeyboardInterrupt):
        build_gazetteer(session, records=bad, places=[])
    session.rollback()  # back to the SAVEPOINT the interrupted build started in
    assert resolve_place(session, "S1 2HE").local_authority == SHEFFIELD
    with pytest.raises(UnknownPostcode):
        resolve_place(session, "DE1 3QT")
    previous = gazetteer_status(session)
    assert previous is not None
    assert (previous.letters, previous.postcode_count) == ("records", 1)


def test_a_build_with_no_postcodes_is_refused_and_changes_nothing(session: Session) -> None:
    build_gazetteer(session, records=[PostcodeRecord("S1  2HE", "E08000039", 435393.0, 387336.0)], places=[])
    before = gazetteer_status(session)
    with pytest.raises(ValueError, match="unchanged"):
        build_gazetteer(session, letters="1")
    assert gazetteer_status(session) == before
    assert resolve_place(session, "S1 2HE").postcode == "S1 2HE"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Stoke-on-Trent", "stoke on trent"),
        ("St. Helens", "st helens"),
        ("Saint Leonards-on-Sea", "st leonards on sea"),
        ("  King's   Lynn ", "kings lynn"),
        ("BRISTOL", "bristol"),
    ],
)
def test_place_names_match_whatever_their_case_punctuation_or_hyphens(name: str, key: str) -> None:
    assert place_search_name(name) == key


def test_an_empty_gazetteer_says_it_is_not_loaded(session: Session) -> None:
    empty_gazetteer(session)
    assert gazetteer_status(session) is None
    assert not is_gazetteer_loaded(session)
    with pytest.raises(GazetteerNotLoaded):
        resolve_place(session, "S1 2HE")


# Resolving


def test_full_postcode_in_derby(gz: Session) -> None:
    place = resolve_place(gz, "DE1 3QT")
    assert place.kind is PlaceKind.POSTCODE
    assert place.name == place.postcode == "DE1 3QT"
    assert place.local_authority == AreaRef("E06000015", "Derby")
    assert place.region == AreaRef("E12000004", "East Midlands")
    assert near(place, 52.9225, -1.4746, 2)


@pytest.mark.parametrize("text", ["S1 2HE", "s12he", "  s1  2he ", "S1 2he"])
def test_full_postcode_in_sheffield_in_any_spacing(gz: Session, text: str) -> None:
    place = resolve_place(gz, text)
    assert place.kind is PlaceKind.POSTCODE
    assert place.postcode == "S1 2HE"
    assert place.local_authority == SHEFFIELD
    assert place.region == YORKSHIRE
    assert near(place, 53.3817, -1.4694, 0.1)


def test_outcode_resolves_to_the_district_centroid(gz: Session) -> None:
    place = resolve_place(gz, "s1")
    assert place.kind is PlaceKind.OUTCODE
    assert place.name == "S1"
    assert place.postcode is None
    assert place.local_authority == SHEFFIELD
    assert near(place, 53.381, -1.470, 1.5)


def test_sector_resolves_to_the_sector_centroid(gz: Session) -> None:
    place = resolve_place(gz, "S1 2")
    assert place.kind is PlaceKind.SECTOR
    assert place.name == "S1 2"
    assert place.local_authority == SHEFFIELD
    assert near(place, 53.381, -1.469, 1)


@pytest.mark.parametrize("text", ["Sheffield", "sheffield", " SHEFFIELD "])
def test_sheffield_by_name_is_the_local_authority(gz: Session, text: str) -> None:
    place = resolve_place(gz, text)
    assert place.kind is PlaceKind.LOCAL_AUTHORITY
    assert place.name == "Sheffield"
    assert place.local_authority == SHEFFIELD
    assert place.region == YORKSHIRE
    assert near(place, 53.38, -1.47, 5)


def test_a_town_that_is_not_an_authority_is_a_place(gz: Session) -> None:
    place = resolve_place(gz, "matlock")
    assert place.kind is PlaceKind.PLACE
    assert place.name == "Matlock"
    assert place.local_authority == AreaRef("E07000035", "Derbyshire Dales")
    assert place.region == AreaRef("E12000004", "East Midlands")


def test_belfast_postcode_lands_in_belfast(gz: Session) -> None:
    place = resolve_place(gz, "BT1 5GS")
    assert place.local_authority == AreaRef("N09000003", "Belfast")
    assert place.region == AreaRef("N92000002", "Northern Ireland")
    assert near(place, 54.5964, -5.9301, 0.3)
    assert not near(place, 53.19, -2.89, 100)  # not Chester


def test_unknown_postcode(gz: Session) -> None:
    with pytest.raises(UnknownPostcode) as caught:
        resolve_place(gz, "ZZ9 9ZZ")
    assert caught.value.postcode == "ZZ9 9ZZ"
    assert not caught.value.terminated
    assert caught.value.message == ("We cannot find the postcode ZZ9 9ZZ. Check it and try again, or enter a town name")


def test_valid_but_unlisted_postcode_is_unknown(gz: Session) -> None:
    # S1 has no sector 0.
    with pytest.raises(UnknownPostcode, match="S1 0AA"):
        resolve_place(gz, "s10aa")


def test_unknown_outcode_is_an_unknown_postcode(gz: Session) -> None:
    with pytest.raises(UnknownPostcode, match="SW1A"):
        resolve_place(gz, "SW1A")


@pytest.mark.parametrize("text", ["", "   ", "S1 2H", "12345", "SW1A 1AAA"])
def test_malformed_input_asks_for_a_postcode_or_town(gz: Session, text: str) -> None:
    with pytest.raises(MalformedPostcode) as caught:
        resolve_place(gz, text)
    assert caught.value.message == "Enter a full or partial postcode, like S1 2HE or S1, or a town name"


def test_unknown_place_suggests_close_names(gz: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(gz, "not a place")
    assert caught.value.text == "not a place"
    assert caught.value.message.startswith(
        "We cannot find a place called not a place. Check the spelling, or enter a postcode"
    )


def test_misspelt_place_suggests_the_right_one(gz: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(gz, "Sheffeild")
    assert "Sheffield" in caught.value.suggestions
    assert "Did you mean" in caught.value.message


def test_part_of_a_name_suggests_the_whole(gz: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(gz, "Doncast")
    assert "Doncaster" in caught.value.suggestions


def test_retired_and_grid_less_postcodes_say_so(session: Session) -> None:
    records = [
        PostcodeRecord("W1M 0AA", "E09000033", 528800.0, 181000.0),  # retired district
        PostcodeRecord("JE2 3AA", "L99999999", None, None),  # no grid reference
    ]
    build_gazetteer(session, records=records, places=[])
    with pytest.raises(UnknownPostcode) as retired:
        resolve_place(session, "w1m 0aa")
    assert retired.value.terminated
    assert retired.value.message == (
        "The postcode W1M 0AA is no longer in use. Enter a current postcode or a town name"
    )
    with pytest.raises(PostcodeHasNoLocation) as nowhere:
        resolve_place(session, "JE2 3AA")
    assert "JE2 3AA" in nowhere.value.message
    # A retired district is not a place to search, so it has no centroid.
    with pytest.raises(UnknownPostcode):
        resolve_place(session, "W1M")


def test_postcode_lookup_takes_under_a_millisecond(gz: Session) -> None:
    keys = list(gz.scalars(select(Postcode.pcd).where(Postcode.latitude.is_not(None)).limit(500)))
    resolve_place(gz, keys[0])
    timings = []
    for key in keys:
        started = time.perf_counter()
        resolve_place(gz, key)
        timings.append(time.perf_counter() - started)
    timings.sort()
    # The target is 1 ms; allow slack for a loaded CI machine. bench/bench_gazetteer.py measures properly.
    assert timings[len(timings) // 2] < 0.005


# The commands


def test_build_and_status_commands(app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # The commands use db.session, which the session fixture has bound to this test's transaction.
    runner = app.test_cli_runner()

    result = runner.invoke(args=["gazetteer", "status"])
    assert result.exit_code == 0, result.output
    assert "partial: areas BT,DE,HU,LS,S" in result.output

    empty_gazetteer(session)
    result = runner.invoke(args=["gazetteer", "status"])
    assert result.exit_code == 1
    assert "not built" in result.output

    # Pretend the package holds only Shetland's file, so a build of it is a full build.
    for module in (gazetteer_build, gazetteer_status_module):
        monkeypatch.setattr(module, "ons_source_letters", lambda: "Z")
    result = runner.invoke(args=["gazetteer", "build", "--letters", "Z"])
    assert result.exit_code == 0, result.output
    assert "Gazetteer built" in result.output

    result = runner.invoke(args=["gazetteer", "build"])
    assert result.exit_code == 0, result.output
    assert "already built" in result.output
    assert "--force" in result.output

    result = runner.invoke(args=["gazetteer", "status"])
    assert result.exit_code == 0
    assert "all postcodes" in result.output
    assert "ONS Postcode Directory" in result.output

    result = runner.invoke(args=["gazetteer", "build", "--force"])
    assert result.exit_code == 0, result.output
    assert "Gazetteer built" in result.output
    status = gazetteer_status(session)
    assert status is not None
    assert status.letters == "Z"
    assert resolve_place(session, "ZE1 0AA").local_authority == AreaRef("S12000027", "Shetland Islands")
    with pytest.raises(UnknownPostcode):
        resolve_place(session, "S1 2HE")
