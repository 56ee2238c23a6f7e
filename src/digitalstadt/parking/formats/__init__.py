"""External formats of car-park occupancy: ParkAPI v3 JSON (`parkapi`) and DATEX II v3
Parking, XML and the Parking Publication Light (`datex2`).

Pure modules: they turn bytes into `FeedItem`s (and our car parks into bytes) and know
nothing of models or the database. Every parser is strict and total: it never raises on
hostile input other than `FormatError` (the whole document is unusable), and an item it
cannot use becomes a `Rejection` with a reason, the rest of the document still counts.
`screen()` applies the checks every source shares (unknown car parks, readings from the
future, free spaces beyond capacity) once the caller knows the car parks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["MAX_BODY_BYTES", "MAX_ITEMS", "FUTURE_TOLERANCE", "FeedItem", "FormatError", "Rejection",
           "SiteOut", "screen"]

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_ITEMS = 2000
# Clocks of car-park systems drift a little; a reading further ahead is a defect.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"


class FormatError(ValueError):
    """The whole document is unusable (not the format, too large, hostile XML)."""


@dataclass(frozen=True)
class FeedItem:
    """One occupancy reading as a source reports it, before we know the car park."""

    external_id: str
    observed_at: dt.datetime  # aware
    free: int | None
    capacity: int | None = None
    status: str = UNKNOWN  # open / closed / unknown


@dataclass(frozen=True)
class Rejection:
    ref: str  # the source's id of the item, or its position
    reason: str  # English, for the log and the API answer's detail


@dataclass(frozen=True)
class SiteOut:
    """One of our car parks as the outbound formats publish it. `stale` says the last
    reading is too old to show as current: the formats then keep its true time and
    publish no free-space figure (navigation apps must not route on it)."""

    uid: str
    name: str
    lat: float
    lon: float
    capacity: int
    static_updated_at: dt.datetime
    observed_at: dt.datetime | None = None
    free: int | None = None
    stale: bool = False
    status: str = UNKNOWN
    kind: str = "CAR_PARK"  # ParkAPI ParkingSiteType: CAR_PARK, UNDERGROUND, OFF_STREET_PARKING_GROUND
    address: str = ""
    operator_name: str = ""
    max_height_cm: int | None = None
    disabled_capacity: int | None = None
    charging_capacity: int | None = None
    opening_hours: str | None = None  # OSM opening_hours syntax
    public_url: str | None = None


def screen(items: list[FeedItem], *, known_ids: set[str], now: dt.datetime,
           capacities: dict[str, int] | None = None) -> tuple[list[FeedItem], list[Rejection]]:
    """The checks every source shares: an id we do not know (or may not write), a reading
    from the future, more free spaces than the car park has. Returns (accepted, rejected)."""
    accepted: list[FeedItem] = []
    rejected: list[Rejection] = []
    capacities = capacities or {}
    for item in items:
        if item.external_id not in known_ids:
            rejected.append(Rejection(item.external_id, "unknown car park"))
        elif item.observed_at > now + FUTURE_TOLERANCE:
            rejected.append(Rejection(item.external_id, "reading lies in the future"))
        elif item.free is not None and item.free < 0:
            rejected.append(Rejection(item.external_id, "negative free spaces"))
        elif (item.free is not None and item.external_id in capacities
              and item.free > max(capacities[item.external_id], item.capacity or 0)):
            rejected.append(Rejection(item.external_id, "more free spaces than capacity"))
        else:
            accepted.append(item)
    return accepted, rejected


def parse_instant(value: object, *, naive_zone: dt.tzinfo) -> dt.datetime | None:
    """An ISO 8601 instant, aware; naive values are read in `naive_zone` (the formats
    differ: ParkAPI means UTC, the German DATEX II feeds mean local time). None if the
    value is not an instant."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if "T" not in text and " " not in text:
        return None  # a date alone is no instant
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=naive_zone)
    try:
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError, TypeError):
        return None  # e.g. "0001-01-01T00:00:00+01:00" lies before datetime.min in UTC


def parse_count(value: object) -> int | None:
    """A non-negative whole number, also from a string ("12"), as the formats allow;
    None if absent. Raises ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            if text.startswith("-") and text[1:].isdigit():
                raise ValueError("negative")
            raise ValueError("not a whole number")
        return int(text)
    if isinstance(value, int):
        if value < 0:
            raise ValueError("negative")
        if value > 10**9:
            raise ValueError("too large")
        return value
    raise ValueError("not a whole number")
