"""A citizen books an appointment in the browser: search a service, see the earliest
free starts, pick a time (the ALTCHA widget solves the proof-of-work in a worker under
the strict CSP), enter details, confirm from a real e-mail, download the calendar file,
then cancel. On a phone a logged-in citizen also reschedules from "Meine Termine".

Mail goes the production way: outbox row -> database task worker -> SMTP (aiosmtpd).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import formats, timezone
from icalendar import Calendar
from playwright.sync_api import expect

from digitalstadt.accounts.models import User
from digitalstadt.appointments.models import Booking, BookingStatus
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.tests.factories import make_location, make_service, offer
from digitalstadt.testing.fixtures import find_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "mira.schneider@example.org"


@pytest.fixture
def offices(settings, live_server):
    settings.ALTCHA_MAX_NUMBER = 2000  # cheap proof-of-work in tests, never switched off
    settings.RESERVE_RATE_LIMIT = (100, 600)
    settings.SITE_URL = live_server.url  # links in e-mails
    cache.clear()
    luisencenter = make_location(slug="luisencenter", counters=2, hours=((time(8), time(12)), (time(14), time(18))),
                                 latitude="49.872800", longitude="8.651200",
                                 accessibility_de="Stufenloser Zugang über den Aufzug im Luisencenter.")
    luisencenter.name_de = "Bürger- und Ordnungsamt (Luisencenter)"
    luisencenter.save()
    arheilgen = make_location(slug="arheilgen", counters=1, hours=((time(13), time(15)),), weekdays=[1, 3])
    arheilgen.name_de = "Meldestelle Arheilgen"
    arheilgen.save()
    ausweis = make_service("personalausweis", "Personalausweis beantragen", synonyms="Perso\nAusweis")
    ausweis.what_to_bring_de = "Bisheriger Ausweis oder Reisepass\nEin biometrisches Passfoto"
    ausweis.summary_de = "Neuer Personalausweis für Erwachsene und Kinder."
    ausweis.save()
    pass_ = make_service("reisepass", "Reisepass beantragen", synonyms="Pass")
    offer(luisencenter, ausweis, minutes=20)
    offer(luisencenter, pass_, minutes=30)
    offer(arheilgen, ausweis, minutes=20)
    today = timezone.localdate()
    for location in (luisencenter, arheilgen):
        generate_slots(location=location, start=today, end=today + timedelta(days=21))
    return luisencenter, ausweis


def main(page):
    return page.locator("main")


def narrow_enough(journey, viewport_width: int) -> None:
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport_width, f"{journey.page.url} scrolls horizontally ({width}px)"


def choose_service_and_time(journey, suffix: str, width: int) -> Booking:
    page = journey.page
    journey.visit("/termine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Termin im Bürgerbüro buchen")
    journey.screenshot(f"booking-1-services-{suffix}")
    narrow_enough(journey, width)
    # Search by a synonym; the GET form works without JavaScript.
    page.get_by_label("Leistung suchen").fill("Perso")
    page.get_by_label("Leistung suchen").press("Enter")
    page.wait_for_url("**/termine/?q=Perso*")
    journey.check_page()
    expect(main(page).get_by_role("checkbox", name="Reisepass beantragen")).to_have_count(0)
    main(page).get_by_role("checkbox", name="Personalausweis beantragen").check()
    main(page).get_by_role("button", name="Freie Termine anzeigen").click()
    page.wait_for_url("**/termine/standorte/?*")
    journey.check_page()
    expect(main(page)).to_contain_text("Frühester freier Termin")
    expect(main(page)).to_contain_text("Meldestelle Arheilgen")
    journey.screenshot(f"booking-2-locations-{suffix}")
    narrow_enough(journey, width)
    # Which location has the earliest slot depends on the time of day: pick by name.
    main(page).get_by_role("link", name="Zeit wählen – Bürger- und Ordnungsamt (Luisencenter)").click()
    page.wait_for_url("**/termine/standorte/luisencenter/?*")
    journey.check_page()
    # Page further with "Spätere Zeiten", then back to the earliest.
    first_day = page.locator("legend").first.inner_text()
    main(page).get_by_role("link", name="Spätere Zeiten").click()
    page.wait_for_url("**ab=*")
    journey.check_page()
    main(page).get_by_role("link", name="Früheste Zeiten").click()
    page.wait_for_url(lambda url: "ab=" not in url)
    journey.check_page()
    expect(page.locator("legend").first).to_have_text(first_day)
    journey.screenshot(f"booking-3-slots-{suffix}")
    narrow_enough(journey, width)
    # Keyboard: the first time is reachable and selectable without a mouse.
    first_time = page.locator("input[name=beginn]").first
    first_time.focus()
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    value = first_time.get_attribute("value")
    # The widget solves the proof-of-work in a worker from our static files, then submits
    # (a double click must not send the form before the work is done).
    main(page).get_by_role("button", name="Termin reservieren").dblclick()
    page.wait_for_url("**/termine/reservierung/*/", timeout=60_000)
    journey.check_page()
    code = page.url.rstrip("/").split("/")[-1]
    booking = Booking.objects.get(code=code)
    assert booking.status == BookingStatus.HELD and booking.starts_at == datetime.fromisoformat(value)
    expect(main(page)).to_contain_text("Wir halten diesen Termin bis")
    return booking


@pytest.mark.postgres_journey
def test_citizen_books_confirms_downloads_the_calendar_file_and_cancels(journey, offices, smtp_server, deliver_mail,
                                                                         tmp_path):
    page = journey.page
    booking = choose_service_and_time(journey, "1280", 1280)

    journey.screenshot("booking-4-details-1280")
    # Bad input first: nothing changes, the message is German and sits at the field.
    page.get_by_label("Vor- und Nachname").fill("Mira Schneider")
    page.get_by_label("E-Mail-Adresse").fill("mira.schneider@")
    main(page).get_by_role("button", name="Weiter: Bestätigungslink senden").click()
    expect(main(page)).to_contain_text("Bitte geben Sie eine gültige E-Mail-Adresse ein")
    expect(page.get_by_label("E-Mail-Adresse")).to_have_attribute("aria-invalid", "true")
    journey.check_page(snapshot=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD and booking.email == ""
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    main(page).get_by_role("button", name="Weiter: Bestätigungslink senden").click()
    page.wait_for_url("**/gesendet/")
    journey.check_page()
    expect(main(page)).to_contain_text(f"Wir haben eine E-Mail an {EMAIL} gesendet.")
    journey.screenshot("booking-5-sent-1280")

    deliver_mail()
    [mail] = [m for m in smtp_server.messages if EMAIL in m["to"]]
    assert mail["subject"] == f"Bitte bestätigen Sie Ihren Termin {booking.code}"
    link = find_link(mail["body"], f"/termine/buchung/{booking.code}/")
    assert link.startswith(journey.base_url)

    # Opening the link (what a mail scanner does) confirms nothing.
    page.goto(link)
    journey.check_page()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING
    main(page).get_by_role("button", name="Termin bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Termin ist bestätigt")
    journey.check_page()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    expect(main(page)).to_contain_text(booking.code)
    expect(main(page)).to_contain_text("Luisenplatz 5, 64283 Darmstadt")
    expect(main(page)).to_contain_text("Ein biometrisches Passfoto")
    journey.screenshot("booking-6-confirmed-1280")

    # The calendar file: RFC 5545 with the Europe/Berlin time zone.
    with page.expect_download() as info:
        main(page).get_by_role("link", name="Termin in den Kalender übernehmen (.ics-Datei)").click()
    download = info.value
    assert download.suggested_filename == f"termin-{booking.code}.ics"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    calendar = Calendar.from_ical(Path(target).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == booking.starts_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]

    # Cancel by link.
    main(page).get_by_role("button", name="Termin absagen").click()
    journey.check_page(snapshot=True)  # "Möchten Sie diesen Termin wirklich absagen?"
    main(page).get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.locator(".site-messages")).to_contain_text("Ihr Termin ist abgesagt.")
    journey.check_page()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_logged_in_citizen_books_on_a_phone_and_reschedules_from_my_bookings(phone_journey, offices, smtp_server,
                                                                           deliver_mail):
    journey = phone_journey
    page = journey.page
    user = User.objects.create_user(email=EMAIL, password="Kranichstein-Lauf-2026", first_name="Mira",
                                    last_name="Schneider")
    client = Client()
    client.force_login(user)
    journey.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                  "url": journey.base_url}])

    booking = choose_service_and_time(journey, "360", 360)
    # Prefilled from the account.
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Mira Schneider")
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(EMAIL)
    journey.screenshot("booking-4-details-360")
    narrow_enough(journey, 360)
    main(page).get_by_role("button", name="Weiter: Bestätigungslink senden").click()
    page.wait_for_url("**/gesendet/")
    journey.check_page()
    journey.screenshot("booking-5-sent-360")
    deliver_mail()
    link = find_link([m for m in smtp_server.messages if EMAIL in m["to"]][-1]["body"], "/termine/buchung/")
    page.goto(link)
    journey.check_page()
    main(page).get_by_role("button", name="Termin bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Termin ist bestätigt")
    journey.check_page()
    expect(main(page)).to_contain_text("Eine Nachricht mit allen Angaben liegt in Ihrem Postfach.")
    journey.screenshot("booking-6-confirmed-360")
    narrow_enough(journey, 360)

    # Meine Termine, reached from the account overview.
    journey.visit("/mein-konto/")
    main(page).get_by_role("link", name="Zu meinen Terminen").click()
    page.wait_for_url("**/termine/meine-termine/")
    journey.check_page()
    expect(main(page)).to_contain_text(booking.code)
    journey.screenshot("booking-7-mine-360")
    narrow_enough(journey, 360)
    main(page).get_by_role("link", name=f"Verschieben – {booking.code}").click()
    page.wait_for_url(f"**/termine/buchung/{booking.code}/verschieben/")
    journey.check_page()
    # A week later in one step: a day outside the window is refused in place, then the date.
    date_field = page.get_by_label("Freie Zeiten ab")
    date_field.fill("01.01.2099")
    main(page).get_by_role("button", name="Zeiten anzeigen").click()
    page.wait_for_load_state("load")
    expect(main(page).locator(".kern-error")).to_contain_text("Termine gibt es hier vom")
    expect(page.get_by_label("Freie Zeiten ab")).to_have_attribute("aria-invalid", "true")
    journey.check_page()
    week_later = timezone.localdate(booking.starts_at) + timedelta(days=7)
    expect(main(page).get_by_role("link", name=re.compile("^Eine Woche später"))).to_be_visible()
    page.get_by_label("Freie Zeiten ab").fill(week_later.strftime("%d.%m.%Y"))
    main(page).get_by_role("button", name="Zeiten anzeigen").click()
    page.wait_for_url("**datum=*")
    journey.check_page()
    expect(main(page)).to_contain_text("Freie Zeiten ab " + formats.date_format(week_later, "DATE_FORMAT"))
    journey.screenshot("booking-8-reschedule-date-360")
    narrow_enough(journey, 360)
    page.locator("input[name=beginn]").first.check()
    main(page).get_by_role("button", name="Auf diese Zeit verschieben").click()
    page.wait_for_url("**/termine/meine-termine/", timeout=60_000)
    journey.check_page()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RESCHEDULED
    moved = Booking.objects.get(user=user, status=BookingStatus.CONFIRMED)
    assert timezone.localdate(moved.starts_at) >= week_later
    expect(main(page)).to_contain_text(moved.code)
    expect(page.locator(".site-messages")).to_contain_text("Ihr Termin ist verschoben.")

    # Cancel from the list.
    main(page).get_by_role("button", name=f"Absagen – {moved.code}").click()
    journey.check_page(snapshot=True)  # asks once more before cancelling
    main(page).get_by_role("button", name="Ja, Termin absagen").click()
    page.wait_for_url("**/termine/meine-termine/")
    journey.check_page()
    expect(main(page)).to_contain_text("Sie haben keine anstehenden Termine.")
    assert Booking.objects.get(pk=moved.pk).status == BookingStatus.CANCELLED


def test_the_booking_pages_in_english(journey, offices):
    page = journey.page
    journey.visit("/en/termine/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment at the citizens' office")
    main(page).get_by_role("checkbox", name="Personalausweis beantragen").check()
    main(page).get_by_role("button", name="Show free appointments").click()
    page.wait_for_url("**/en/termine/standorte/?*")
    journey.check_page()
    expect(main(page).get_by_role("link", name="Times at this location")).to_be_visible()
    main(page).get_by_role("link", name="Choose a time – Bürger- und Ordnungsamt (Luisencenter)").click()
    page.wait_for_url("**/en/termine/standorte/luisencenter/?*")
    journey.check_page()
    expect(main(page).get_by_role("button", name="Reserve appointment")).to_be_visible()
    expect(page.locator("altcha-widget")).to_contain_text("not a robot")
