"""The public car-park pages: the list by distance and free spaces, stale data said as
such, a car park's page, the car parks nearby on shop and pickup pages, the demo data."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from digitalstadt.core.registry import dashboard_figures
from digitalstadt.parking.carpark_selectors import (
    ExpectedFreeProvider,
    carparks_by_distance,
    carparks_nearby,
    expected_free_providers,
)
from digitalstadt.parking.carpark_services import occupancy_record
from digitalstadt.parking.feeds import Reading
from digitalstadt.parking.models import CarPark, CarParkTariff, OccupancyReading

from .carpark_factories import carpark_make

pytestmark = pytest.mark.django_db

LUISENPLATZ = (49.8728, 8.6511)


@pytest.fixture
def three(clock):
    """Near (50 free), middle (full), far (300 free), all reporting now."""
    now = clock.now()
    near = carpark_make(slug="nah", name="Nahgarage", latitude=Decimal("49.873000"), longitude=Decimal("8.651500"))
    middle = carpark_make(slug="mitte", name="Mittelgarage", latitude=Decimal("49.876000"),
                          longitude=Decimal("8.655000"))
    far = carpark_make(slug="fern", name="Ferngarage", latitude=Decimal("49.890000"), longitude=Decimal("8.670000"))
    for carpark, free in ((near, 50), (middle, 0), (far, 300)):
        occupancy_record(carpark=carpark, readings=[Reading(carpark.slug, now, free)], source="test")
    return near, middle, far


def names(html: str) -> list[str]:
    return re.findall(r'data-carpark="([^"]+)"', html)


def test_the_list_is_sorted_by_distance_or_by_free_spaces(client, three):
    assert names(client.get(reverse("carparks:list") + "?ort=luisenplatz").content.decode()) == ["nah", "mitte",
                                                                                                 "fern"]
    by_free = client.get(reverse("carparks:list") + "?ort=luisenplatz&sortierung=frei").content.decode()
    assert names(by_free) == ["fern", "nah", "mitte"]


def test_the_list_sorts_from_a_given_point_with_its_label(client, three):
    response = client.get(reverse("carparks:list"), {"lat": "49.8899", "lon": "8.6699", "von": "Rösterei am Woog"})
    html = response.content.decode()
    assert names(html)[0] == "fern"
    assert "Nach Entfernung von Rösterei am Woog" in html
    assert "300 Plätze frei" in html and "besetzt" in html


@pytest.mark.parametrize("query", ["lat=abc&lon=8.6", "lat=91&lon=8.6", "lat=nan&lon=1", "ort=nirgendwo",
                                   "sortierung=zufall"])
def test_bad_parameters_get_a_clear_400(client, three, query):
    response = client.get(reverse("carparks:list") + "?" + query)
    assert response.status_code == 400
    assert CarPark.objects.count() == 3


def test_a_stale_car_park_says_since_when_instead_of_a_number(client, clock, settings):
    settings.PARKING_STALE_MINUTES = 20
    carpark = carpark_make(slug="still", name="Stillgarage")
    reported = clock.now().replace(second=0, microsecond=0)  # 09:30 local
    occupancy_record(carpark=carpark, readings=[Reading("still", reported, 123)], source="test")
    clock.shift(dt.timedelta(minutes=19))
    assert "123 Plätze frei" in client.get(reverse("carparks:list")).content.decode()
    clock.shift(dt.timedelta(minutes=2))
    html = client.get(reverse("carparks:list")).content.decode()
    assert "keine aktuellen Daten seit 09:30" in html
    assert "123 Plätze frei" not in html
    assert dashboard_figures.get("parking.carpark_free_spaces").value() is None


def test_a_car_park_silent_since_yesterday_names_the_day(client, clock):
    carpark = carpark_make(slug="still", name="Stillgarage")
    occupancy_record(carpark=carpark, readings=[Reading("still", clock.now() - dt.timedelta(days=1), 5)],
                     source="test")
    html = client.get(reverse("carparks:list")).content.decode()
    assert "keine aktuellen Daten seit 30.11., 09:30" in html


def test_the_stale_time_is_local_time_in_english_too(client, clock):
    carpark = carpark_make(slug="still", name="Stillgarage")
    occupancy_record(carpark=carpark, readings=[Reading("still", clock.now() - dt.timedelta(hours=1), 5)],
                     source="test")
    from django.utils import translation

    with translation.override("en"):
        url = reverse("carparks:list")
    assert url.startswith("/en/")
    html = client.get(url).content.decode()
    assert '<html lang="en"' in html
    assert "08:30" in html and "5 Plätze frei" not in html


def test_the_live_partial_carries_the_new_reading(client, clock, three):
    near = three[0]
    url = reverse("carparks:list") + "?ort=luisenplatz&teil=liste"
    assert "50 Plätze frei" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    clock.shift(dt.timedelta(minutes=5))
    occupancy_record(carpark=near, readings=[Reading("nah", clock.now(), 42)], source="test")
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "42 Plätze frei" in partial and "<html" not in partial


def test_closed_car_parks_say_so_and_are_not_nearby(clock):
    now = clock.now()  # a Tuesday 09:30
    shut = carpark_make(slug="zu", open_24_7=False, opening_hours={"tue": [["10:00", "20:00"]]},
                        latitude=Decimal("49.872800"), longitude=Decimal("8.651100"))
    other = carpark_make(slug="auf", latitude=Decimal("49.880000"), longitude=Decimal("8.660000"))
    for carpark in (shut, other):
        occupancy_record(carpark=carpark, readings=[Reading("x", now, 100)], source="test")
    statuses = carparks_by_distance(latitude=LUISENPLATZ[0], longitude=LUISENPLATZ[1])
    assert [s.carpark.slug for s in statuses] == ["zu", "auf"]
    assert statuses[0].open_now is False
    assert [s.carpark.slug for s in carparks_nearby(latitude=LUISENPLATZ[0], longitude=LUISENPLATZ[1])] == ["auf"]


def test_nearby_gives_the_nearest_three_with_space(clock, three):
    extra = carpark_make(slug="extra", latitude=Decimal("49.900000"), longitude=Decimal("8.700000"))
    extra2 = carpark_make(slug="extra2", latitude=Decimal("49.950000"), longitude=Decimal("8.800000"))
    for carpark in (extra, extra2):
        occupancy_record(carpark=carpark, readings=[Reading("x", clock.now(), 10)], source="test")
    nearby = carparks_nearby(latitude=LUISENPLATZ[0], longitude=LUISENPLATZ[1])
    assert [s.carpark.slug for s in nearby] == ["nah", "fern", "extra"]


def test_the_detail_page_shows_todays_tariff_hours_and_history(client, clock):
    carpark = carpark_make(slug="haus", name="Haus am Platz", open_24_7=False, height_limit_cm=205, ev_chargers=3,
                           opening_hours={d: [["07:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    today = clock.today()
    CarParkTariff.objects.create(carpark=carpark, valid_from=today - dt.timedelta(days=400),
                                 valid_until=today - dt.timedelta(days=1), description_de="Alter Tarif")
    CarParkTariff.objects.create(carpark=carpark, valid_from=today, description_de="Neuer Tarif",
                                 description_en="New tariff")
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    occupancy_record(carpark=carpark, source="test", readings=[
        Reading("x", start + dt.timedelta(minutes=15 * i), 300 - i) for i in range(0, 38)])
    html = client.get(reverse("carparks:detail", args=["haus"])).content.decode()
    assert "Neuer Tarif" in html and "Alter Tarif" not in html
    assert "bis 2,05 m" in html and "07:00–24:00" in html
    assert "jetzt geöffnet" in html
    assert re.search(r"<td[^>]*>08:00</td><td[^>]*>268</td>", html)
    assert "Route in OpenStreetMap" in html and "openstreetmap.org/directions" in html
    partial = client.get(reverse("carparks:detail", args=["haus"]) + "?teil=stand", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Plätze frei" in partial.content.decode()


def test_an_unknown_car_park_is_a_404(client):
    assert client.get(reverse("carparks:detail", args=["gibt-es-nicht"])).status_code == 404


def test_the_forecast_hook_adds_expected_free_spaces(client, clock, three):
    expected_free_providers.register(ExpectedFreeProvider("test", lambda *, carpark, at: 77))
    try:
        html = client.get(reverse("carparks:detail", args=["nah"])).content.decode()
        assert "Voraussichtlich frei" in html and "77 Plätze" in html
    finally:
        expected_free_providers.unregister("test")


def test_the_pwa_files(client):
    manifest = client.get(reverse("carparks:manifest")).json()
    assert manifest["start_url"] == reverse("carparks:list")
    sw = client.get(reverse("carparks:service-worker"))
    assert sw["Content-Type"] == "application/javascript" and b"ds-parken-" in sw.content


def test_the_city_is_named_from_the_settings(client, settings):
    settings.CITY_TOWN = "Musterstadt"
    assert client.get(reverse("carparks:manifest")).json()["name"] == "Parken in Musterstadt – freie Plätze"
    html = client.get(reverse("carparks:list")).content.decode()
    assert "Parkhäusern der Innenstadt von Musterstadt" in html and "Darmstädter" not in html


def test_the_shop_page_and_the_pickup_show_the_car_parks_nearby(client, clock, three):
    from digitalstadt.marketplace.tests.factories import make_order, make_shop

    shop = make_shop(name="Laden am Luisenplatz", latitude=Decimal("49.872800"), longitude=Decimal("8.651100"))
    html = client.get(reverse("market-directory:shop", args=[shop.slug])).content.decode()
    assert "Parkhäuser in der Nähe" in html
    section = html[html.index("Parkhäuser in der Nähe"):]
    assert section.index("Nahgarage") < section.index("Ferngarage")
    assert "Mittelgarage" not in section  # full
    order = make_order(shop)
    client.force_login(order.order.shopper)
    page = client.get(reverse("market-order:detail", args=[order.order.uuid])).content.decode()
    assert "Parkhäuser in der Nähe" in page and "Nahgarage" in page


def test_the_dashboard_figures(clock, three):
    share = dashboard_figures.get("parking.carpark_occupancy").value()
    free = dashboard_figures.get("parking.carpark_free_spaces").value()
    assert free == 350
    assert share == round(1 - 350 / 1200, 3)


def test_the_demo_car_parks_with_eight_weeks_of_simulated_history(clock):
    from digitalstadt.parking import demo

    demo.seed()
    carparks = CarPark.objects.filter(is_demo=True)
    assert carparks.count() == 10
    assert 4000 <= sum(c.capacity for c in carparks) <= 4600
    assert all(c.operator and c.operator.name == "Parkhausbetreiber (Demo)" for c in carparks)
    luisencenter = carparks.get(slug="luisencenter")
    readings = OccupancyReading.objects.filter(carpark=luisencenter)
    assert readings.count() >= 8 * 7 * 96
    oldest = readings.order_by("at").first().at
    assert dt.timedelta(weeks=8) <= clock.now() - oldest < dt.timedelta(weeks=8, minutes=15)
    assert luisencenter.reading_at is not None and clock.now() - luisencenter.reading_at < dt.timedelta(minutes=15)
    count = OccupancyReading.objects.count()
    demo.seed()
    assert OccupancyReading.objects.count() == count


def test_an_operator_sees_its_own_car_parks_only(client, clock):
    from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, User

    mine = Organisation.objects.create(slug="betrieb-a", name="Betrieb A", kind=OrganisationKind.CARPARK_OPERATOR)
    other = Organisation.objects.create(slug="betrieb-b", name="Betrieb B", kind=OrganisationKind.CARPARK_OPERATOR)
    manager = User.objects.create_user("leitung@example.org", "x" * 12)
    Membership.objects.create(user=manager, organisation=mine, role=OrgRole.OWNER)
    carpark_make(slug="eigenes", name="Eigene Garage", operator=mine)
    carpark_make(slug="fremdes", name="Fremde Garage", operator=other)
    url = reverse("carpark-operator:overview", args=["betrieb-a"])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert "Eigene Garage" in html and "Fremde Garage" not in html
    assert "noch keine Daten" in html
    assert client.get(reverse("carpark-operator:overview", args=["betrieb-b"])).status_code == 404
    from digitalstadt.accounts.selectors import organisation_work_areas

    areas = organisation_work_areas(user=manager, organisation=mine)
    assert any("Meine Parkhäuser" in str(area.get("label")) for area in areas)


def test_the_list_reads_a_fixed_number_of_queries(client, clock, django_assert_max_num_queries):
    for n in range(12):
        carpark = carpark_make(operator=None)
        occupancy_record(carpark=carpark, readings=[Reading("x", clock.now(), n)], source="test")
    client.get(reverse("carparks:list"))  # warm the session and caches
    with django_assert_max_num_queries(6):
        assert client.get(reverse("carparks:list"), HTTP_HX_REQUEST="true",
                          QUERY_STRING="teil=liste").status_code == 200
