"""Our car parks in the outbound formats (ParkAPI v3 JSON, DATEX II v3 table and status)
for navigation apps: public, read-only. A car park whose latest reading is older than
PARKING_STALE_MINUTES is published as stale (see formats.SiteOut), never as fresh."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .carpark_selectors import is_stale
from .formats import CLOSED, OPEN, SiteOut, datex2, parkapi
from .models import CarPark
from .opening import is_open

__all__ = ["outbound_sites", "parkapi_parking_sites", "datex2_table", "datex2_status"]


def _address(carpark: CarPark) -> str:
    place = " ".join(part for part in (carpark.postal_code, carpark.city) if part)
    return ", ".join(part for part in (carpark.street, place) if part)


def outbound_sites(*, now: dt.datetime | None = None) -> list[SiteOut]:
    now = now or timezone.now()
    sites = []
    for carpark in CarPark.objects.filter(active=True).select_related("operator").order_by("slug"):
        open_now = is_open(hours=carpark.opening_hours, open_24_7=carpark.open_24_7, at=now)
        sites.append(SiteOut(
            uid=carpark.slug, name=carpark.name, lat=float(carpark.latitude), lon=float(carpark.longitude),
            capacity=carpark.capacity, static_updated_at=carpark.created_at,
            observed_at=carpark.reading_at, free=carpark.free_now,
            stale=is_stale(reading_at=carpark.reading_at, now=now),
            status=OPEN if open_now else CLOSED, address=_address(carpark),
            operator_name=carpark.operator.name if carpark.operator_id else "",
            max_height_cm=carpark.height_limit_cm, disabled_capacity=carpark.disabled_spaces or None,
            charging_capacity=carpark.ev_chargers or None, opening_hours="24/7" if carpark.open_24_7 else None))
    return sites


def _table_version(sites: list[SiteOut]) -> str:
    return str(max((int(s.static_updated_at.timestamp()) for s in sites), default=0))


def _identity() -> tuple[str, str]:
    return (getattr(settings, "PARKING_DATEX2_COUNTRY", "DE"),
            getattr(settings, "PARKING_DATEX2_IDENTIFIER", "digitalstadt"))


def parkapi_parking_sites(*, now: dt.datetime | None = None) -> dict:
    return parkapi.build_parking_sites(outbound_sites(now=now))


def datex2_table(*, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    sites = outbound_sites(now=now)
    country, identifier = _identity()
    return datex2.build_table(sites, table_id=identifier, version=_table_version(sites), published=now,
                              country=country, identifier=identifier)


def datex2_status(*, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    sites = outbound_sites(now=now)
    country, identifier = _identity()
    return datex2.build_status(sites, table_id=identifier, version=_table_version(sites), published=now,
                               country=country, identifier=identifier)
