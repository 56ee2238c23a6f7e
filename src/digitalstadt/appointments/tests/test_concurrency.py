"""No double booking, ever: concurrent clients race for the same slot over HTTP
against a live server on PostgreSQL. The negative control switches the lock off and
widens the race window; then the check constraint has to reject the overbooking."""

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from digitalstadt.appointments.models import Booking, Slot
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.core.locking import negative_control
from digitalstadt.core.pow import solve_for_tests
from digitalstadt.testing.races import meeting_point

from .factories import make_location, make_service, offer

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 12


def _post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _race(base_url, location, service, starts_at):
    challenges = []
    for _ in range(CLIENTS):
        with urllib.request.urlopen(f"{base_url}/api/v1/appointments/challenge", timeout=10) as r:
            challenges.append(solve_for_tests(json.loads(r.read())))
    barrier = threading.Barrier(CLIENTS)
    results = [None] * CLIENTS

    def client(i):
        barrier.wait()
        results[i] = _post(f"{base_url}/api/v1/appointments/reservations", {
            "location": location.slug, "services": [{"service": service.slug, "persons": 1}],
            "starts_at": starts_at.isoformat(), "altcha": challenges[i]})

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def contested(settings):
    settings.RESERVE_RATE_LIMIT = (1000, 600)
    settings.ALTCHA_MAX_NUMBER = 2000
    cache.clear()
    location = make_location(counters=3)
    service = make_service()
    offer(location, service, minutes=10)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=7))
    starts_at = free_starts(need_at(location, [(service.pk, 1)]), limit=1)[0]
    return location, service, starts_at


def test_parallel_clients_book_exactly_the_capacity(live_server, contested):
    location, service, starts_at = contested
    results = _race(live_server.url, location, service, starts_at)
    assert sorted(results).count(201) == 3, results
    assert sorted(results).count(409) == CLIENTS - 3, results
    slot = Slot.objects.get(location=location, starts_at=starts_at)
    assert slot.booked == 3 == slot.capacity
    assert Booking.objects.filter(location=location, starts_at=starts_at).count() == 3


def test_negative_control_without_the_lock_the_constraint_rejects(live_server, contested):
    location, service, starts_at = contested
    # Without the slot locks every client passes the availability check before any writes.
    with negative_control(unlock=["appointments.Slot", "appointments.Booking"],
                          windows={"appointments.slot_taken": meeting_point(CLIENTS)}):
        results = _race(live_server.url, location, service, starts_at)
    # Without the lock more than three requests pass the availability check; the
    # increments beyond capacity violate `booked <= capacity` and fail (500).
    print("negative control results:", sorted(results))
    assert results.count(500) >= 1, results
    assert results.count(201) <= 3, results
    slot = Slot.objects.get(location=location, starts_at=starts_at)
    assert slot.booked <= slot.capacity
    assert Booking.objects.filter(location=location, starts_at=starts_at).count() == slot.booked


def _cancel_holding_the_lock_while(other_client, location, starts_at):
    """The canceller: holds the slot locks, gives the place back with a hold-back (as a
    cancellation does) and commits only once the other client is waiting for the lock."""
    import time as _time

    from django.db import connection, transaction

    from digitalstadt.appointments.models import SlotHoldback
    from digitalstadt.core.locking import lock_rows

    with transaction.atomic():
        slots = lock_rows(Slot.objects.filter(location=location, starts_at__gte=starts_at,
                                              starts_at__lt=starts_at + timedelta(minutes=20)))
        Slot.objects.filter(id__in=[s.id for s in slots]).update(booked=0)
        SlotHoldback.objects.bulk_create([SlotHoldback(slot_id=s.id, public_from=timezone.now() + timedelta(hours=2))
                                          for s in slots])
        other_client.start()
        deadline = _time.monotonic() + 20
        with connection.cursor() as cursor:  # wait until the client blocks on our lock
            while _time.monotonic() < deadline:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view inside this transaction
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()")
                if cursor.fetchone()[0]:
                    break
                _time.sleep(0.02)
            else:
                raise AssertionError("the other client never waited for the slot lock")
    other_client.join(30)


def _booking_client(location, service, starts_at, outcome):
    from django.core.exceptions import ValidationError
    from django.db import connection

    from digitalstadt.appointments.services import booking_hold

    def run():
        try:
            booking_hold(location=location, services=[(service.pk, 1)], starts_at=starts_at)
            outcome.append("booked")
        except ValidationError:
            outcome.append("refused")
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_a_place_held_back_while_a_booking_waited_for_the_lock_stays_held_back():
    """A cancellation frees a place and holds it back for the waiting list; a booking that
    was waiting for the slot lock meanwhile must not take it (its lock statement's
    snapshot predates the hold-back; the guarded increment sees it)."""
    from .factories import confirmed_booking_ahead

    location, service, booking = confirmed_booking_ahead(days_ahead=2, email="first@example.org")
    outcome = []
    _cancel_holding_the_lock_while(_booking_client(location, service, booking.starts_at, outcome), location,
                                   booking.starts_at)
    assert outcome == ["refused"]
    assert Booking.objects.filter(location=location).count() == 1


def test_negative_control_an_unguarded_increment_takes_the_held_back_place(monkeypatch):
    from django.db.models import F

    from digitalstadt.appointments import services

    from .factories import confirmed_booking_ahead

    monkeypatch.setattr(services, "_increment", lambda slot_ids, **kw: Slot.objects.filter(id__in=slot_ids).update(
        booked=F("booked") + 1))
    location, service, booking = confirmed_booking_ahead(days_ahead=2, email="first@example.org")
    outcome = []
    _cancel_holding_the_lock_while(_booking_client(location, service, booking.starts_at, outcome), location,
                                   booking.starts_at)
    assert outcome == ["booked"]  # the race: the held-back place went to the public
