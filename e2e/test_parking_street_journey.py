"""A driver parks on the street with the phone app: from the home page to the price."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import User
from digitalstadt.core.money import format_eur
from digitalstadt.parking.models import ParkingSession
from digitalstadt.parking.street_demo import seed

pytestmark = pytest.mark.django_db(transaction=True)


def _driver():
    seed()
    return User.objects.create_user("fahrerin@example.org", "Sicher-genug-2026", first_name="Fiona")


def test_driver_starts_extends_and_stops_a_street_parking_session(journey, clock):
    # the test clock: Tuesday 1 December 2026, 09:30, inside the charged hours of zone I
    journey.login_as(_driver())
    journey.visit("/")
    page = journey.page
    page.locator("main").get_by_role("link", name="Einkaufen & Parken").click()
    page.locator("main").get_by_role("link", name="Handyparken").click()
    expect(page.get_by_role("heading", name="Handyparken", level=1)).to_be_visible()
    journey.check_page()
    page.get_by_role("link", name="Parken starten").click()
    journey.check_page()
    page.get_by_label("Parkzone").select_option("I")
    page.get_by_label("Neues Kennzeichen").fill("da ab 123")
    page.get_by_label("Parkdauer").select_option("60")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    # the confirmation step: the plate in large type and the price before start
    expect(page.locator("#plate-confirm")).to_have_text("DA-AB 123")
    expect(page.locator("#price-before-start")).to_have_text(re.compile(r"2,00\s€"))
    assert not ParkingSession.objects.exists()
    journey.check_page(snapshot=True)
    journey.screenshot("street-parking-confirm-1280")
    page.get_by_role("button", name="Parken starten für DA-AB 123").click()
    expect(page.locator("#session-state")).to_have_text("Parkvorgang läuft")
    journey.check_page()
    session = ParkingSession.objects.get()
    assert session.plate == "DA-AB 123" and session.zone.code == "I"

    # 20 minutes later the live price has moved on (htmx polling every 30 s)
    clock.shift(dt.timedelta(minutes=20))
    expect(page.locator("#session-price")).to_have_text(re.compile(r"0,(6[7-9]|7\d)\s€"))

    page.get_by_label("Verlängern um").select_option("30")
    page.get_by_role("button", name="Verlängern").click()
    expect(page.get_by_text("Verlängert bis")).to_be_visible()
    session.refresh_from_db()
    assert session.ends_at - session.started_at == dt.timedelta(minutes=90)
    journey.check_page()

    clock.shift(dt.timedelta(minutes=25))
    page.get_by_role("button", name="Parken beenden").click()
    expect(page.locator("#session-state")).to_have_text("Parkvorgang beendet")
    session.refresh_from_db()
    assert 150 <= session.amount_cents <= 157  # 45-47 started minutes at 100 ct / 30 min
    expect(page.locator("#session-price")).to_have_text(format_eur(session.amount_cents))
    journey.check_page()
    journey.screenshot("street-parking-stopped-1280")
    page.get_by_role("link", name="Zur Monatsabrechnung").click()
    expect(page.locator("#statement-total")).to_have_text(format_eur(session.amount_cents))
    journey.check_page()


def test_the_plate_confirmation_on_a_phone(phone_journey):
    phone_journey.login_as(_driver())
    phone_journey.visit("/parken/strasse/")
    phone_journey.screenshot("street-parking-home-360")
    page = phone_journey.page
    page.get_by_label("Zonennummer").fill("ii")
    page.get_by_role("button", name="Mit dieser Zone starten").click()
    expect(page.get_by_label("Parkzone")).to_have_value("II")
    phone_journey.check_page()
    page.get_by_label("Neues Kennzeichen").fill("OF-Z 1")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    expect(page.locator("#plate-confirm")).to_have_text("OF-Z 1")
    phone_journey.check_page(snapshot=True)
    phone_journey.screenshot("street-parking-confirm-360")
