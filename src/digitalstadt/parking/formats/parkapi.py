"""ParkAPI v3 JSON (ParkenDD ParkAPI / parkapi-sources-v3).

Inbound: realtime items as parkapi-sources' `RealtimeParkingSiteInput` defines them
(`uid`, `realtime_data_updated_at`, `realtime_free_capacity`, `realtime_capacity`,
`realtime_opening_status`), bare as a list or wrapped as `{"items": [...]}` the way the
ParkAPI v3 public API answers `GET /parking-sites` (combined static + realtime items,
whose realtime fields we read and whose static ones we ignore).

The `parkapi-sources` package itself is not used: its dependencies (pyproj, shapely,
lxml, opening-hours-py, openpyxl, requests, ...) include compiled libraries and are far
more than a validator needs. The rules below are written from its validataclass models
(version 0.43.0, `models/parking_site_inputs.py`, `base_parking_inputs.py`,
`enums.py`): uid 1-256 characters, instants naive = UTC, counts whole and >= 0 (strings
of digits allowed), the OpeningStatus enum. Our outbound document follows
`CombinedParkingSiteInput`, and the tests check it against an independent JSON Schema
(`schemas/parkapi_v3_parking_site.schema.json`) written from the same models.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

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

__all__ = ["OPENING_STATUSES", "STALE_TAG", "parse_realtime", "build_parking_sites"]

OPENING_STATUSES = {"OPEN": OPEN, "CLOSED": CLOSED, "UNKNOWN": UNKNOWN}
STALE_TAG = "REALTIME_DATA_STALE"


def _load(body: bytes | str) -> object:
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if len(body) > MAX_BODY_BYTES:
        raise FormatError("document too large")
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise FormatError(f"not JSON: {str(exc)[:80]}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_realtime(body: bytes | str | list | dict) -> tuple[list[FeedItem], list[Rejection]]:
    """The readings of a ParkAPI v3 realtime document; items it cannot use are rejected
    one by one. Raises FormatError if the document is no ParkAPI document at all."""
    data = _load(body) if isinstance(body, bytes | str) else body
    if isinstance(data, dict):
        if "items" not in data:
            raise FormatError("no 'items' in the document")
        data = data["items"]
    if not isinstance(data, list):
        raise FormatError("items must be a list")
    if len(data) > MAX_ITEMS:
        raise FormatError(f"more than {MAX_ITEMS} items")
    items: list[FeedItem] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(data):
        item_or_reason = _item(raw)
        if isinstance(item_or_reason, FeedItem):
            items.append(item_or_reason)
        elif item_or_reason is not None:
            ref = raw.get("uid") if isinstance(raw, dict) and isinstance(raw.get("uid"), str) else f"#{index}"
            rejected.append(Rejection(ref[:256], item_or_reason))
    return items, rejected


def _item(raw: object) -> FeedItem | str | None:
    """A FeedItem, a reason to reject, or None for a combined item without realtime data."""
    if not isinstance(raw, dict):
        return "item is not an object"
    uid = raw.get("uid")
    if not isinstance(uid, str) or not 1 <= len(uid) <= 256:
        return "uid missing or not 1-256 characters"
    if raw.get("has_realtime_data") is False:
        return None
    observed = parse_instant(raw.get("realtime_data_updated_at"), naive_zone=dt.UTC)
    if observed is None:
        return "realtime_data_updated_at missing or not an ISO 8601 instant"
    try:
        free = parse_count(raw.get("realtime_free_capacity"))
        capacity = parse_count(raw.get("realtime_capacity"))
    except ValueError as exc:
        return f"capacity: {exc}"
    status = raw.get("realtime_opening_status")
    if status is not None and (not isinstance(status, str) or status not in OPENING_STATUSES):
        return "realtime_opening_status not OPEN, CLOSED or UNKNOWN"
    if free is None and status is None:
        return "neither realtime_free_capacity nor realtime_opening_status"
    if free is not None and capacity is not None and free > capacity:
        return "realtime_free_capacity above realtime_capacity"
    return FeedItem(uid, observed, free, capacity, OPENING_STATUSES.get(status, UNKNOWN))


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _coordinate(value: float) -> float:
    # parkapi-sources reads lat/lon with a NumericValidator: JSON numbers, not strings.
    return float(Decimal(str(value)).quantize(Decimal("0.0000001"), rounding=ROUND_HALF_UP))


def build_parking_sites(sites: list[SiteOut]) -> dict:
    """Our car parks as a ParkAPI v3 `parking-sites` answer: `{"items": [...],
    "total_count": n}` with combined static + realtime items. A stale car park keeps its
    true `realtime_data_updated_at`, loses its free-space figure, is reported
    `realtime_opening_status: UNKNOWN` and carries the tag REALTIME_DATA_STALE."""
    items = []
    for site in sites:
        item: dict = {
            "uid": site.uid,
            "name": site.name,
            "purpose": "CAR",
            "type": site.kind,
            "has_realtime_data": site.observed_at is not None,
            "static_data_updated_at": _instant(site.static_updated_at),
            "lat": _coordinate(site.lat),
            "lon": _coordinate(site.lon),
            "capacity": site.capacity,
            "tags": [],
        }
        optional = {"address": site.address or None, "operator_name": site.operator_name or None,
                    "max_height": site.max_height_cm, "opening_hours": site.opening_hours,
                    "public_url": site.public_url}
        item.update({key: value for key, value in optional.items() if value is not None})
        restrictions = []
        if site.disabled_capacity:
            restrictions.append({"type": "DISABLED", "capacity": site.disabled_capacity})
        if site.charging_capacity:
            restrictions.append({"type": "CHARGING", "capacity": site.charging_capacity})
        if restrictions:
            item["restrictions"] = restrictions
        if site.observed_at is not None:
            item["realtime_data_updated_at"] = _instant(site.observed_at)
            if site.stale:
                item["realtime_opening_status"] = "UNKNOWN"
                item["tags"].append(STALE_TAG)
            else:
                item["realtime_opening_status"] = {OPEN: "OPEN", CLOSED: "CLOSED"}.get(site.status, "UNKNOWN")
                if site.free is not None:
                    item["realtime_free_capacity"] = site.free
                    item["realtime_capacity"] = site.capacity
        items.append(item)
    return {"items": items, "total_count": len(items)}
