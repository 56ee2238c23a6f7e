"""An office admin closes a booked day: the booking is listed, not dropped; cancelling
it notifies the citizen. Then adds Saturday hours. axe-core on every page."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.appointments.models import BookingStatus, OpeningHours
from digitalstadt.appointments.tests.factories import confirmed_booking_ahead
from digitalstadt.mailbox.models import OutboundEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_admin_closes_a_booked_day_and_notifies(journey):
    location, _service, booking = confirmed_booking_ahead(days_ahead=3, email="betroffen@example.org", counters=2)
    start = booking.starts_at
    today = timezone.localdate()
    admin = User.objects.create_user("amt@example.org", "Sicher-genug-2026")
    StaffRole.objects.create(user=admin, role=StaffRoleKind.OFFICE_ADMIN, office=location.office)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    journey.login_as(admin)

    journey.visit("/verwaltung/termine/")
    page = journey.page
    page.get_by_role("link", name="Einstellungen").click()
    journey.check_page()
    day = timezone.localdate(start).isoformat()
    page.get_by_label("Geschlossen vom").fill(day)
    page.get_by_label("Bis einschließlich").fill(day)
    page.get_by_label("Grund (Deutsch)").fill("Personalversammlung")
    page.get_by_role("button", name="Schließtag hinzufügen").click()
    assert page.get_by_role("heading", name="Betroffene Termine").is_visible()
    assert page.get_by_text(booking.code).is_visible()
    journey.check_page()
    journey.screenshot("office-admin-settings-1280")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    page.get_by_label("Grund für die Absage (steht in der Nachricht)").fill("Personalversammlung")
    page.get_by_role("button", name="Betroffene benachrichtigen und Termine absagen").click()
    assert page.get_by_text("1 Termine abgesagt").is_visible() or page.get_by_text("abgesagt").first.is_visible()
    journey.check_page()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert OutboundEmail.objects.filter(to="betroffen@example.org", purpose="appointments:cancelled_by_office").exists()

    # Bad input: closing before opening is refused with a message; nothing is stored.
    before = OpeningHours.objects.count()
    form = page.locator("form", has=page.get_by_role("button", name="Öffnungszeit hinzufügen"))
    form.get_by_label("Wochentag").select_option(label="Samstag")
    form.get_by_label("Von", exact=True).fill("13:00")
    form.get_by_label("Bis", exact=True).fill("09:00")
    form.get_by_label("Gültig ab").fill(today.isoformat())
    form.get_by_role("button", name="Öffnungszeit hinzufügen").click()
    assert page.get_by_text("Die Öffnungszeit muss vor dem Ende liegen.").is_visible()
    journey.check_page(snapshot=True)
    assert OpeningHours.objects.count() == before
