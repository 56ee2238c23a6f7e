"""A shopper orders for same-day delivery, from the home page by clicking: picks the
cargo-bike delivery at checkout, first types an address outside the delivery zones
(a clear message, nothing lost), then her own, chooses the 16-18 window, pays on the
provider's page and follows the tracking page, which shows the stops before hers once
the tours are planned. At 360 px the checkout with delivery and the tracking page fit
the screen and pass axe."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.delivery.models import Job, JobStatus, Shift
from digitalstadt.delivery.planning import plan_day
from digitalstadt.delivery.tests.factories import make_courier, make_delivering_shop
from digitalstadt.marketplace.models import OrderStatus, ShopOrder
from digitalstadt.marketplace.search_index import index_products
from digitalstadt.marketplace.tests.checkout_factories import make_variant

from .conftest import poll_until

pytestmark = [pytest.mark.django_db(transaction=True)]


def main(page):
    return page.locator("main")


@pytest.fixture
def delivery_city(clock):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    courier, zone, hub = make_courier(capacity=5)
    shop = make_delivering_shop("Feinkost am Markt", slug="feinkost-am-markt")
    variant = make_variant(shop, title="Olivenöl aus Kreta 0,5 l", price_cents=1290, on_hand=8, vat_rate=7)
    index_products()
    berlin = ZoneInfo("Europe/Berlin")
    for bike in courier_bikes(courier):
        Shift.unscoped_objects.create(organisation=courier, bike=bike, hub=hub, day=date(2026, 12, 1),
                                      starts_at=datetime(2026, 12, 1, 15, tzinfo=berlin),
                                      ends_at=datetime(2026, 12, 1, 21, tzinfo=berlin))
    return courier, shop, variant


def courier_bikes(courier):
    from digitalstadt.delivery.models import Bike

    return list(Bike.unscoped_objects.filter(organisation=courier))


def test_shopper_orders_for_delivery_and_follows_the_tracking_page(journey, phone_journey, delivery_city, clock):
    courier, shop, variant = delivery_city
    lina = CitizenFactory(email="lina@example.org", first_name="Lina", last_name="Lieferung")
    journey.login_as(lina)
    page = journey.page
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einkaufen & Parken").click()
    main(page).get_by_role("link", name="Im Marktplatz suchen").click()
    main(page).get_by_label("Was suchen Sie?").fill("Olivenöl")
    main(page).get_by_role("button", name="Suchen").click()
    main(page).get_by_role("link", name=re.compile("Olivenöl aus Kreta")).first.click()
    main(page).get_by_role("button", name="In den Warenkorb").click()
    expect(page.get_by_text("liegt im Warenkorb")).to_be_visible()
    page.get_by_role("link", name=re.compile("Warenkorb")).first.click()
    main(page).get_by_role("link", name="Zur Kasse").click()
    journey.check_page()

    group = main(page).get_by_role("group", name=re.compile(shop.name))
    group.get_by_label("Lieferung am selben Tag (Lastenrad)").check()
    window = group.get_by_label("Lieferfenster (bei Lieferung)")
    expect(window.locator("option").first).to_contain_text("16:00–18:00")
    window.select_option(index=0)
    address = main(page).get_by_role("group", name="Lieferadresse (nur bei Lieferung)")
    # Eberstadt is outside the courier's zones.
    address.get_by_label("Straße und Hausnummer").fill("Heidelberger Landstraße 5")
    address.get_by_label("Postleitzahl").fill("64297")
    address.get_by_label("Hinweis für den Kurier (optional)").fill("Klingel Lieferung")
    main(page).get_by_label(re.compile("AGB und die Widerrufsbelehrung")).check()
    journey.screenshot("delivery-checkout-1280")
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()
    expect(page.get_by_role("alert")).to_contain_text("An diese Adresse liefern wir leider nicht")
    journey.check_page(snapshot=True)
    address = main(page).get_by_role("group", name="Lieferadresse (nur bei Lieferung)")
    expect(address.get_by_label("Hinweis für den Kurier (optional)")).to_have_value("Klingel Lieferung")
    assert not ShopOrder.unscoped_objects.exists()
    address.get_by_label("Straße und Hausnummer").fill("Kapellstraße 10")
    address.get_by_label("Postleitzahl").fill("64283")
    group = main(page).get_by_role("group", name=re.compile(shop.name))
    group.get_by_label("Lieferung am selben Tag (Lastenrad)").check()
    main(page).get_by_label(re.compile("AGB und die Widerrufsbelehrung")).check()
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()

    # 12,90 € plus 4,90 € delivery, paid to the shop on the provider's page.
    main(page).get_by_role("button", name=f"17,80 € an {shop.name} online bezahlen").click()
    page.wait_for_url("**/psp-simulator/?*")
    page.get_by_role("button", name="17,80 € bezahlen").click()
    expect(page.get_by_text("Vielen Dank, die Zahlung ist eingegangen.")).to_be_visible()
    page.get_by_role("link", name="Zurück zur Bestellung").click()
    expect(main(page).get_by_text("zwischen 16:00 und 18:00 Uhr")).to_be_visible()
    journey.check_page()
    part = ShopOrder.unscoped_objects.get(shop=shop)
    assert part.status == OrderStatus.NEW and part.paid_at is not None
    job = Job.unscoped_objects.get(shop_order=part)
    assert (job.street, job.note, job.status) == ("Kapellstraße 10", "Klingel Lieferung", JobStatus.WAITING)

    main(page).get_by_role("link", name="Lieferung verfolgen").click()
    expect(page.get_by_role("heading", level=1, name=f"Ihre Lieferung von {shop.name}")).to_be_visible()
    expect(page.locator("#tracking-eta")).to_contain_text("Die Tour wird geplant")
    journey.check_page()
    # The dispatcher plans the day; the page updates itself.
    run = plan_day(courier_id=courier.pk, day=date(2026, 12, 1), seconds=1)
    assert run.status == "done" and run.summary["unassigned"] == [], run.summary
    # One stop before hers: the courier collects her parcel at the shop first.
    poll_until(page, page.locator("#tracking-eta"), "Noch 1 Stopp vor Ihnen", advance=lambda: page.clock.run_for(31_000))
    expect(page.locator("#tracking-eta")).to_contain_text("Voraussichtlich gegen")
    journey.screenshot("delivery-tracking-1280")
    tracking_url = page.url

    # At 360 px: the tracking page, and the checkout with delivery chosen.
    phone = phone_journey
    phone.login_as(lina)
    phone.page.goto(tracking_url)
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text("Ihre Lieferung")
    phone.check_page()
    phone.screenshot("delivery-tracking-360")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    from digitalstadt.marketplace import checkout
    from digitalstadt.marketplace.models import Cart

    checkout.cart_add(cart=Cart.objects.get_or_create(user=lina)[0], variant_id=variant.pk, quantity=1)
    phone.visit("/marktplatz/warenkorb/kasse/")
    main(phone.page).get_by_role("group", name=re.compile(shop.name)).get_by_label(
        "Lieferung am selben Tag (Lastenrad)").check()
    phone.screenshot("delivery-checkout-360")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
