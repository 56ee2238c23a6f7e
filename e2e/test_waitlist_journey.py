"""A citizen joins the waiting list from the slot page; when someone cancels, the freed
place is offered to her by e-mail (real worker, real SMTP) and she confirms it."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digitalstadt.accounts.models import User
from digitalstadt.appointments.models import BookingStatus, WaitlistEntry, WaitlistStatus
from digitalstadt.appointments.schedule import generate_slots
from digitalstadt.appointments.selectors import free_starts, need_at
from digitalstadt.appointments.services import booking_cancel, booking_confirm
from digitalstadt.appointments.tests.factories import make_location, make_service, offer
from digitalstadt.appointments.tests.test_booking import book
from digitalstadt.testing.fixtures import find_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_waiting_list_offer_by_email_and_confirmation(journey, smtp_server, deliver_mail):
    location = make_location(counters=1, hours=((time(8), time(9)),), waitlist_offer_minutes=60)
    service = make_service()
    offer(location, service, minutes=10)
    today = timezone.localdate()
    generate_slots(location=location, start=today, end=today + timedelta(days=30))
    need = need_at(location, [(service.pk, 1)])
    first = free_starts(need, limit=1, after=timezone.now() + timedelta(days=2))[0]
    anna, _token = book(location, service, email="anna@example.org", start=first)
    booking_confirm(booking=anna)
    mira = User.objects.create_user("mira@example.org", "Sicher-genug-2026", first_name="Mira", last_name="Schneider")
    journey.login_as(mira)

    journey.visit(f"/termine/standorte/{location.slug}/?leistung={service.slug}")
    page = journey.page
    page.get_by_label("Ich brauche den Termin spätestens am").fill(timezone.localdate(first).isoformat())
    page.get_by_role("button", name="Auf die Warteliste").click()
    expect(page.get_by_text("Sie stehen auf der Warteliste.")).to_be_visible()
    journey.check_page()
    assert WaitlistEntry.objects.get(user=mira).status == WaitlistStatus.WAITING

    booking_cancel(booking=anna)  # Anna cannot come: her place is freed
    deliver_mail()  # the worker offers the place to the waiting list and sends the e-mails
    deliver_mail()
    offer_mail = next(m for m in smtp_server.messages if m["to"] == ["mira@example.org"])
    assert "früherer Termin" in offer_mail["subject"]
    link = find_link(offer_mail["body"], "/termine/buchung/")
    journey.page.goto(journey.base_url + link.split("testserver", 1)[1])
    journey.check_page()
    page.get_by_role("button", name="Termin bestätigen").click()
    journey.check_page()
    entry = WaitlistEntry.objects.get(user=mira)
    assert entry.offer_booking.status == BookingStatus.CONFIRMED and entry.offer_booking.starts_at == first
    journey.visit("/termine/warteliste/")
    expect(page.get_by_text("Termin angeboten").or_(page.get_by_text("gebucht")).first).to_be_visible()
