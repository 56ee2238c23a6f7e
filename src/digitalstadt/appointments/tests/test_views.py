"""The citizen's booking journey in the browser, step by step, with every bad input:
choose services -> earliest starts -> a time with proof-of-work -> details -> e-mail
link -> confirm -> calendar file -> reschedule / cancel (by link and in the account)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from digitalstadt.accounts.models import User
from digitalstadt.appointments.ics import booking_calendar
from digitalstadt.appointments.models import Booking, BookingStatus, Slot, SlotHoldback
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.appointments.services import booking_confirm, booking_hold, booking_reschedule, booking_submit_details
from digitalstadt.core.pow import challenge_create, solve_for_tests
from digitalstadt.mailbox.models import Message, OutboundEmail
from digitalstadt.testing.fixtures import find_link

from .factories import make_location, make_service, offer, start_followed_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(settings):
    settings.ALTCHA_MAX_NUMBER = 1000
    settings.RESERVE_RATE_LIMIT = (50, 600)
    cache.clear()
    location = make_location(counters=1, max_active_per_email=2)
    service = make_service()
    service.what_to_bring_de = "Altes Ausweisdokument\nBiometrisches Passfoto"
    service.save()
    passport = make_service("reisepass", "Reisepass beantragen", synonyms="Pass")
    offer(location, service, minutes=20)
    offer(location, passport, minutes=30)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=14))
    return location, service, passport


def first_start(location, service, persons=1):
    return free_starts(need_at(location, [(service.pk, persons)]), limit=1)[0]


def selection(service, persons=1):
    return {"leistung": service.slug, f"personen_{service.slug}": persons}


def reserve(client, location, service, start, *, altcha=None, persons=1):
    data = {"standort": location.slug, "beginn": start.isoformat(), **selection(service, persons)}
    data["altcha"] = solve_for_tests(challenge_create()) if altcha is None else altcha
    return client.post("/termine/reservieren/", data)


def reserved(client, location, service, start=None):
    response = reserve(client, location, service, start or first_start(location, service))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Booking.objects.get(code=response["Location"].rstrip("/").split("/")[-1])


def details(client, booking, **data):
    data = {"name": "Berta Bürger", "email": "berta@example.org", "phone": "", **data}
    return client.post(f"/termine/reservierung/{booking.code}/", data)


def pending(client, location, service, email="berta@example.org"):
    booking = reserved(client, location, service)
    assert details(client, booking, email=email).status_code == 302
    mail = OutboundEmail.objects.filter(to=email, purpose="appointments:confirm_request").latest("id")
    link = find_link(mail.body_text, f"/termine/buchung/{booking.code}/")
    return Booking.objects.get(pk=booking.pk), link.split("?t=")[1]


def confirmed(client, location, service, email="berta@example.org"):
    booking, token = pending(client, location, service, email)
    booking_confirm(booking=booking)
    booking.refresh_from_db()
    return booking, token


# --- Step 1: services -----------------------------------------------------------------

def test_start_lists_bookable_services_and_finds_them_by_synonym(client, setup):
    response = client.get("/termine/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Personalausweis beantragen" in text and "Reisepass beantragen" in text
    assert 'formaction="/termine/standorte/"' in text  # one GET form, works without JavaScript
    found = client.get("/termine/", {"q": "perso"}).content.decode()
    assert "Personalausweis beantragen" in found and "Reisepass beantragen" not in found
    assert "keine Leistung gefunden" in client.get("/termine/", {"q": "Hundesteuer"}).content.decode()


def test_search_keeps_services_already_chosen(client, setup):
    _location, service, _passport = setup
    text = client.get("/termine/", {"q": "Pass", **selection(service, 2)}).content.decode()
    assert "Reisepass beantragen" in text
    assert f'value="{service.slug}" id="leistung-{service.slug}" checked' in text
    assert '<option value="2" selected>' in text


@pytest.mark.parametrize("params, message", [
    ({}, "Bitte wählen Sie mindestens eine Leistung."),
    ({"leistung": "gibt-es-nicht"}, "Diese Leistung kann nicht online gebucht werden."),
    ({"leistung": "personalausweis", "personen_personalausweis": "99"}, "So viele Personen"),
])
def test_locations_step_rejects_a_bad_selection(client, setup, params, message):
    response = client.get("/termine/standorte/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- Step 2: earliest across locations ------------------------------------------------------

def test_locations_show_the_earliest_start_across_all_locations(client, setup):
    location, service, _passport = setup
    late = make_location(slug="arheilgen", counters=1, hours=((timezone.datetime(2000, 1, 1, 11).time(),
                                                               timezone.datetime(2000, 1, 1, 12).time()),))
    offer(late, service, minutes=20)
    # Later than the first location at any hour: it opens only in three days, and then
    # later in the day (the first location has slots from today, from 8:00).
    generate_slots(location=late, start=timezone.localdate() + timedelta(days=3),
                   end=timezone.localdate() + timedelta(days=14))
    response = client.get("/termine/standorte/", selection(service))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Frühester freier Termin" in text
    earliest = timezone.localtime(first_start(location, service))
    assert f"{earliest:%H:%M} Uhr im Standort {location.name_de}" in text
    assert text.index(location.name_de) < text.index(late.name_de)
    assert f"/termine/standorte/{late.slug}/?leistung=personalausweis" in text


def test_locations_explain_when_no_location_offers_all_services(client, setup):
    location, service, _passport = setup
    other = make_service("fuehrungszeugnis", "Führungszeugnis")
    elsewhere = make_location(slug="eberstadt", counters=1)
    offer(elsewhere, other, minutes=10)
    response = client.get("/termine/standorte/", {"leistung": [service.slug, other.slug]})
    assert response.status_code == 200
    assert "Kein Standort bietet alle gewählten Leistungen" in response.content.decode()


# --- Step 3: a time at one location ----------------------------------------------------------

def test_slots_are_grouped_by_day_and_page_further_with_later(client, setup):
    location, service, _passport = setup
    url = f"/termine/standorte/{location.slug}/"
    first = client.get(url, selection(service))
    text = first.content.decode()
    assert first.status_code == 200
    assert text.count('name="beginn"') == 24
    assert "<legend" in text and "<altcha-widget" in text and 'auto="onsubmit"' in text
    later_url = first.context["later_url"]
    assert later_url and "ab=" in later_url
    last = first.context["days"][-1][1][-1]
    second = client.get(later_url)
    assert second.status_code == 200
    assert second.context["days"][0][1][0] > last
    assert second.context["earlier_url"]


def test_a_date_jumps_to_the_free_times_from_that_day(client, setup):
    location, service, _passport = setup
    url = f"/termine/standorte/{location.slug}/"
    day = timezone.localdate() + timedelta(days=7)
    response = client.get(url, {**selection(service), "datum": day.isoformat()})
    assert response.status_code == 200
    first_day = response.context["days"][0][0]
    assert first_day >= day and response.context["chosen_day"] == day
    assert "Freie Zeiten ab" in response.content.decode()
    # German notation works too; the selection stays in the form.
    german = client.get(url, {**selection(service), "datum": day.strftime("%d.%m.%Y")})
    assert german.status_code == 200 and german.context["days"][0][0] == first_day
    assert f'name="leistung" value="{service.slug}"' in german.content.decode()


@pytest.mark.parametrize(("value", "message"), [
    ("31.02.2026", "Bitte geben Sie ein Datum ein, zum Beispiel 14.12.2026."),
    ("2099-01-01", "Termine gibt es hier vom"),
    ("2020-01-01", "Termine gibt es hier vom"),
    ("<script>", "Bitte geben Sie ein Datum ein"),
])
def test_a_bad_date_is_explained_next_to_the_field(client, setup, value, message):
    location, service, _passport = setup
    response = client.get(f"/termine/standorte/{location.slug}/", {**selection(service), "datum": value})
    text = response.content.decode()
    assert response.status_code == 400 and message in text
    assert 'aria-invalid="true"' in text and "<script>" not in text.split("<main", 1)[1].split("</main>")[0]
    assert response.context["days"]  # the earliest times are still offered


def test_slot_page_scripts_are_static_files_with_a_nonce(client, setup):
    location, service, _passport = setup
    text = client.get(f"/termine/standorte/{location.slug}/", selection(service)).content.decode()
    assert "/static/vendor/altcha/altcha.min.js" in text and "/static/appointments/altcha-setup.js" in text
    assert 'data-worker="/static/vendor/altcha/workers/sha.js"' in text
    assert "<script>" not in text and "style=" not in text


# --- Reserve: the same gate as the API ----------------------------------------------------------

def test_reserving_holds_the_slot_and_keeps_the_hold_token_in_the_session(client, setup):
    location, service, _passport = setup
    start = first_start(location, service)
    response = reserve(client, location, service, start)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert response["Location"] == f"/termine/reservierung/{booking.code}/"
    assert booking.status == BookingStatus.HELD and booking.starts_at == start
    assert booking.code in client.session["appointments_holds"]
    page = client.get(response["Location"])
    until = timezone.localtime(booking.expires_at)
    text = page.content.decode()
    assert f"Wir halten diesen Termin bis <span data-hold-until>{until:%H:%M}</span> Uhr für Sie frei." in text
    import re

    seconds = int(re.search(r'data-seconds="(\d+)" data-warn="120"', text).group(1))  # warned 2 minutes before
    assert 590 <= seconds <= 600


def test_the_hold_can_be_extended_ten_times_and_typed_details_come_along(client, setup):
    import time_machine

    location, service, _passport = setup
    booking = reserved(client, location, service)
    url = f"/termine/reservierung/{booking.code}/"
    with time_machine.travel(timezone.now() + timedelta(minutes=9), tick=False):
        # Without JavaScript: the button is part of the details form; what was typed stays.
        page = client.post(url, {"action": "extend", "name": "Mira Schneider", "email": "mira@"})
        assert page.status_code == 200
        text = page.content.decode()
        assert 'value="Mira Schneider"' in text and 'value="mira@"' in text
        assert "Die Reservierung ist verlängert bis" in text and "kern-error" not in text
        booking.refresh_from_db()
        assert booking.expires_at == timezone.now() + timedelta(minutes=10)
    # The warning's button (JSON), while the hold lasts: ten times and more, but the
    # hold never outlasts eleven hold periods (110 minutes) from the reservation.
    for minute in range(18, 100, 9):  # 18 ... 99: with the first, eleven extensions
        with time_machine.travel(booking.created_at + timedelta(minutes=minute), tick=False):
            answer = client.post(f"{url}verlaengern/")
            assert answer.status_code == 200 and answer.json()["seconds"] == 600
    with time_machine.travel(booking.created_at + timedelta(minutes=105), tick=False):
        answer = client.post(f"{url}verlaengern/")
        assert answer.status_code == 409 and "nicht weiter verlängert" in answer.json()["error"]
    booking.refresh_from_db()
    assert booking.expires_at == booking.created_at + timedelta(minutes=109)
    # Another browser (no hold token in its session) cannot extend it.
    from django.test import Client

    assert Client().post(f"{url}verlaengern/").status_code == 404


def test_details_typed_when_the_hold_ran_out_are_kept_for_the_next_time(client, setup):
    import time_machine

    location, service, _passport = setup
    booking = reserved(client, location, service)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        gone = client.post(f"/termine/reservierung/{booking.code}/", {"name": "Mira Schneider",
                                                                     "email": "mira@example.org", "phone": ""})
        assert gone.status_code == 410
        assert "Ihre Angaben haben wir aufbewahrt" in gone.content.decode()
        assert client.post(f"/termine/reservierung/{booking.code}/verlaengern/").status_code == 404
        again = reserved(client, location, service)
        text = client.get(f"/termine/reservierung/{again.code}/").content.decode()
    assert 'value="Mira Schneider"' in text and 'value="mira@example.org"' in text


@pytest.mark.parametrize("altcha", ["", "bm9uc2Vuc2U="])
def test_reserving_without_a_valid_proof_of_work_changes_nothing(client, setup, altcha):
    location, service, _passport = setup
    response = reserve(client, location, service, first_start(location, service), altcha=altcha)
    assert response.status_code == 400
    assert "Sicherheitsprüfung" in response.content.decode()
    assert not Booking.objects.exists() and not Slot.objects.filter(booked__gt=0).exists()


def test_a_proof_of_work_is_accepted_once(client, setup):
    location, service, _passport = setup
    start = first_start(location, service)
    altcha = solve_for_tests(challenge_create())
    assert reserve(client, location, service, start, altcha=altcha).status_code == 302
    again = reserve(client, location, service, start + timedelta(minutes=60), altcha=altcha)
    assert again.status_code == 400 and Booking.objects.count() == 1


def test_reserving_a_slot_just_taken_says_so_and_changes_nothing(client, setup):
    location, service, _passport = setup
    start = first_start(location, service)
    booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    response = reserve(client, location, service, start)
    assert response.status_code == 409
    assert "Dieser Termin wurde gerade vergeben" in response.content.decode()
    assert Booking.objects.count() == 1
    assert response.context["days"]  # the other free times are shown again


def test_reserving_without_a_time_asks_for_one(client, setup):
    location, service, _passport = setup
    response = client.post("/termine/reservieren/", {"standort": location.slug, **selection(service),
                                                      "altcha": solve_for_tests(challenge_create())})
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Uhrzeit." in response.content.decode()
    assert not Booking.objects.exists()


def test_reservations_from_one_address_are_rate_limited(client, setup, settings):
    settings.RESERVE_RATE_LIMIT = (1, 600)
    location, service, _passport = setup
    start = first_start(location, service)
    assert reserve(client, location, service, start).status_code == 302
    response = reserve(client, location, service, start + timedelta(hours=1))
    assert response.status_code == 429 and "Zu viele Reservierungen" in response.content.decode()
    assert Booking.objects.count() == 1


def test_reserving_several_services_and_persons_adds_up(client, setup):
    location, service, passport = setup
    start = free_starts(need_at(location, [(service.pk, 2), (passport.pk, 1)]), limit=1)[0]
    response = client.post("/termine/reservieren/", {
        "standort": location.slug, "beginn": start.isoformat(), "leistung": [service.slug, passport.slug],
        f"personen_{service.slug}": 2, f"personen_{passport.slug}": 1, "altcha": solve_for_tests(challenge_create())})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.ends_at - booking.starts_at == timedelta(minutes=70)


# --- Step 4: details -----------------------------------------------------------------------

def test_details_are_prefilled_for_a_logged_in_user(client, setup):
    location, service, _passport = setup
    user = User.objects.create_user(email="mira@example.org", password="x" * 12, first_name="Mira",
                                    last_name="Schneider")
    client.force_login(user)
    booking = reserved(client, location, service)
    form = client.get(f"/termine/reservierung/{booking.code}/").context["form"]
    assert form.initial == {"name": "Mira Schneider", "email": "mira@example.org"}


def test_details_page_needs_the_hold_from_this_browser(client, setup):
    location, service, _passport = setup
    booking = reserved(client, location, service)
    client.session.flush()
    other = client.__class__()
    assert other.get(f"/termine/reservierung/{booking.code}/").status_code == 404
    assert details(other, booking).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.HELD


@pytest.mark.parametrize("data, message", [
    ({"email": "keine-adresse"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
    ({"email": ""}, "Bitte geben Sie Ihre E-Mail-Adresse ein."),
    ({"name": ""}, "Bitte geben Sie Ihren Namen ein."),
    ({"phone": "ruf mich an"}, "Bitte geben Sie eine Telefonnummer"),
])
def test_bad_details_change_nothing(client, setup, data, message):
    location, service, _passport = setup
    booking = reserved(client, location, service)
    response = details(client, booking, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD and booking.email == ""
    assert not OutboundEmail.objects.exists()


def test_an_expired_hold_says_so(client, setup):
    location, service, _passport = setup
    booking = reserved(client, location, service)
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = details(client, booking)
    assert response.status_code == 410
    assert "Ihre Reservierung ist abgelaufen" in response.content.decode()
    assert f"/termine/standorte/{location.slug}/?leistung=personalausweis" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).email == ""


def test_the_limit_of_active_appointments_per_email_is_explained(client, setup):
    location, service, _passport = setup
    pending(client, location, service, email="viel@example.org")
    pending(client, location, service, email="viel@example.org")
    third = reserved(client, location, service)
    response = details(client, third, email="VIEL@example.org")
    assert response.status_code == 409
    assert "Sie haben bereits 2 offene Termine" in response.content.decode()
    third.refresh_from_db()
    assert third.status == BookingStatus.HELD and third.email == ""


def test_details_send_the_confirmation_link_and_show_check_your_mail(client, setup):
    location, service, _passport = setup
    booking = reserved(client, location, service)
    response = details(client, booking, phone="+49 6151 13-0")
    assert response.status_code == 302 and response["Location"] == f"/termine/reservierung/{booking.code}/gesendet/"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING and booking.phone == "+49 6151 13-0"
    assert booking.code not in client.session["appointments_holds"]
    page = client.get(response["Location"]).content.decode()
    assert "Wir haben eine E-Mail an berta@example.org gesendet." in page
    assert OutboundEmail.objects.filter(to="berta@example.org", purpose="appointments:confirm_request").exists()
    assert client.__class__().get(response["Location"]).status_code == 404  # only this browser


def test_releasing_a_hold_frees_the_slot(client, setup):
    location, service, _passport = setup
    booking = reserved(client, location, service)
    response = client.post(f"/termine/reservierung/{booking.code}/", {"action": "release"})
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert not Slot.objects.filter(booked__gt=0).exists() and not SlotHoldback.objects.exists()


# --- The e-mail link: confirm, calendar ----------------------------------------------------------

def test_opening_the_link_confirms_or_cancels_nothing(client, setup):
    location, service, _passport = setup
    booking, token = pending(client, location, service)
    for params in [{"t": token}, {"t": token, "action": "confirm"}, {"t": token, "action": "cancel"}]:
        assert client.get(f"/termine/buchung/{booking.code}/", params).status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert client.get(f"/termine/buchung/{booking.code}/", {"t": "falsch"}).status_code == 404
    assert client.post(f"/termine/buchung/{booking.code}/", {"t": "falsch", "action": "confirm"}).status_code == 404


def test_confirming_shows_code_address_what_to_bring_calendar_and_postfach(client, setup):
    location, service, _passport = setup
    user = User.objects.create_user(email="mira@example.org", password="x" * 12)
    client.force_login(user)
    booking, token = pending(client, location, service, email="mira@example.org")
    response = client.post(f"/termine/buchung/{booking.code}/", {"t": token, "action": "confirm"}, follow=True)
    text = response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert "Ihr Termin ist bestätigt" in text and booking.code in text
    assert "Luisenplatz 5, 64283 Darmstadt" in text
    assert "Altes Ausweisdokument<br>Biometrisches Passfoto" in text
    assert f"/termine/buchung/{booking.code}/kalender.ics?t={token}" in text
    assert "Eine Nachricht mit allen Angaben liegt in Ihrem Postfach." in text
    assert Message.objects.filter(recipient_user=user, regarding=f"appointments.booking:{booking.pk}").exists()


def test_the_calendar_file_has_the_berlin_time_zone(client, setup):
    location, service, _passport = setup
    booking, token = confirmed(client, location, service)
    response = client.get(f"/termine/buchung/{booking.code}/kalender.ics", {"t": token})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f'filename="termin-{booking.code}.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == booking.starts_at and event["DTEND"].dt == booking.ends_at
    assert "Luisenplatz 5" in str(event["LOCATION"]) and booking.code in str(event["DESCRIPTION"])
    assert b"TZID=Europe/Berlin" in response.content


def test_the_calendar_file_needs_the_token_and_a_confirmed_booking(client, setup):
    location, service, _passport = setup
    booking, token = pending(client, location, service)
    assert client.get(f"/termine/buchung/{booking.code}/kalender.ics", {"t": token}).status_code == 404
    booking_confirm(booking=booking)
    assert client.get(f"/termine/buchung/{booking.code}/kalender.ics", {"t": "falsch"}).status_code == 404
    assert client.get(f"/termine/buchung/{booking.code}/kalender.ics").status_code == 404


def test_cancelling_by_link(client, setup):
    location, service, _passport = setup
    booking, token = confirmed(client, location, service)
    first = client.post(f"/termine/buchung/{booking.code}/", {"t": token, "action": "cancel"})
    assert first.status_code == 200 and "wirklich absagen" in first.content.decode()  # asks once more
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    response = client.post(f"/termine/buchung/{booking.code}/", {"t": token, "action": "cancel", "bestaetigt": "1"},
                           follow=True)
    assert "Ihr Termin ist abgesagt." in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert OutboundEmail.objects.filter(purpose="appointments:cancelled").exists()


# --- Reschedule ------------------------------------------------------------------------------------

def later_free_start(location, service, after):
    return free_starts(need_at(location, [(service.pk, 1)]), limit=1, after=after + timedelta(hours=2))[0]


def test_rescheduling_by_link_moves_the_booking_and_mails_the_new_link(client, setup):
    location, service, _passport = setup
    booking, token = confirmed(client, location, service)
    page = client.get(f"/termine/buchung/{booking.code}/verschieben/", {"t": token})
    assert page.status_code == 200 and "Termin verschieben" in page.content.decode()
    new_start = later_free_start(location, service, booking.starts_at)
    response = client.post(f"/termine/buchung/{booking.code}/verschieben/", {
        "t": token, "beginn": new_start.isoformat(), "altcha": solve_for_tests(challenge_create())})
    assert response.status_code == 302
    old = Booking.objects.get(pk=booking.pk)
    new = Booking.objects.get(starts_at=new_start)
    assert old.status == BookingStatus.RESCHEDULED and new.status == BookingStatus.CONFIRMED
    assert old.moved_to == new
    assert (new.email, new.name) == (old.email, old.name)
    ics_old = Calendar.from_ical(booking_calendar(old, services=list(old.booked_services.all()))).walk("VEVENT")[0]
    ics_new = Calendar.from_ical(booking_calendar(new, services=list(new.booked_services.all()))).walk("VEVENT")[0]
    assert str(ics_new["uid"]) == str(ics_old["uid"]) and str(old.uuid) in str(ics_new["uid"])
    assert (int(ics_old["sequence"]), int(ics_new["sequence"])) == (0, 1)
    mail = OutboundEmail.objects.get(purpose="appointments:rescheduled")
    new_token = find_link(mail.body_text, f"/termine/buchung/{new.code}/").split("?t=")[1]
    assert response["Location"] == f"/termine/buchung/{new.code}/?t={new_token}"
    assert set(Slot.objects.filter(booking_slots__booking=new).values_list("booked", flat=True)) == {1}
    assert not Slot.objects.filter(starts_at=old.starts_at, booked__gt=0).exists()
    assert SlotHoldback.objects.count() == 2  # the freed places are held back like a cancellation


def test_rescheduling_to_a_taken_time_keeps_the_old_booking(client, setup):
    location, service, _passport = setup
    booking, token = confirmed(client, location, service)
    taken = later_free_start(location, service, booking.starts_at)
    booking_hold(location=location, services=[(service.pk, 1)], starts_at=taken)
    response = client.post(f"/termine/buchung/{booking.code}/verschieben/", {
        "t": token, "beginn": taken.isoformat(), "altcha": solve_for_tests(challenge_create())})
    assert response.status_code == 409
    assert "Dieser Termin wurde gerade vergeben" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert set(Slot.objects.filter(booking_slots__booking=booking).values_list("booked", flat=True)) == {1}
    assert not SlotHoldback.objects.exists()


def test_rescheduling_needs_a_proof_of_work(client, setup):
    location, service, _passport = setup
    booking, token = confirmed(client, location, service)
    new_start = later_free_start(location, service, booking.starts_at)
    response = client.post(f"/termine/buchung/{booking.code}/verschieben/", {
        "t": token, "beginn": new_start.isoformat(), "altcha": ""})
    assert response.status_code == 400
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert Booking.objects.count() == 1


def test_reschedule_may_overlap_its_own_old_places(setup):
    location, service, _passport = setup
    start = start_followed_by(location, service, minutes=10)
    held, hold_token = booking_hold(location=location, services=[(service.pk, 1)], starts_at=start)
    booking, _token = booking_submit_details(booking=held, hold_token=hold_token, name="B", email="b@example.org")
    booking = booking_confirm(booking=booking)
    moved, _token = booking_reschedule(booking=booking, starts_at=start + timedelta(minutes=10))
    assert moved.status == BookingStatus.CONFIRMED
    assert list(Slot.objects.filter(location=location, starts_at__in=[start, start + timedelta(minutes=10),
                                                                      start + timedelta(minutes=20)])
                .order_by("starts_at").values_list("booked", flat=True)) == [0, 1, 1]


# --- Meine Termine ------------------------------------------------------------------------------------

def test_my_bookings_list_cancel_and_reschedule_for_the_owner_only(client, setup):
    location, service, _passport = setup
    assert client.get("/termine/meine-termine/").status_code == 302  # login first
    user = User.objects.create_user(email="mira@example.org", password="x" * 12)
    client.force_login(user)
    booking, _token = confirmed(client, location, service, email="mira@example.org")
    text = client.get("/termine/meine-termine/").content.decode()
    assert booking.code in text and f"/termine/buchung/{booking.code}/verschieben/" in text
    assert client.get(f"/termine/buchung/{booking.code}/kalender.ics").status_code == 200  # owner, no token
    # Reschedule from the account (no token: the owner is logged in).
    new_start = later_free_start(location, service, booking.starts_at)
    response = client.post(f"/termine/buchung/{booking.code}/verschieben/", {
        "beginn": new_start.isoformat(), "altcha": solve_for_tests(challenge_create())})
    assert response.status_code == 302 and response["Location"] == "/termine/meine-termine/"
    new = Booking.objects.get(starts_at=new_start, status=BookingStatus.CONFIRMED)
    assert new.user == user
    # Someone else cannot see, reschedule or cancel it.
    stranger = User.objects.create_user(email="fremd@example.org", password="x" * 12)
    other = client.__class__()
    other.force_login(stranger)
    assert other.get(f"/termine/buchung/{new.code}/").status_code == 404
    assert other.post(f"/termine/buchung/{new.code}/", {"action": "cancel"}).status_code == 404
    assert other.get(f"/termine/buchung/{new.code}/verschieben/").status_code == 404
    # The owner cancels from the list; a confirmation needs the e-mail token, not the login.
    response = client.post(f"/termine/buchung/{new.code}/", {"action": "cancel", "next": "mine", "bestaetigt": "1"})
    assert response["Location"] == "/termine/meine-termine/"
    assert Booking.objects.get(pk=new.pk).status == BookingStatus.CANCELLED
    assert "Sie haben keine anstehenden Termine." in client.get("/termine/meine-termine/").content.decode()


def test_pending_bookings_cannot_be_confirmed_from_the_account_without_the_link(client, setup):
    location, service, _passport = setup
    user = User.objects.create_user(email="mira@example.org", password="x" * 12)
    client.force_login(user)
    booking, _token = pending(client, location, service, email="mira@example.org")
    client.post(f"/termine/buchung/{booking.code}/", {"action": "confirm"})
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING


def test_account_overview_links_to_my_bookings(client, setup):
    user = User.objects.create_user(email="mira@example.org", password="x" * 12)
    client.force_login(user)
    assert "/termine/meine-termine/" in client.get("/mein-konto/").content.decode()


def test_english_pages_live_under_en(client, setup):
    location, service, _passport = setup
    response = client.get("/en/termine/")
    assert response.status_code == 200
    assert "Book an appointment at the citizens' office" in response.content.decode()
    query = urlencode(selection(service))
    slots = client.get(f"/en/termine/standorte/{location.slug}/?{query}").content.decode()
    assert "Choose a time" in slots and "Reserve appointment" in slots and 'language="en"' in slots
    assert "Please choose at least one service." in client.get("/en/termine/standorte/").content.decode()


def test_the_slot_page_needs_a_fixed_number_of_queries(client, setup, django_assert_max_num_queries):
    location, service, _passport = setup
    with django_assert_max_num_queries(8):
        assert client.get(f"/termine/standorte/{location.slug}/", selection(service)).status_code == 200
