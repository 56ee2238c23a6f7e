from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from digitalstadt.appointments.models import Booking, BookingStatus, Slot, SlotHoldback
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import earliest_by_location, free_starts, need_at
from digitalstadt.appointments.services import (
    SlotUnavailable,
    booking_cancel,
    booking_confirm,
    booking_hold,
    booking_submit_details,
    release_expired_bookings,
)
from digitalstadt.mailbox.models import OutboundEmail

from .factories import make_location, make_service, offer

# Date-sensitive: run at every named instant of the test clock.
pytestmark = [pytest.mark.django_db, pytest.mark.instants()]


@pytest.fixture
def setup():
    location = make_location(counters=1, max_active_per_email=2)
    service = make_service()
    offer(location, service, minutes=20)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=14))
    return location, service


def first_start(location, service, persons=1):
    return free_starts(need_at(location, [(service.pk, persons)]), limit=1)[0]


def book(location, service, email="b@example.org", persons=1, start=None):
    start = start or first_start(location, service, persons)
    booking, hold_token = booking_hold(location=location, services=[(service.pk, persons)], starts_at=start)
    booking, token = booking_submit_details(booking=booking, hold_token=hold_token, name="Berta", email=email)
    return booking, token


def test_services_and_persons_add_up_to_the_duration(setup):
    location, service = setup
    other = make_service("reisepass", "Reisepass beantragen")
    offer(location, other, minutes=30)
    need = need_at(location, [(service.pk, 2), (other.pk, 1)])
    assert need.minutes == 70 and need.units == 7
    assert need_at(location, [(service.pk, 5)]) is None  # more persons than allowed


def test_held_places_are_taken_and_the_same_start_cannot_be_held_twice(setup):
    location, service = setup
    start = first_start(location, service)
    booking, _token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    assert booking.status == BookingStatus.HELD
    assert list(Slot.objects.filter(booking_slots__booking=booking).values_list("booked", flat=True)) == [1, 1]
    with pytest.raises(SlotUnavailable):
        booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    assert first_start(location, service) > start
    # Overlapping start 10 minutes later needs one of the taken slot rows as well.
    with pytest.raises(SlotUnavailable):
        booking_hold(location=location, services=[(service.pk, 1)], starts_at=start + timedelta(minutes=10))


def test_expired_holds_never_count_even_before_the_cleanup_job(setup):
    location, service = setup
    start = first_start(location, service)
    held, _token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    Booking.objects.filter(pk=held.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert first_start(location, service) == start  # search ignores the expired hold
    again, _token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    held.refresh_from_db()
    assert held.status == BookingStatus.EXPIRED and again.status == BookingStatus.HELD
    assert set(Slot.objects.filter(booking_slots__booking=again).values_list("booked", flat=True)) == {1}


def test_submit_confirm_and_cancel_send_mail_and_hold_back_the_freed_slot(setup):
    location, service = setup
    booking, token = book(location, service)
    assert booking.status == BookingStatus.PENDING and booking.manage_token_hash and token not in booking.manage_token_hash
    assert OutboundEmail.objects.filter(to="b@example.org", purpose="appointments:confirm_request").exists()
    booking = booking_confirm(booking=booking)
    assert booking.status == BookingStatus.CONFIRMED and booking.expires_at is None
    assert OutboundEmail.objects.filter(purpose="appointments:confirmed").count() == 1
    start = booking.starts_at
    booking_cancel(booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert set(Slot.objects.filter(location=location, starts_at__in=[start, start + timedelta(minutes=10)])
               .values_list("booked", flat=True)) == {0}
    assert SlotHoldback.objects.count() == 2
    # Held back: not offered to the public until public_from.
    assert first_start(location, service) != start
    with pytest.raises(SlotUnavailable):
        booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    SlotHoldback.objects.update(public_from=timezone.now() - timedelta(seconds=1))
    assert first_start(location, service) == start


def test_unconfirmed_bookings_expire_and_the_job_tidies_up(setup):
    location, service = setup
    booking, _token = book(location, service)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SlotUnavailable):
        booking_confirm(booking=booking)
    assert release_expired_bookings() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert not Slot.objects.filter(location=location, booked__gt=0).exists()


def test_limit_of_active_appointments_per_email(setup):
    location, service = setup
    book(location, service, email="viel@example.org")
    book(location, service, email="VIEL@example.org")
    third, hold_token = booking_hold(location=location, services=[(service.pk, 1)],
                                     starts_at=first_start(location, service))
    with pytest.raises(PermissionDenied):
        booking_submit_details(booking=third, hold_token="wrong", name="Viel", email="other@example.org")
    with pytest.raises(ValidationError, match="bereits 2 offene Termine"):
        booking_submit_details(booking=third, hold_token=hold_token, name="Viel", email="viel@example.org")
    third.refresh_from_db()
    assert third.status == BookingStatus.HELD and third.email == ""


def test_earliest_across_locations_sorts_by_first_free_start(setup):
    location, service = setup
    later = make_location(slug="arheilgen", counters=1, hours=((time(11), time(12)),))
    offer(later, service, minutes=20)
    today = timezone.localdate()
    # Later at any hour: it opens in three days only, and later in the day.
    generate_slots(location=later, start=today + timedelta(days=3), end=today + timedelta(days=14))
    result = earliest_by_location(locations=[later, location], services=[(service.pk, 1)])
    assert [loc.slug for loc, _starts in result] == ["buergerbuero", "arheilgen"]
    assert result[0][1][0] <= result[1][1][0]


def test_confirming_schedules_the_day_before_reminder_which_is_sent_once(setup):
    from django_tasks_db.models import DBTaskResult

    from digitalstadt.appointments.notifications import reminder_time, send_reminder_if_due

    location, service = setup
    start = free_starts(need_at(location, [(service.pk, 1)]), limit=1,
                        after=timezone.now() + timedelta(days=2))[0]
    booking, _token = book(location, service, start=start)
    booking_confirm(booking=booking)
    task = DBTaskResult.objects.get(task_path__endswith="send_booking_reminder")
    assert task.run_after == reminder_time(booking)
    assert timezone.localtime(task.run_after).hour == 18
    assert (timezone.localdate(booking.starts_at) - timezone.localdate(task.run_after)).days == 1
    assert send_reminder_if_due(booking_id=booking.pk) == "sent"
    assert send_reminder_if_due(booking_id=booking.pk) == "skipped"
    assert OutboundEmail.objects.filter(purpose="appointments:reminder").count() == 1


def test_no_reminder_for_a_cancelled_booking(setup):
    from digitalstadt.appointments.notifications import send_reminder_if_due

    location, service = setup
    booking, _token = book(location, service)
    booking_confirm(booking=booking)
    booking_cancel(booking=booking)
    assert send_reminder_if_due(booking_id=booking.pk) == "skipped"


def test_repeat_no_shows_may_hold_only_one_appointment(setup):
    location, service = setup
    for i in range(2):
        past = timezone.now() - timedelta(days=10 + i)
        Booking.objects.create(code=f"NOSHOW{i}A", location=location, starts_at=past, ends_at=past + timedelta(minutes=20),
                               status=BookingStatus.NO_SHOW, email="oft-weg@example.org")
    book(location, service, email="oft-weg@example.org")
    second, hold_token = booking_hold(location=location, services=[(service.pk, 1)],
                                      starts_at=first_start(location, service))
    with pytest.raises(ValidationError, match="bereits 1 offenen Termin"):
        booking_submit_details(booking=second, hold_token=hold_token, name="X", email="oft-weg@example.org")
