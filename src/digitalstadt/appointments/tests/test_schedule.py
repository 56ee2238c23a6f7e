from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from digitalstadt.appointments.models import Booking, Closure, OpeningHours, Slot
from digitalstadt.appointments.schedule import generate_slots

from .factories import make_location

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def local_times(location, day):
    return sorted(s.starts_at.astimezone(BERLIN).time() for s in Slot.objects.filter(location=location)
                  if s.starts_at.astimezone(BERLIN).date() == day)


def test_slots_follow_wall_clock_time_across_the_dst_change():
    location = make_location(weekdays=range(0, 7))
    # 2026-03-29 is the spring-forward Sunday, 2026-10-25 the fall-back Sunday.
    generate_slots(location=location, start=date(2026, 3, 27), end=date(2026, 3, 31))
    generate_slots(location=location, start=date(2026, 10, 23), end=date(2026, 10, 27))
    for day in [date(2026, 3, 27), date(2026, 3, 30), date(2026, 10, 23), date(2026, 10, 26)]:
        times = local_times(location, day)
        assert times[0] == time(8, 0) and times[-1] == time(11, 50) and len(times) == 24, day
    before = Slot.objects.get(location=location, starts_at=datetime(2026, 3, 27, 8, 0, tzinfo=BERLIN))
    after = Slot.objects.get(location=location, starts_at=datetime(2026, 3, 30, 8, 0, tzinfo=BERLIN))
    assert before.starts_at.astimezone(ZoneInfo("UTC")).hour == 7  # 08:00 CET
    assert after.starts_at.astimezone(ZoneInfo("UTC")).hour == 6  # 08:00 CEST


def test_hessian_holidays_and_closures_have_no_slots():
    location = make_location()
    Closure.objects.create(location=location, starts_on=date(2026, 12, 28), ends_on=date(2026, 12, 30),
                           reason_de="Betriebsferien")
    generate_slots(location=location, start=date(2026, 6, 1), end=date(2026, 6, 5))
    generate_slots(location=location, start=date(2026, 12, 28), end=date(2026, 12, 31))
    assert local_times(location, date(2026, 6, 4)) == []  # Fronleichnam, a holiday in Hesse
    assert len(local_times(location, date(2026, 6, 3))) == 24
    assert local_times(location, date(2026, 12, 29)) == []
    assert len(local_times(location, date(2026, 12, 31))) == 24


def test_regeneration_is_idempotent_and_never_drops_booked_capacity():
    location = make_location()
    first = generate_slots(location=location, start=date(2026, 6, 1), end=date(2026, 6, 1))
    again = generate_slots(location=location, start=date(2026, 6, 1), end=date(2026, 6, 1))
    assert first["created"] == 24 and again == {"created": 0, "updated": 0, "conflicts": 0}
    slot = Slot.objects.get(location=location, starts_at=datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN))
    Slot.objects.filter(pk=slot.pk).update(booked=2)
    OpeningHours.objects.filter(location=location).update(closes=time(9))
    result = generate_slots(location=location, start=date(2026, 6, 1), end=date(2026, 6, 1))
    assert result["conflicts"] == 1
    slot.refresh_from_db()
    assert slot.capacity == 2 and slot.booked == 2
    assert not Booking.objects.exists()
