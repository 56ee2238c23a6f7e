"""DATEX II v3 Parking (CEN/TS 16157-6): `ParkingTablePublication` (static) and
`ParkingStatusPublication` (dynamic) as XML, and the Parking Publication Light (the model
ParkAPI follows) in the JSON form ParkAPI publishes it.

XML is parsed with defusedxml (no DTDs, no entities, no external references: entity
bombs and XXE are refused as a whole document) after a size limit. A document must be a
v3 `d2:payload` whose `xsi:type` resolves to the parking namespace's publication class;
prefixes are resolved through the document's own declarations, so any prefix works and
a wrong namespace never does. As in parkapi-sources' v3 converter, a status with a
`parkingStatusValidity` is a forecast and skipped, and naive times are local (Berlin).

The XML we publish is checked in the tests against `schemas/datex2_v3_parking_subset/`,
a compact XSD of the subset we produce and consume, written by hand from the DATEX II v3
specification (the official XSDs cannot be downloaded here). It is our subset, not the
official schema: an official validator may ask for more (or order differently) than it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import defusedxml
import defusedxml.ElementTree as SafeET

from . import (
    CLOSED,
    MAX_BODY_BYTES,
    MAX_ITEMS,
    OPEN,
    UNKNOWN,
    FeedItem,
    FormatError,
    Rejection,
    SiteOut,
    parse_count,
    parse_instant,
)

__all__ = ["NS", "parse_status", "parse_table", "parse_light", "build_table", "build_status"]

NS = {
    "d2": "http://datex2.eu/schema/3/d2Payload",
    "com": "http://datex2.eu/schema/3/common",
    "prk": "http://datex2.eu/schema/3/parking",
    "loc": "http://datex2.eu/schema/3/locationReferencing",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
D2, COM, PRK, LOC, XSI = (NS[key] for key in ("d2", "com", "prk", "loc", "xsi"))
XSI_TYPE = f"{{{XSI}}}type"
BERLIN = ZoneInfo("Europe/Berlin")
STALE_STATUS = "statusUnknown"


# -- reading ---------------------------------------------------------------------------

def _parse(body: bytes | str) -> tuple[ET.Element, dict[str, str]]:
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if len(body) > MAX_BODY_BYTES:
        raise FormatError("document too large")
    prefixes: dict[str, str] = {}
    root = None
    try:
        for event, value in SafeET.iterparse(io.BytesIO(body), events=("start-ns", "start"),
                                             forbid_dtd=True, forbid_entities=True, forbid_external=True):
            if event == "start-ns":
                prefix, uri = value
                if prefixes.get(prefix, uri) != uri:
                    raise FormatError(f"prefix {prefix!r} bound to two namespaces")
                prefixes[prefix] = uri
            elif root is None:
                root = value
    except defusedxml.DefusedXmlException as exc:
        raise FormatError(f"forbidden XML construct ({type(exc).__name__})") from None
    except ET.ParseError as exc:
        raise FormatError(f"not well-formed XML: {exc}") from None
    if root is None:
        raise FormatError("empty document")
    return root, prefixes


def _resolved_type(element: ET.Element, prefixes: dict[str, str]) -> tuple[str, str] | None:
    value = (element.get(XSI_TYPE) or "").strip()
    prefix, _, local = value.rpartition(":")
    uri = prefixes.get(prefix)
    return (uri, local) if uri else None


def _payload(body: bytes | str, publication: str) -> ET.Element:
    root, prefixes = _parse(body)
    if root.tag != f"{{{D2}}}payload":
        raise FormatError(f"root is not a DATEX II v3 d2:payload ({root.tag[:120]})")
    if _resolved_type(root, prefixes) != (PRK, publication):
        raise FormatError(f"payload is not a DATEX II v3 {publication}")
    if root.get("modelBaseVersion", "3") != "3":
        raise FormatError("modelBaseVersion is not 3")
    return root


def _text(element: ET.Element | None, path: str) -> str | None:
    found = element.find(path, NS) if element is not None else None
    return found.text.strip() if found is not None and found.text else None


def parse_status(body: bytes | str) -> tuple[list[FeedItem], list[Rejection]]:
    """The current readings of a ParkingStatusPublication. Raises FormatError if the
    document is not one; a record it cannot use is rejected with a reason."""
    root = _payload(body, "ParkingStatusPublication")
    published = parse_instant(_text(root, "com:publicationTime"), naive_zone=BERLIN)
    statuses = root.findall("prk:parkingRecordStatus", NS)
    if len(statuses) > MAX_ITEMS:
        raise FormatError(f"more than {MAX_ITEMS} parking record statuses")
    items: list[FeedItem] = []
    rejected: list[Rejection] = []
    for index, status in enumerate(statuses):
        reference = status.find("prk:parkingRecordReference", NS)
        ref = (reference.get("id") or "").strip() if reference is not None else ""
        if not 1 <= len(ref) <= 256:
            rejected.append(Rejection(f"#{index}", "parkingRecordReference id missing"))
            continue
        if status.find("prk:parkingStatusValidity", NS) is not None:
            continue  # a forecast, not the current status
        origin = _text(status, "prk:parkingStatusOriginTime")
        observed = parse_instant(origin, naive_zone=BERLIN) if origin else published
        if observed is None:
            rejected.append(Rejection(ref, "parkingStatusOriginTime (or publicationTime) is no instant"))
            continue
        occupancy = status.find("prk:parkingOccupancy", NS)
        try:
            free = parse_count(_text(occupancy, "prk:parkingNumberOfVacantSpaces"))
            capacity = parse_count(_text(occupancy, "prk:parkingNumberOfSpacesOverride"))
        except ValueError as exc:
            rejected.append(Rejection(ref, f"parkingOccupancy: {exc}"))
            continue
        opening = _text(status, "prk:parkingSiteOpeningStatus")
        site_status = _text(status, "prk:parkingSiteStatus")
        state = {"open": OPEN, "closed": CLOSED}.get(opening or "", UNKNOWN)
        if site_status == "closed":
            state = CLOSED
        if free is None and state == UNKNOWN:
            rejected.append(Rejection(ref, "neither vacant spaces nor opening status"))
            continue
        items.append(FeedItem(ref, observed, free, capacity, state))
    return items, rejected


def parse_table(body: bytes | str) -> list[dict]:
    """The parking records of a ParkingTablePublication: id, name, capacity, lat, lon
    (records without a usable id, capacity or position are left out)."""
    root = _payload(body, "ParkingTablePublication")
    records = []
    for record in root.iterfind("prk:parkingTable/prk:parkingRecord", NS):
        try:
            capacity = parse_count(_text(record, "prk:parkingNumberOfSpaces"))
            lat = float(_text(record, "prk:parkingLocation/loc:pointByCoordinates/loc:pointCoordinates/loc:latitude"))
            lon = float(_text(record, "prk:parkingLocation/loc:pointByCoordinates/loc:pointCoordinates/loc:longitude"))
        except (TypeError, ValueError):
            continue
        if not record.get("id") or capacity is None:
            continue
        records.append({"id": record.get("id"), "name": _text(record, "prk:parkingName/com:values/com:value") or "",
                        "capacity": capacity, "lat": lat, "lon": lon})
        if len(records) > MAX_ITEMS:
            raise FormatError(f"more than {MAX_ITEMS} parking records")
    return records


def parse_light(body: bytes | str) -> tuple[list[FeedItem], list[Rejection]]:
    """The readings of a Parking Publication Light in ParkAPI's JSON form
    (`{"parkingPublicationLight": {"parkingSite": [...]}}`, attributes prefixed `_`)."""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if len(body) > MAX_BODY_BYTES:
        raise FormatError("document too large")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise FormatError("not JSON") from None
    publication = data.get("parkingPublicationLight") if isinstance(data, dict) else None
    if not isinstance(publication, dict) or not isinstance(publication.get("parkingSite", []), list):
        raise FormatError("no parkingPublicationLight with a parkingSite list")
    if str(data.get("_modelBaseVersion", "3")) != "3":
        raise FormatError("modelBaseVersion is not 3")
    sites = publication.get("parkingSite", [])
    if len(sites) > MAX_ITEMS:
        raise FormatError(f"more than {MAX_ITEMS} parking sites")
    published = parse_instant(publication.get("publicationTime"), naive_zone=BERLIN)
    items: list[FeedItem] = []
    rejected: list[Rejection] = []
    for index, site in enumerate(sites):
        ref = site.get("_id") if isinstance(site, dict) else None
        if not isinstance(ref, str) or not 1 <= len(ref) <= 256:
            rejected.append(Rejection(f"#{index}", "parking site without _id"))
            continue
        last = site.get("lastUpdate")
        observed = parse_instant(last, naive_zone=BERLIN) if last is not None else published
        if observed is None:
            rejected.append(Rejection(ref, "lastUpdate (or publicationTime) is no instant"))
            continue
        try:
            free = parse_count(site.get("availableSpaces"))
            capacity = parse_count(site.get("numberOfSpaces"))
        except ValueError as exc:
            rejected.append(Rejection(ref, f"availableSpaces: {exc}"))
            continue
        state = UNKNOWN
        if site.get("temporaryClosed") is True or site.get("isOpenNow") is False:
            state = CLOSED
        elif site.get("isOpenNow") is True:
            state = OPEN
        if free is None and state == UNKNOWN:
            rejected.append(Rejection(ref, "neither availableSpaces nor opening state"))
            continue
        items.append(FeedItem(ref, observed, free, capacity, state))
    return items, rejected


# -- writing ---------------------------------------------------------------------------

for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", {k.replace("xsi_type", XSI_TYPE): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _root(publication: str, *, published: dt.datetime, country: str, identifier: str) -> ET.Element:
    root = ET.Element(f"{{{D2}}}payload", {XSI_TYPE: f"prk:{publication}", "lang": "de",
                                           "modelBaseVersion": "3"})
    _el(root, COM, "publicationTime", _instant(published))
    creator = _el(root, COM, "publicationCreator")
    _el(creator, COM, "country", country)
    _el(creator, COM, "nationalIdentifier", identifier)
    return root


def _bytes(root: ET.Element) -> bytes:
    # Every prefix an xsi:type value uses (prk, loc) is also used by an element name,
    # so ElementTree declares it on the root.
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


LAYOUTS = {"CAR_PARK": "multiStorey", "UNDERGROUND": "underground", "OFF_STREET_PARKING_GROUND": "singleLevel"}


def build_table(sites: list[SiteOut], *, table_id: str, version: str, published: dt.datetime,
                country: str = "DE", identifier: str = "digitalstadt") -> bytes:
    """Our car parks as a ParkingTablePublication (one table of UrbanParkingSites)."""
    root = _root("ParkingTablePublication", published=published, country=country, identifier=identifier)
    table = _el(root, PRK, "parkingTable", id=table_id, version=version)
    _el(table, PRK, "parkingTableVersionTime", _instant(published))
    for site in sites:
        record = _el(table, PRK, "parkingRecord", xsi_type="prk:UrbanParkingSite", id=site.uid,
                     version=str(int(site.static_updated_at.timestamp())))
        values = _el(_el(record, PRK, "parkingName"), COM, "values")
        _el(values, COM, "value", site.name, lang="de")
        _el(record, PRK, "parkingRecordVersionTime", _instant(site.static_updated_at))
        _el(record, PRK, "parkingNumberOfSpaces", str(site.capacity))
        location = _el(record, PRK, "parkingLocation", xsi_type="loc:PointLocation")
        coordinates = _el(_el(location, LOC, "pointByCoordinates"), LOC, "pointCoordinates")
        _el(coordinates, LOC, "latitude", f"{site.lat:.7f}")
        _el(coordinates, LOC, "longitude", f"{site.lon:.7f}")
        _el(record, PRK, "parkingLayout", LAYOUTS.get(site.kind, "other"))
        _el(record, PRK, "urbanParkingSiteType", "offStreetParking")
    return _bytes(root)


def build_status(sites: list[SiteOut], *, table_id: str, version: str, published: dt.datetime,
                 country: str = "DE", identifier: str = "digitalstadt") -> bytes:
    """The current occupancy as a ParkingStatusPublication. A stale car park keeps the
    true time of its last reading, has no parkingOccupancy and the status statusUnknown."""
    root = _root("ParkingStatusPublication", published=published, country=country, identifier=identifier)
    _el(root, PRK, "parkingTableReference", id=table_id, version=version, targetClass="prk:ParkingTable")
    for site in sites:
        if site.observed_at is None:
            continue
        status = _el(root, PRK, "parkingRecordStatus", xsi_type="prk:ParkingSiteStatus")
        _el(status, PRK, "parkingRecordReference", id=site.uid, version=str(int(site.static_updated_at.timestamp())),
            targetClass="prk:ParkingRecord")
        _el(status, PRK, "parkingStatusOriginTime", _instant(site.observed_at))
        if site.stale or site.free is None:
            _el(status, PRK, "parkingSiteStatus", STALE_STATUS)
            continue
        occupancy = _el(status, PRK, "parkingOccupancy")
        _el(occupancy, PRK, "parkingNumberOfSpacesOverride", str(site.capacity))
        _el(occupancy, PRK, "parkingNumberOfVacantSpaces", str(site.free))
        _el(occupancy, PRK, "parkingNumberOfOccupiedSpaces", str(max(site.capacity - site.free, 0)))
        if site.capacity:
            percent = round(100 * max(site.capacity - site.free, 0) / site.capacity, 1)
            _el(occupancy, PRK, "parkingOccupancy", f"{percent:.1f}")
        if site.status == CLOSED:
            _el(status, PRK, "parkingSiteStatus", "closed")
        elif site.free == 0:
            _el(status, PRK, "parkingSiteStatus", "full")
        else:
            _el(status, PRK, "parkingSiteStatus", "spacesAvailable")
        if site.status in (OPEN, CLOSED):
            _el(status, PRK, "parkingSiteOpeningStatus", site.status)
    return _bytes(root)
