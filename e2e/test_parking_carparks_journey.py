"""A driver looking for a car park: from the home page to the parking app, picks a
place, sees the list with free spaces (updated live, proven by moving the browser's
clock past the next poll after a new reading), opens a car park and finds the route
link; from a shop's page sees the car parks nearby. The list at 360 px (axe + screenshot)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from digitalstadt.marketplace.tests.factories import make_shop
from digitalstadt.parking.carpark_services import occupancy_record
from digitalstadt.parking.feeds import Reading
from digitalstadt.parking.tests.carpark_factories import carpark_make

from .conftest import poll_until
from .test_citizen_journey import main

pytestmark = pytest.mark.django_db(transaction=True)


def _carparks(clock):
    now = clock.now()
    made = {}
    for slug, name, lat, lon, free in (
            ("schlossgaragen", "Schlossgaragen", "49.873600", "8.653000", 180),
            ("grafenstrasse", "Parkhaus Grafenstraße", "49.874200", "8.648200", 0),
            ("bahnhof", "Parkhaus am Hauptbahnhof", "49.872600", "8.630000", 95),
            ("alice", "Alice-Tiefgarage", "49.877000", "8.666000", 40)):
        carpark = carpark_make(slug=slug, name=name, latitude=Decimal(lat), longitude=Decimal(lon), capacity=400,
                               height_limit_cm=200, is_demo=True)
        occupancy_record(carpark=carpark, readings=[Reading(slug, now, free)], source="test")
        made[slug] = carpark
    return made


def test_a_driver_finds_a_car_park_with_space_and_the_route(journey, clock):
    carparks = _carparks(clock)
    page = journey.page
    journey.visit("/")
    main(page).get_by_role("link", name="Einkaufen & Parken").click()
    journey.check_page()
    main(page).get_by_role("link", name="Freie Parkplätze").click()
    expect(page.get_by_role("heading", name="Freie Parkplätze in Parkhäusern")).to_be_visible()
    expect(main(page).get_by_text("Demo: Die Belegung ist simuliert")).to_be_visible()
    journey.check_page()

    page.get_by_label("Von wo aus?").select_option(label="Hauptbahnhof")
    main(page).get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_text("Nach Entfernung von Hauptbahnhof")).to_be_visible()
    items = main(page).locator("#carpark-list > li")
    expect(items.first).to_contain_text("Parkhaus am Hauptbahnhof")
    expect(items.first).to_contain_text("95 Plätze frei")
    expect(main(page).locator("[data-carpark=grafenstrasse]")).to_contain_text("besetzt")
    expect(main(page).locator("#carpark-map .leaflet-interactive").first).to_be_attached()
    journey.check_page()
    journey.screenshot("parking-list-1280")

    # A new reading arrives; the list's own polling (every 60 s) brings it in.
    clock.shift(dt.timedelta(minutes=1))
    occupancy_record(carpark=carparks["bahnhof"], readings=[Reading("bahnhof", clock.now(), 12)], source="test")
    poll_until(page, items.first, "12 Plätze frei", advance=lambda: page.clock.run_for(61_000))
    expect(page).to_have_url(journey.url("/parken/?ort=hauptbahnhof&sortierung=entfernung"))

    expect(items.first.get_by_role("link", name="Route zu Parkhaus am Hauptbahnhof (OpenStreetMap)")).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?engine=fossgis_osrm_car&route=%3B49.872600%2C8.630000")
    items.first.get_by_role("link", name="Parkhaus am Hauptbahnhof", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Parkhaus am Hauptbahnhof")).to_be_visible()
    expect(main(page).locator("#carpark-status")).to_contain_text("12 Plätze frei")
    expect(main(page).get_by_text("jetzt geöffnet")).to_be_visible()
    route = main(page).get_by_role("link", name="Route in OpenStreetMap")
    expect(route).to_have_attribute("href", "https://www.openstreetmap.org/directions?engine=fossgis_osrm_car"
                                            "&route=%3B49.872600%2C8.630000")
    journey.check_page()
    journey.screenshot("parking-detail-1280")


def test_a_shopper_sees_the_car_parks_near_a_shop(journey, clock):
    _carparks(clock)
    shop = make_shop(name="Kaffeerösterei am Schloss", latitude=Decimal("49.873300"), longitude=Decimal("8.652000"),
                     district="Mitte")
    page = journey.page
    journey.visit("/")
    main(page).get_by_role("link", name="Einkaufen & Parken").click()
    main(page).get_by_role("link", name="Alle Geschäfte").click()
    main(page).get_by_role("link", name=shop.name).click()
    nearby = main(page).locator("[data-carparks-nearby]")
    expect(nearby.get_by_role("heading", name="Parkhäuser in der Nähe")).to_be_visible()
    expect(nearby.locator("li")).to_have_count(3)
    expect(nearby.locator("li").first).to_contain_text("Schlossgaragen")
    expect(nearby.locator("li").first).to_contain_text("180 Plätze frei")
    expect(nearby).not_to_contain_text("Parkhaus Grafenstraße")  # full
    journey.check_page()
    nearby.get_by_role("link", name="Alle Parkhäuser nach Entfernung").click()
    expect(page.get_by_text(f"Nach Entfernung von {shop.name}")).to_be_visible()
    expect(main(page).locator("#carpark-list > li").first).to_contain_text("Schlossgaragen")
    journey.check_page()


def test_the_list_on_a_phone(phone_journey, clock):
    _carparks(clock)
    page = phone_journey.page
    phone_journey.visit("/parken/")
    expect(main(page).locator("#carpark-list > li").first).to_contain_text("Plätze frei")
    phone_journey.check_page()
    phone_journey.screenshot("parking-list-360")
