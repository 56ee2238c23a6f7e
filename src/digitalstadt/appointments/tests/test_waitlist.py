from datetime import timedelta

import pytest
from django.utils import timezone

from digitalstadt.accounts.models import User
from digitalstadt.appointments.models import Booking, BookingStatus, WaitlistStatus
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.appointments.services import SlotUnavailable, booking_cancel, booking_confirm, booking_hold
from digitalstadt.appointments.waitlist import waitlist_join, waitlist_offer_places
from digitalstadt.mailbox.models import OutboundEmail

from .factories import confirmed_booking_ahead

# Date-sensitive: run at every named instant of the test clock.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.instants()]


@pytest.fixture
def full_day():
    """One counter; Anna holds a confirmed appointment two days or more ahead."""
    location, service, anna = confirmed_booking_ahead(days_ahead=2, email="anna@example.org", minutes=10,
                                                      waitlist_offer_minutes=30)
    return location, service, anna.starts_at, anna


def person(email):
    return User.objects.create_user(email, "Sicher-genug-2026", first_name=email.split("@")[0])


def test_freed_place_is_offered_first_come_first_served_and_held_back_from_the_public(full_day, deliver_mail):
    location, service, start, anna = full_day
    bernd = waitlist_join(user=person("bernd@example.org"), location=location, services=[(service.pk, 1)],
                          latest_date=timezone.localdate(start))
    clara = waitlist_join(user=person("clara@example.org"), location=location, services=[(service.pk, 1)],
                          latest_date=timezone.localdate(start))
    booking_cancel(booking=anna)
    deliver_mail()  # the real worker runs offer_freed_places enqueued by the cancellation
    bernd.refresh_from_db()
    clara.refresh_from_db()
    assert bernd.status == WaitlistStatus.OFFERED and clara.status == WaitlistStatus.WAITING
    offered = bernd.offer_booking
    assert offered.starts_at == start and offered.status == BookingStatus.PENDING
    assert OutboundEmail.objects.filter(to="bernd@example.org", purpose="appointments:waitlist_offer").exists()
    # Nobody else can take it meanwhile.
    assert start not in free_starts(need_at(location, [(service.pk, 1)]), limit=50)
    with pytest.raises(SlotUnavailable):
        booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    # Bernd lets the offer run out: Clara is next.
    Booking.objects.filter(pk=offered.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert waitlist_offer_places(location_id=location.pk) == 1
    bernd.refresh_from_db()
    clara.refresh_from_db()
    assert bernd.status == WaitlistStatus.EXPIRED and clara.status == WaitlistStatus.OFFERED
    assert clara.offer_booking.starts_at == start
    booking_confirm(booking=clara.offer_booking)
    waitlist_offer_places(location_id=location.pk)
    clara.refresh_from_db()
    assert clara.status == WaitlistStatus.BOOKED


def test_entries_wanting_an_earlier_date_are_not_offered_later_places(full_day):
    location, service, start, anna = full_day
    picky = waitlist_join(user=person("picky@example.org"), location=location, services=[(service.pk, 1)],
                          latest_date=timezone.localdate(start) - timedelta(days=1))
    booking_cancel(booking=anna)
    assert waitlist_offer_places(location_id=location.pk) == 0
    picky.refresh_from_db()
    assert picky.status == WaitlistStatus.WAITING
