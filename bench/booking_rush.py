"""Benchmark: booking rush. 500 clients race for 100 slots over HTTP against a
multi-process server (gunicorn) on PostgreSQL. Every client solves the proof-of-work.

Reports reservations/s and p50/p99 latency, proves 100 bookings, 0 double bookings and
0 lost confirmations, and compares throughput with a trivial Django view on the same
server in the same run (ratio; the machine is shared, absolute numbers vary).

    .venv/bin/python bench/booking_rush.py            # PostgreSQL (needed for the multi-process server)
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time as dtime, timedelta

from _setup import ROOT, django_setup, drop_postgres, percentile

CLIENTS, SLOTS, CONCURRENCY, WORKERS = 500, 100, 32, 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build():
    from django.utils import timezone

    from digitalstadt.accounts.models import Organisation, OrganisationKind
    from digitalstadt.appointments.models import Counter, HoursKind, Location, LocationService, OpeningHours, Slot
    from digitalstadt.appointments.schedule import generate_slots
    from digitalstadt.catalog.models import Service

    office = Organisation.objects.create(name="Amt", slug="amt", kind=OrganisationKind.OFFICE)
    service = Service.objects.create(slug="ausweis", name_de="Personalausweis")
    location = Location.objects.create(office=office, slug="rush", name_de="Bürgerbüro Rush", street="x",
                                       postal_code="64283", min_notice_minutes=0, max_active_per_email=1)
    Counter.objects.create(location=location, name="S1")
    for weekday in range(7):
        OpeningHours.objects.create(location=location, kind=HoursKind.APPOINTMENTS, weekday=weekday, opens=dtime(8),
                                    closes=dtime(18), counters=1, valid_from=date(2024, 1, 1))
    LocationService.objects.create(location=location, service=service, duration_minutes=10)
    tomorrow = timezone.localdate() + timedelta(days=1)
    generate_slots(location=location, start=tomorrow, end=tomorrow + timedelta(days=2))
    keep = list(Slot.objects.filter(location=location).order_by("starts_at").values_list("id", flat=True)[:SLOTS])
    Slot.objects.filter(location=location).exclude(id__in=keep).delete()
    return location, service


REQUESTS = {"count": 0}
COUNT_LOCK = threading.Lock()


def http(method, url, body=None, headers=None, timeout=30):
    with COUNT_LOCK:
        REQUESTS["count"] += 1
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def main() -> None:
    django_setup(database="postgres")
    server = None
    try:
        from digitalstadt.core.pow import solve_for_tests

        location, service = build()
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.bench", "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "digitalstadt.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if http("GET", f"{base}/bench/trivial", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        api = f"{base}/api/v1/appointments"
        lock = threading.Lock()
        latencies, outcomes, won = [], {}, []

        def client(i: int) -> None:
            rng = random.Random(i)
            headers = {"X-Bench-Client": f"c{i}"}
            for _attempt in range(6):
                status, body = http("GET", f"{api}/slots?service={service.slug}&location={location.slug}&limit=50",
                                    headers=headers)
                starts = json.loads(body)[0]["starts"] if status == 200 and json.loads(body) else []
                if not starts:
                    with lock:
                        outcomes["sold_out"] = outcomes.get("sold_out", 0) + 1
                    return
                challenge = json.loads(http("GET", f"{api}/challenge", headers=headers)[1])
                payload = {"location": location.slug, "services": [{"service": service.slug, "persons": 1}],
                           "starts_at": rng.choice(starts), "altcha": solve_for_tests(challenge)}
                t0 = time.perf_counter()
                status, body = http("POST", f"{api}/reservations", payload,
                                    headers={**headers, "Idempotency-Key": f"c{i}-{_attempt}"})
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed * 1000)
                    outcomes[status] = outcomes.get(status, 0) + 1
                if status == 201:
                    held = json.loads(body)
                    status, _b = http("POST", f"{api}/reservations/{held['code']}/details",
                                      {"hold_token": held["hold_token"], "name": f"Client {i}",
                                       "email": f"client{i}@bench.example"}, headers=headers)
                    with lock:
                        won.append((held["code"], f"client{i}@bench.example", status))
                    return

        REQUESTS["count"] = 0
        t_start = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(client, range(CLIENTS)))
        rush_seconds = time.perf_counter() - t_start
        rush_requests = REQUESTS["count"]

        # Confirm every booking with the token that only the e-mail carries (the outbox).
        from digitalstadt.mailbox.models import OutboundEmail

        confirmations = 0
        for code, email, _status in won:
            mail = OutboundEmail.objects.get(to=email, purpose="appointments:confirm_request")
            token = next(line for line in mail.body_text.splitlines() if "?t=" in line).split("?t=")[1].strip()
            status, _b = http("POST", f"{api}/bookings/{code}/confirm", {"token": token})
            confirmations += status == 200

        # Baseline: the trivial view, same server, same concurrency, as many requests as the rush made.
        requests = len(latencies)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = list(pool.map(lambda _i: http("GET", f"{base}/bench/trivial")[0], range(rush_requests)))
        trivial_seconds = time.perf_counter() - t0
        assert all(s == 200 for s in statuses)

        from django.db.models import Count, F

        from digitalstadt.appointments.models import Booking, BookingSlot, BookingStatus, Slot

        confirmed = Booking.objects.filter(location=location, status=BookingStatus.CONFIRMED).count()
        over = Slot.objects.filter(location=location, booked__gt=F("capacity")).count()
        doubles = (BookingSlot.objects.filter(slot__location=location, booking__status=BookingStatus.CONFIRMED)
                   .values("slot_id").annotate(n=Count("id")).filter(n__gt=1).count())
        full = Slot.objects.filter(location=location, booked=F("capacity")).count()
        reserve_rps = requests / rush_seconds
        rush_rps = rush_requests / rush_seconds
        trivial_rps = rush_requests / trivial_seconds
        print(f"booking rush: {CLIENTS} clients (concurrency {CONCURRENCY}) for {SLOTS} slots, gunicorn -w {WORKERS}, PostgreSQL")
        print(f"  reservation requests: {requests} in {rush_seconds:.1f} s ({reserve_rps:.0f}/s), outcomes {outcomes}")
        print(f"  successful bookings/s over the rush: {len(won) / rush_seconds:.1f}")
        print(f"  reserve latency p50 {percentile(latencies, 50):.0f} ms  p99 {percentile(latencies, 99):.0f} ms")
        print(f"  all rush requests (list slots, challenge, reserve, details): {rush_requests} ({rush_rps:.0f}/s)")
        print(f"  trivial view: {trivial_rps:.0f} req/s  -> rush/trivial throughput ratio {rush_rps / trivial_rps:.2f}")
        print(f"  bookings confirmed {confirmed} (expected {SLOTS}), slots full {full}/{SLOTS}, "
              f"double bookings {doubles}, slots over capacity {over}, "
              f"lost confirmations {len(won) - confirmations}")
        assert confirmed == SLOTS and doubles == 0 and over == 0 and confirmations == len(won) == SLOTS
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        drop_postgres()


if __name__ == "__main__":
    sys.exit(main())
