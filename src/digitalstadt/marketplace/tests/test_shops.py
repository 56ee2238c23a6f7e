"""Shop onboarding (once-only prefill from the Gewerbeanmeldung), profile, opening hours,
submission, manual products, object-level checks, the work area, and the directory."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace.models import Product, Shop, ShopClosure, ShopOpeningHours, ShopStatus, Variant
from digitalstadt.marketplace.shop_selectors import open_status

from .shop_factories import approved_gewerbeanmeldung, make_shop, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    from digitalstadt.catalog.demo import seed

    seed()


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- onboarding -----------------------------------------------------------------------


def test_an_approved_gewerbeanmeldung_prefills_the_new_shop(client, catalogue):
    mara = CitizenFactory(email="mara@example.org")
    case = approved_gewerbeanmeldung(mara)
    client.force_login(mara)
    page = client.get(reverse("market-shop:create")).content.decode()
    assert "Daten aus Ihrer Gewerbeanmeldung übernehmen?" in page and case.reference in page

    page = client.get(reverse("market-shop:create"), {"gewerbe": case.reference}).content.decode()
    assert 'value="Kaffeerösterei Bohnenkamp GmbH"' in page
    assert 'value="Rheinstraße 12a"' in page and 'value="64283"' in page
    assert 'value="Gesellschaft mit beschränkter Haftung (GmbH)"' in page and 'value="Mara Bohnenkamp"' in page

    response = client.post(reverse("market-shop:create"), {
        "name": "Kaffeerösterei Bohnenkamp GmbH", "street": "Rheinstraße 12a", "postal_code": "64283",
        "city": "Darmstadt", "legal_form": "Gesellschaft mit beschränkter Haftung (GmbH)",
        "owner_name": "Mara Bohnenkamp", "business_registration": case.reference})
    shop = Shop.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("market-shop:detail", args=[shop.slug])
    assert shop.business_registration == case.reference and shop.status == ShopStatus.DRAFT
    assert shop.organisation.kind == "shop"
    assert Membership.objects.get(organisation=shop.organisation).user == mara
    assert Membership.objects.get(organisation=shop.organisation).role == OrgRole.OWNER
    # The position comes from the geocoder, with the district.
    assert shop.position_source == "streets" and shop.district == "Mitte" and shop.latitude is not None


def test_no_prefill_from_someone_elses_or_an_undecided_case(client, catalogue):
    mara = CitizenFactory(email="mara@example.org")
    other = CitizenFactory(email="other@example.org")
    theirs = approved_gewerbeanmeldung(other, reference="DA-2026-000888")
    approved_gewerbeanmeldung(mara, reference="DA-2026-000999", status="in_review")
    client.force_login(mara)
    page = client.get(reverse("market-shop:create")).content.decode()
    assert "Gewerbeanmeldung übernehmen" not in page and "DA-2026-000999" not in page
    assert client.get(reverse("market-shop:create"), {"gewerbe": theirs.reference}).status_code == 404
    response = client.post(reverse("market-shop:create"), {
        "name": "Falsch", "street": "Rheinstraße 1", "postal_code": "64283", "city": "Darmstadt",
        "business_registration": theirs.reference})
    assert response.status_code == 400 and "gehört nicht zu Ihrem Konto" in response.content.decode()
    assert not Shop.objects.exists()


def test_creating_a_shop_without_a_registration_and_bad_input(client):
    ina = CitizenFactory(email="ina@example.org")
    client.force_login(ina)
    bad = client.post(reverse("market-shop:create"), {"name": "", "street": "", "postal_code": "6428x",
                                                      "city": "Darmstadt"})
    assert bad.status_code == 400 and not Shop.objects.exists()
    ok = client.post(reverse("market-shop:create"), {"name": "Spielkiste", "street": "Karlstraße 45",
                                                     "postal_code": "64285", "city": "Darmstadt"})
    assert ok.status_code == 302
    shop = Shop.objects.get()
    assert shop.district == "Bessungen" and shop.business_registration == ""
    # "anlegen" is a path of the shop pages: never a shop's slug.
    client.post(reverse("market-shop:create"), {"name": "Anlegen", "street": "Karlstraße 1",
                                                "postal_code": "64285", "city": "Darmstadt"})
    assert Shop.objects.filter(slug="anlegen").count() == 0


# --- submission -----------------------------------------------------------------------------


def test_submit_needs_a_complete_profile(client):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner, complete=False)
    client.force_login(owner)
    page = client.get(reverse("market-shop:detail", args=[shop.slug])).content.decode()
    assert "Impressum: <strong>fehlt noch</strong>" in page and "Zur Prüfung einreichen" not in page
    response = client.post(reverse("market-shop:submit", args=[shop.slug]), follow=True)
    assert "Es fehlt noch" in response.content.decode() and "Widerrufsbelehrung" in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.DRAFT and shop.submitted_at is None

    complete = make_shop(slug="fertig", owner=owner)
    page = client.get(reverse("market-shop:detail", args=[complete.slug])).content.decode()
    assert "Zur Prüfung einreichen" in page
    client.post(reverse("market-shop:submit", args=[complete.slug]))
    complete.refresh_from_db()
    assert complete.status == ShopStatus.SUBMITTED and complete.submitted_at is not None
    # Changing the profile afterwards takes it back to draft (the review saw other data).
    form = profile_post(complete, description="Neu beschrieben.")
    assert client.post(reverse("market-shop:profile", args=[complete.slug]), form).status_code == 302
    complete.refresh_from_db()
    assert complete.status == ShopStatus.DRAFT and complete.description == "Neu beschrieben."


def profile_post(shop, **changes):
    data = {name: getattr(shop, name) or "" for name in (
        "name", "description", "street", "postal_code", "city", "legal_form", "owner_name", "phone", "email",
        "website", "pickup_instructions", "pickup_slot_minutes", "pickup_slot_capacity", "pickup_lead_minutes",
        "pickup_days_ahead", "reservation_hours", "imprint", "terms", "withdrawal_policy", "vat_id", "tax_number")}
    data.update(changes)
    return data


# --- profile ----------------------------------------------------------------------------------


@pytest.mark.parametrize("vat_id", ["DE12345678", "AT123456789", "DE1234567890", "de12345678x"])
def test_a_malformed_vat_id_is_refused_and_nothing_changes(client, vat_id):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner)
    client.force_login(owner)
    response = client.post(reverse("market-shop:profile", args=[shop.slug]),
                           profile_post(shop, vat_id=vat_id, description="geändert"))
    assert response.status_code == 400 and "DE123456789" in response.content.decode()
    shop.refresh_from_db()
    assert shop.description == "Kaffee aus Darmstadt." and shop.vat_id == "DE123456789"


def test_vat_id_is_normalised_and_a_tax_number_accepted_instead(client):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner)
    client.force_login(owner)
    assert client.post(reverse("market-shop:profile", args=[shop.slug]),
                       profile_post(shop, vat_id="de 987 654 321")).status_code == 302
    shop.refresh_from_db()
    assert shop.vat_id == "DE987654321"
    assert client.post(reverse("market-shop:profile", args=[shop.slug]),
                       profile_post(shop, vat_id="", tax_number="007/123/45678", small_business="on")
                       ).status_code == 302
    shop.refresh_from_db()
    assert shop.tax_number == "007/123/45678" and shop.small_business and shop.vat_id == ""
    assert client.post(reverse("market-shop:profile", args=[shop.slug]),
                       profile_post(shop, tax_number="12-ab")).status_code == 400


def test_logo_upload_is_sniffed(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner)
    client.force_login(owner)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = client.post(reverse("market-shop:profile", args=[shop.slug]), {**profile_post(shop), "logo": fake})
    assert response.status_code == 400 and "kein Bild" in response.content.decode()
    shop.refresh_from_db()
    assert not shop.logo
    real = SimpleUploadedFile("mein logo.gif", png_bytes(), content_type="image/gif")
    assert client.post(reverse("market-shop:profile", args=[shop.slug]),
                       {**profile_post(shop), "logo": real}).status_code == 302
    shop.refresh_from_db()
    assert shop.logo.name.endswith(".png") and shop.logo.read().startswith(b"\x89PNG")


def test_opening_hours_closures_and_the_open_status(client, clock):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner, complete=False)
    client.force_login(owner)
    url = reverse("market-shop:hours", args=[shop.slug])
    bad = client.post(url, {"action": "hours", "opens_0": "18:00", "closes_0": "09:00"})
    assert bad.status_code == 400 and not ShopOpeningHours.objects.filter(shop=shop).exists()
    rows = {f"opens_{d}": "09:30" for d in range(6)} | {f"closes_{d}": "18:00" for d in range(6)}
    assert client.post(url, {"action": "hours", **rows}).status_code == 302
    assert ShopOpeningHours.objects.filter(shop=shop).count() == 6
    from django.utils import timezone

    day = timezone.localdate()
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)
    clock.move_to(dt.datetime.combine(monday, dt.time(10, 0), tzinfo=timezone.get_current_timezone()))
    assert open_status(shop=shop)["open"] is True
    clock.move_to(dt.datetime.combine(monday, dt.time(8, 0), tzinfo=timezone.get_current_timezone()))
    status = open_status(shop=shop)
    assert status["open"] is False and status["opens_today"] == dt.time(9, 30)
    # A closure that day: closed all day (signed in again: the session ended while the clock moved on).
    client.force_login(owner)
    assert client.post(url, {"action": "closure", "date": monday.isoformat(), "reason": "Inventur"})["Location"] == url
    clock.move_to(dt.datetime.combine(monday, dt.time(11, 0), tzinfo=timezone.get_current_timezone()))
    status = open_status(shop=shop)
    assert status["open"] is False and status["closure"].reason == "Inventur"
    closure = ShopClosure.objects.get(shop=shop)
    client.force_login(owner)
    assert client.post(url, {"action": "remove-closure", "closure": str(closure.pk)})["Location"] == url
    assert not ShopClosure.objects.filter(shop=shop).exists()


def test_position_from_the_geocoder_and_by_hand(client):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner, complete=False, street="Unbekannter Weg 3")
    client.force_login(owner)
    url = reverse("market-shop:position", args=[shop.slug])
    response = client.post(url, {"latitude": "", "longitude": ""})
    assert response.status_code == 400 and "nicht gefunden" in response.content.decode()
    assert client.post(url, {"latitude": "49,8731", "longitude": "8,6512"}).status_code == 302
    shop.refresh_from_db()
    assert str(shop.latitude) == "49.873100" and shop.position_source == "manual"
    assert client.post(url, {"latitude": "12", "longitude": "8,6"}).status_code == 400


# --- products -----------------------------------------------------------------------------------


def test_sales_staff_manage_products_but_not_the_profile(client):
    shop = make_shop(owner=CitizenFactory(email="owner@example.org"))
    seller = member(shop, "verkauf@example.org", OrgRole.SALES)
    client.force_login(seller)
    assert client.get(reverse("market-shop:profile", args=[shop.slug])).status_code == 404
    assert client.get(reverse("market-shop:hours", args=[shop.slug])).status_code == 404
    create = reverse("market-shop:product-create", args=[shop.slug])
    response = client.post(create, {"title": "Espresso Nr. 5, 250 g", "price": "8,90", "vat_rate": "7",
                                    "on_hand": "12", "sku": "ESP-5", "gtin": "4006381333931", "active": "on"})
    assert response.status_code == 302
    product = Product.unscoped_objects.get(shop=shop)
    variant = Variant.unscoped_objects.get(product=product)
    assert (variant.price_cents, variant.on_hand, variant.sku, product.vat_rate) == (890, 12, "ESP-5", 7)
    # Edit: price and stock change; a bad GTIN, a bad price and a duplicate SKU change nothing.
    edit = reverse("market-shop:product-edit", args=[shop.slug, product.pk])
    assert client.post(edit, {"title": "Espresso Nr. 5", "price": "9.50", "vat_rate": "7", "on_hand": "3",
                              "sku": "ESP-5", "active": "on"}).status_code == 302
    variant.refresh_from_db()
    assert (variant.price_cents, variant.on_hand) == (950, 3)
    assert client.post(edit, {"title": "x", "price": "9,50", "vat_rate": "7", "on_hand": "3", "sku": "ESP-5",
                              "gtin": "4006381333932"}).status_code == 400
    assert client.post(edit, {"title": "x", "price": "gratis", "vat_rate": "7", "on_hand": "3",
                              "sku": "ESP-5"}).status_code == 400
    client.post(create, {"title": "Zweiter", "price": "1", "vat_rate": "19", "on_hand": "1", "sku": "ZW-1"})
    dup = client.post(edit, {"title": "x", "price": "9,50", "vat_rate": "7", "on_hand": "3", "sku": "ZW-1"})
    assert dup.status_code == 400 and "gibt es in Ihrem Geschäft schon" in dup.content.decode()
    variant.refresh_from_db()
    product.refresh_from_db()
    assert product.title == "Espresso Nr. 5" and variant.price_cents == 950
    page = client.get(reverse("market-shop:products", args=[shop.slug])).content.decode()
    assert "Espresso Nr. 5" in page and "9,50" in page


def test_another_organisations_member_gets_404_on_every_page_of_this_shop(client):
    shop = make_shop(owner=CitizenFactory(email="owner@example.org"))
    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="Geheim")
    other_shop = make_shop(slug="anderer-laden", name="Anderer Laden")
    stranger = member(other_shop, "fremd@example.org", OrgRole.OWNER)
    client.force_login(stranger)
    for name, args in (("detail", [shop.slug]), ("profile", [shop.slug]), ("hours", [shop.slug]),
                       ("position", [shop.slug]), ("products", [shop.slug]), ("product-create", [shop.slug]),
                       ("product-edit", [shop.slug, product.pk])):
        url = reverse(f"market-shop:{name}", args=args)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x", "action": "hours"}).status_code == 404, url
    assert client.post(reverse("market-shop:submit", args=[shop.slug])).status_code == 404
    # The shop's own product is not reachable through the stranger's shop either.
    assert client.get(reverse("market-shop:product-edit", args=[other_shop.slug, product.pk])).status_code == 404


def test_the_work_area_on_the_organisation_page_and_the_account_link(client):
    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner)
    Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="A")
    client.force_login(owner)
    page = client.get(reverse("accounts:organisation", args=[shop.organisation.slug])).content.decode()
    assert "Mein Geschäft" in page and reverse("market-shop:detail", args=[shop.slug]) in page
    assert re.search(r"<strong>1</strong> Produkte", page)
    assert reverse("market-shop:list") in client.get(reverse("accounts:overview")).content.decode()


# --- directory ---------------------------------------------------------------------------------


def test_directory_lists_live_shops_only_and_filters_by_category_and_district(client):
    make_shop(slug="buecher-nord", name="Bücher Nord", status=ShopStatus.LIVE, street="Liebfrauenstraße 32",
              postal_code="64289", district="Darmstadt-Nord", categories=["buecher"])
    make_shop(slug="rad-bessungen", name="Rad Bessungen", status=ShopStatus.LIVE, district="Bessungen",
              street="Heidelberger Straße 80", postal_code="64285", categories=["fahrrad"])
    make_shop(slug="entwurf", name="Entwurfsladen", status=ShopStatus.DRAFT, categories=["buecher"])
    make_shop(slug="gesperrt", name="Gesperrter Laden", status=ShopStatus.SUSPENDED, categories=["buecher"])
    url = reverse("market-directory:list")
    page = client.get(url).content.decode()
    assert "Bücher Nord" in page and "Rad Bessungen" in page
    assert "Entwurfsladen" not in page and "Gesperrter Laden" not in page
    assert 'id="shop-map"' in page and 'data-lat="49.879000"' in page
    page = client.get(url, {"kategorie": "buecher"}).content.decode()
    assert "Bücher Nord" in page and "Rad Bessungen" not in page
    page = client.get(url, {"stadtteil": "Bessungen"}).content.decode()
    assert "Rad Bessungen" in page and "Bücher Nord" not in page
    assert client.get(url, {"kategorie": "<script>"}).status_code == 400
    assert client.get(url, {"stadtteil": "Atlantis"}).status_code == 400


def test_shop_page_shows_profile_hours_legal_texts_products_and_json_ld(client, clock):
    from django.utils import timezone

    shop = make_shop(slug="roesterei", status=ShopStatus.LIVE, categories=["kaffee-tee"], phone="06151 123")
    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="Espresso Nr. 5")
    Variant.unscoped_objects.create(organisation=shop.organisation, product=product, sku="E5", price_cents=890)
    Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="Versteckt", active=False)
    day = timezone.localdate()
    tuesday = day + dt.timedelta(days=(1 - day.weekday()) % 7 or 7)
    clock.move_to(dt.datetime.combine(tuesday, dt.time(11, 0), tzinfo=timezone.get_current_timezone()))
    response = client.get(reverse("market-directory:shop", args=["roesterei"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "jetzt geöffnet" in page and "bis 18:30 Uhr" in page
    assert "Impressum" in page and "Widerrufsbelehrung" in page and "Allgemeine Geschäftsbedingungen" in page
    assert "Espresso Nr. 5" in page and "8,90" in page and "Versteckt" not in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1)
    data = json.loads(block)
    assert data["@type"] == "LocalBusiness" and data["name"] == "Rösterei am Woog"
    assert data["address"]["streetAddress"] == "Dieburger Straße 24" and data["address"]["postalCode"] == "64287"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 49.879, "longitude": 8.668}
    assert {"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Monday", "opens": "10:00",
            "closes": "18:30"} in data["openingHoursSpecification"]
    assert data["telephone"] == "06151 123"
    # Sunday: closed.
    clock.move_to(dt.datetime.combine(tuesday + dt.timedelta(days=5), dt.time(11, 0),
                                      tzinfo=timezone.get_current_timezone()))
    assert "jetzt geschlossen" in client.get(reverse("market-directory:shop", args=["roesterei"])).content.decode()


def test_shop_pages_of_shops_not_live_are_404(client):
    make_shop(slug="entwurf", status=ShopStatus.DRAFT)
    make_shop(slug="eingereicht", status=ShopStatus.SUBMITTED)
    for slug in ("entwurf", "eingereicht", "gibt-es-nicht"):
        assert client.get(reverse("market-directory:shop", args=[slug])).status_code == 404


def test_a_public_holiday_in_hesse_closes_the_shop(client, clock):
    from django.utils import timezone

    shop = make_shop(slug="roesterei", status=ShopStatus.LIVE)
    day = timezone.localdate()
    christmas = dt.date(day.year if day <= dt.date(day.year, 12, 25) else day.year + 1, 12, 25)
    while christmas.weekday() == 6:  # a Sunday is closed anyway: take a later year
        christmas = christmas.replace(year=christmas.year + 1)
    clock.move_to(dt.datetime.combine(christmas, dt.time(11, 0), tzinfo=timezone.get_current_timezone()))
    status = open_status(shop=shop)
    assert status["open"] is False and status["closure"].reason == "Erster Weihnachtstag"
    page = client.get(reverse("market-directory:shop", args=["roesterei"])).content.decode()
    assert "jetzt geschlossen" in page and "Erster Weihnachtstag" in page
    clock.move_to(dt.datetime.combine(christmas + dt.timedelta(days=2 if christmas.weekday() != 4 else 4),
                                      dt.time(11, 0), tzinfo=timezone.get_current_timezone()))
    assert open_status(shop=shop)["open"] is (timezone.localdate().weekday() < 6)


HOSTILE = ["\x00", "a" * 3000 + "/../", "99999999999999999999999", "-1", "NaN", "9999-12-31"]


def test_hostile_values_never_answer_500(client):
    from .shop_factories import verifier

    owner = CitizenFactory(email="owner@example.org")
    shop = make_shop(owner=owner, status=ShopStatus.LIVE)
    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title="A")
    Variant.unscoped_objects.create(organisation=shop.organisation, product=product, sku="A1", price_cents=100)
    pages = {
        owner: [(reverse("market-shop:create"), ["name", "street", "postal_code", "city", "business_registration",
                                                   "gewerbe"]),
                (reverse("market-shop:profile", args=[shop.slug]), ["name", "postal_code", "vat_id", "tax_number",
                                                                    "website", "categories", "pickup_slot_minutes"]),
                (reverse("market-shop:hours", args=[shop.slug]), ["action", "opens_0", "closes_0", "date", "closure"]),
                (reverse("market-shop:position", args=[shop.slug]), ["latitude", "longitude"]),
                (reverse("market-shop:product-edit", args=[shop.slug, product.pk]), ["price", "on_hand", "vat_rate",
                                                                                     "gtin", "sku"])],
        verifier(): [(reverse("market-staff:list"), ["status"]),
                     (reverse("market-staff:review", args=[shop.slug]), ["action", "note-note", "approve-confirm"])],
        None: [(reverse("market-directory:list"), ["kategorie", "stadtteil"])],
    }
    for user, urls in pages.items():
        for url, names in urls:
            for name in names:
                for value in HOSTILE:
                    if user is not None:
                        client.force_login(user)
                    for method in (client.get, client.post):
                        data = {"action": "closure"} if name in ("date",) else {}
                        data[name] = value
                        response = method(url, data)
                        assert response.status_code < 500, (method.__name__, url, name, value[:20])
