from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import StaffRoleKind
from digitalstadt.appointments.models import Booking, BookingStatus, Closure, OpeningHours, Slot
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.mailbox.models import OutboundEmail

from .factories import confirmed_booking_ahead, make_service
from .test_staff_views import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked():
    return confirmed_booking_ahead(days_ahead=3, email="betroffen@example.org")


def settings_url(location):
    return reverse("appointments-office:settings", kwargs={"slug": location.slug})


def test_closing_a_booked_day_lists_the_booking_and_cancelling_notifies(client, booked):
    location, _service, booking = booked
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    day = timezone.localdate(booking.starts_at)
    response = client.post(settings_url(location), {"form": "schliesstag", "schliesstag-starts_on": day,
                                                    "schliesstag-ends_on": day, "schliesstag-reason_de": "Umzug"})
    assert response.status_code == 302
    assert Closure.objects.filter(location=location).count() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # never dropped silently
    page = client.get(settings_url(location)).content.decode()
    assert "Betroffene Termine" in page and booking.code in page
    assert client.post(reverse("appointments-office:cancel-affected", kwargs={"slug": location.slug}),
                       {"reason": ""}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # a reason is required
    # First the admin sees whom the cancellation reaches; nothing is sent yet.
    confirm = client.post(reverse("appointments-office:cancel-affected", kwargs={"slug": location.slug}),
                          {"reason": "Umzug der Meldestelle"})
    assert confirm.status_code == 200 and booking.code in confirm.content.decode()
    assert "Ja, 1 Termin absagen" in confirm.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not OutboundEmail.objects.filter(purpose="appointments:cancelled_by_office").exists()
    client.post(reverse("appointments-office:cancel-affected", kwargs={"slug": location.slug}),
                {"reason": "Umzug der Meldestelle", "bestaetigt": "ja"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    mail = OutboundEmail.objects.get(purpose="appointments:cancelled_by_office")
    assert mail.to == "betroffen@example.org" and "Umzug der Meldestelle" in mail.body_text
    assert not Slot.objects.filter(location=location, starts_at=booking.starts_at).exists()


def test_bad_opening_hours_are_refused_with_a_message_and_change_nothing(client, booked):
    location, _service, _booking = booked
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    before = OpeningHours.objects.count()
    response = client.post(settings_url(location), {
        "form": "oeffnungszeit", "oeffnungszeit-kind": "appointments", "oeffnungszeit-weekday": 5,
        "oeffnungszeit-opens": "12:00", "oeffnungszeit-closes": "09:00", "oeffnungszeit-counters": 1,
        "oeffnungszeit-valid_from": timezone.localdate()})
    assert response.status_code == 400
    assert "Die Öffnungszeit muss vor dem Ende liegen." in response.content.decode()
    assert OpeningHours.objects.count() == before
    response = client.post(settings_url(location), {
        "form": "leistung", "leistung-service": make_service("pass", "Reisepass").pk,
        "leistung-duration_minutes": 25, "leistung-max_persons": 2})
    assert response.status_code == 400 and "Vielfaches von 10 Minuten" in response.content.decode()


def test_saturday_hours_create_bookable_slots(client, booked):
    location, service, _booking = booked
    client.force_login(staff("amt@example.org", StaffRoleKind.OFFICE_ADMIN, office=location.office))
    client.post(settings_url(location), {
        "form": "oeffnungszeit", "oeffnungszeit-kind": "appointments", "oeffnungszeit-weekday": 5,
        "oeffnungszeit-opens": "09:00", "oeffnungszeit-closes": "13:00", "oeffnungszeit-counters": 1,
        "oeffnungszeit-valid_from": timezone.localdate()})
    saturdays = [s for s in free_starts(need_at(location, [(service.pk, 1)]), limit=500)
                 if timezone.localtime(s).weekday() == 5]
    assert saturdays and timezone.localtime(saturdays[0]).time() == time(9, 0)


def test_counter_staff_cannot_change_settings(client, booked):
    location, _service, _booking = booked
    client.force_login(staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office))
    assert client.get(settings_url(location)).status_code == 404
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1
