"""An office admin closes a booked day: the booking is listed, not dropped; cancelling
it notifies the citizen. Then adds Saturday hours. axe-core on every page."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

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
    closures = page.get_by_role("region", name="Schließtage")
    closures.get_by_label("Geschlossen vom").fill(day)
    closures.get_by_label("Bis einschließlich").fill(day)
    closures.get_by_label("Grund (Deutsch)").fill("Personalversammlung")
    page.get_by_role("button", name="Schließtag hinzufügen").click()
    expect(page.get_by_role("heading", name="Betroffene Termine")).to_be_visible()
    expect(page.get_by_text(booking.code)).to_be_visible()
    journey.check_page()
    journey.screenshot("office-admin-settings-1280")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    page.get_by_label("Grund für die Absage (steht in der Nachricht)").fill("Personalversammlung")
    page.get_by_role("button", name="Betroffene benachrichtigen und Termine absagen").click()
    # Asks first, naming whom the message reaches; nothing sent yet.
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Termine wirklich absagen?")
    expect(page.locator("main")).to_contain_text(booking.code)
    journey.check_page(snapshot=True)  # the answer to a POST
    assert not OutboundEmail.objects.filter(purpose="appointments:cancelled_by_office").exists()
    page.get_by_role("button", name="Ja, 1 Termin absagen").click()
    expect(page.get_by_text("abgesagt").first).to_be_visible()
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
    expect(page.get_by_text("Die Öffnungszeit muss vor dem Ende liegen.")).to_be_visible()
    journey.check_page(snapshot=True)
    assert OpeningHours.objects.count() == before


def _book(location, service, start, email, user=None):
    from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_submit_details

    booking, hold = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start, user=user)
    booking, _ = booking_submit_details(booking=booking, hold_token=hold, name=email.split("@")[0].title(), email=email)
    return booking_confirm(booking=booking)


def test_office_admin_closes_a_counter_for_a_day_with_impact_first(journey, browser, live_server, clock):
    """From /verwaltung/: a date rule "1 Schalter" on a day with 2 replaces the normal
    hours; the preview lists the three bookings that no longer fit; the admin keeps one,
    moves one, cancels one, confirms; the citizen sees the Postfach message and accepts
    the new time in one click; the history shows the change."""
    from datetime import timedelta

    from digitalstadt.appointments.models import AlternativeOffer, Booking, DateRule
    from digitalstadt.appointments.selectors import free_starts, need_at
    from digitalstadt.mailbox.models import Message

    from .conftest import PHONE, Journey

    location, service, first = confirmed_booking_ahead(days_ahead=3, email="eins@example.org", counters=2)
    day = timezone.localdate(first.starts_at)
    citizen = User.objects.create_user("buerger-e2e@example.org", "Sicher-genug-2026")
    starts = [first.starts_at]
    for s in free_starts(need_at(location, [(service.pk, 1)]), limit=200, after=first.starts_at):
        if timezone.localdate(s) == day and s >= starts[-1] + timedelta(minutes=30):
            starts.append(s)
        if len(starts) == 3:
            break
    for i, s in enumerate(starts[1:], 2):
        _book(location, service, s, f"frueh{i}@example.org")
    keep = _book(location, service, starts[0], "behalten@example.org")
    move = _book(location, service, starts[1], "buerger-e2e@example.org", user=citizen)
    cancel = _book(location, service, starts[2], "absagen@example.org")
    admin = User.objects.create_user("amt@example.org", "Sicher-genug-2026")
    StaffRole.objects.create(user=admin, role=StaffRoleKind.OFFICE_ADMIN, office=location.office)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    journey.login_as(admin)
    mails_before, postfach_before = OutboundEmail.objects.count(), Message.objects.count()

    journey.visit("/verwaltung/")
    page = journey.page
    page.get_by_role("link", name="Termine, Tagesplan und Aufruf").first.click()
    page.get_by_role("link", name="Einstellungen").first.click()
    journey.check_page()
    form = page.locator("form", has=page.get_by_role("button", name="Vorschau der betroffenen Termine"))
    form.get_by_label("Gilt vom").fill(day.strftime("%d.%m.%Y"))
    form.get_by_label("Bis einschließlich").fill(day.strftime("%d.%m.%Y"))
    form.get_by_label("Geöffnete Schalter an diesen Tagen (0 = geschlossen)").fill("1")
    form.get_by_label("Termine von").fill("08:00")
    form.get_by_label("Termine bis").fill("12:00")
    form.get_by_label("Grund (Deutsch)").fill("Schalter 2 wird umgebaut")
    form.get_by_role("button", name="Vorschau der betroffenen Termine").click()

    expect(page.get_by_role("heading", name="Vorschau: betroffene Termine")).to_be_visible()
    for booking in (keep, move, cancel):
        expect(page.get_by_text(booking.code)).to_be_visible()
    journey.check_page(snapshot=True)
    journey.screenshot("office-date-rule-preview-1280")
    assert not DateRule.objects.exists() and OutboundEmail.objects.count() == mails_before

    page.get_by_role("group", name=keep.code).get_by_label("behalten").check()
    page.get_by_role("group", name=move.code).get_by_label("Ersatztermin anbieten", exact=False).check()
    page.get_by_role("group", name=cancel.code).get_by_label("absagen").check()
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    expect(page.get_by_role("heading", name="Änderung bestätigen")).to_be_visible()
    journey.check_page(snapshot=True)
    assert not DateRule.objects.exists()
    assert (OutboundEmail.objects.count(), Message.objects.count()) == (mails_before, postfach_before)
    page.get_by_role("button", name="Speichern und benachrichtigen").click()
    expect(page.get_by_text("Die Regel ist gespeichert.")).to_be_visible()
    journey.check_page()
    assert DateRule.objects.filter(starts_on=day, counters=1).exists()
    assert Booking.objects.get(pk=cancel.pk).status == BookingStatus.CANCELLED
    assert Booking.objects.get(pk=keep.pk).status == BookingStatus.CONFIRMED
    offer = AlternativeOffer.objects.get(original=move)

    page.get_by_role("link", name="Änderungsverlauf").click()
    expect(page.get_by_text("Abweichende Öffnung an bestimmten Tagen eingetragen").first).to_be_visible()
    journey.check_page()

    # The citizen, in a second browser: the Postfach message, then one click.
    citizen_journey = Journey(browser, live_server.url, journey.page.viewport_size, clock)
    try:
        citizen_journey.login_as(citizen)
        citizen_journey.visit("/postfach/")
        cpage = citizen_journey.page
        cpage.get_by_role("link", name="Ersatztermin", exact=False).first.click()
        citizen_journey.check_page()
        link = cpage.get_by_role("link", name="ersatztermin", exact=False).first.get_attribute("href")
        assert str(offer.uuid) in link
        citizen_journey.visit("/termine/ersatztermin/" + link.split("/ersatztermin/")[1])
        cpage.get_by_role("button", name="Ersatztermin annehmen").click()
        expect(cpage.get_by_text("Ihr neuer Termin ist bestätigt.")).to_be_visible()
        citizen_journey.check_page()
    finally:
        citizen_journey.close()
    offer.held.refresh_from_db()
    assert offer.held.status == BookingStatus.CONFIRMED
    assert Booking.objects.get(pk=move.pk).status == BookingStatus.RESCHEDULED

    # The preview at 360 px, with axe (a second rule for another day, not saved).
    phone = Journey(browser, live_server.url, PHONE, clock)
    try:
        phone.login_as(admin)
        phone.visit(f"/verwaltung/termine/{location.slug}/einstellungen/")
        ppage = phone.page
        form = ppage.locator("form", has=ppage.get_by_role("button", name="Vorschau der betroffenen Termine"))
        form.get_by_label("Gilt vom").fill(day.strftime("%d.%m.%Y"))
        form.get_by_label("Bis einschließlich").fill(day.strftime("%d.%m.%Y"))
        form.get_by_label("Geöffnete Schalter an diesen Tagen (0 = geschlossen)").fill("0")
        form.get_by_label("Grund (Deutsch)").fill("Personalversammlung")
        form.get_by_role("button", name="Vorschau der betroffenen Termine").click()
        expect(ppage.get_by_role("heading", name="Vorschau: betroffene Termine")).to_be_visible()
        phone.check_page(snapshot=True)
        phone.screenshot("office-date-rule-preview-360")
        # Bad input: the end before the start is refused in German; nothing is stored.
        phone.visit(f"/verwaltung/termine/{location.slug}/einstellungen/")
        form = ppage.locator("form", has=ppage.get_by_role("button", name="Vorschau der betroffenen Termine"))
        form.get_by_label("Gilt vom").fill(day.strftime("%d.%m.%Y"))
        form.get_by_label("Bis einschließlich").fill((day - timedelta(days=1)).strftime("%d.%m.%Y"))
        form.get_by_label("Geöffnete Schalter an diesen Tagen (0 = geschlossen)").fill("0")
        form.get_by_label("Grund (Deutsch)").fill("Personalversammlung")
        form.get_by_role("button", name="Vorschau der betroffenen Termine").click()
        expect(ppage.get_by_text("Das Ende liegt vor dem Beginn.").first).to_be_visible()
        phone.check_page(snapshot=True)
    finally:
        phone.close()
    assert DateRule.objects.count() == 1
