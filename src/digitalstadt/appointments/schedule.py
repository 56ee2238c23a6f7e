"""Slot generation from opening hours, closures and Hessian public holidays (DST-safe).

Slot starts are built as local wall-clock times in Europe/Berlin and converted to
aware datetimes, so a 08:00 opening is 08:00 in summer and winter; on the night of the
clock change no opening hours exist, so no ambiguous time is ever produced.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from .models import Closure, DateRule, HoursKind, Location, OpeningHours, Slot

HOLIDAY_COUNTRY = "DE"
HOLIDAY_SUBDIV = "HE"


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def public_holidays(years) -> holidays.HolidayBase:
    return holidays.country_holidays(HOLIDAY_COUNTRY, subdiv=HOLIDAY_SUBDIV, years=sorted(set(years)))


def capacity_by_start(location: Location, day: date, *, hours: list[OpeningHours], closed: bool,
                      rules: list[DateRule] = ()) -> dict[datetime, int]:
    """Slot start -> number of counters open for appointments on one day. Date rules
    that cover the day REPLACE the weekly hours of that day (a rule "1 Schalter" on a
    day with 2 means 1, not 3); a rule with 0 counters closes the day."""
    if closed:
        return {}
    tz = local_tz()
    step = timedelta(minutes=location.slot_minutes)
    result: dict[datetime, int] = {}
    todays_rules = [r for r in rules if r.covers(day)]
    if todays_rules:
        stretches = [(r.opens, r.closes, r.counters) for r in todays_rules if r.counters and r.opens and r.closes]
    else:
        stretches = [(h.opens, h.closes, h.counters) for h in hours
                     if h.weekday == day.weekday() and h.kind == HoursKind.APPOINTMENTS
                     and h.valid_from <= day and (h.valid_until is None or h.valid_until >= day)]
    for opens, closes, counters in stretches:
        current = datetime.combine(day, opens)
        end = datetime.combine(day, closes)
        while current + step <= end:
            aware = current.replace(tzinfo=tz)
            result[aware] = result.get(aware, 0) + counters
            current += step
    return result


def generate_slots(*, location: Location, start: date, end: date, actor: Any = None) -> dict[str, int]:
    """Create or adjust slot rows for [start, end]. Capacity never drops below what is
    already booked: such slots are reported so that staff can notify the citizens.
    A run that changes slots writes one audit entry with the counts (not one per slot)."""
    hours = list(OpeningHours.objects.filter(location=location, kind=HoursKind.APPOINTMENTS))
    closures = list(Closure.objects.filter(location=location, starts_on__lte=end, ends_on__gte=start))
    rules = list(DateRule.objects.filter(location=location, starts_on__lte=end, ends_on__gte=start))
    feiertage = public_holidays(range(start.year, end.year + 1))
    wanted: dict[datetime, int] = {}
    day = start
    while day <= end:
        closed = day in feiertage or any(c.starts_on <= day <= c.ends_on for c in closures)
        wanted.update(capacity_by_start(location, day, hours=hours, closed=closed, rules=rules))
        day += timedelta(days=1)
    tz = local_tz()
    range_start = datetime.combine(start, time.min).replace(tzinfo=tz)
    range_end = datetime.combine(end + timedelta(days=1), time.min).replace(tzinfo=tz)
    created = updated = conflicts = removed = 0
    with transaction.atomic():
        existing = {s.starts_at: s for s in lock_rows(Slot.objects.filter(
            location=location, starts_at__gte=range_start, starts_at__lt=range_end), "starts_at")}
        new_rows = []
        for starts_at, capacity in wanted.items():
            slot = existing.pop(starts_at, None)
            if slot is None:
                new_rows.append(Slot(location=location, starts_at=starts_at, capacity=capacity))
            elif slot.capacity != capacity:
                slot.capacity = max(capacity, slot.booked)
                conflicts += slot.booked > capacity
                slot.save(update_fields=["capacity"])
                updated += 1
        Slot.objects.bulk_create(new_rows, batch_size=1000)
        created = len(new_rows)
        # Slots no longer in the opening hours: remove free ones, keep booked ones (capacity = booked).
        for slot in existing.values():
            if slot.booked == 0:
                slot.delete()
                removed += 1
            else:
                conflicts += 1
                if slot.capacity != slot.booked:
                    slot.capacity = slot.booked
                    slot.save(update_fields=["capacity"])
        if created or updated or removed or conflicts:
            audit_log(actor=actor, system="slots", action="appointments.slots_generated", subject=location,
                      data={"start": start.isoformat(), "end": end.isoformat(), "created": created,
                            "updated": updated, "removed": removed, "conflicts": conflicts})
    return {"created": created, "updated": updated, "conflicts": conflicts}


def ensure_slots(*, location: Location, today: date | None = None, actor: Any = None) -> dict[str, int]:
    from django.utils import timezone

    today = today or timezone.localdate()
    return generate_slots(location=location, start=today, end=today + timedelta(days=location.booking_window_days),
                          actor=actor)


def active_locations():
    return Location.objects.filter(is_active=True).filter(~Q(opening_hours=None)).distinct()
