"""The external formats on real-format samples: ParkAPI v3 JSON, DATEX II v3
ParkingStatusPublication XML, DATEX II Parking Publication Light JSON; hostile input;
our outbound documents against independent validators (jsonschema, xmlschema)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from digitalstadt.parking.formats import FeedItem, FormatError, SiteOut, screen
from digitalstadt.parking.formats import datex2, parkapi

SAMPLES = Path(__file__).parent / "samples"
SCHEMAS = Path(parkapi.__file__).parent / "schemas"
UTC = dt.UTC


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture(scope="module")
def datex_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "datex2_v3_parking_subset" / "d2payload.xsd"))


@pytest.fixture(scope="module")
def parkapi_schema():
    return json.loads((SCHEMAS / "parkapi_v3_parking_site.schema.json").read_text())


# -- ParkAPI v3 ------------------------------------------------------------------------

def test_parkapi_sample_gives_the_realtime_items():
    items, rejected = parkapi.parse_realtime(sample("parkapi_v3_parking_sites.json"))
    assert rejected == []
    assert items == [
        FeedItem("qpark-grafenstrasse", dt.datetime(2026, 12, 4, 9, 55, tzinfo=UTC), 121, 463, "open"),
        # naive instants are UTC in ParkAPI; counts may be strings of digits
        FeedItem("qpark-darmstadtium", dt.datetime(2026, 12, 4, 9, 54, 12, tzinfo=UTC), 37, None, "open"),
        FeedItem("alice-tiefgarage", dt.datetime(2026, 12, 4, 9, 50, tzinfo=UTC), 0, None, "closed"),
    ]  # the Messplatz has no realtime data and is left out


def test_parkapi_sample_conforms_to_the_schema(parkapi_schema):
    jsonschema.validate(json.loads(sample("parkapi_v3_parking_sites.json")), parkapi_schema)


@pytest.mark.parametrize(("item", "reason"), [
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": -3}, "negative"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 1.5},
     "whole number"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": True},
     "number"),
    ({"uid": "a", "realtime_data_updated_at": "yesterday", "realtime_free_capacity": 3}, "ISO 8601"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04", "realtime_free_capacity": 3}, "ISO 8601"),
    ({"uid": "", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 3}, "uid"),
    ({"uid": "x" * 257, "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 3}, "uid"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_opening_status": "AJAR"},
     "OPEN, CLOSED"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z"}, "neither"),
    ({"uid": "a", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 9,
      "realtime_capacity": 5}, "above"),
    ("not an object", "object"),
])
def test_parkapi_rejects_bad_items_one_by_one(item, reason):
    good = {"uid": "b", "realtime_data_updated_at": "2026-12-04T10:00:00Z", "realtime_free_capacity": 4}
    items, rejected = parkapi.parse_realtime(json.dumps([item, good]))
    assert [i.external_id for i in items] == ["b"]
    assert len(rejected) == 1 and reason in rejected[0].reason


@pytest.mark.parametrize("body", [b"", b"{", b"[1, NaN]", b'{"data": []}', b'"items"', b"\xff\xfe",
                                  b"[" * 100_000, b'{"items": {}}'])
def test_parkapi_refuses_what_is_no_document(body):
    with pytest.raises(FormatError):
        parkapi.parse_realtime(body)


def test_parkapi_refuses_huge_documents():
    with pytest.raises(FormatError, match="too large"):
        parkapi.parse_realtime(b"[" + b" " * (3 * 1024 * 1024) + b"]")
    with pytest.raises(FormatError, match="more than"):
        parkapi.parse_realtime(json.dumps([{"uid": "a"}] * 2001))


# -- DATEX II v3 -----------------------------------------------------------------------

def test_datex2_status_sample_gives_the_current_statuses():
    items, rejected = datex2.parse_status(sample("datex2_v3_parking_status.xml"))
    assert rejected == []
    assert items == [
        FeedItem("qpark-grafenstrasse", dt.datetime(2026, 12, 4, 9, 58, tzinfo=UTC), 118, 463, "open"),
        # naive = Berlin time; the forecast (parkingStatusValidity) is skipped
        FeedItem("qpark-darmstadtium", dt.datetime(2026, 12, 4, 9, 57, 30, tzinfo=UTC), 0, None, "open"),
    ]


def test_datex2_status_sample_is_valid_against_our_subset_schema(datex_schema):
    datex_schema.validate(sample("datex2_v3_parking_status.xml"))


def test_datex2_any_prefix_works_but_a_wrong_namespace_does_not():
    body = sample("datex2_v3_parking_status.xml").decode()
    renamed = body.replace("prk:", "p:").replace("xmlns:prk=", "xmlns:p=")
    assert len(datex2.parse_status(renamed)[0]) == 2
    wrong = body.replace("http://datex2.eu/schema/3/parking", "http://datex2.eu/schema/2/2_0")
    with pytest.raises(FormatError, match="ParkingStatusPublication"):
        datex2.parse_status(wrong)
    table = body.replace("prk:ParkingStatusPublication", "prk:ParkingTablePublication")
    with pytest.raises(FormatError):
        datex2.parse_status(table)
    v2 = body.replace("http://datex2.eu/schema/3/d2Payload", "http://datex2.eu/schema/2/2_0")
    with pytest.raises(FormatError, match="d2:payload"):
        datex2.parse_status(v2)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<d2:payload xmlns:d2="http://datex2.eu/schema/3/d2Payload">&lol3;</d2:payload>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<d2:payload xmlns:d2="http://datex2.eu/schema/3/d2Payload">&xxe;</d2:payload>"""


@pytest.mark.parametrize("body", [BOMB, XXE, b"<a", b"", b"not xml", "<a>\x00</a>".encode(),
                                  b"<?xml version='1.0'?><!DOCTYPE a><a/>"])
def test_datex2_refuses_hostile_xml(body):
    with pytest.raises(FormatError):
        datex2.parse_status(body)


def _status(record: str) -> str:
    return (f'<d2:payload xmlns:d2="{datex2.D2}" xmlns:com="{datex2.COM}" xmlns:prk="{datex2.PRK}" '
            f'xmlns:xsi="{datex2.XSI}" xsi:type="prk:ParkingStatusPublication" lang="de" modelBaseVersion="3">'
            f"<com:publicationTime>2026-12-04T10:00:00Z</com:publicationTime>{record}</d2:payload>")


@pytest.mark.parametrize(("record", "reason"), [
    ("<prk:parkingRecordStatus><prk:parkingOccupancy><prk:parkingNumberOfVacantSpaces>3"
     "</prk:parkingNumberOfVacantSpaces></prk:parkingOccupancy></prk:parkingRecordStatus>", "id missing"),
    ('<prk:parkingRecordStatus><prk:parkingRecordReference id="a"/><prk:parkingOccupancy>'
     "<prk:parkingNumberOfVacantSpaces>-4</prk:parkingNumberOfVacantSpaces></prk:parkingOccupancy>"
     "</prk:parkingRecordStatus>", "negative"),
    ('<prk:parkingRecordStatus><prk:parkingRecordReference id="a"/><prk:parkingStatusOriginTime>soon'
     "</prk:parkingStatusOriginTime></prk:parkingRecordStatus>", "no instant"),
    ('<prk:parkingRecordStatus><prk:parkingRecordReference id="a"/></prk:parkingRecordStatus>', "neither"),
])
def test_datex2_rejects_bad_records(record, reason):
    items, rejected = datex2.parse_status(_status(record))
    assert items == [] and len(rejected) == 1 and reason in rejected[0].reason


def test_datex2_status_without_origin_time_uses_the_publication_time():
    items, _ = datex2.parse_status(_status(
        '<prk:parkingRecordStatus><prk:parkingRecordReference id="a"/><prk:parkingOccupancy>'
        "<prk:parkingNumberOfVacantSpaces>5</prk:parkingNumberOfVacantSpaces></prk:parkingOccupancy>"
        "</prk:parkingRecordStatus>"))
    assert items == [FeedItem("a", dt.datetime(2026, 12, 4, 10, tzinfo=UTC), 5, None, "unknown")]


def test_datex2_light_sample():
    items, rejected = datex2.parse_light(sample("datex2_light_parking_sites.json"))
    assert rejected == []
    assert items == [
        FeedItem("qpark-grafenstrasse", dt.datetime(2026, 12, 4, 9, 59, tzinfo=UTC), 97, 463, "open"),
        # without lastUpdate the publication time counts
        FeedItem("qpark-darmstadtium", dt.datetime(2026, 12, 4, 10, tzinfo=UTC), 12, 454, "open"),
    ]


@pytest.mark.parametrize("body", [b"[]", b'{"parkingPublicationLight": []}', b"{",
                                  b'{"_modelBaseVersion": "2", "parkingPublicationLight": {"parkingSite": []}}'])
def test_datex2_light_refuses_what_is_no_light_publication(body):
    with pytest.raises(FormatError):
        datex2.parse_light(body)


# -- screening -------------------------------------------------------------------------

def test_screen_rejects_unknown_future_and_over_capacity():
    now = dt.datetime(2026, 12, 4, 10, tzinfo=UTC)
    items = [FeedItem("a", now, 3), FeedItem("zz", now, 3), FeedItem("a", now + dt.timedelta(minutes=6), 3),
             FeedItem("a", now + dt.timedelta(minutes=4), 4), FeedItem("a", now, 101)]
    accepted, rejected = screen(items, known_ids={"a"}, now=now, capacities={"a": 100})
    assert accepted == [items[0], items[3]]
    assert [r.reason for r in rejected] == ["unknown car park", "reading lies in the future",
                                            "more free spaces than capacity"]


# -- outbound --------------------------------------------------------------------------

STATIC = dt.datetime(2026, 11, 2, 8, tzinfo=UTC)
SITES = [
    SiteOut("grafenstrasse", "Parkhaus Grafenstraße", 49.8742, 8.6482, 463, STATIC,
            observed_at=dt.datetime(2026, 12, 4, 9, 55, tzinfo=UTC), free=121, status="open",
            address="Grafenstraße, 64283 Darmstadt", operator_name="Q-Park", max_height_cm=200,
            disabled_capacity=8, charging_capacity=4, opening_hours="24/7"),
    SiteOut("darmstadtium", "Tiefgarage Darmstadtium", 49.8752, 8.6565, 454, STATIC, kind="UNDERGROUND",
            observed_at=dt.datetime(2026, 12, 4, 7, 5, tzinfo=UTC), free=300, stale=True),
    SiteOut("messplatz", "Messplatz", 49.889, 8.667, 1200, STATIC, kind="OFF_STREET_PARKING_GROUND"),
    SiteOut("alice", "Alice-Tiefgarage", 49.8731, 8.6662, 189, STATIC, kind="UNDERGROUND",
            observed_at=dt.datetime(2026, 12, 4, 9, 50, tzinfo=UTC), free=0, status="closed"),
]


def test_parkapi_outbound_is_valid_and_flags_stale_sites(parkapi_schema):
    document = parkapi.build_parking_sites(SITES)
    jsonschema.validate(document, parkapi_schema)
    by_uid = {item["uid"]: item for item in document["items"]}
    assert by_uid["grafenstrasse"]["realtime_free_capacity"] == 121
    assert by_uid["grafenstrasse"]["restrictions"] == [{"type": "DISABLED", "capacity": 8},
                                                       {"type": "CHARGING", "capacity": 4}]
    stale = by_uid["darmstadtium"]
    assert stale["realtime_data_updated_at"] == "2026-12-04T07:05:00Z"  # its true time, not now
    assert "realtime_free_capacity" not in stale and stale["realtime_opening_status"] == "UNKNOWN"
    assert parkapi.STALE_TAG in stale["tags"]
    assert by_uid["messplatz"]["has_realtime_data"] is False
    # and what we publish, we can read back
    items, rejected = parkapi.parse_realtime(json.dumps(document))
    assert rejected == [] and {i.external_id for i in items} == {"grafenstrasse", "darmstadtium", "alice"}


def test_parkapi_schema_catches_a_broken_document(parkapi_schema):
    document = parkapi.build_parking_sites(SITES[:1])
    document["items"][0]["realtime_free_capacity"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, parkapi_schema)
    del document["items"][0]["realtime_data_updated_at"]
    document["items"][0]["realtime_free_capacity"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, parkapi_schema)


def test_datex2_table_is_valid_and_reads_back(datex_schema):
    body = datex2.build_table(SITES, table_id="digitalstadt", version="1", published=STATIC)
    datex_schema.validate(body)
    records = datex2.parse_table(body)
    assert [(r["id"], r["capacity"]) for r in records] == [
        ("grafenstrasse", 463), ("darmstadtium", 454), ("messplatz", 1200), ("alice", 189)]
    assert records[0]["lat"] == pytest.approx(49.8742)


def test_datex2_status_is_valid_reads_back_and_flags_stale_sites(datex_schema):
    published = dt.datetime(2026, 12, 4, 10, tzinfo=UTC)
    body = datex2.build_status(SITES, table_id="digitalstadt", version="1", published=published)
    datex_schema.validate(body)
    assert b"statusUnknown" in body
    items, rejected = datex2.parse_status(body)
    assert [(r.ref, r.reason) for r in rejected] == [("darmstadtium", "neither vacant spaces nor opening status")]
    assert items == [
        FeedItem("grafenstrasse", dt.datetime(2026, 12, 4, 9, 55, tzinfo=UTC), 121, 463, "open"),
        FeedItem("alice", dt.datetime(2026, 12, 4, 9, 50, tzinfo=UTC), 0, 189, "closed"),
    ]  # the stale one carries no figure (and is no reading), the one without data is absent


def test_our_subset_schema_catches_a_broken_document(datex_schema):
    body = datex2.build_status(SITES[:1], table_id="t", version="1", published=STATIC)
    broken = body.replace(b"<prk:parkingNumberOfVacantSpaces>121", b"<prk:parkingNumberOfVacantSpaces>-1")
    assert not datex_schema.is_valid(broken)
    reordered = body.replace(b"modelBaseVersion=\"3\"", b"modelBaseVersion=\"2\"")
    assert not datex_schema.is_valid(reordered)
