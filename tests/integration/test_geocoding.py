"""The optional online geocoder, against a stub Nominatim server on 127.0.0.1; off by default."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from registry.domain.paging import PageRequest
from registry.domain.search_query import SearchQuery
from registry.services.geocoding import GeocoderSettings, OnlineGeocoder, geocode_place
from registry.services.search import SearchError, search_listings

# Sheffield Town Hall, as a Nominatim server would answer for it.
ANSWERS = {
    "sheffield town hall, pinstone street": [
        {"lat": "53.3801", "lon": "-1.4701", "display_name": "Town Hall, Pinstone Street, Sheffield, S1 2HH"}
    ],
    "somewhere in france": [{"lat": "48.85", "lon": "2.35", "display_name": "Paris, France"}],
}


class StubNominatim(BaseHTTPRequestHandler):
    requests: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        StubNominatim.requests.append(query)
        body = json.dumps(ANSWERS.get(query.get("q", [""])[0].casefold(), [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def geocoder(stub_url: str) -> OnlineGeocoder:
    StubNominatim.requests.clear()
    return OnlineGeocoder(GeocoderSettings("nominatim", stub_url, "registry-tests", min_delay_seconds=0.0))


def test_no_geocoder_exists_unless_configured(app: Flask) -> None:
    assert app.config["GEOCODER"] is None
    assert "registry.geocoder" not in app.extensions


def test_an_address_the_gazetteer_does_not_know_is_geocoded_and_placed_in_its_authority(
    session: Session, geocoder: OnlineGeocoder
) -> None:
    place = geocode_place(session, geocoder, "Sheffield Town Hall, Pinstone Street")
    assert place is not None
    assert place.kind == "address"
    assert place.local_authority is not None and place.local_authority.name == "Sheffield"
    assert StubNominatim.requests[0]["countrycodes"] == ["gb"]


def test_answers_are_cached(session: Session, geocoder: OnlineGeocoder) -> None:
    for _ in range(3):
        geocode_place(session, geocoder, "Sheffield Town Hall, Pinstone Street")
    assert len(StubNominatim.requests) == 1


def test_places_outside_the_uk_are_refused(session: Session, geocoder: OnlineGeocoder) -> None:
    assert geocode_place(session, geocoder, "Somewhere in France") is None


def test_search_near_an_address_uses_the_geocoder_only_when_configured(
    session: Session, geocoder: OnlineGeocoder
) -> None:
    query = SearchQuery(near="Sheffield Town Hall, Pinstone Street")
    with pytest.raises(SearchError):
        search_listings(session, query, PageRequest(1, 20))
    results = search_listings(session, query, PageRequest(1, 20), geocoder)
    assert "mutual-support" in [hit.organisation.slug for hit in results.page.items]


def test_an_unreachable_geocoder_gives_the_usual_message_not_a_500(session: Session) -> None:
    dead = OnlineGeocoder(GeocoderSettings("nominatim", "http://127.0.0.1:9", "registry-tests", 0.0, 1.0))
    with pytest.raises(SearchError) as raised:
        search_listings(session, SearchQuery(near="Sheffield Town Hall, Pinstone Street"), PageRequest(1, 20), dead)
    assert "near" in raised.value.fields


def test_an_unsupported_geocoder_setting_says_what_to_set() -> None:
    with pytest.raises(ValueError, match="nominatim"):
        OnlineGeocoder(GeocoderSettings("google", "http://127.0.0.1:1", "x"))
