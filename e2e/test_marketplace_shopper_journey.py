"""Shoppers on the marketplace, from the home page by clicking:

- one searches with a typo, fills one cart from two shops, picks a pickup window at
  each, pays each shop through the provider's page (the local PSP simulator) and
  collects at the counter, where the seller scans the QR code from the order page
  with the camera (Chromium's fake camera plays the code);
- one reserves in store and pays there: the shop hands over by the pickup code;
- at 360 px the marketplace home, the results, a product page, the cart and the order
  page fit the screen and pass axe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digitalstadt.accounts.models import OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace.models import OrderStatus, ShopOrder, Variant
from digitalstadt.marketplace.search_index import index_products
from digitalstadt.marketplace.tests.checkout_factories import make_shop, make_variant
from digitalstadt.marketplace.tests.factories import make_member

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Journey
from .test_shop_orders_journey import _qr_video

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_journey]


def main(page):
    return page.locator("main")


@pytest.fixture
def city_shops():
    coffee = make_shop("Kaffeerösterei am Markt")
    books = make_shop("Buchhandlung Martinsviertel")
    beans = make_variant(coffee, title="Espresso-Bohnen Kaffee 250 g", price_cents=899, on_hand=6)
    make_variant(coffee, title="Teekanne aus Glas", price_cents=2990, on_hand=2, vat_rate=19)
    novel = make_variant(books, title="Roman Darmstädter Nächte", price_cents=2200, on_hand=2)
    index_products()
    return coffee, books, beans, novel


def _search(page, query):
    form = main(page)
    form.get_by_label("Was suchen Sie?").fill(query)
    form.get_by_role("button", name="Suchen").click()


def test_shopper_fills_one_cart_from_two_shops_pays_and_collects_with_the_qr(
        journey, city_shops, browser, live_server, clock, tmp_path, deliver_mail):
    coffee, books, beans, novel = city_shops
    sina = CitizenFactory(email="sina@example.org", first_name="Sina", last_name="Sommer")
    journey.login_as(sina)
    page = journey.page

    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einkaufen & Parken").click()
    main(page).get_by_role("link", name="Im Marktplatz suchen").click()
    journey.check_page()
    # A typo: "Kafee" still finds the coffee beans.
    _search(page, "Kafee")
    journey.check_page()
    main(page).get_by_role("link", name=re.compile("Espresso-Bohnen")).first.click()
    journey.check_page()
    main(page).get_by_role("button", name="In den Warenkorb").click()
    expect(page.get_by_text("liegt im Warenkorb")).to_be_visible()
    page.get_by_role("navigation", name="Sie sind hier").get_by_role("link", name="Marktplatz").click()
    _search(page, "Romane")  # a plural finds the novel in the other shop
    main(page).get_by_role("link", name=re.compile("Darmstädter Nächte")).first.click()
    main(page).get_by_role("button", name="In den Warenkorb").click()

    page.get_by_role("link", name=re.compile("Warenkorb")).first.click()
    expect(main(page).get_by_role("heading", name="Kaffeerösterei am Markt")).to_be_visible()
    expect(main(page).get_by_role("heading", name="Buchhandlung Martinsviertel")).to_be_visible()
    journey.check_page()
    journey.screenshot("market-cart-1280")
    main(page).get_by_role("link", name="Zur Kasse").click()
    journey.check_page()
    # Click & collect at both shops, each in its first free pickup window.
    for shop in (coffee, books):
        main(page).get_by_role("group", name=re.compile(shop.name)).get_by_label(
            "Abholen im Laden (Click & Collect)").check()
    main(page).get_by_label(re.compile("AGB und die Widerrufsbelehrung")).check()
    journey.screenshot("market-checkout-1280")
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()
    expect(main(page).get_by_text("Noch 2 Zahlungen offen")).to_be_visible()
    journey.check_page()

    # Each shop is paid on the provider's page; the money goes to the shop (payee).
    for amount, shop in (("8,99 €", coffee), ("22,00 €", books)):
        main(page).get_by_role("button", name=f"{amount} an {shop.name} online bezahlen").click()
        page.wait_for_url("**/psp-simulator/?*")
        expect(page.get_by_text(f"shop:{shop.pk}")).to_be_visible()
        page.get_by_role("button", name=f"{amount} bezahlen").click()
        expect(page.get_by_text("Vielen Dank, die Zahlung ist eingegangen.")).to_be_visible()
        page.get_by_role("link", name="Zurück zur Bestellung").click()
    expect(main(page).get_by_text("Zahlung offen")).to_have_count(0)
    journey.check_page()
    journey.screenshot("market-order-1280")
    part = ShopOrder.unscoped_objects.get(shop=coffee)
    assert part.status == OrderStatus.NEW and part.paid_at is not None
    code = main(page).get_by_role("region", name=coffee.name).locator(".pickup__code").inner_text().strip()
    assert code == part.pickup_code

    # At the counter: the seller scans the QR code that the order page shows.
    seller = make_member(coffee, role=OrgRole.SALES)
    qr_text = f"abholung:{code}"
    svg = main(page).get_by_role("img", name=f"QR-Code zur Abholung bei {coffee.name}")
    expect(svg).to_be_visible()
    video = _qr_video(qr_text, tmp_path / "pickup.y4m")
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    counter = Journey(camera_browser, live_server.url, DESKTOP, clock)
    try:
        counter.context.grant_permissions(["camera"], origin=live_server.url)
        counter.login_as(seller)
        counter.visit("/")
        counter.page.get_by_role("link", name="Mein Konto").click()
        counter.page.get_by_role("link", name=re.compile(coffee.name)).first.click()
        counter.page.get_by_role("link", name=re.compile("Bestellungen warten")).click()
        counter.page.get_by_role("link", name=re.compile("Übergabe|Abholung")).first.click()
        counter.page.get_by_role("button", name="Kamera starten").click()
        expect(counter.page.get_by_role("heading", name=f"Übergabe der Bestellung {part.number}")).to_be_visible(
            timeout=15000)
        counter.page.get_by_role("button", name="Ware übergeben").click()
        expect(counter.page.get_by_text(f"Bestellung {part.number} übergeben.")).to_be_visible()
        assert not counter.violations, counter.violations
    finally:
        counter.close()
        camera_browser.close()
    beans.refresh_from_db()
    assert (beans.on_hand, beans.reserved) == (5, 0)
    # The shopper's page shows it collected (the notice is in the Postfach as well).
    page.reload()
    expect(main(page).get_by_role("region", name=coffee.name).get_by_text("Abgeholt")).to_be_visible()


def test_shopper_reserves_in_store_and_pays_there(journey, city_shops, clock):
    coffee, books, beans, novel = city_shops
    tom = CitizenFactory(email="tom@example.org", first_name="Tom", last_name="Tal")
    journey.login_as(tom)
    page = journey.page
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einkaufen & Parken").click()
    main(page).get_by_role("link", name="Im Marktplatz suchen").click()
    _search(page, "Teekanne")
    main(page).get_by_role("link", name=re.compile("Teekanne")).first.click()
    main(page).get_by_role("button", name="In den Warenkorb").click()
    page.get_by_role("link", name=re.compile("Warenkorb")).first.click()
    main(page).get_by_role("link", name="Zur Kasse").click()
    main(page).get_by_label("Im Laden reservieren und dort bezahlen").check()
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()
    # Without the terms confirmed nothing is ordered, and the page says why.
    expect(main(page).get_by_text("Die Bestellung wurde nicht aufgegeben.")).to_be_visible()
    journey.check_page(snapshot=True)
    assert not ShopOrder.unscoped_objects.exists()
    main(page).get_by_label(re.compile("AGB und die Widerrufsbelehrung")).check()
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()
    expect(main(page).get_by_text(re.compile("Für Sie reserviert bis"))).to_be_visible()
    journey.check_page()
    part = ShopOrder.unscoped_objects.get(order__shopper=tom)
    assert part.status == OrderStatus.NEW and not part.payment_reference
    kettle = Variant.unscoped_objects.get(product__title="Teekanne aus Glas")
    assert kettle.reserved == 1
    code = main(page).locator(".pickup__code").inner_text().strip()

    # In the shop the seller finds the order by its code and hands it over (paid at the till).
    seller = make_member(coffee, role=OrgRole.SALES)
    journey.context.clear_cookies()
    journey.login_as(seller)
    journey.visit("/mein-konto/")
    page.get_by_role("link", name=re.compile(coffee.name)).first.click()
    page.get_by_role("link", name=re.compile("Bestellungen warten")).click()
    page.get_by_role("link", name=re.compile("Übergabe|Abholung")).first.click()
    page.get_by_label("Abholcode").fill(code.lower())
    page.get_by_role("button", name="Bestellung suchen").click()
    page.get_by_role("button", name="Ware übergeben").click()
    expect(page.get_by_text(f"Bestellung {part.number} übergeben.")).to_be_visible()
    kettle.refresh_from_db()
    assert (kettle.on_hand, kettle.reserved) == (1, 0)


def test_marketplace_pages_at_360_px(phone_journey, city_shops):
    coffee, books, beans, novel = city_shops
    phone_journey.login_as(CitizenFactory(email="mia@example.org"))
    page = phone_journey.page

    def fits(name):
        phone_journey.check_page()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        phone_journey.screenshot(name)

    phone_journey.visit("/marktplatz/", check=False)
    fits("market-home-360")
    _search(page, "Kaffee")
    fits("market-results-360")
    main(page).get_by_role("link", name=re.compile("Espresso-Bohnen")).first.click()
    fits("market-product-360")
    main(page).get_by_role("button", name="In den Warenkorb").click()
    page.get_by_role("link", name=re.compile("Warenkorb")).first.click()
    fits("market-cart-360")
    main(page).get_by_role("link", name="Zur Kasse").click()
    fits("market-checkout-360")
