"""Park & shop in the browser, from the home page by clicking:

- a shopper orders coffee beans for click & collect over the shop's minimum, pays on
  the provider's page and finds the parking voucher (code, QR code, how to use it) on
  the order page; the car park's exit system redeems it through the operator API, and
  the order page then shows it redeemed;
- the retailer funds the voucher budget (paid through the PSP simulator), sees the
  budget grow and reads the month's statement with the redeemed voucher;
- a car-park operator's manager reads the month's vouchers redeemed at its car parks;
- at 360 px the order page with the voucher fits the screen and passes axe.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace.search_index import index_products
from digitalstadt.marketplace.tests.checkout_factories import make_variant
from digitalstadt.parking.models import Voucher, VoucherProgramme
from digitalstadt.parking.tests.voucher_factories import operator_with_token, paid_order, shop_with_programme
from digitalstadt.parking.voucher_services import voucher_redeem

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_journey]


def main(page):
    return page.locator("main")


@pytest.fixture
def park_and_shop():
    shop, owner = shop_with_programme("Kaffeerösterei am Markt", budget_cents=1000)
    make_variant(shop, title="Espresso-Bohnen Kaffee 1 kg", price_cents=2490, on_hand=6)
    index_products()
    return shop, owner


def _order_with_click_and_collect(journey, page):
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einkaufen & Parken").click()
    main(page).get_by_role("link", name="Im Marktplatz suchen").click()
    main(page).get_by_label("Was suchen Sie?").fill("Espresso")
    main(page).get_by_role("button", name="Suchen").click()
    main(page).get_by_role("link", name=re.compile("Espresso-Bohnen Kaffee 1 kg")).first.click()
    main(page).get_by_role("button", name="In den Warenkorb").click()
    expect(page.get_by_text("liegt im Warenkorb")).to_be_visible()
    page.get_by_role("link", name=re.compile("Warenkorb")).first.click()
    main(page).get_by_role("link", name="Zur Kasse").click()
    main(page).get_by_label("Abholen im Laden (Click & Collect)").check()
    main(page).get_by_label(re.compile("AGB und die Widerrufsbelehrung")).check()
    main(page).get_by_role("button", name="Zahlungspflichtig bestellen").click()
    expect(main(page).get_by_text("Nach der Zahlung erhalten Sie hier einen Parkgutschein über 30 Minuten.")
           ).to_be_visible()
    main(page).get_by_role("button", name=re.compile("24,90 € an Kaffeerösterei am Markt online bezahlen")).click()
    page.wait_for_url("**/psp-simulator/?*")
    page.get_by_role("button", name="24,90 € bezahlen").click()
    expect(page.get_by_text("Vielen Dank, die Zahlung ist eingegangen.")).to_be_visible()
    page.get_by_role("link", name="Zurück zur Bestellung").click()


def test_shopper_gets_a_voucher_with_click_and_collect_and_it_is_redeemed_at_the_exit(journey, park_and_shop):
    shop, _owner = park_and_shop
    sina = CitizenFactory(email="sina@example.org", first_name="Sina", last_name="Sommer")
    journey.login_as(sina)
    page = journey.page
    _order_with_click_and_collect(journey, page)

    panel = main(page).get_by_role("group", name="Parkgutschein")
    expect(panel.get_by_role("heading", name="Ihr Parkgutschein (Park & Shop)")).to_be_visible()
    expect(panel.get_by_text(re.compile("schenkt Ihnen 30 Minuten Parken \\(bis 2,00"))).to_be_visible()
    expect(panel.get_by_text(re.compile("im Parkhaus: an der Ausfahrt"))).to_be_visible()
    voucher = Voucher.unscoped_objects.get(shopper=sina)
    expect(panel.locator(".voucher-panel__code")).to_have_text(voucher.code)
    expect(panel.get_by_role("img", name=f"QR-Code des Parkgutscheins {voucher.code}")).to_be_visible()
    journey.check_page()
    journey.screenshot("parking-voucher-order-1280")

    # At the exit of the Luisencenter car park the operator's system scans the QR code.
    _operator, _manager, secret = operator_with_token("parkhaus-luisencenter", carpark="luisencenter")
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    check = api.get(f"/api/v1/parking/vouchers/{voucher.code}", **auth)
    assert check.status_code == 200 and check.json()["minutes"] == 30
    redeemed = api.post(f"/api/v1/parking/vouchers/{voucher.code}/redeem",
                        data=json.dumps({"carpark": "luisencenter", "amount_cents": 180}),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="exit-42", **auth)
    assert redeemed.status_code == 200 and redeemed.json()["charged_cents"] == 180

    page.reload()
    expect(panel.get_by_text("eingelöst", exact=True)).to_be_visible()
    expect(panel.get_by_text(re.compile(r"1,80\s€ übernommen"))).to_be_visible()
    expect(panel.get_by_role("img", name=re.compile("QR-Code des Parkgutscheins"))).to_have_count(0)
    journey.check_page()
    programme = VoucherProgramme.unscoped_objects.get(organisation=shop.organisation)
    assert (programme.balance_cents, programme.reserved_cents, programme.spent_cents) == (820, 0, 180)


def test_retailer_funds_vouchers_and_reads_the_statement(journey, park_and_shop):
    shop, owner = park_and_shop
    # One voucher of this month was redeemed already.
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    operator, _manager, _secret = operator_with_token("parkhaus-luisencenter", carpark="luisencenter")
    voucher_redeem(code=code, channel="carpark", amount_cents=150, operator=operator, carpark_ref="luisencenter")

    journey.login_as(owner)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name=shop.organisation.name, exact=True).first.click()
    journey.check_page()
    journey.screenshot("parking-voucher-organisation-1280")
    main(page).get_by_role("link", name=re.compile("Park & Shop")).first.click()
    expect(main(page).get_by_role("heading", name="Park & Shop: Parkgutscheine")).to_be_visible()
    expect(main(page).locator(".voucher-balance")).to_have_text("8,50\u00a0€")
    journey.check_page()
    main(page).get_by_label("100 €").check()
    main(page).get_by_role("button", name="Budget aufladen und bezahlen").click()
    page.wait_for_url("**/psp-simulator/?*")
    page.get_by_role("button", name="100,00 € bezahlen").click()
    expect(page.get_by_text("Vielen Dank, die Zahlung ist eingegangen.")).to_be_visible()
    page.get_by_role("link", name="Zurück zu den Parkgutscheinen").click()
    expect(main(page).locator(".voucher-balance")).to_have_text("108,50\u00a0€")
    journey.check_page()
    journey.screenshot("parking-voucher-retailer-1280")

    main(page).get_by_role("link", name="Monatsabrechnung ansehen").click()
    expect(main(page).get_by_role("heading", name=re.compile("Parkgutscheine: Abrechnung"))).to_be_visible()
    row = main(page).get_by_role("row", name=re.compile(code))
    expect(row).to_contain_text("luisencenter")
    expect(row).to_contain_text("1,50")
    expect(main(page).locator(".statement-total")).to_have_text("1,50\u00a0€")
    journey.check_page()
    journey.screenshot("parking-voucher-statement-1280")
    with page.expect_download() as download:
        main(page).get_by_role("link", name="Als CSV herunterladen").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert code in content and "1,50" in content


def test_voucher_on_the_order_page_at_360_px(phone_journey, park_and_shop):
    shop, _owner = park_and_shop
    sina = CitizenFactory(email="mia@example.org")
    part = paid_order(shop, shopper=sina)
    phone_journey.login_as(sina)
    phone_journey.visit(f"/marktplatz/bestellungen/{part.order.uuid}/")
    expect(phone_journey.page.locator(".voucher-panel__code")).to_be_visible()
    overflow = phone_journey.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the order page scrolls sideways by {overflow}px"
    phone_journey.screenshot("parking-voucher-order-360")


def test_car_park_operator_reads_the_month_of_redeemed_vouchers(journey, park_and_shop):
    shop, _owner = park_and_shop
    operator, manager, _secret = operator_with_token("parkhaus-luisencenter", carpark="luisencenter")
    code = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{paid_order(shop).pk}").code
    voucher_redeem(code=code, channel="carpark", amount_cents=160, operator=operator, carpark_ref="luisencenter")
    journey.login_as(manager)
    page = journey.page
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name=operator.name, exact=True).first.click()
    main(page).get_by_role("link", name="Eingelöste Parkgutscheine").click()
    expect(main(page).get_by_role("heading", name=re.compile("Eingelöste Parkgutscheine:"))).to_be_visible()
    row = main(page).get_by_role("row", name=re.compile(code))
    expect(row).to_contain_text(shop.name)
    expect(row).to_contain_text("1,60")
    journey.check_page()
    journey.screenshot("parking-voucher-operator-1280")
