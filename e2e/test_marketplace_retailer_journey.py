"""A retailer comes to the marketplace, from the home page by clicking:

- a citizen with an approved Gewerbeanmeldung creates a shop from it (the data are taken
  over once), completes profile, legal texts, tax number and opening hours and submits it;
- a marketplace verifier (password and a real TOTP code) approves it from the staff home;
- the retailer imports the range from a CSV file of the till (German headers, one row with
  an error): mapping, preview (the error row with its message, nothing saved yet), result;
- a shopper's click-&-collect order for an imported product is paid (a signed provider
  notification) and the retailer accepts it, reports it ready and hands it over by the
  pickup code; the stock goes down;
- at 360 px the shop page, the import preview and the orders dashboard fit the screen.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.fulfilment import pickup_windows
from digitalstadt.marketplace.models import (
    Cart,
    ImportBatch,
    OrderStatus,
    Product,
    Shop,
    ShopOrder,
    ShopStatus,
    Variant,
)
from digitalstadt.marketplace.tests.shop_factories import approved_gewerbeanmeldung
from digitalstadt.testing.clock import fresh_totp

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "Martinsviertel-Ost-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPMARKTPLATZ234567"
CSV = ("Artikelnummer;Bezeichnung;Preis;Bestand;EAN\n"
       "K-250;Espresso-Bohnen 250 g;8,99;6;4006381333931\n"
       "K-1000;Espresso-Bohnen 1 kg;29,90;3;\n"
       "F-01;Filterpapier Gr. 4;12,5x;10;\n"
       "T-01;Teekanne aus Glas;24,90;2;4006381333932\n")  # wrong check digit (…931 is right)


def main(page):
    return page.locator("main")


@pytest.fixture(autouse=True)
def world():
    """The catalogue (the Gewerbeanmeldung service), an empty cache (rate limits and used
    TOTP codes must not leak between tests)."""
    from django.core.cache import cache

    from digitalstadt.catalog.demo import seed

    cache.clear()
    seed()
    yield
    cache.clear()


def make_verifier():
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from digitalstadt.accounts.models import StaffRole, StaffRoleKind, User

    user = User.objects.create_user(email="wiebke@stadt.example", password=PASSWORD, first_name="Wiebke",
                                    last_name="Wirtschaft")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    StaffRole.objects.create(user=user, role=StaffRoleKind.MARKETPLACE)
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


def staff_log_in(journey, user) -> None:
    """From the home page: "Anmelden", password, then a real TOTP code (no bypass), then
    "Verwaltung" in the header."""
    page = journey.page
    journey.visit("/", check=False)
    page.get_by_role("link", name="Anmelden").first.click()
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).get_by_role("button").first.click()
    page.wait_for_url(re.compile(r".*/konto/2fa/authenticate/.*"))
    journey.check_page()
    page.fill("input[name=code]", fresh_totp(TOTP_SECRET))
    page.locator("form").filter(has=page.locator("input[name=code]")).get_by_role("button").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Verwaltung", exact=True).click()
    page.wait_for_url(journey.url("/verwaltung/"))


def shopper_orders_and_pays(variant: Variant) -> ShopOrder:
    """A shopper's click-&-collect order in the first pickup window, paid through the
    provider's signed notification (the way the money really comes in)."""
    from digitalstadt.payments.conf import epay_secret
    from digitalstadt.payments.models import Payment
    from digitalstadt.payments.providers.epay import notification_body

    shop = Shop.objects.get(pk=variant.product.shop_id)
    sina = CitizenFactory(email="sina@example.org", first_name="Sina", last_name="Sommer")
    cart, _created = Cart.objects.get_or_create(user=sina)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    window = pickup_windows(shop=shop)[0].start
    order = checkout.checkout_place(user=sina, cart=cart, choices={
        shop.pk: checkout.ShopChoice("click_collect", window)}, name="Sina Sommer", email=sina.email)
    part = ShopOrder.unscoped_objects.get(order=order)
    payment = Payment.objects.get(reference=part.payment_reference)
    body = notification_body({"txid": f"tx-{payment.pk}", "reference": payment.reference,
                              "amount": str(payment.amount_cents), "currency": "EUR", "status": "paid",
                              "method": "card"}, epay_secret())
    response = Client().post(reverse("payments-webhooks:webhook", args=["epay"]), body,
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content
    part.refresh_from_db()
    assert part.status == OrderStatus.NEW and part.paid_at is not None
    return part


def test_retailer_registers_a_shop_imports_the_range_and_hands_over_an_order(
        journey, phone_journey, tmp_path):
    mara = CitizenFactory(email="mara@example.org", first_name="Mara", last_name="Bohnenkamp")
    case = approved_gewerbeanmeldung(mara)
    journey.login_as(mara)
    page = journey.page

    # 1. From the home page to a new shop, prefilled from the Gewerbeanmeldung.
    journey.visit("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Einkaufen & Parken").click()
    journey.check_page()
    main(page).get_by_role("link", name="Geschäft anmelden oder verwalten").click()
    journey.check_page()
    main(page).get_by_role("link", name="Geschäft anlegen").click()
    expect(main(page).get_by_text("Daten aus Ihrer Gewerbeanmeldung übernehmen?")).to_be_visible()
    journey.check_page()
    main(page).get_by_role("link", name=re.compile(f"übernehmen \\(Vorgang {case.reference}\\)")).click()
    expect(main(page).get_by_label("Name des Geschäfts")).to_have_value("Kaffeerösterei Bohnenkamp GmbH")
    expect(main(page).get_by_label("Straße und Hausnummer")).to_have_value("Rheinstraße 12a")
    expect(main(page).get_by_label("Postleitzahl")).to_have_value("64283")
    expect(main(page).get_by_label("Inhaber/in oder vertretungsberechtigte Person")).to_have_value("Mara Bohnenkamp")
    journey.check_page()
    journey.screenshot("retailer-create-1280")
    main(page).get_by_role("button", name="Geschäft anlegen").click()
    expect(main(page).get_by_role("heading", name="Kaffeerösterei Bohnenkamp GmbH")).to_be_visible()
    shop = Shop.objects.get()
    assert shop.business_registration == case.reference and shop.status == ShopStatus.DRAFT
    journey.check_page()
    journey.screenshot("retailer-shop-draft-1280")
    expect(main(page).get_by_role("button", name="Zur Prüfung einreichen")).to_have_count(0)

    # The checklist asks for the rest: profile and legal texts ...
    main(page).get_by_role("link", name="Profil, Abholung und Rechtstexte").click()
    journey.check_page()
    form = main(page)
    form.get_by_label("Beschreibung").fill("Kaffee aus der eigenen Rösterei in der Rheinstraße.")
    form.get_by_label("E-Mail").fill("kontakt@bohnenkamp.example")
    form.get_by_label("Impressum").fill("Kaffeerösterei Bohnenkamp GmbH, Rheinstraße 12a, 64283 Darmstadt. "
                                        "Geschäftsführerin: Mara Bohnenkamp")
    form.get_by_label("Allgemeine Geschäftsbedingungen").fill("§ 1 Geltungsbereich …")
    form.get_by_label("Widerrufsbelehrung").fill("Sie haben das Recht, binnen vierzehn Tagen …")
    form.get_by_label("Steuernummer").fill("007 123 45678")
    form.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Das Profil ist gespeichert.")).to_be_visible()
    journey.check_page()
    # ... and the opening hours (Monday to Saturday).
    main(page).get_by_role("link", name="Öffnungszeiten und Schließtage").click()
    journey.check_page()
    for day in ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"):
        main(page).get_by_label(f"{day}: öffnet").fill("09:00")
        main(page).get_by_label(f"{day}: schließt").fill("18:30")
    main(page).get_by_role("button", name="Öffnungszeiten speichern").click()
    expect(page.get_by_text("Die Öffnungszeiten sind gespeichert.")).to_be_visible()
    journey.check_page()
    page.get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH").first.click()
    expect(main(page).get_by_text("fehlt noch")).to_have_count(0)
    journey.screenshot("retailer-shop-complete-1280")
    main(page).get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(main(page).get_by_text(re.compile("Die Wirtschaftsförderung prüft Ihr Geschäft"))).to_be_visible()
    journey.check_page()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.SUBMITTED and shop.tax_number == "00712345678"

    # 2. The verifier approves it from the staff home.
    verifier = make_verifier()
    journey.context.clear_cookies()
    staff_log_in(journey, verifier)
    journey.check_page()
    main(page).get_by_role("link", name="Marktplatz: Geschäfte prüfen").click()
    journey.check_page()
    main(page).get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH").click()
    journey.check_page()
    journey.screenshot("retailer-staff-review-1280")
    # Without the confirmation nothing happens.
    main(page).get_by_role("button", name="Geschäft freischalten").click()
    expect(main(page).get_by_text("Bitte bestätigen Sie.").first).to_be_visible()
    journey.check_page(snapshot=True)
    assert Shop.objects.get().status == ShopStatus.SUBMITTED
    main(page).get_by_label("Ich habe Profil, Rechtstexte und Steuerangaben geprüft.").check()
    main(page).get_by_role("button", name="Geschäft freischalten").click()
    expect(page.get_by_text("Das Geschäft ist freigeschaltet.")).to_be_visible()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.LIVE

    # 3. The retailer imports the range from the till's CSV file.
    journey.context.clear_cookies()
    journey.login_as(mara)
    journey.visit("/")
    page.get_by_role("link", name="Mein Konto").click()
    journey.check_page()
    main(page).get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH", exact=True).first.click()
    journey.check_page()
    main(page).get_by_role("link", name=re.compile("Produkte importieren")).first.click()
    journey.check_page()
    csv_file = tmp_path / "artikel.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    main(page).get_by_label(re.compile("Datei")).set_input_files(str(csv_file))
    main(page).get_by_role("button", name="Hochladen und prüfen").click()
    expect(main(page).get_by_role("heading", name="Spalten zuordnen")).to_be_visible()
    journey.check_page()
    journey.screenshot("retailer-import-mapping-1280")
    main(page).get_by_role("button", name="Weiter zur Vorschau").click()
    expect(main(page).get_by_role("heading", name="Vorschau des Imports")).to_be_visible()
    expect(main(page).get_by_text("Noch ist nichts gespeichert.")).to_be_visible()
    # Both error rows are listed with their line and message: a price that is no number,
    # a GTIN with a wrong check digit.
    error_rows = main(page).get_by_role("region", name="Alle Fehler").locator("tbody tr")
    expect(error_rows).to_have_count(2)
    expect(error_rows.nth(0)).to_contain_text("4")
    expect(error_rows.nth(0)).to_contain_text("Preis „12,5x“ ist keine Zahl.")
    expect(error_rows.nth(1)).to_contain_text("5")
    expect(error_rows.nth(1)).to_contain_text("GTIN „4006381333932“: Prüfziffer falsch.")
    expect(main(page).get_by_text("4 Zeilen gelesen: 2 neu, 0 aktualisiert, 2 mit Fehlern.")).to_be_visible()
    # No stock report below the reserved units here: the page does not talk about one.
    expect(main(page).get_by_text("Ein Bestand unter den reservierten Stück")).to_have_count(0)
    journey.check_page()
    journey.screenshot("retailer-import-preview-1280")
    assert not Product.unscoped_objects.filter(shop=shop).exists()
    assert not Variant.unscoped_objects.filter(product__shop=shop).exists()
    main(page).get_by_role("button", name="Gültige Zeilen importieren").click()
    expect(main(page).get_by_role("heading", name="Import abgeschlossen")).to_be_visible()
    expect(main(page).get_by_text("2 neu angelegt, 0 aktualisiert, 2 übersprungen.")).to_be_visible()
    journey.check_page()
    journey.screenshot("retailer-import-result-1280")
    variants = {v.sku: v for v in Variant.unscoped_objects.filter(product__shop=shop)}
    assert set(variants) == {"K-250", "K-1000"}
    beans = variants["K-250"]
    assert (beans.price_cents, beans.on_hand, beans.product.title) == (899, 6, "Espresso-Bohnen 250 g")
    assert variants["K-1000"].price_cents == 2990
    assert Product.unscoped_objects.filter(shop=shop).count() == 2
    assert ImportBatch.unscoped_objects.filter(shop=shop).count() == 1

    # 4. A shopper's order comes in; the retailer works it from the dashboard.
    part = shopper_orders_and_pays(beans)
    page.get_by_role("link", name="Mein Konto").click()
    main(page).get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH", exact=True).first.click()
    main(page).get_by_role("link", name=re.compile("Bestellungen warten")).click()
    expect(main(page).get_by_role("heading", name="Neu: 1 Bestellung")).to_be_visible()
    journey.check_page()
    journey.screenshot("retailer-orders-dashboard-1280")
    main(page).get_by_role("link", name=part.number).click()
    expect(main(page).get_by_role("heading", name=f"Bestellung {part.number}")).to_be_visible()
    journey.check_page()
    main(page).get_by_role("link", name="Annehmen").click()
    journey.check_page()
    main(page).get_by_role("button", name="Ja, annehmen").click()
    expect(page.get_by_text("Die Bestellung ist angenommen")).to_be_visible()
    main(page).get_by_role("link", name="Abholbereit melden").click()
    main(page).get_by_role("button", name="Ja, abholbereit melden").click()
    assert ShopOrder.unscoped_objects.get(pk=part.pk).status == OrderStatus.READY
    main(page).get_by_role("link", name="Übergeben (Abholcode prüfen)").click()
    journey.check_page()
    main(page).get_by_label("Abholcode").fill(part.pickup_code)
    main(page).get_by_role("button", name="Bestellung suchen").click()
    expect(main(page).get_by_role("heading", name=f"Übergabe der Bestellung {part.number}")).to_be_visible()
    journey.check_page()
    main(page).get_by_role("button", name="Ware übergeben").click()
    expect(page.get_by_text(f"Bestellung {part.number} übergeben.")).to_be_visible()
    journey.check_page()
    assert ShopOrder.unscoped_objects.get(pk=part.pk).status == OrderStatus.PICKED_UP
    beans.refresh_from_db()
    assert (beans.on_hand, beans.reserved) == (4, 0)

    # 5. At 360 px: the shop page, the import preview and the orders dashboard.
    phone_journey.login_as(mara)
    phone = phone_journey.page

    def fits(name):
        phone_journey.check_page()
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        phone_journey.screenshot(name)

    phone_journey.visit("/", check=False)
    phone.get_by_role("link", name="Mein Konto").first.click()
    main(phone).get_by_role("link", name="Mein Geschäft", exact=True).click()
    main(phone).get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH").click()
    fits("retailer-shop-360")
    # The same file again (the preview shows updates now; not confirmed).
    main(phone).get_by_role("link", name="Produkte importieren").click()
    main(phone).get_by_label(re.compile("Datei")).set_input_files(str(csv_file))
    main(phone).get_by_role("button", name="Hochladen und prüfen").click()
    main(phone).get_by_role("button", name="Weiter zur Vorschau").click()
    expect(main(phone).get_by_role("heading", name="Vorschau des Imports")).to_be_visible()
    fits("retailer-import-preview-360")
    phone.get_by_role("link", name="Mein Konto").first.click()
    main(phone).get_by_role("link", name="Kaffeerösterei Bohnenkamp GmbH", exact=True).first.click()
    main(phone).get_by_role("link", name=re.compile("Bestellungen warten")).click()
    fits("retailer-orders-dashboard-360")
