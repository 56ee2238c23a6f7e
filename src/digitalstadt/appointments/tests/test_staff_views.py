from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import Organisation, OrganisationKind, StaffRole, StaffRoleKind, User
from digitalstadt.appointments.models import Booking, BookingStatus, Counter, Ticket, TicketStatus
from digitalstadt.core.models import AuditEntry

from .factories import make_location

pytestmark = pytest.mark.django_db


def staff(email, role, **scope):
    user = User.objects.create_user(email, "Sicher-genug-2026")
    StaffRole.objects.create(user=user, role=role, **scope)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def location(clock):
    clock.set_time_of_day(9, 30)  # the counter works during the day
    return make_location(counters=2)


@pytest.fixture
def booking(location):
    start = timezone.now() + timedelta(minutes=3)
    return Booking.objects.create(code="ABCD2345", location=location, starts_at=start, name="Berta Bürger",
                                  ends_at=start + timedelta(minutes=20), status=BookingStatus.CONFIRMED,
                                  email="berta@example.org")


def test_counter_staff_checks_in_calls_and_finishes(client, location, booking):
    user = staff("schalter@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    counter = Counter.objects.filter(location=location).first()
    plan = client.get(reverse("appointments-staff:day-plan", kwargs={"slug": location.slug}))
    assert plan.status_code == 200 and "Berta Bürger" in plan.content.decode()
    assert AuditEntry.objects.filter(action="appointments.day_plan_viewed", actor=user).exists()
    client.post(reverse("appointments-staff:check-in", kwargs={"slug": location.slug, "code": booking.code}))
    ticket = Ticket.objects.get(booking=booking)
    walk = client.post(reverse("appointments-staff:walk-in", kwargs={"slug": location.slug}))
    assert walk.status_code == 302 and "/termine/wartenummer/" in walk["Location"]
    client.post(reverse("appointments-staff:call-next", kwargs={"slug": location.slug}), {"schalter": counter.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.counter == counter
    display = client.get(reverse("appointments-public:call-display", kwargs={"slug": location.slug}))
    assert ticket.number in display.content.decode() and "Berta" not in display.content.decode()
    partial = client.get(reverse("appointments-public:call-display", kwargs={"slug": location.slug}),
                         HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and ticket.number in partial.content.decode()
    client.post(reverse("appointments-staff:ticket-action", kwargs={"slug": location.slug, "uuid": ticket.uuid,
                                                                     "action": "erledigt"}), {"schalter": counter.pk})
    ticket.refresh_from_db()
    booking.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED and booking.status == BookingStatus.SERVED
    stats = client.get(reverse("appointments-staff:statistics", kwargs={"slug": location.slug}))
    assert stats.status_code == 200


def test_staff_of_another_office_and_citizens_cannot_work_here(client, location, booking):
    other_office = Organisation.objects.create(name="Anderes Amt", slug="anderes", kind=OrganisationKind.OFFICE)
    outsider = staff("fremd@example.org", StaffRoleKind.COUNTER_STAFF, office=other_office)
    client.force_login(outsider)
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    assert client.get(url).status_code == 404
    response = client.post(reverse("appointments-staff:check-in", kwargs={"slug": location.slug, "code": booking.code}))
    assert response.status_code == 404 and not Ticket.objects.exists()
    citizen = User.objects.create_user("buerger@example.org", "Sicher-genug-2026")
    client.force_login(citizen)
    assert client.get(url).status_code == 403


def test_location_scoped_role_sees_only_its_location(client, location):
    second = make_location(slug="arheilgen")
    user = staff("arheilgen@example.org", StaffRoleKind.COUNTER_STAFF, location=second)
    client.force_login(user)
    assert client.get(reverse("appointments-staff:day-plan", kwargs={"slug": second.slug})).status_code == 200
    assert client.get(reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})).status_code == 404


def test_ticket_page_shows_position_and_estimate_without_personal_data(client, location):
    from digitalstadt.appointments.queue import ticket_walk_in

    first = ticket_walk_in(location=location)
    second = ticket_walk_in(location=location)
    page = client.get(reverse("appointments-public:ticket", kwargs={"uuid": second.uuid})).content.decode()
    assert second.number in page and "Vor Ihnen wartet 1 Person" in page and "Minute" in page
    assert first.number not in page


def test_printed_ticket_carries_a_qr_code_to_the_phone(client, location):
    from digitalstadt.appointments.queue import ticket_walk_in

    ticket = ticket_walk_in(location=location)
    url = reverse("appointments-public:ticket", kwargs={"uuid": ticket.uuid})
    page = client.get(url + "?druck=1").content.decode()
    assert '<svg role="img" aria-label="Wartenummer auf dem Handy verfolgen"' in page
    assert "data:image" not in page
    assert "<svg role" not in client.get(url).content.decode()  # on the phone itself no code


def test_day_plan_search_by_name_or_booking_code(client, location, booking):
    user = staff("suche@example.org", StaffRoleKind.COUNTER_STAFF, office=location.office)
    client.force_login(user)
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    assert "Berta Bürger" in client.get(url, {"suche": "berta"}).content.decode()
    assert "Berta Bürger" in client.get(url, {"suche": booking.code.lower()}).content.decode()
    assert "Berta Bürger" not in client.get(url, {"suche": "Niemand"}).content.decode()
