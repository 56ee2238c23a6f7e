"""Appointment writes without a person behind them are audited too: expired holds given
back (by the job and on the fly) and each slot generation run (counts, not slots)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from digitalstadt.appointments.models import Booking, BookingStatus, Slot
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.appointments.services import booking_hold, release_expired_bookings
from digitalstadt.core.models import AuditEntry

from .factories import make_location, make_service, offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    location = make_location(counters=1)
    service = make_service()
    offer(location, service, minutes=20)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=7))
    return location, service


def hold(location, service):
    start = free_starts(need_at(location, [(service.pk, 1)]), limit=1)[0]
    booking, _token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    return booking, start


def test_the_release_job_audits_each_expired_hold(setup):
    location, service = setup
    booking, _start = hold(location, service)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert release_expired_bookings() == 1

    [entry] = AuditEntry.objects.filter(action="booking.expired")
    assert entry.subject_type == "appointments.booking" and entry.subject_id == str(booking.pk)
    assert entry.actor is None and entry.actor_ref == "system:appointments"
    assert entry.data == {"from": BookingStatus.HELD}
    assert release_expired_bookings() == 0 and AuditEntry.objects.filter(action="booking.expired").count() == 1


def test_a_hold_released_on_the_fly_by_a_new_booking_is_audited(setup):
    location, service = setup
    booking, start = hold(location, service)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)  # takes the expired places

    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    [entry] = AuditEntry.objects.filter(action="booking.expired")
    assert entry.subject_id == str(booking.pk)


def test_a_slot_generation_run_writes_one_entry_with_counts(db):
    location = make_location(counters=1)  # 08:00-12:00 in 10-minute slots on weekdays (no holiday that week)

    result = generate_slots(location=location, start=date(2026, 6, 8), end=date(2026, 6, 12))

    [entry] = AuditEntry.objects.filter(action="appointments.slots_generated")
    assert result["created"] == 5 * 24 == Slot.objects.filter(location=location).count()
    assert entry.subject_type == "appointments.location" and entry.subject_id == str(location.pk)
    assert entry.actor_ref == "system:slots"
    assert entry.data == {"start": "2026-06-08", "end": "2026-06-12", "created": 120, "updated": 0,
                          "removed": 0, "conflicts": 0}

    # A run that changes nothing writes nothing; one that removes free slots says so.
    generate_slots(location=location, start=date(2026, 6, 8), end=date(2026, 6, 12))
    assert AuditEntry.objects.filter(action="appointments.slots_generated").count() == 1
    location.opening_hours.filter(weekday=4).delete()  # no more Fridays
    generate_slots(location=location, start=date(2026, 6, 8), end=date(2026, 6, 12))
    latest = AuditEntry.objects.filter(action="appointments.slots_generated").first()
    assert latest.data["removed"] == 24 and latest.data["created"] == 0


def test_slots_regenerated_after_a_settings_change_name_the_staff_member(db):
    from digitalstadt.accounts.models import User
    from digitalstadt.appointments.office_services import location_changed

    location = make_location(counters=1)
    admin_user = User.objects.create_user("standort@darmstadt.example", "Sicher-genug-2026")

    location_changed(location=location, actor=admin_user, what="oeffnungszeit_added")

    generated = AuditEntry.objects.get(action="appointments.slots_generated")
    changed = AuditEntry.objects.get(action="appointments.oeffnungszeit_added")
    assert generated.actor == admin_user and changed.actor == admin_user
    assert changed.data["created"] == generated.data["created"] > 0
