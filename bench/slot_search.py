"""Benchmark: earliest-free-slot search across 10 locations x 8 counters x 60 days
with 70 % of the capacity booked (target: p95 under 50 ms, SQLite and PostgreSQL).

    .venv/bin/python bench/slot_search.py sqlite [locations]
    .venv/bin/python bench/slot_search.py postgres [locations]   # default 10 locations
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, time as dtime, timedelta

from _setup import django_setup, drop_postgres, percentile

COUNTERS, DAYS, BOOKED_SHARE, SEARCHES = 8, 60, 0.70, 300
LOCATIONS = 10  # set per run: `slot_search.py postgres 20` doubles the locations


def build() -> tuple[list, list]:
    from django.db.models import F
    from django.utils import timezone

    from digitalstadt.accounts.models import Organisation, OrganisationKind
    from digitalstadt.appointments.models import Counter, HoursKind, Location, LocationService, OpeningHours, Slot
    from digitalstadt.appointments.schedule import generate_slots
    from digitalstadt.catalog.models import Service

    office = Organisation.objects.create(name="Amt", slug="amt", kind=OrganisationKind.OFFICE)
    services = [Service.objects.create(slug=f"s{i}", name_de=f"Leistung {i}") for i in range(4)]
    locations = []
    today = timezone.localdate()
    for i in range(LOCATIONS):
        loc = Location.objects.create(office=office, slug=f"loc{i}", name_de=f"Standort {i}", street="x",
                                      postal_code="64283", booking_window_days=DAYS, min_notice_minutes=0)
        Counter.objects.bulk_create([Counter(location=loc, name=f"S{c}") for c in range(COUNTERS)])
        for weekday in range(6):
            OpeningHours.objects.create(location=loc, kind=HoursKind.APPOINTMENTS, weekday=weekday, opens=dtime(7),
                                        closes=dtime(19), counters=COUNTERS, valid_from=date(2024, 1, 1))
        for j, service in enumerate(services):
            LocationService.objects.create(location=loc, service=service, duration_minutes=10 * (j + 1))
        generate_slots(location=loc, start=today, end=today + timedelta(days=DAYS))
        locations.append(loc)
    rng = random.Random(7)
    slot_ids = list(Slot.objects.values_list("id", flat=True))
    by_booked: dict[int, list[int]] = {}
    for slot_id in slot_ids:
        booked = sum(1 for _ in range(COUNTERS) if rng.random() < BOOKED_SHARE)
        by_booked.setdefault(booked, []).append(slot_id)
    for booked, ids in by_booked.items():
        for k in range(0, len(ids), 5000):
            Slot.objects.filter(id__in=ids[k:k + 5000]).update(booked=booked)
    total = Slot.objects.count()
    share = sum(b * len(ids) for b, ids in by_booked.items()) / (total * COUNTERS)
    print(f"data: {LOCATIONS} locations x {COUNTERS} counters x {DAYS} days = {total} slot rows, "
          f"{share:.0%} of capacity booked")
    del F
    return locations, services


def main(database: str) -> None:
    django_setup(database=database)
    try:
        from digitalstadt.appointments.selectors import earliest_by_location

        locations, services = build()
        rng = random.Random(11)
        timings = []
        for i in range(SEARCHES + 20):
            service = rng.choice(services)
            persons = rng.choice([1, 1, 1, 2])
            t0 = time.perf_counter()
            result = earliest_by_location(locations=locations, services=[(service.pk, persons)], per_location=3)
            elapsed = (time.perf_counter() - t0) * 1000
            assert result and result[0][1], "no free slot found"
            if i >= 20:  # warm-up excluded
                timings.append(elapsed)
        print(f"{database}: earliest free slot across {LOCATIONS} locations (3 starts each), {SEARCHES} searches")
        print(f"  p50 {percentile(timings, 50):.1f} ms   p95 {percentile(timings, 95):.1f} ms   "
              f"p99 {percentile(timings, 99):.1f} ms   max {max(timings):.1f} ms   mean {statistics.mean(timings):.1f} ms")
        print(f"  target p95 < 50 ms: {'met' if percentile(timings, 95) < 50 else 'NOT met'}")
    finally:
        drop_postgres()


if __name__ == "__main__":
    if len(sys.argv) > 2:
        LOCATIONS = int(sys.argv[2])
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
