"""Benchmark: the parking-enforcement check (plate and zone -> session, voucher, permit,
revoked or none) with 100,000 street-parking sessions and 20,000 resident permits, the
audit entry included (target: p95 <= 50 ms).

    .venv/bin/python bench/parking_enforcement.py sqlite
    .venv/bin/python bench/parking_enforcement.py postgres
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta

from _setup import django_setup, drop_postgres, percentile

SESSIONS, PERMITS, CHECKS, WARMUP = 100_000, 20_000, 1000, 50
DISTRICTS = ["DA", "B", "BA", "F", "OF", "HD", "M", "GG", "DI", "ERB", "MZ", "WI", "HP", "AB"]
LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXYZ"


def plate(rng: random.Random) -> str:
    letters = "".join(rng.choice(LETTERS) for _ in range(rng.choice((1, 2))))
    return f"{rng.choice(DISTRICTS)}-{letters} {rng.randint(1, 9999)}"


def build(rng: random.Random):
    from django.utils import timezone

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
    from digitalstadt.parking.models import ParkingSession, ResidentPermit, StreetZone
    from digitalstadt.parking.plates import normalise_plate
    from digitalstadt.parking.street_demo import seed
    from digitalstadt.register.demo import ZONES
    from digitalstadt.register.models import ParkingZone

    for code, name_de, name_en, valid_from, is_demo in ZONES:
        ParkingZone.objects.get_or_create(code=code, defaults={"name_de": name_de, "name_en": name_en})
    seed()
    zones = list(StreetZone.objects.all())
    resident_zones = list(ParkingZone.objects.all())
    users = User.objects.bulk_create([User(email=f"d{i}@example.org", password="!")
                                      for i in range(2000)])
    officer = User.objects.create_user("pit@stadt.example", "Sicher-genug-2026")
    StaffRole.objects.create(user=officer, role=StaffRoleKind.PARKING_ENFORCEMENT)
    now = timezone.now()
    plates = [plate(rng) for _ in range(SESSIONS)]
    rows = []
    for i, p in enumerate(plates):
        # spread over the last 60 days; about 2 % still running now
        start = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        running = rng.random() < 0.02
        start = now - timedelta(minutes=rng.randint(1, 90)) if running else start
        end = start + timedelta(minutes=rng.choice((15, 30, 60, 120)))
        rows.append(ParkingSession(user=users[i % len(users)], zone=rng.choice(zones), plate=p,
                                   plate_normalised=normalise_plate(p), started_at=start, ends_at=end,
                                   status="active" if end > now else "stopped", start_token=f"b{i}",
                                   amount_cents=100))
    ParkingSession.objects.bulk_create(rows, batch_size=5000)
    permit_plates = [plate(rng) for _ in range(PERMITS)]
    today = timezone.localdate()
    ResidentPermit.objects.bulk_create([
        ResidentPermit(number=f"BPA-{i}", holder=users[i % len(users)], zone=rng.choice(resident_zones), plate=p,
                       plate_normalised=normalise_plate(p), valid_from=today - timedelta(days=rng.randint(0, 300)),
                       valid_until=today + timedelta(days=rng.randint(1, 300)),
                       revoked_at=now if rng.random() < 0.05 else None)
        for i, p in enumerate(permit_plates)], batch_size=5000)
    print(f"data: {ParkingSession.objects.count()} sessions, {ResidentPermit.objects.count()} permits, "
          f"{len(zones)} street zones")
    running = list(ParkingSession.objects.filter(ends_at__gt=now).values_list("plate", "zone__code"))
    return officer, running, plates, permit_plates, [z.code for z in zones]


def main() -> None:
    database = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    django_setup(database=database)
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from digitalstadt.parking.street_services import enforcement_check_audited

        rng = random.Random(14)
        officer, running, plates, permit_plates, zone_codes = build(rng)
        if connection.vendor == "postgresql":
            # as autovacuum would after a load this size: the planner needs the statistics
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from digitalstadt.parking.models import ParkingSession

        print("plan:", ParkingSession.objects.filter(plate_normalised="DA-AB123", ends_at__gt="2026-12-01T09:30:00+01:00")
              .explain().splitlines()[0])
        # what an officer meets on a round: cars with a running session (asked with their
        # zone), cars of residents, cars that parked earlier, and unknown ones
        asks = []
        for _ in range(WARMUP + CHECKS):
            kind = rng.random()
            if kind < 0.35:
                asks.append(rng.choice(running))
            else:
                p = rng.choice(permit_plates) if kind < 0.6 else rng.choice(plates) if kind < 0.8 else plate(rng)
                asks.append((p, rng.choice(zone_codes + [""])))
        timings, results = [], {}
        with CaptureQueriesContext(connection) as queries:
            enforcement_check_audited(plate=running[0][0], zone_code=running[0][1], actor=officer, via="bench")
        print(f"queries for a check with a session (incl. the audit entry): {len(queries.captured_queries)}")
        for i, (p, zone) in enumerate(asks):
            t0 = time.perf_counter()
            answer = enforcement_check_audited(plate=p, zone_code=zone, actor=officer, via="bench")
            elapsed = (time.perf_counter() - t0) * 1000
            if i >= WARMUP:
                timings.append(elapsed)
                results[answer.result] = results.get(answer.result, 0) + 1
        print(f"answers: {results}")
        print(f"{database}: {CHECKS} checks  p50 {statistics.median(timings):.1f} ms  "
              f"p95 {percentile(timings, 95):.1f} ms  p99 {percentile(timings, 99):.1f} ms  max {max(timings):.1f} ms  "
              f"goal p95 <= 50 ms: {'met' if percentile(timings, 95) <= 50 else 'NOT met'}")
        # the reads alone (without the audit entry's write), same asks
        from django.utils import timezone

        from digitalstadt.parking.street_selectors import enforcement_check, zone_by_code

        reads = []
        for p, zone in asks[WARMUP:]:
            t0 = time.perf_counter()
            enforcement_check(plate=p, zone=zone_by_code(zone) if zone else None, now=timezone.now())
            reads.append((time.perf_counter() - t0) * 1000)
        print(f"{database}: the reads alone  p50 {statistics.median(reads):.1f} ms  p95 {percentile(reads, 95):.1f} ms")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW synchronous_commit")
                print("synchronous_commit:", cursor.fetchone()[0])
    finally:
        drop_postgres()


if __name__ == "__main__":
    main()
