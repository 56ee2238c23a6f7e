"""Availability: which appointment starts are free, per location and across locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import BookingSlot, BookingStatus, Location, LocationService, Slot, SlotHoldback


@dataclass(frozen=True)
class Need:
    """What one appointment needs at one location."""

    location: Location
    minutes: int

    @property
    def units(self) -> int:
        return self.minutes // self.location.slot_minutes


def need_at(location: Location, services: list[tuple[int, int]]) -> Need | None:
    """services: [(service_id, persons)]. None if the location does not offer all of them
    or a person count exceeds its limit."""
    offers = {o.service_id: o for o in LocationService.objects.filter(location=location,
                                                                       service_id__in=[s for s, _ in services])}
    minutes = 0
    for service_id, persons in services:
        offer = offers.get(service_id)
        if offer is None or persons < 1 or persons > offer.max_persons:
            return None
        minutes += offer.duration_minutes * persons
    return Need(location, minutes) if minutes else None


def capacity_adjustments(location: Location, now: datetime) -> dict[int, int]:
    """Per slot id: + expired holds/unconfirmed bookings still counted in `booked`,
    - places held back after a cancellation."""
    adjust: dict[int, int] = {}
    expired = (BookingSlot.objects.filter(slot__location=location,
                                          booking__status__in=[BookingStatus.HELD, BookingStatus.PENDING],
                                          booking__expires_at__lte=now)
               .values("slot_id").annotate(n=Count("id")))
    for row in expired:
        adjust[row["slot_id"]] = adjust.get(row["slot_id"], 0) + row["n"]
    held_back = (SlotHoldback.objects.filter(slot__location=location, public_from__gt=now)
                 .values("slot_id").annotate(n=Count("id")))
    for row in held_back:
        adjust[row["slot_id"]] = adjust.get(row["slot_id"], 0) - row["n"]
    return adjust


def bookable_window(location: Location, now: datetime) -> tuple[datetime, datetime]:
    earliest = now + timedelta(minutes=location.min_notice_minutes)
    latest = now + timedelta(days=location.booking_window_days)
    return earliest, latest


def free_starts(need: Need, *, now: datetime | None = None, limit: int = 20,
                after: datetime | None = None, before: datetime | None = None) -> list[datetime]:
    """The earliest `limit` starts where `need.units` consecutive slot rows each have a
    free place. Streams slot rows in time order and stops as soon as enough are found."""
    now = now or timezone.now()
    location = need.location
    earliest, latest = bookable_window(location, now)
    if after is not None:
        earliest = max(earliest, after)
    if before is not None:
        latest = min(latest, before)
    adjust = capacity_adjustments(location, now)
    step = timedelta(minutes=location.slot_minutes)
    rows = (Slot.objects.filter(location=location, starts_at__gte=earliest, starts_at__lt=latest + timedelta(minutes=need.minutes))
            .filter(Q(booked__lt=F("capacity")) | Q(id__in=[i for i, v in adjust.items() if v > 0]))
            .order_by("starts_at").values_list("id", "starts_at", "capacity", "booked"))
    found: list[datetime] = []
    run: list[datetime] = []
    for slot_id, starts_at, capacity, booked in rows.iterator(chunk_size=500):
        free = capacity - booked + adjust.get(slot_id, 0)
        if free <= 0:
            run = []
            continue
        if run and starts_at != run[-1] + step:
            run = []
        run.append(starts_at)
        if len(run) >= need.units:
            start = run[-need.units]
            if start < latest:
                found.append(start)
                if len(found) >= limit:
                    break
    return found


def earliest_by_location(*, locations, services: list[tuple[int, int]], now: datetime | None = None,
                         per_location: int = 1) -> list[tuple[Location, list[datetime]]]:
    """For each location that offers all services: its earliest free starts, sorted by
    the earliest start across all locations (locations without a free start last)."""
    now = now or timezone.now()
    result = []
    for location in locations:
        need = need_at(location, services)
        if need is None:
            continue
        result.append((location, free_starts(need, now=now, limit=per_location)))
    far_future = now + timedelta(days=3650)
    result.sort(key=lambda item: (item[1][0] if item[1] else far_future, item[0].name_de))
    return result
