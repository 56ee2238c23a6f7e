"""Car-park occupancy is written here and nowhere else.

`occupancy_record` stores a source's readings for one car park: idempotent (a reading
for an instant already stored is ignored, whatever it says: the first report of an
instant wins), and it moves the car park's denormalised latest figure (`free_now`,
`reading_at`) only forwards, in one conditional UPDATE, so a late or replayed batch
(or two pollers at once) can never put an older figure on the list. Readings are
machine data about a building, not personal data, so polling writes no audit entry;
changes people make (an operator's push, a car park's settings) do (`actor`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digitalstadt.core.audit import audit_log

from .feeds import FeedError, Reading, feed_plugins
from .models import CarPark, OccupancyReading

__all__ = ["feeds_poll", "occupancy_record"]

logger = logging.getLogger(__name__)

# A reading further in the future than this is a clock error at the source: dropped.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _clean(carpark: CarPark, readings: Iterable[Reading], now: dt.datetime) -> dict[dt.datetime, Reading]:
    by_instant: dict[dt.datetime, Reading] = {}
    for reading in readings:
        at = reading.at
        if not isinstance(at, dt.datetime) or timezone.is_naive(at) or at > now + FUTURE_TOLERANCE:
            continue
        if not isinstance(reading.free, int) or isinstance(reading.free, bool) or reading.free < 0:
            continue
        at = at.replace(microsecond=0)
        by_instant.setdefault(at, reading)  # the first report of an instant wins, in the batch as in the table
    return by_instant


def occupancy_record(*, carpark: CarPark, readings: Iterable[Reading], source: str, actor: Any = None,
                     now: dt.datetime | None = None) -> int:
    """Store `readings` of `carpark` from `source` (a feed plugin id, or "push:<organisation slug>").
    Returns how many were new. Malformed readings (naive or future instants, negative
    free spaces) are skipped; free spaces above the capacity are capped at it."""
    now = now or timezone.now()
    cleaned = _clean(carpark, readings, now)
    if not cleaned:
        return 0
    rows = []
    for at, reading in sorted(cleaned.items()):
        capacity = reading.capacity if isinstance(reading.capacity, int) and reading.capacity > 0 else None
        free = min(reading.free, capacity or carpark.capacity or reading.free)
        rows.append(OccupancyReading(carpark=carpark, at=at, free=free, capacity=capacity, source=source[:60]))
    with transaction.atomic():
        # One range query, not an IN list (a back-filled batch may hold thousands of instants).
        existing = set(OccupancyReading.objects.filter(carpark=carpark, at__gte=min(cleaned), at__lte=max(cleaned))
                       .values_list("at", flat=True))
        new_rows = [row for row in rows if row.at not in existing]
        OccupancyReading.objects.bulk_create(new_rows, ignore_conflicts=True)
        newest = max(rows, key=lambda row: row.at)
        # The stored figure of the newest instant (an earlier report of it may have won).
        stored = OccupancyReading.objects.filter(carpark=carpark, at=newest.at).values_list("free", flat=True).first()
        latest_free = stored if stored is not None else newest.free
        moved = (CarPark.objects.filter(pk=carpark.pk)
                 .filter(Q(reading_at__isnull=True) | Q(reading_at__lt=newest.at))
                 .update(free_now=latest_free, reading_at=newest.at))
        if moved:
            carpark.free_now, carpark.reading_at = latest_free, newest.at
        if actor is not None and new_rows:
            audit_log(actor=actor, action="parking.occupancy_reported", subject=carpark,
                      data={"source": source, "readings": len(new_rows), "latest": newest.at.isoformat()})
    return len(new_rows)


def _poll_plugin(plugin, carparks: list[CarPark], now: dt.datetime) -> int:
    readings = plugin.read(carparks=carparks, now=now)
    by_id: dict[str, list[Reading]] = {}
    for reading in readings:
        by_id.setdefault(str(reading.external_id), []).append(reading)
    stored = 0
    for carpark in carparks:
        mine = by_id.get(carpark.feed_external_id or carpark.slug)
        if mine:
            stored += occupancy_record(carpark=carpark, readings=mine, source=plugin.id, now=now)
    return stored


def feeds_poll(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Ask every enabled pull plugin for the active car parks that name it; store what
    comes back. One failing source does not stop the others. Returns new readings per plugin
    (-1 for a plugin that failed). Safe to run twice (occupancy_record is idempotent)."""
    now = now or timezone.now()
    stats: dict[str, int] = {}
    for plugin in feed_plugins.all():
        if not plugin.pull:
            continue
        carparks = list(CarPark.objects.filter(active=True, feed_enabled=True, feed_plugin=plugin.id))
        if not carparks:
            continue
        try:
            stats[plugin.id] = _poll_plugin(plugin, carparks, now)
        except FeedError as exc:
            logger.warning("parking feed %s failed: %s", plugin.id, exc)
            stats[plugin.id] = -1
        except Exception:  # noqa: BLE001 (one broken plugin or document must not stop the others)
            logger.exception("parking feed %s failed unexpectedly", plugin.id)
            stats[plugin.id] = -1
    return stats
