from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digitalstadt.appointments.models import Booking, BookingStatus, Counter, Ticket, TicketStatus
from digitalstadt.appointments.queue import (
    estimated_wait_minutes,
    mark_no_shows,
    queue_position,
    ticket_call_next,
    ticket_check_in,
    ticket_mark_missed,
    ticket_mark_served,
    ticket_recall,
    ticket_walk_in,
)

from .factories import make_location, make_service

pytestmark = pytest.mark.django_db


def confirmed_booking(location, starts_in_minutes, code):
    start = timezone.now() + timedelta(minutes=starts_in_minutes)
    return Booking.objects.create(code=code, location=location, starts_at=start, ends_at=start + timedelta(minutes=20),
                                  status=BookingStatus.CONFIRMED, email=f"{code}@example.org", name=code)


@pytest.fixture
def location(clock):
    # The counter works during the day: appointments in the next hours are today's.
    clock.set_time_of_day(9, 30)
    return make_location(counters=2)


def test_due_appointments_first_then_walk_ins_in_order_then_early_appointments(location):
    counter = Counter.objects.filter(location=location).first()
    walk_1 = ticket_walk_in(location=location, service=make_service())
    walk_2 = ticket_walk_in(location=location)
    due = ticket_check_in(booking=confirmed_booking(location, 2, "DUE00001"), actor=None)
    early = ticket_check_in(booking=confirmed_booking(location, 90, "EARLY001"), actor=None)
    assert (walk_1.number, walk_2.number, due.number, early.number) == ("W001", "W002", "T001", "T002")
    assert queue_position(due) == 0 and queue_position(walk_1) == 1 and queue_position(early) == 3
    order = [ticket_call_next(location=location, counter=counter, actor=None) for _ in range(4)]
    assert [t.pk for t in order] == [due.pk, walk_1.pk, walk_2.pk, early.pk]
    assert ticket_call_next(location=location, counter=counter, actor=None) is None
    assert Booking.objects.get(code="DUE00001").status == BookingStatus.CHECKED_IN


def test_only_todays_confirmed_bookings_can_check_in(location):
    pending = confirmed_booking(location, 30, "PEND0001")
    Booking.objects.filter(pk=pending.pk).update(status=BookingStatus.PENDING)
    with pytest.raises(ValidationError):
        ticket_check_in(booking=pending, actor=None)
    tomorrow = confirmed_booking(location, 60 * 24 + 5, "TOMO0001")
    with pytest.raises(ValidationError, match="nicht heute"):
        ticket_check_in(booking=tomorrow, actor=None)
    assert not Ticket.objects.exists()


def test_missed_only_after_three_calls_and_the_booking_counts_as_no_show(location):
    counter = Counter.objects.filter(location=location).first()
    ticket = ticket_check_in(booking=confirmed_booking(location, 0, "MISS0001"), actor=None)
    ticket = ticket_call_next(location=location, counter=counter, actor=None)
    with pytest.raises(ValidationError):
        ticket_mark_missed(ticket=ticket, actor=None)
    ticket_recall(ticket=ticket, actor=None)
    ticket = ticket_recall(ticket=ticket, actor=None)
    assert ticket.call_count == 3
    with pytest.raises(ValidationError):
        ticket_recall(ticket=ticket, actor=None)
    ticket = ticket_mark_missed(ticket=ticket, actor=None)
    assert ticket.status == TicketStatus.MISSED
    assert Booking.objects.get(code="MISS0001").status == BookingStatus.NO_SHOW


def test_served_and_waiting_estimate(location):
    counter = Counter.objects.filter(location=location).first()
    first = ticket_walk_in(location=location)
    second = ticket_walk_in(location=location)
    called = ticket_call_next(location=location, counter=counter, actor=None)
    Ticket.objects.filter(pk=called.pk).update(called_at=timezone.now() - timedelta(minutes=30))
    ticket_mark_served(ticket=called, actor=None)
    second.refresh_from_db()
    # One served ticket took 30 minutes; two counters; second is next (position 0).
    assert called.pk == first.pk and queue_position(second) == 0
    assert estimated_wait_minutes(second) == 15


def test_unattended_confirmed_bookings_become_no_shows(location):
    gone = confirmed_booking(location, -180, "GONE0001")
    soon = confirmed_booking(location, 30, "SOON0001")
    assert mark_no_shows() == 1
    gone.refresh_from_db()
    soon.refresh_from_db()
    assert gone.status == BookingStatus.NO_SHOW and soon.status == BookingStatus.CONFIRMED
