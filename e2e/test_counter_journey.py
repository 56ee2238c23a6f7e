"""Counter staff at the Bürgerbüro: day plan, check-in, walk-in ticket, call next,
the waiting-room display updating live, served. axe-core on every page."""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User
from digitalstadt.appointments.models import Booking, BookingStatus, Ticket, TicketStatus
from digitalstadt.appointments.tests.factories import make_location
from e2e.conftest import poll_until

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
    expect(page.get_by_role("cell", name="Berta Bürger QUEUE234")).to_be_visible()
    page.get_by_label("Schalter", exact=True).select_option(label="Schalter 1")
    page.get_by_role("button", name="Schalter wählen").click()
    journey.check_page()
    page.get_by_role("button", name="Einchecken – Berta Bürger").click()
    expect(page.get_by_text("Eingecheckt: Wartenummer T001.")).to_be_visible()
    journey.check_page()
    journey.screenshot("staff-day-plan-1280")

    page.get_by_role("button", name="Wartenummer ausgeben").click()
    expect(page.get_by_role("heading", name="Ihre Wartenummer: W001")).to_be_visible()
    journey.check_page()
    page.go_back()

    page.get_by_role("button", name="Nächste Person aufrufen").click()
    expect(page.get_by_text("Aufgerufen: T001 an Schalter 1.")).to_be_visible()
    # The display picks the call up by itself (htmx polling, no reload).
    board.get_by_text("T001").first.wait_for(timeout=8000)
    assert "Schalter 1" in board.locator("ol").inner_text()
    phone_journey.check_page()
    phone_journey.screenshot("call-display-360")

    page.get_by_role("button", name="Erledigt").click()
    journey.check_page()
    assert Ticket.objects.get(number="T001").status == TicketStatus.SERVED
    page.get_by_role("button", name="Nächste Person aufrufen").click()
    expect(page.get_by_text("Aufgerufen: W001 an Schalter 1.")).to_be_visible()
    for _ in range(2):
        page.get_by_role("button", name="Erneut aufrufen").click()
    page.get_by_role("button", name="Nicht erschienen").click()
    assert Ticket.objects.get(number="W001").status == TicketStatus.MISSED
    journey.visit(f"/verwaltung/termine/{location.slug}/statistik/")
    expect(page.get_by_role("heading", name=f"Statistik {location.name_de}")).to_be_visible()


def test_a_counter_day_from_the_staff_home(journey, phone_journey, clock):
    """Issue 11: a counter clerk's day, reached by clicking from /verwaltung/."""
    from datetime import date, time

    from digitalstadt.appointments.models import HoursKind, OpeningHours
    from digitalstadt.appointments.queue import ticket_walk_in

    clock.set_time_of_day(9, 30)
    location = make_location(counters=2)
    # Walk-ins only from 10:00: at 09:30 a walk-in ticket needs the override.
    OpeningHours.objects.create(location=location, kind=HoursKind.WALK_IN, weekday=timezone.localdate().weekday(),
                                opens=time(10), closes=time(12), valid_from=date(2020, 1, 1))

    def book(code, name, minutes):
        start = timezone.now() + timedelta(minutes=minutes)
        Booking.objects.create(code=code, location=location, starts_at=start, ends_at=start + timedelta(minutes=10),
                               status=BookingStatus.CONFIRMED, name=name, email=f"{code.lower()}@example.org")

    book("QUEUE234", "Berta Bürger", 2)
    book("CODE2345", "Carl Code", 4)
    for i in range(22):
        book(f"DAY{i:05d}", f"Person {i:02d}", 10 + i * 5)
    user = User.objects.create_user("schalter@example.org", "Sicher-genug-2026")
    StaffRole.objects.create(user=user, role=StaffRoleKind.COUNTER_STAFF, office=location.office)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    journey.login_as(user)
    page = journey.page

    journey.visit("/verwaltung/")
    page.get_by_role("link", name="Termine, Tagesplan und Aufruf").first.click()
    page.locator("main").get_by_role("link", name="Tagesplan und Aufruf").click()
    journey.check_page()
    summary = page.locator(".day-summary")
    assert "gebucht 24" in " ".join(summary.inner_text().split())
    # Paging: 20 rows a page.
    expect(page.get_by_text("Seite 1 von 2")).to_be_visible()
    expect(page.get_by_role("columnheader", name="ab 09:00 Uhr")).to_be_visible()  # grouped by hour
    page.get_by_role("link", name="Nächste Seite").click()
    expect(page.get_by_text("Seite 2 von 2")).to_be_visible()
    expect(page.get_by_text("Person 21")).to_be_visible()
    journey.check_page()
    page.get_by_role("link", name="Vorherige Seite").click()

    page.get_by_label("Schalter", exact=True).select_option(label="Schalter 2")
    page.get_by_role("button", name="Schalter wählen").click()
    # Check-in from the list, then by code (a wrong code first: a German message, nothing changes).
    page.get_by_role("button", name="Einchecken – Berta Bürger").click()
    expect(page.get_by_text("Eingecheckt: Wartenummer T001.")).to_be_visible()
    page.get_by_label("Buchungsnummer", exact=True).fill("FALSCH99")
    page.get_by_role("button", name="Mit Nummer einchecken").click()
    expect(page.get_by_text("Unter dieser Buchungsnummer gibt es hier keinen Termin")).to_be_visible()
    page.get_by_label("Buchungsnummer", exact=True).fill("code 2345")
    page.get_by_role("button", name="Mit Nummer einchecken").click()
    expect(page.get_by_text("Eingecheckt: Wartenummer T002.")).to_be_visible()
    assert "eingecheckt 2" in " ".join(page.locator(".day-summary").inner_text().split())
    journey.check_page()

    # Walk-in before the walk-in hours: a warning and an explicit override.
    expect(page.get_by_text("Außerhalb der Öffnungszeiten für Kundschaft ohne Termin.")).to_be_visible()
    assert page.get_by_role("button", name="Wartenummer ausgeben").count() == 0
    page.get_by_role("button", name="Trotzdem ausgeben").click()
    expect(page.get_by_role("heading", name="Ihre Wartenummer: W001")).to_be_visible()
    ticket_url = page.url.split("?")[0]
    # Back to the day plan: the counter is still chosen.
    page.get_by_role("link", name="Zurück zum Tagesplan").click()
    assert page.get_by_label("Schalter", exact=True).input_value() == str(
        location.counters.get(name="Schalter 2").pk)

    # The queue refreshes itself: another desk issues a ticket, the clock moves on.
    queue = page.locator("#queue")
    assert "W002" not in queue.inner_text()
    ticket_walk_in(location=location)
    # The poll runs every 15 s of browser time; a poll still on its way is followed by the next.
    poll_until(page, queue, "W002", advance=lambda: page.clock.run_for(16_000))

    # T001 is served, T002 served, then W001 is called three times and missed.
    for expected in ("T001", "T002"):
        page.get_by_role("button", name="Nächste Person aufrufen").click()
        expect(page.get_by_text(f"Aufgerufen: {expected} an Schalter 2.")).to_be_visible()
        page.get_by_role("button", name="Erledigt").click()
    page.get_by_role("button", name="Nächste Person aufrufen").click()
    expect(page.get_by_text("Aufgerufen: W001 an Schalter 2.")).to_be_visible()
    for _ in range(2):
        page.get_by_role("button", name="Erneut aufrufen").click()
    page.get_by_role("button", name="Nicht erschienen").click()
    assert Ticket.objects.get(number="W001").status == TicketStatus.MISSED
    assert "nicht erschienen 0" in " ".join(page.locator(".day-summary").inner_text().split())

    page.get_by_role("link", name="Statistik").first.click()
    journey.check_page()
    today_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=f"{timezone.localdate().day}."))
    cells = today_row.get_by_role("cell").all_inner_texts()
    assert cells[2] == "1", cells  # gebucht, bedient, nicht erschienen
    page.go_back()

    # The call display for a big screen: last calls, a clock, a gong staff switch on.
    page.get_by_role("link", name="Aufrufanzeige").first.click()
    expect(page.get_by_role("heading", name="Letzte Aufrufe")).to_be_visible()
    assert page.locator(".call-board__item").count() == 3
    assert page.locator(".call-board__item--latest").inner_text().startswith("W001")
    clock_text = page.locator("#call-board-clock").inner_text()
    assert clock_text[:2] == "09" and clock_text[2] == ":", clock_text
    gong = page.get_by_role("button", name="Gong bei Aufruf einschalten")
    gong.click()
    assert page.get_by_role("button", name="Gong bei Aufruf ausschalten").get_attribute("aria-pressed") == "true"
    # A new call at another counter: the board shows it by itself and sounds the gong.
    from digitalstadt.appointments.queue import ticket_call_next

    ticket_call_next(location=location, counter=location.counters.get(name="Schalter 1"), actor=None)
    page.clock.run_for(4_000)
    page.locator("body[data-gong-played^='W002']").wait_for(state="attached", timeout=5000)
    assert page.locator(".call-board__item--latest").inner_text().startswith("W002")
    journey.check_page()
    journey.screenshot("call-display-1280")

    # The citizen's ticket page after the miss: what to do next.
    phone = phone_journey.page
    phone_journey.visit(ticket_url.replace(journey.base_url, ""))
    expect(phone.get_by_text("So geht es weiter:")).to_be_visible()
    expect(phone.get_by_role("link", name="Neuen Termin buchen")).to_be_visible()
    phone_journey.screenshot("ticket-missed-360")

    # The day plan and its queue at 360 px.
    phone_journey.login_as(user)
    phone_journey.visit(f"/verwaltung/termine/{location.slug}/")
    phone_journey.screenshot("counter-day-plan-360")
    phone_journey.check_page()
    phone.locator("#queue").screenshot(path=str(phone_journey.screenshot("counter-day-plan-360").with_name(
        "counter-queue-360.png")))
