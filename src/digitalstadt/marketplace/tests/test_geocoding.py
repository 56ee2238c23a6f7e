"""The geocoder plugin: the embedded street list, and Nominatim and Photon clients
against small local servers that speak their JSON."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import checks

from digitalstadt.core.geocoding import geocode, geocoders, known_districts, split_street

pytestmark = pytest.mark.django_db


class StandIn:
    """A local geocoding server: records each request, answers with `reply(path, query)`."""

    def __init__(self, reply):
        self.requests: list[tuple[str, dict]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                stand_in.requests.append((parts.path, query, self.headers.get("User-Agent", "")))
                status, body = reply(parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def nominatim_reply(path, query):
    if path != "/search" or query.get("format") != "jsonv2":
        return 400, {"error": "bad request"}
    if "Nirgendwo" in query.get("street", ""):
        return 200, []
    return 200, [{"place_id": 1, "lat": "49.8722941", "lon": "8.6441735", "display_name": "12a, Rheinstraße, ...",
                  "address": {"house_number": "12a", "road": "Rheinstraße", "city_district": "Darmstadt-Mitte",
                              "city": "Darmstadt", "postcode": "64283", "country_code": "de"}}]


def photon_reply(path, query):
    if path != "/api" or "q" not in query:
        return 400, {"message": "missing q"}
    if "Nirgendwo" in query["q"]:
        return 200, {"type": "FeatureCollection", "features": []}
    return 200, {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [8.6591, 49.8812]},
        "properties": {"osm_type": "N", "name": "", "street": "Heinheimer Straße", "housenumber": "20",
                       "postcode": "64289", "city": "Darmstadt", "district": "Martinsviertel",
                       "country": "Deutschland"}}]}


def test_the_street_list_finds_a_known_street_with_its_district():
    found = geocode(street="Liebfrauenstraße", house_number="32", postal_code="64289", city="Darmstadt")
    assert found is not None
    assert found.source == "streets" and found.district == "Darmstadt-Nord"
    assert Decimal("49.87") < found.latitude < Decimal("49.89") and Decimal("8.64") < found.longitude < Decimal("8.67")
    # Other numbers of the same street sit a few metres apart, not on top of each other.
    other = geocode(street="Liebfrauenstraße", house_number="80", postal_code="64289")
    assert other.latitude != found.latitude and abs(other.latitude - found.latitude) < Decimal("0.001")


@pytest.mark.parametrize("street", ["Heidelberger Str. 80", "heidelberger strasse 80", "Heidelberger Straße 80"])
def test_spellings_of_a_street_and_a_number_in_the_same_field_are_understood(street):
    found = geocode(street=street, postal_code="64285")
    assert found is not None and found.district == "Bessungen"


def test_unknown_streets_and_other_cities_are_not_found():
    assert geocode(street="Nirgendwoweg", house_number="1", postal_code="64283") is None
    assert geocode(street="Rheinstraße", house_number="1", postal_code="55116", city="Mainz") is None


def test_split_street():
    assert split_street("Rheinstraße 12a") == ("Rheinstraße", "12a")
    assert split_street("Heinheimer Straße 20 - 22") == ("Heinheimer Straße", "20-22")
    assert split_street("Marktplatz") == ("Marktplatz", "")


def test_the_street_list_has_the_districts_of_the_register():
    assert {"Mitte", "Bessungen", "Darmstadt-Nord", "Darmstadt-Ost", "Darmstadt-West", "Eberstadt"} <= set(
        known_districts())


def test_nominatim_client_against_a_stand_in(settings):
    with StandIn(nominatim_reply) as server:
        settings.GEOCODER, settings.GEOCODER_URL = "nominatim", server.url
        found = geocode(street="Rheinstraße", house_number="12a", postal_code="64283", city="Darmstadt")
        assert found.source == "nominatim"
        assert found.latitude == Decimal("49.872294") and found.longitude == Decimal("8.644174")
        assert found.district == "Darmstadt-Mitte"
        path, query, agent = server.requests[0]
        assert path == "/search" and query["format"] == "jsonv2" and query["street"] == "12a Rheinstraße"
        assert query["postalcode"] == "64283" and query["city"] == "Darmstadt" and "Digitalstadt" in agent
        # Nothing found remotely: the street list answers if it knows the street, else None.
        assert geocode(street="Nirgendwoweg", house_number="1", postal_code="64283") is None


def test_photon_client_against_a_stand_in(settings):
    with StandIn(photon_reply) as server:
        settings.GEOCODER, settings.GEOCODER_URL = "photon", server.url
        found = geocode(street="Heinheimer Straße", house_number="20", postal_code="64289")
        assert (found.source, found.latitude, found.longitude, found.district) == (
            "photon", Decimal("49.881200"), Decimal("8.659100"), "Martinsviertel")
        path, query, _agent = server.requests[0]
        assert path == "/api" and query["q"] == "Heinheimer Straße 20, 64289 Darmstadt"


def test_a_server_that_fails_falls_back_to_the_street_list(settings):
    with StandIn(lambda path, query: (500, {"error": "overloaded"})) as server:
        settings.GEOCODER, settings.GEOCODER_URL = "nominatim", server.url
        found = geocode(street="Marktplatz", house_number="4", postal_code="64283")
        assert found.source == "streets" and found.district == "Mitte"
        assert len(server.requests) == 1
    # A server that is gone altogether: the same.
    assert geocode(street="Marktplatz", house_number="4", postal_code="64283").source == "streets"


def test_a_remote_geocoder_without_url_fails_the_system_check(settings):
    settings.GEOCODER, settings.GEOCODER_URL = "photon", ""
    problems = geocoders.check()
    assert any("GEOCODER_URL" in str(p.msg) for p in problems)
    settings.GEOCODER = "wunschdenken"
    assert any(p.id == "digitalstadt.E001" for p in geocoders.check())
    settings.GEOCODER = "streets"
    assert not [p for p in geocoders.check() if isinstance(p, checks.Error)]
