"""Office admins change locations, services, counters, opening hours and closures.

Slots are regenerated after each change. A change never silently drops booked
appointments: bookings that no longer fit are listed, and staff decide to notify and
cancel them (the citizens get an explanation and a link to book again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from digitalstadt.core.audit import audit_log

from .models import Booking, BookingStatus, Closure, Location
from .schedule import capacity_by_start, ensure_slots, public_holidays


def affected_bookings(*, location: Location):
    """Upcoming bookings whose start no longer lies in the opening hours (closure,
    changed hours) or at a slot that is overbooked after capacity went down."""
    now = timezone.now()
    upcoming = Booking.objects.filter(location=location, starts_at__gt=now,
                                      status__in=[BookingStatus.CONFIRMED, BookingStatus.PENDING])
    hours = list(location.opening_hours.all())
    closures = list(Closure.objects.filter(location=location, ends_on__gte=timezone.localdate()))
    result = []
    cache: dict = {}
    feiertage = public_holidays(range(timezone.localdate().year, timezone.localdate().year + 2))
    for booking in upcoming.order_by("starts_at"):
        day = timezone.localdate(booking.starts_at)
        if day not in cache:
            closed = day in feiertage or any(c.starts_on <= day <= c.ends_on for c in closures)
            cache[day] = capacity_by_start(location, day, hours=hours, closed=closed)
        capacity = cache[day]
        step = timedelta(minutes=location.slot_minutes)
        t = booking.starts_at
        fits = True
        while t < booking.ends_at:
            if capacity.get(timezone.localtime(t)) is None:
                fits = False
                break
            t += step
        if not fits:
            result.append(booking)
    return result


def location_changed(*, location: Location, actor: Any, what: str) -> dict:
    result = ensure_slots(location=location, actor=actor)
    audit_log(actor=actor, action=f"appointments.{what}", subject=location, data=result)
    return result


def cancel_affected(*, location: Location, bookings: list[Booking], actor: Any, reason: str) -> int:
    from .notifications import send_cancelled_by_office
    from .services import booking_cancel

    count = 0
    for booking in bookings:
        with transaction.atomic():
            cancelled = booking_cancel(booking=booking, actor=None, notify=False)
            send_cancelled_by_office(booking=cancelled, reason=reason)
            audit_log(actor=actor, action="appointments.cancelled_by_office", subject=cancelled)
            count += 1
    ensure_slots(location=location, actor=actor)
    return count
