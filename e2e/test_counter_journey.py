"""Counter staff at the Bürgerbüro: day plan, check-in, walk-in ticket, call next,
the waiting-room display updating live, served. axe-core on every page."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.appointments.models import Booking, BookingStatus, Ticket, TicketStatus
from digitalstadt.appointments.tests.factories import make_location

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.postgres_journey
def test_counter_staff_works_the_queue_and_the_display_follows(journey, phone_journey, browser, clock):
    clock.set_time_of_day(9, 30)  # the counter works during the day
    location = make_location(counters=2)
    start = timezone.now() + timedelta(minutes=2)
    Booking.objects.create(code="QUEUE234", location=location, starts_at=start, ends_at=start + timedelta(minutes=20),
                           status=BookingStatus.CONFIRMED, name="Berta Bürger", email="berta@example.org")
    user = User.objects.create_user("schalter@example.org", "Sicher-genug-2026")
    StaffRole.objects.create(user=user, role=StaffRoleKind.COUNTER_STAFF, office=location.office)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    journey.login_as(user)

    # The waiting-room screen is open in another (phone-sized) browser context.
    phone_journey.visit(f"/termine/anzeige/{location.slug}/")
    board = phone_journey.page

    journey.visit(f"/verwaltung/termine/{location.slug}/")
    page = journey.page
    assert page.get_by_role("cell", name="Berta Bürger QUEUE234").is_visible()
    page.get_by_label("Schalter", exact=True).select_option(label="Schalter 1")
    page.get_by_role("button", name="Schalter wählen").click()
    journey.check_page()
    page.get_by_role("button", name="Einchecken – Berta Bürger").click()
    assert page.get_by_text("Eingecheckt: Wartenummer T001.").is_visible()
    journey.check_page()
    journey.screenshot("staff-day-plan-1280")

    page.get_by_role("button", name="Wartenummer ausgeben").click()
    assert page.get_by_role("heading", name="Ihre Wartenummer: W001").is_visible()
    journey.check_page()
    page.go_back()

    page.get_by_role("button", name="Nächste Person aufrufen").click()
    assert page.get_by_text("Aufgerufen: T001 an Schalter 1.").is_visible()
    # The display picks the call up by itself (htmx polling, no reload).
    board.get_by_text("T001").first.wait_for(timeout=8000)
    assert "Schalter 1" in board.locator("ol").inner_text()
    phone_journey.check_page()
    phone_journey.screenshot("call-display-360")

    page.get_by_role("button", name="Erledigt").click()
    journey.check_page()
    assert Ticket.objects.get(number="T001").status == TicketStatus.SERVED
    page.get_by_role("button", name="Nächste Person aufrufen").click()
    assert page.get_by_text("Aufgerufen: W001 an Schalter 1.").is_visible()
    for _ in range(2):
        page.get_by_role("button", name="Erneut aufrufen").click()
    page.get_by_role("button", name="Nicht erschienen").click()
    assert Ticket.objects.get(number="W001").status == TicketStatus.MISSED
    journey.visit(f"/verwaltung/termine/{location.slug}/statistik/")
    assert page.get_by_role("heading", name=f"Statistik {location.name_de}").is_visible()
