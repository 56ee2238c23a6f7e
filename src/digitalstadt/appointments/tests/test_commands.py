from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from digitalstadt.appointments.models import Booking, BookingStatus, Slot

from .factories import make_location

# Date-sensitive: run at every named instant of the test clock.
pytestmark = [pytest.mark.django_db, pytest.mark.instants()]


def test_periodic_commands_generate_slots_release_holds_and_mark_no_shows():
    location = make_location(booking_window_days=14)
    call_command("generate_slots", stdout=StringIO())
    assert Slot.objects.filter(location=location).exists()
    now = timezone.now()
    expired = Booking.objects.create(code="EXPD2345", location=location, starts_at=now + timedelta(days=1),
                                     ends_at=now + timedelta(days=1, minutes=10), status=BookingStatus.HELD,
                                     expires_at=now - timedelta(minutes=1))
    gone = Booking.objects.create(code="GONE2345", location=location, starts_at=now - timedelta(hours=5),
                                  ends_at=now - timedelta(hours=4), status=BookingStatus.CONFIRMED)
    out = StringIO()
    call_command("release_expired_bookings", stdout=out)
    call_command("mark_no_shows", stdout=out)
    expired.refresh_from_db()
    gone.refresh_from_db()
    assert expired.status == BookingStatus.EXPIRED and gone.status == BookingStatus.NO_SHOW
    assert "released: 1" in out.getvalue() and "no-shows: 1" in out.getvalue()
