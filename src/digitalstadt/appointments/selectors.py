"""Availability: which appointment starts are free, per location and across locations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import BookingSlot, BookingStatus, Location, LocationService, Slot, SlotHoldback


@dataclass(frozen=True)
class Need:
    """What one appointment needs at one location."""

    location: Location
    minutes: int
    # service id -> the location's offer (durations for the booking's service rows)
    offers: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def units(self) -> int:
        return self.minutes // self.location.slot_minutes


def need_at(location: Location, services: list[tuple[int, int]], *, offers: dict | None = None) -> Need | None:
    """services: [(service_id, persons)]. None if the location does not offer all of them,
    a person count exceeds its limit, or a service is named twice (which would add up
    persons beyond the limit). `offers` (service id -> LocationService of this location),
    when the caller has them already, saves the query."""
    if len({service_id for service_id, _ in services}) != len(services):
        return None
    if offers is None:
        offers = {o.service_id: o for o in LocationService.objects.filter(
            location=location, service_id__in=[s for s, _ in services])}
    minutes = 0
    for service_id, persons in services:
        offer = offers.get(service_id)
        if offer is None or persons < 1 or persons > offer.max_persons:
            return None
        minutes += offer.duration_minutes * persons
    return Need(location, minutes, offers) if minutes else None


def booking_offers(*, location_slug: str, service_slugs: list[str]) -> tuple[Location, dict[str, LocationService]] | None:
    """One query for the booking hot path: the active location and its offers of the
    named active services, or None unless it offers every one of them (the caller then
    finds out which part is wrong, on the slow path)."""
    rows = list(LocationService.objects.filter(
        location__slug=location_slug, location__is_active=True, service__slug__in=service_slugs,
        service__is_active=True).select_related("location", "service"))
    by_slug = {row.service.slug: row for row in rows}
    if not rows or set(by_slug) != set(service_slugs):
        return None
    return rows[0].location, by_slug


def capacity_adjustments(location: Location | list, now: datetime) -> dict[int, int]:
    """Per slot id: + expired holds/unconfirmed bookings still counted in `booked`,
    - places held back after a cancellation. One or many locations, two queries."""
    location_ids = [location.pk] if isinstance(location, Location) else [loc.pk for loc in location]
    adjust: dict[int, int] = {}
    expired = (BookingSlot.objects.filter(slot__location_id__in=location_ids,
                                          booking__status__in=[BookingStatus.HELD, BookingStatus.PENDING],
                                          booking__expires_at__lte=now)
               .values("slot_id").annotate(n=Count("id")).values_list("slot_id", "n"))
    held_back = (SlotHoldback.objects.filter(slot__location_id__in=location_ids, public_from__gt=now)
                 .values("slot_id").annotate(n=-Count("id")).values_list("slot_id", "n"))
    for slot_id, n in expired.union(held_back, all=True):  # one round trip
        adjust[slot_id] = adjust.get(slot_id, 0) + n
    return adjust


def bookable_window(location: Location, now: datetime) -> tuple[datetime, datetime]:
    earliest = now + timedelta(minutes=location.min_notice_minutes)
    latest = now + timedelta(days=location.booking_window_days)
    return earliest, latest


# Scans look ahead in widening horizons, every location still short of starts in one
# query each: most searches end after the first (the next 24 hours), a search on a
# Saturday evening after the second, a location booked out for weeks needs the last
# (its whole booking window). Rows fetched grow with the locations, not the window.
SCAN_HORIZONS = (timedelta(days=1), timedelta(days=3), timedelta(days=14), None)


def _scan(needs: list[Need], *, now: datetime, limit: int, after: datetime | None, before: datetime | None,
          adjust: dict[int, int]) -> dict[int, list[datetime]]:
    """Earliest `limit` starts per location where `need.units` consecutive slot rows
    each have a free place. Few queries for many locations (search across offices)."""
    windows = {}
    for need in needs:
        earliest, latest = bookable_window(need.location, now)
        if after is not None:
            earliest = max(earliest, after)
        if before is not None:
            latest = min(latest, before)
        windows[need.location.pk] = (earliest, latest)
    found: dict[int, list[datetime]] = {need.location.pk: [] for need in needs}
    boosted = [slot_id for slot_id, v in adjust.items() if v > 0]
    pending = list(needs)
    for horizon in SCAN_HORIZONS:
        if not pending:
            break
        condition = Q()
        for need in pending:
            earliest, latest = windows[need.location.pk]
            stop = latest + timedelta(minutes=need.minutes)
            if horizon is not None:
                stop = min(stop, earliest + horizon)
            condition |= Q(location_id=need.location.pk, starts_at__gte=earliest, starts_at__lt=stop)
        rows = (Slot.objects.filter(condition).filter(Q(booked__lt=F("capacity")) | Q(id__in=boosted))
                .order_by("location_id", "starts_at").values_list("id", "location_id", "starts_at", "capacity", "booked"))
        by_location: dict[int, list] = {}
        for row in rows:
            by_location.setdefault(row[1], []).append(row)
        still = []
        for need in pending:
            loc_id = need.location.pk
            step = timedelta(minutes=need.location.slot_minutes)
            latest = windows[loc_id][1]
            starts: list[datetime] = []
            run: list[datetime] = []
            for slot_id, _loc, starts_at, capacity, booked in by_location.get(loc_id, []):
                if capacity - booked + adjust.get(slot_id, 0) <= 0:
                    run = []
                    continue
                if run and starts_at != run[-1] + step:
                    run = []
                run.append(starts_at)
                if len(run) >= need.units and run[-need.units] < latest:
                    starts.append(run[-need.units])
                    if len(starts) >= limit:
                        break
            found[loc_id] = starts
            if len(starts) < limit and horizon is not None:
                still.append(need)
        pending = still
    return found


def free_starts(need: Need, *, now: datetime | None = None, limit: int = 20,
                after: datetime | None = None, before: datetime | None = None) -> list[datetime]:
    """The earliest `limit` starts at one location where `need.units` consecutive slot
    rows each have a free place (expired holds count as free, held-back places not)."""
    now = now or timezone.now()
    adjust = capacity_adjustments(need.location, now)
    return _scan([need], now=now, limit=limit, after=after, before=before, adjust=adjust)[need.location.pk]


def earliest_by_location(*, locations, services: list[tuple[int, int]], now: datetime | None = None,
                         per_location: int = 1) -> list[tuple[Location, list[datetime]]]:
    """For each location that offers all services: its earliest free starts, sorted by
    the earliest start across all locations (locations without a free start last)."""
    now = now or timezone.now()
    offers: dict[int, dict[int, LocationService]] = {}
    by_id: dict[int, Location] = {}
    # The locations come with their offers, in one query (`locations` may be a queryset).
    for offer in LocationService.objects.filter(location__in=locations, service_id__in=[s for s, _ in services]
                                                ).select_related("location"):
        offers.setdefault(offer.location_id, {})[offer.service_id] = offer
        by_id[offer.location_id] = offer.location
    locations = list(by_id.values())
    needs = []
    for location in locations:
        minutes = 0
        if len({service_id for service_id, _ in services}) != len(services):
            return []
        for service_id, persons in services:
            offer = offers.get(location.pk, {}).get(service_id)
            if offer is None or persons < 1 or persons > offer.max_persons:
                minutes = 0
                break
            minutes += offer.duration_minutes * persons
        if minutes:
            needs.append(Need(location, minutes))
    if not needs:
        return []
    adjust = capacity_adjustments([n.location for n in needs], now)
    found = _scan(needs, now=now, limit=per_location, after=None, before=None, adjust=adjust)
    result = [(need.location, found[need.location.pk]) for need in needs]
    far_future = now + timedelta(days=3650)
    result.sort(key=lambda item: (item[1][0] if item[1] else far_future, item[0].name_de))
    return result


def bookable_services():
    """Active catalogue services offered at at least one active location."""
    from digitalstadt.catalog.selectors import active_services

    return active_services().filter(
        pk__in=LocationService.objects.filter(location__is_active=True).values("service_id"))


def max_persons_by_service() -> dict[int, int]:
    """Per service id: the most persons any active location accepts in one appointment."""
    from django.db.models import Max

    return dict(LocationService.objects.filter(location__is_active=True).values("service_id")
                .annotate(m=Max("max_persons")).values_list("service_id", "m"))


def upcoming_bookings_for_user(*, user, now: datetime | None = None):
    from .models import ACTIVE_FOR_PERSON, Booking

    now = now or timezone.now()
    return (Booking.objects.filter(user=user, status__in=ACTIVE_FOR_PERSON, starts_at__gt=now)
            .select_related("location").prefetch_related("booked_services__service").order_by("starts_at"))

