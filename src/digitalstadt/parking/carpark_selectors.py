"""Reads of car parks for the public pages, the shop pages' "car parks nearby" and the dashboard.

Freshness: a car park's latest reading older than `PARKING_STALE_MINUTES` (default 20)
is stale; the pages then say since when data is missing instead of showing a number.
`expected_free(carpark=, at=)` asks the registered `expected_free_providers` (the
forecast) for the free spaces expected at a later time; None when none can tell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from digitalstadt.core.registry import Registry

from .models import CarPark, CarParkTariff, OccupancyReading
from .opening import hours_rows, is_open

__all__ = ["CarParkStatus", "ExpectedFreeProvider", "Place", "carpark_by_slug", "carpark_status",
           "carparks_by_distance", "carparks_nearby", "expected_free", "expected_free_providers",
           "free_spaces_now", "history_of_day", "is_stale", "opening_rows", "occupancy_share_now", "parking_places", "place_by_slug",
           "stale_minutes", "tariffs_valid_on"]


# --- freshness -------------------------------------------------------------------------

def stale_minutes() -> int:
    return int(getattr(settings, "PARKING_STALE_MINUTES", 20))


def is_stale(*, reading_at: dt.datetime | None, now: dt.datetime) -> bool:
    return reading_at is None or now - reading_at > dt.timedelta(minutes=stale_minutes())


@dataclass(frozen=True)
class CarParkStatus:
    """What the pages show of a car park now: `free` (None when there is no fresh figure),
    `stale_since` (the local time of the last reading when it is stale), `open_now`,
    `distance_m` (from the chosen point, if any), `expected` (forecast, if asked and known)."""

    carpark: CarPark
    free: int | None
    reading_at: dt.datetime | None
    stale: bool
    open_now: bool
    distance_m: int | None = None
    expected: int | None = None
    expected_at: dt.datetime | None = None

    @property
    def stale_since(self) -> dt.datetime | None:
        return timezone.localtime(self.reading_at) if self.stale and self.reading_at else None

    @property
    def has_space(self) -> bool:
        return self.free is not None and self.free > 0 and self.open_now

    @property
    def share_free(self) -> int | None:
        if self.free is None or not self.carpark.capacity:
            return None
        return round(100 * self.free / self.carpark.capacity)

    @property
    def distance_km(self) -> float | None:
        return self.distance_m / 1000 if self.distance_m is not None else None

    @property
    def route_url(self) -> str:
        return osm_directions_url(self.carpark)


def osm_directions_url(carpark: CarPark) -> str:
    return (f"https://www.openstreetmap.org/directions?engine=fossgis_osrm_car"
            f"&route=%3B{carpark.latitude}%2C{carpark.longitude}")


def carpark_status(*, carpark: CarPark, now: dt.datetime | None = None, distance_m: int | None = None,
                   expected_at: dt.datetime | None = None) -> CarParkStatus:
    now = now or timezone.now()
    stale = is_stale(reading_at=carpark.reading_at, now=now)
    expected = expected_free(carpark=carpark, at=expected_at) if expected_at is not None else None
    return CarParkStatus(carpark=carpark, free=None if stale else carpark.free_now, reading_at=carpark.reading_at,
                         stale=stale, open_now=is_open(hours=carpark.opening_hours, open_24_7=carpark.open_24_7,
                                                       at=now),
                         distance_m=distance_m, expected=expected, expected_at=expected_at if expected else None)


# --- the forecast's hook -----------------------------------------------------------------

@dataclass(frozen=True)
class ExpectedFreeProvider:
    """`function(carpark=, at=) -> int | None`: free spaces expected at `at` (the forecast registers one)."""

    id: str
    function: Callable[..., int | None] = field(compare=False)
    label: Any = ""


expected_free_providers: Registry[ExpectedFreeProvider] = Registry(
    "parking.expected_free", description="free spaces expected in a car park at a later time (the forecast)")


def expected_free(*, carpark: CarPark, at: dt.datetime) -> int | None:
    for provider in expected_free_providers.all():
        try:
            value = provider.function(carpark=carpark, at=at)
        except Exception:  # a forecast that fails must not break a shop page
            value = None
        if value is not None:
            return max(0, min(int(value), carpark.capacity))
    return None


# --- places and distances -----------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    slug: str
    name: str
    latitude: float
    longitude: float


# City data (settings.PARKING_PLACES overrides): points a driver can sort the list from.
DEFAULT_PLACES = [
    ("luisenplatz", "Luisenplatz", 49.8728, 8.6511),
    ("hauptbahnhof", "Hauptbahnhof", 49.8725, 8.6294),
    ("mathildenhoehe", "Mathildenhöhe", 49.8770, 8.6670),
    ("martinsviertel", "Martinsviertel (Darmstadt-Nord)", 49.8830, 8.6500),
    ("bessungen", "Bessungen", 49.8578, 8.6511),
    ("darmstadt-ost", "Darmstadt-Ost (Woogsviertel)", 49.8700, 8.6690),
    ("darmstadt-west", "Darmstadt-West", 49.8719, 8.6322),
    ("eberstadt", "Eberstadt", 49.8189, 8.6450),
    ("arheilgen", "Arheilgen", 49.9108, 8.6572),
    ("kranichstein", "Kranichstein", 49.8983, 8.6769),
]


def parking_places() -> list[Place]:
    return [Place(slug, name, float(lat), float(lon))
            for slug, name, lat, lon in getattr(settings, "PARKING_PLACES", DEFAULT_PLACES)]


def place_by_slug(*, slug: str) -> Place | None:
    return next((place for place in parking_places() if place.slug == slug), None)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6371000 * math.asin(math.sqrt(min(1.0, a))))


def _active() -> QuerySet[CarPark]:
    return CarPark.objects.filter(active=True).select_related("operator")


def carparks_by_distance(*, latitude: float | Decimal | None, longitude: float | Decimal | None,
                         now: dt.datetime | None = None, order: str = "distance",
                         expected_at: dt.datetime | None = None) -> list[CarParkStatus]:
    """Every active car park with its status. `order`: "distance" (nearest first, then
    most free spaces) or "free" (most free spaces first: stale or closed ones last, then
    nearest). Without a point, by name (or free spaces)."""
    now = now or timezone.now()
    out = []
    for carpark in _active():
        dist = (distance_m(float(latitude), float(longitude), float(carpark.latitude), float(carpark.longitude))
                if latitude is not None and longitude is not None else None)
        out.append(carpark_status(carpark=carpark, now=now, distance_m=dist, expected_at=expected_at))

    def free_key(status: CarParkStatus) -> int:
        return -(status.free if status.free is not None and status.open_now else -1)

    if order == "free":
        out.sort(key=lambda s: (free_key(s), s.distance_m if s.distance_m is not None else 0, s.carpark.name))
    else:
        out.sort(key=lambda s: (s.distance_m if s.distance_m is not None else 0, free_key(s), s.carpark.name))
    return out


def carparks_nearby(*, latitude: float | Decimal, longitude: float | Decimal, limit: int = 3,
                    now: dt.datetime | None = None, expected_at: dt.datetime | None = None) -> list[CarParkStatus]:
    """The nearest `limit` car parks that are open and have free spaces now (fresh data)."""
    statuses = carparks_by_distance(latitude=latitude, longitude=longitude, now=now, expected_at=expected_at)
    return [status for status in statuses if status.has_space][:limit]


def carpark_by_slug(*, slug: str) -> CarPark | None:
    return _active().filter(slug=slug).first()


# --- the detail page -----------------------------------------------------------------------

def tariffs_valid_on(*, carpark: CarPark, day: dt.date) -> list[CarParkTariff]:
    return list(CarParkTariff.objects.filter(carpark=carpark, valid_from__lte=day)
                .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


def history_of_day(*, carpark: CarPark, now: dt.datetime | None = None,
                   step: dt.timedelta = dt.timedelta(hours=1)) -> list[tuple[dt.datetime, int]]:
    """(local time, free) of today up to now, one row per `step` (the first reading at or
    after each step), and the newest reading last."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (OccupancyReading.objects.filter(carpark=carpark, at__gte=start, at__lte=now)
            .order_by("at").values_list("at", "free"))
    out: list[tuple[dt.datetime, int]] = []
    next_slot = start
    last = None
    for at, free in rows:
        last = (at, free)
        if at >= next_slot:
            out.append((timezone.localtime(at), free))
            while next_slot <= at:
                next_slot += step
    if last is not None and (not out or out[-1][0] != timezone.localtime(last[0])):
        out.append((timezone.localtime(last[0]), last[1]))  # the newest reading closes the table
    return out


def opening_rows(*, carpark: CarPark):
    return hours_rows(hours=carpark.opening_hours, open_24_7=carpark.open_24_7)


# --- an operator's own car parks ------------------------------------------------------------

def operator_carparks(*, operator: Any, now: dt.datetime | None = None) -> list[CarParkStatus]:
    """The car parks `operator` runs, with their status (scoped: never another operator's)."""
    from digitalstadt.core.scoping import organisation_scope

    now = now or timezone.now()
    with organisation_scope(operator):
        carparks = list(CarPark.operated.order_by("name"))
    return [carpark_status(carpark=carpark, now=now) for carpark in carparks]


# --- the dashboard ---------------------------------------------------------------------------

def _fresh(now: dt.datetime) -> QuerySet[CarPark]:
    return CarPark.objects.filter(active=True, free_now__isnull=False,
                                  reading_at__gte=now - dt.timedelta(minutes=stale_minutes()))


def free_spaces_now() -> int | None:
    rows = list(_fresh(timezone.now()).values_list("free_now", flat=True))
    return sum(rows) if rows else None


def occupancy_share_now() -> float | None:
    rows = list(_fresh(timezone.now()).values_list("free_now", "capacity"))
    capacity = sum(cap for _free, cap in rows)
    if not capacity:
        return None
    return round(1 - sum(free for free, _cap in rows) / capacity, 3)
