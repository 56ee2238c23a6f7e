"""Push over HTTP (organisation tokens with parking:occupancy:write, own car parks only,
all or nothing, idempotent, rate-limited) and the outbound formats for navigation apps
(public, cached briefly, valid against the independent validators, stale flagged)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import time_machine
import xmlschema
from django.core.cache import cache

from digitalstadt.accounts import services as accounts
from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import OrganisationFactory, StaffFactory
from digitalstadt.core.models import AuditEntry
from digitalstadt.parking.formats import datex2, parkapi
from digitalstadt.parking.models import CarPark, OccupancyReading

from .carpark_factories import carpark_make

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
SCHEMAS = Path(parkapi.__file__).parent / "schemas"
NOW = dt.datetime(2026, 12, 4, 10, 1, tzinfo=dt.UTC)
PUSH = "/api/v1/parking/occupancy"
PUSH_XML = "/api/v1/parking/datex2/status"


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def token_for(org, scopes=("parking:occupancy:write",)):
    owner = StaffFactory()
    Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
    return accounts.api_token_create(actor=owner, organisation=org, name="Schranke", scopes=list(scopes))[1]


@pytest.fixture
def qpark():
    org = OrganisationFactory(kind=OrganisationKind.CARPARK_OPERATOR, name="Q-Park", slug="q-park")
    grafen = carpark_make(slug="grafenstrasse", feed_external_id="qpark-grafenstrasse", capacity=463,
                          operator=org, feed_plugin="push", feed_enabled=False)
    darmstadtium = carpark_make(slug="darmstadtium", feed_external_id="qpark-darmstadtium", capacity=454,
                                operator=org, feed_plugin="push", feed_enabled=False)
    return org, grafen, darmstadtium


def post(client, url, body, secret, content_type="application/json"):
    return client.post(url, data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_an_operator_pushes_parkapi_items_and_a_replay_stores_nothing_twice(client, qpark):
    org, grafen, darmstadtium = qpark
    secret = token_for(org)
    body = (SAMPLES / "parkapi_v3_parking_sites.json").read_bytes()
    # the sample names a car park Q-Park does not run here (alice-tiefgarage): unknown -> all refused
    refused = post(client, PUSH, body, secret)
    assert refused.status_code == 422
    assert [(d["ref"], d["reason"]) for d in refused.json()["detail"]] == [("alice-tiefgarage", "unknown car park")]
    assert OccupancyReading.objects.count() == 0
    items = [i for i in json.loads(body)["items"] if i["uid"] != "alice-tiefgarage"]
    response = post(client, PUSH, json.dumps(items), secret)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 2, "stored": 2, "carparks": 2}
    grafen.refresh_from_db()
    assert (grafen.free_now, grafen.reading_at) == (121, dt.datetime(2026, 12, 4, 9, 55, tzinfo=dt.UTC))
    assert set(OccupancyReading.objects.values_list("source", flat=True)) == {"push:q-park"}
    entry = AuditEntry.objects.get(action="parking.occupancy_pushed")
    assert entry.data["stored"] == 2 and entry.actor_ref == "system:api-token:Schranke"
    again = post(client, PUSH, json.dumps({"items": items}), secret)
    assert again.json() == {"received": 2, "stored": 0, "carparks": 2}
    assert OccupancyReading.objects.count() == 2
    assert AuditEntry.objects.filter(action="parking.occupancy_pushed").count() == 1


def test_an_operator_pushes_a_datex2_status_publication(client, qpark):
    org, grafen, darmstadtium = qpark
    response = post(client, PUSH_XML, (SAMPLES / "datex2_v3_parking_status.xml").read_bytes(), token_for(org),
                    "application/xml")
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 2
    darmstadtium.refresh_from_db()
    assert darmstadtium.free_now == 0


def test_an_operator_pushes_a_datex2_light_publication(client, qpark):
    org, grafen, _ = qpark
    response = post(client, PUSH_XML, (SAMPLES / "datex2_light_parking_sites.json").read_bytes(), token_for(org))
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 2
    grafen.refresh_from_db()
    assert grafen.free_now == 97


def test_another_operators_car_park_is_forbidden_and_nothing_changes(client, qpark):
    org, grafen, _ = qpark
    rival = OrganisationFactory(kind=OrganisationKind.CARPARK_OPERATOR, slug="rival")
    carpark_make(slug="rivals-garage", operator=rival)
    items = [{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
              "realtime_free_capacity": 10},
             {"uid": "rivals-garage", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
              "realtime_free_capacity": 0}]
    response = post(client, PUSH, json.dumps(items), token_for(org))
    assert response.status_code == 403
    assert "rivals-garage" in response.json()["detail"]
    assert OccupancyReading.objects.count() == 0
    grafen.refresh_from_db()
    assert grafen.free_now is None
    # the rival cannot write Q-Park's either
    response = post(client, PUSH, json.dumps(items[:1]), token_for(rival))
    assert response.status_code == 403


def test_without_token_scope_or_organisation_no_push(client, qpark):
    org, _, _ = qpark
    body = json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                        "realtime_free_capacity": 10}])
    assert client.post(PUSH, data=body, content_type="application/json").status_code == 401
    assert post(client, PUSH, body, "dst_not-a-token").status_code == 401
    wrong_scope = post(client, PUSH, body, token_for(org, scopes=()))
    assert wrong_scope.status_code == 403 and "parking:occupancy:write" in wrong_scope.json()["detail"]
    assert OccupancyReading.objects.count() == 0


@pytest.mark.parametrize(("body", "content_type"), [
    (b"{", "application/json"),
    (b'{"data": []}', "application/json"),
    (b"[]", "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                  "realtime_free_capacity": -1}]).encode(), "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T11:00:00Z",
                  "realtime_free_capacity": 1}]).encode(), "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                  "realtime_free_capacity": 9999}]).encode(), "application/json"),
    # hostile values that once raised (TypeError, OverflowError) and answered 500
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                  "realtime_free_capacity": 1, "realtime_opening_status": ["OPEN"]}]).encode(), "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                  "realtime_free_capacity": 1, "realtime_opening_status": {"a": 1}}]).encode(), "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "0001-01-01T00:00:00+01:00",
                  "realtime_free_capacity": 1}]).encode(), "application/json"),
    (json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "9999-12-31T23:59:59-01:00",
                  "realtime_free_capacity": 1}]).encode(), "application/json"),
])
def test_bad_json_pushes_are_refused_with_a_reason_and_change_nothing(client, qpark, body, content_type):
    org, _, _ = qpark
    response = post(client, PUSH, body, token_for(org), content_type)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert OccupancyReading.objects.count() == 0
    assert CarPark.objects.filter(free_now__isnull=False).count() == 0


def test_hostile_xml_pushes_are_refused(client, qpark):
    from .test_feed_formats import BOMB, XXE

    org, _, _ = qpark
    secret = token_for(org)
    wrong_ns = (SAMPLES / "datex2_v3_parking_status.xml").read_bytes().replace(
        b"http://datex2.eu/schema/3/parking", b"http://example.org/parking")
    extreme = (SAMPLES / "datex2_v3_parking_status.xml").read_bytes().replace(
        b"2026-12-04T10:58:00+01:00", b"0001-01-01T00:00:00+01:00")
    assert post(client, PUSH_XML, extreme, secret, "application/xml").status_code == 422
    for body in (BOMB, XXE, wrong_ns, b"\x00\x01", b""):
        response = post(client, PUSH_XML, body, secret, "application/xml")
        assert response.status_code == 422, body[:40]
        assert "nicht lesbar" in response.json()["detail"]
    assert OccupancyReading.objects.count() == 0


def test_pushes_are_rate_limited(client, qpark, settings):
    settings.PARKING_PUSH_RATE_LIMIT = (2, 60)
    org, _, _ = qpark
    secret = token_for(org)
    body = json.dumps([{"uid": "qpark-grafenstrasse", "realtime_data_updated_at": "2026-12-04T10:00:00Z",
                        "realtime_free_capacity": 10}])
    assert [post(client, PUSH, body, secret).status_code for _ in range(3)] == [200, 200, 429]


# --- out -----------------------------------------------------------------------------------

@pytest.fixture
def published(qpark):
    org, grafen, darmstadtium = qpark
    CarPark.objects.filter(pk=grafen.pk).update(free_now=100, reading_at=NOW - dt.timedelta(minutes=3))
    # two hours old: stale (PARKING_STALE_MINUTES is 20)
    CarPark.objects.filter(pk=darmstadtium.pk).update(free_now=300, reading_at=NOW - dt.timedelta(hours=2))
    carpark_make(slug="messplatz", capacity=1200)  # never a reading
    return grafen, darmstadtium


def test_parkapi_out_is_valid_public_cached_and_flags_stale(client, published):
    response = client.get("/api/v1/parking/parkapi/v3/parking-sites")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "max-age=" in response["Cache-Control"]
    document = response.json()
    jsonschema.validate(document, json.loads((SCHEMAS / "parkapi_v3_parking_site.schema.json").read_text()))
    by_uid = {item["uid"]: item for item in document["items"]}
    assert by_uid["grafenstrasse"]["realtime_free_capacity"] == 100
    assert by_uid["grafenstrasse"]["operator_name"] == "Q-Park"
    stale = by_uid["darmstadtium"]
    assert "realtime_free_capacity" not in stale and parkapi.STALE_TAG in stale["tags"]
    assert stale["realtime_data_updated_at"] == "2026-12-04T08:01:00Z"
    assert by_uid["messplatz"]["has_realtime_data"] is False
    # cached briefly: a change shows after the cache expires, not at once
    CarPark.objects.filter(slug="grafenstrasse").update(free_now=5)
    assert client.get("/api/v1/parking/parkapi/v3/parking-sites").json() == document
    cache.clear()
    again = {i["uid"]: i for i in client.get("/api/v1/parking/parkapi/v3/parking-sites").json()["items"]}
    assert again["grafenstrasse"]["realtime_free_capacity"] == 5


def test_datex2_out_is_valid_against_our_subset_schema_and_flags_stale(client, published):
    schema = xmlschema.XMLSchema(str(SCHEMAS / "datex2_v3_parking_subset" / "d2payload.xsd"))
    table = client.get("/api/v1/parking/datex2/table")
    assert table.status_code == 200 and table["Content-Type"].startswith("application/xml")
    schema.validate(table.content)
    assert {r["id"] for r in datex2.parse_table(table.content)} == {"grafenstrasse", "darmstadtium", "messplatz"}
    status = client.get("/api/v1/parking/datex2/status")
    schema.validate(status.content)
    items, rejected = datex2.parse_status(status.content)
    assert [(i.external_id, i.free) for i in items] == [("grafenstrasse", 100)]
    assert [r.ref for r in rejected] == ["darmstadtium"]  # published as statusUnknown, without a figure
    assert b"<prk:parkingSiteStatus>statusUnknown</prk:parkingSiteStatus>" in status.content


def test_outbound_is_rate_limited_per_client(client, published, settings):
    settings.PARKING_OUTBOUND_RATE_LIMIT = (2, 60)
    codes = [client.get("/api/v1/parking/datex2/status").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/parking/datex2/status"])
    assert "post" in paths["/api/v1/parking/occupancy"]
    assert "requestBody" in paths["/api/v1/parking/occupancy"]["post"]
    assert {"/api/v1/parking/parkapi/v3/parking-sites", "/api/v1/parking/datex2/table"} <= set(paths)
