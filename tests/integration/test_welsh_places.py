"""Places by their Welsh names (issue 19): "Caerdydd" resolves to Cardiff, "Abertawe" finds what "Swansea" does.

The shared test gazetteer has no Welsh postcodes, so each test builds one for Cardiff and Swansea (postcode
areas CF and SA of the real ONS data) inside its transaction, rolled back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.domain.areas import PlaceKind
from registry.domain.language import speaking
from registry.services import reading
from registry.services.gazetteer.build import build_gazetteer
from registry.services.gazetteer.lookup import UnknownPlace, resolve_place, suggest_places
from tests.support.factories import location, make_listing
from tests.support.pages import checked_page

SWANSEA_CENTRE = (51.6195, -3.9436)


@pytest.fixture
def welsh_gazetteer(session: Session) -> Iterator[Session]:
    build_gazetteer(session, areas=["CF", "SA"], places=[])
    yield session
    # The search box's place names are cached per gazetteer build, and the rolled-back build's id can come
    # back (SQLite numbers rows from the largest left): forget this build's names.
    with reading._names_lock:
        reading._names.clear()


def test_caerdydd_resolves_to_cardiff(welsh_gazetteer: Session) -> None:
    cardiff = resolve_place(welsh_gazetteer, "Cardiff")
    caerdydd = resolve_place(welsh_gazetteer, "Caerdydd")
    assert caerdydd == cardiff
    assert caerdydd.kind is PlaceKind.LOCAL_AUTHORITY
    assert caerdydd.name == "Cardiff"
    assert caerdydd.local_authority is not None and caerdydd.local_authority.code == "W06000015"
    assert 51.4 < caerdydd.latitude < 51.6 and -3.3 < caerdydd.longitude < -3.1
    with speaking("cy"):
        assert caerdydd.local_name == "Caerdydd"
        assert caerdydd.served_local_name == "Caerdydd"
        assert caerdydd.region is not None
    with speaking("en"):
        assert caerdydd.local_name == "Cardiff"


def test_welsh_names_in_any_case_or_accents(welsh_gazetteer: Session) -> None:
    swansea = resolve_place(welsh_gazetteer, "Swansea")
    for text in ("abertawe", "ABERTAWE", " Abertawe "):
        assert resolve_place(welsh_gazetteer, text) == swansea, text
    bridgend = resolve_place(welsh_gazetteer, "Bridgend")
    for text in ("Pen-y-bont ar Ogwr", "pen y bont ar ogwr"):
        assert resolve_place(welsh_gazetteer, text) == bridgend, text


def test_cymru_is_wales(welsh_gazetteer: Session) -> None:
    cymru = resolve_place(welsh_gazetteer, "Cymru")
    assert cymru.kind is PlaceKind.REGION
    assert cymru.area is not None and cymru.area.code == "W92000004"
    assert "W06000015" in cymru.districts
    with speaking("cy"):
        assert cymru.local_name == "Cymru"


def test_a_misspelt_welsh_name_suggests_the_place(welsh_gazetteer: Session) -> None:
    assert "Cardiff" in suggest_places(welsh_gazetteer, "Caerdyd")
    with pytest.raises(UnknownPlace):
        resolve_place(welsh_gazetteer, "Caerdyddd")


def test_places_api_resolves_caerdydd_to_cardiff(client: FlaskClient, welsh_gazetteer: Session) -> None:
    english = client.get("/api/v1/places?q=Cardiff").json["data"]
    welsh = client.get("/api/v1/places?q=Caerdydd").json["data"]
    assert welsh == english
    assert welsh["kind"] in ("local_authority", "place")
    assert welsh["local_authority"] == {"code": "W06000015", "name": "Cardiff"}
    welsh_page = client.get("/api/v1/places?q=Caerdydd", headers={"Accept-Language": "cy"})
    assert welsh_page.status_code == 200
    assert welsh_page.json["data"]["local_authority"]["code"] == "W06000015"


def _names(client: FlaskClient, query: str) -> list[str]:
    page = checked_page(client.get("/find", query_string={"q": query}))
    return [a.get_text(strip=True) for a in page.select(".registry-result h3 a")]


def test_find_abertawe_finds_what_swansea_finds(client: FlaskClient, welsh_gazetteer: Session) -> None:
    make_listing(welsh_gazetteer, "swansea-care-co-op", locations=[location(*SWANSEA_CENTRE, lad="W06000011")])
    swansea = _names(client, "Swansea")
    assert "Swansea Care Co Op" in swansea
    assert _names(client, "Abertawe") == swansea
    assert _names(client, "abertawe") == swansea
    api = client.get("/api/v1/organisations?q=Abertawe").json
    assert "swansea-care-co-op" in [item["slug"] for item in api["data"]]
    assert api["meta"]["place"]["local_authority"]["code"] == "W06000011"
