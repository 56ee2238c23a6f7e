"""A shop gets its assortment in from a file: the mapping is guessed from German and
English headers, the preview lists every error of every row and saves nothing, the
import saves the valid rows and skips the others, a re-import updates instead of
duplicating; Google Merchant feeds (TSV and XML) are read without a mapping; only the
shop's owner, admin and sales staff may import; the local inventory feed for Google."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitalstadt.accounts.models import OrgRole
from digitalstadt.core.audit import AuditEntry
from digitalstadt.core.scoping import organisation_scope
from digitalstadt.marketplace import catalogue_services as services
from digitalstadt.marketplace import import_parsing as parsing
from digitalstadt.marketplace.models import (
    ImportBatch,
    ImportStatus,
    Order,
    Product,
    ProductImage,
    ShopOrder,
    Variant,
)

from .import_fixtures import GERMAN_CSV, GTIN_A, GTIN_B, add_member, make_categories, make_shop, variants

pytestmark = pytest.mark.django_db


def upload(client, shop, content: bytes, name: str = "artikel.csv"):
    return client.post(reverse("market-import:upload", kwargs={"shop": shop.slug}),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def last_batch(shop) -> ImportBatch:
    with organisation_scope(shop.organisation):
        return ImportBatch.objects.latest("pk")


# --- values ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "cents"), [
    ("12,99", 1299), ("1.299,00", 129900), ("1,299.00", 129900), ("12.99 EUR", 1299), ("12 €", 1200),
    ("1.299", 129900), ("0,5", 50), (7, 700)])
def test_german_and_english_number_formats(text, cents):
    assert parsing.parse_price_cents(text) == cents


@pytest.mark.parametrize(("text", "message"), [
    ("12,5x", "Preis „12,5x“ ist keine Zahl."), ("1,999", "Preis „1,999“ hat mehr als zwei Nachkommastellen."),
    ("-3", "Preis „-3“ ist negativ.")])
def test_bad_prices_are_named(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parsing.parse_price_cents(text)


def test_gtin_check_digit_and_vat_rates():
    assert parsing.parse_gtin(f" {GTIN_A} ") == GTIN_A
    assert parsing.parse_gtin("40170725") == "40170725"  # GTIN-8
    with pytest.raises(ValueError, match="Prüfziffer falsch"):
        parsing.parse_gtin("4006381333932")
    with pytest.raises(ValueError, match="8, 12, 13 oder 14 Ziffern"):
        parsing.parse_gtin("4.00638E+12")  # what a spreadsheet makes of a long number
    assert [parsing.parse_vat(v) for v in ("19", "7 %", "0,07", 19)] == [19, 7, 7, 19]
    with pytest.raises(ValueError, match="erlaubt sind 19 oder 7"):
        parsing.parse_vat("16")


def test_the_mapping_is_guessed_from_german_and_english_headers():
    german = ["Artikelnummer", "EAN", "Bezeichnung", "Preis", "Bestand", "MwSt", "Nur im Laden", "Bild-URL"]
    assert parsing.guess_mapping(german) == {"sku": 0, "gtin": 1, "title": 2, "price": 3, "on_hand": 4,
                                             "vat_rate": 5, "store_only": 6, "image_url": 7}
    english = ["SKU", "Title", "Price (EUR)", "Stock", "Colour", "Size", "Brand", "Unrelated"]
    assert parsing.guess_mapping(english) == {"sku": 0, "title": 1, "price": 2, "on_hand": 3, "colour": 4,
                                              "size": 5, "brand": 6}


def test_encodings_and_delimiters_are_sniffed():
    text = "Artikelnummer\tBezeichnung\tPreis\nA-1\tMüsli\t3,49\n"
    for encoded, encoding in ((text.encode("utf-8"), "utf-8"), (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
                              (text.encode("cp1252"), "cp1252")):
        parsed = parsing.parse_file(encoded)
        assert (parsed.encoding, parsed.delimiter, parsed.columns[0], parsed.rows[0][1]) == (
            encoding, "\t", "Artikelnummer", "Müsli")
    assert parsing.parse_file(b"sku,title,price\nA,B,1\n").delimiter == ","


# --- upload, mapping, preview, import --------------------------------------------------------

def test_preview_shows_every_error_and_saves_nothing_then_the_import_saves_the_valid_rows(client):
    make_categories()
    shop, owner = make_shop()
    client.force_login(owner)
    response = upload(client, shop, GERMAN_CSV.encode("utf-8"))
    batch = last_batch(shop)
    assert response.status_code == 302 and response.url.endswith(f"/{batch.pk}/zuordnung/")
    assert batch.mapping == {"sku": 0, "gtin": 1, "title": 2, "price": 3, "vat_rate": 4, "on_hand": 5,
                             "category": 6, "brand": 7, "size": 8, "colour": 9, "store_only": 10}
    page = client.get(response.url)
    assert page.status_code == 200 and 'name="map_price"' in page.text
    mapped = client.post(response.url, {f"map_{name}": index for name, index in batch.mapping.items()})
    assert mapped.status_code == 302 and mapped.url.endswith("/vorschau/")

    preview = client.get(mapped.url)
    text = preview.text
    assert preview.status_code == 200
    assert "Preis „12,5x“ ist keine Zahl." in text
    assert "GTIN „4006381333932“: Prüfziffer falsch." in text
    assert "Umsatzsteuersatz „16“: erlaubt sind 19 oder 7." in text
    assert "Bestand „-1“ darf nicht negativ sein." in text  # three errors in row 5, all of them shown
    assert "Kategorie „Unbekannt“ gibt es nicht." in text
    assert "5 Zeilen gelesen: 2 neu, 0 aktualisiert, 3 mit Fehlern." in text
    with organisation_scope(shop.organisation):
        assert Product.objects.count() == 0 and Variant.objects.count() == 0

    done = client.post(reverse("market-import:confirm", kwargs={"shop": shop.slug, "batch": batch.pk}))
    assert done.status_code == 302
    result = client.get(done.url)
    assert "2 neu angelegt, 0 aktualisiert, 3 übersprungen." in result.text
    assert "Preis „12,5x“ ist keine Zahl." in result.text
    found = variants(shop)
    assert set(found) == {"B-100", "B-101"}
    atlas = found["B-101"]
    assert (atlas.gtin, atlas.price_cents, atlas.on_hand, atlas.product.vat_rate, atlas.product.shippable,
            atlas.product.category.slug) == (GTIN_B, 129900, 2, 7, False, "buecher")
    history = found["B-100"]
    assert (history.product.title, history.product.brand, history.price_cents, history.product.shippable,
            history.product.category.name_de) == ("Darmstädter Stadtgeschichte", "Justus", 2490, True, "Bücher")
    entry = AuditEntry.objects.filter(action="marketplace.products_imported").get()
    assert entry.actor == owner and entry.data["created"] == 2 and entry.data["failed"] == 3
    assert last_batch(shop).status == ImportStatus.IMPORTED
    # A second click on "import" imports nothing twice.
    client.post(reverse("market-import:confirm", kwargs={"shop": shop.slug, "batch": batch.pk}))
    assert AuditEntry.objects.filter(action="marketplace.products_imported").count() == 1


def test_reimporting_the_same_file_updates_and_does_not_duplicate():
    make_categories()
    shop, owner = make_shop()
    raw = GERMAN_CSV.encode("utf-8")
    for _round in range(2):
        batch = services.import_batch_create(shop=shop, actor=owner, filename="a.csv", raw=raw)
        services.import_batch_map(batch=batch, actor=owner, mapping=batch.mapping)
        result = services.import_batch_confirm(batch=batch, actor=owner)
    assert (result.created, result.updated, result.failed) == (0, 2, 3)
    changed = GERMAN_CSV.replace("24,90;7;5", "19,90;7;8").encode("utf-8")
    batch = services.import_batch_create(shop=shop, actor=owner, filename="a.csv", raw=changed)
    services.import_batch_map(batch=batch, actor=owner, mapping=batch.mapping)
    services.import_batch_confirm(batch=batch, actor=owner)
    found = variants(shop)
    with organisation_scope(shop.organisation):
        assert Product.objects.count() == 2 and Variant.objects.count() == 2
    assert (found["B-100"].price_cents, found["B-100"].on_hand) == (1990, 8)


def test_a_windows_1252_file_with_only_sku_and_stock_changes_only_the_stock():
    shop, owner = make_shop()
    services.products_upsert(organisation=shop.organisation, actor=owner,
                             rows=[{"sku": "K-1", "title": "Käse", "price": "4,99", "on_hand": "3"}])
    raw = "Artikelnummer;Bezeichnung;Bestand\nK-1;Käse würzig;7\n".encode("cp1252")
    assert b"\xe4" in raw  # ä in Windows-1252
    batch = services.import_batch_create(shop=shop, actor=owner, filename="kasse.csv", raw=raw)
    assert (batch.encoding, batch.delimiter) == ("cp1252", ";")
    services.import_batch_confirm(batch=services.import_batch_map(batch=batch, actor=owner, mapping=batch.mapping),
                                  actor=owner)
    cheese = variants(shop)["K-1"]
    assert (cheese.product.title, cheese.on_hand, cheese.price_cents) == ("Käse würzig", 7, 499)


def test_a_stock_report_below_the_reserved_units_is_refused_and_the_rest_of_the_row_saved(django_user_model):
    shop, owner = make_shop()
    services.products_upsert(organisation=shop.organisation, actor=owner,
                             rows=[{"sku": "T-1", "title": "Tasse", "price": "8,00", "on_hand": "5"}])
    variant = variants(shop)["T-1"]
    order = Order.objects.create(number="M-1", shopper=owner, email=owner.email, name="Berta")
    shop_order = ShopOrder.objects.create(organisation=shop.organisation, order=order, shop=shop, number="M-1-1",
                                          fulfilment="click_collect", pickup_code="ABC")
    from django.db import transaction

    from digitalstadt.marketplace import stock
    with transaction.atomic():
        stock.hold(shop_order=shop_order, quantities={variant.pk: 3}, expires_at=None)
    result = services.products_upsert(organisation=shop.organisation, actor=owner,
                                      rows=[{"sku": "T-1", "title": "Tasse groß", "on_hand": "2", "price": "9,00"}])
    item = result.items[0]
    assert item.status == "updated" and item.errors[0]["code"] == "below_reserved"
    assert "kleiner als die 3 Stück" in item.errors[0]["message"]
    variant = variants(shop)["T-1"]
    assert (variant.on_hand, variant.reserved, variant.price_cents, variant.product.title) == (5, 3, 900, "Tasse groß")


def test_another_shops_member_and_a_plain_member_cannot_import(client):
    shop, owner = make_shop("buchladen")
    other_shop, other_owner = make_shop("spielzeug")
    clerk = add_member(shop, OrgRole.SALES)
    member = add_member(shop, OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.products_upsert(organisation=shop.organisation, actor=other_owner,
                                 rows=[{"sku": "X", "title": "X", "price": "1"}])
    with pytest.raises(PermissionDenied):
        services.import_batch_create(shop=shop, actor=member, filename="a.csv", raw=GERMAN_CSV.encode())
    client.force_login(other_owner)
    assert upload(client, shop, GERMAN_CSV.encode()).status_code == 403
    batch = services.import_batch_create(shop=shop, actor=clerk, filename="a.csv", raw=GERMAN_CSV.encode())
    for name in ("mapping", "preview", "result"):
        assert client.get(reverse(f"market-import:{name}", kwargs={"shop": shop.slug, "batch": batch.pk})
                          ).status_code == 403
    assert client.post(reverse("market-import:confirm", kwargs={"shop": shop.slug, "batch": batch.pk})
                       ).status_code == 403
    # Its own shop's page does not show another shop's batch either.
    assert client.get(reverse("market-import:preview", kwargs={"shop": other_shop.slug, "batch": batch.pk})
                      ).status_code == 404
    assert client.get(reverse("market-import:local-inventory", kwargs={"shop": shop.slug})).status_code == 403
    with organisation_scope(shop.organisation):
        assert Product.objects.count() == 0


def test_hostile_values_in_the_urls_answer_404_not_500(client):
    shop, owner = make_shop()
    client.force_login(owner)
    assert client.get(f"/mein-geschaeft/{shop.slug}/import/{10**30}/vorschau/").status_code == 404
    assert client.get("/mein-geschaeft/gibt-es-nicht/import/").status_code == 404
    bad = upload(client, shop, b"\x00\x01\x02binary")
    assert bad.status_code == 200 and "keine Textdatei" in bad.text


# --- Google Merchant feeds -------------------------------------------------------------------

GOOGLE_TSV = (
    "id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tgtin\tbrand\tsize\tcolor\n"
    f"G-1\tRegenschirm\tGroß und rot\thttps://laden.example/g1\thttps://laden.example/g1.jpg\tin stock\t"
    f"12.99 EUR\t{GTIN_A}\tKnirps\tL\trot\n"
    "G-2\tHandschuhe\tWarm\thttps://laden.example/g2\t\tout of stock\t19.50 EUR\t\t\tM\tschwarz\n"
)

GOOGLE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
<channel><title>Laden</title><link>https://laden.example</link><description>Feed</description>
<item><g:id>X-1</g:id><title>Teekanne</title><description>Glas, 1 l</description>
<link>https://laden.example/x1</link><g:price>24.00 EUR</g:price><g:availability>in_stock</g:availability>
<g:gtin>{GTIN_B}</g:gtin><g:brand>Bodum</g:brand><g:color>klar</g:color></item>
<item><g:id>X-2</g:id><title>Teesieb</title><g:price>3,5 EUR</g:price><g:availability>in stock</g:availability>
</item>
</channel></rss>"""


def test_a_google_merchant_tsv_feed_is_recognised_and_imported_without_mapping(client):
    shop, owner = make_shop()
    client.force_login(owner)
    response = upload(client, shop, GOOGLE_TSV.encode("utf-8"), name="feed.txt")
    batch = last_batch(shop)
    assert batch.kind == "google_tsv" and response.url.endswith("/vorschau/")
    client.post(reverse("market-import:confirm", kwargs={"shop": shop.slug, "batch": batch.pk}))
    found = variants(shop)
    umbrella = found["G-1"]
    assert (umbrella.product.title, umbrella.price_cents, umbrella.gtin, umbrella.size, umbrella.colour,
            umbrella.product.brand, found["G-2"].on_hand) == ("Regenschirm", 1299, GTIN_A, "L", "rot", "Knirps", 0)
    with organisation_scope(shop.organisation):
        assert list(ProductImage.objects.values_list("source_url", flat=True)) == ["https://laden.example/g1.jpg"]


def test_a_google_merchant_xml_feed_is_read_with_defusedxml():
    shop, owner = make_shop()
    batch = services.import_batch_create(shop=shop, actor=owner, filename="feed.xml", raw=GOOGLE_XML.encode())
    assert batch.kind == "google_xml" and batch.status == ImportStatus.MAPPED
    result = services.import_batch_confirm(batch=batch, actor=owner)
    assert result.created == 2
    found = variants(shop)
    assert (found["X-1"].product.title, found["X-1"].price_cents, found["X-1"].gtin, found["X-1"].colour,
            found["X-2"].price_cents) == ("Teekanne", 2400, GTIN_B, "klar", 350)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<rss><channel><item><title>&b;</title></item></channel></rss>')
    with pytest.raises(parsing.FileError, match="nicht lesbar"):
        services.import_batch_create(shop=shop, actor=owner, filename="bomb.xml", raw=bomb)


# --- queries per product ---------------------------------------------------------------------

def test_the_upsert_needs_a_constant_number_of_queries_not_a_few_per_product():
    make_categories()
    shop, owner = make_shop()

    def rows(n, price):
        return [{"sku": f"Q-{i}", "title": f"Artikel {i}", "price": price, "on_hand": str(i % 7),
                 "category": "Bücher", "net_quantity": "250", "base_unit": "g"} for i in range(n)]

    with CaptureQueriesContext(connection) as small:
        services.products_upsert(organisation=shop.organisation, actor=owner, rows=rows(10, "2,00"))
    with CaptureQueriesContext(connection) as large:
        services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
            *rows(10, "3,00"), *[{"sku": f"N-{i}", "title": "Neu", "price": "1"} for i in range(200)]])
    assert len(large) <= len(small) + 4, "\n".join(q["sql"][:120] for q in large.captured_queries)
    found = variants(shop)
    assert len(found) == 210 and found["Q-3"].price_cents == 300
    assert (found["Q-3"].product.net_quantity, found["Q-3"].product.base_unit) == (Decimal("250.000"), "kg")


# --- local inventory feed --------------------------------------------------------------------

def test_the_local_inventory_feed_lists_available_units_with_googles_availability(client, settings):
    settings.MARKETPLACE_FULFILMENT_METHODS = ["click_collect", "reserve"]
    shop, owner = make_shop()
    services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": "A", "gtin": GTIN_A, "title": "Viel", "price": "12,99", "on_hand": 3},
        {"sku": "B", "title": "Wenig", "price": "5", "on_hand": 2},
        {"sku": "C", "title": "Keins", "price": "1,5", "on_hand": 0}])
    with organisation_scope(shop.organisation):
        Variant.objects.filter(sku="A").update(reserved=1)  # 3 on the shelf, 1 held for an order: 2 available
    client.force_login(owner)
    response = client.get(reverse("market-import:local-inventory", kwargs={"shop": shop.slug}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/tab-separated-values")
    lines = [line.split("\t") for line in response.content.decode().splitlines()]
    assert lines == [
        ["store_code", "id", "gtin", "price", "availability", "quantity", "pickup_method", "pickup_sla"],
        ["buchladen", "A", GTIN_A, "12.99 EUR", "limited_availability", "2", "buy", "same day"],
        ["buchladen", "B", "", "5.00 EUR", "limited_availability", "2", "buy", "same day"],
        ["buchladen", "C", "", "1.50 EUR", "out_of_stock", "0", "buy", "same day"]]
    settings.MARKETPLACE_FULFILMENT_METHODS = ["reserve"]
    shop.pickup_lead_minutes = 26 * 60
    shop.save()
    with organisation_scope(shop.organisation):
        Variant.objects.filter(sku="B").update(on_hand=30)
    lines = client.get(reverse("market-import:local-inventory", kwargs={"shop": shop.slug})).content.decode()
    assert "buchladen\tB\t\t5.00 EUR\tin_stock\t30\treserve\tnext day" in lines


def test_rows_of_one_item_group_become_variants_of_one_product_also_on_reimport():
    shop, owner = make_shop()
    feed = ("id\titem_group_id\ttitle\tlink\tprice\tsize\tcolor\tavailability\n"
            "T-S\tSHIRT\tT-Shirt Darmstadt\thttps://l.example/t\t19.90 EUR\tS\tblau\tin stock\n"
            "T-M\tSHIRT\tT-Shirt Darmstadt\thttps://l.example/t\t19.90 EUR\tM\tblau\tin stock\n")
    for _round in range(2):
        batch = services.import_batch_create(shop=shop, actor=owner, filename="feed.tsv", raw=feed.encode())
        services.import_batch_confirm(batch=batch, actor=owner)
    # Later a till sends a new size of the same group, without a title.
    result = services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": "T-L", "group": "SHIRT", "price": "21,90", "size": "L"}])
    assert result.items[0].status == "created", result.items[0].errors
    with organisation_scope(shop.organisation):
        product = Product.objects.get()
        assert product.import_group == "SHIRT"
        assert sorted(product.variants.values_list("sku", "size")) == [("T-L", "L"), ("T-M", "M"), ("T-S", "S")]
    missing = services.products_upsert(organisation=shop.organisation, actor=owner, rows=[
        {"sku": "H-1", "group": "HOSE", "price": "30"}])
    assert missing.items[0].errors[0]["message"] == "Titel fehlt für einen neuen Artikel."


def test_uploaded_files_are_deleted_after_the_retention_period(clock):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from digitalstadt.core.registry import retention_policies

    shop, owner = make_shop()
    services.import_batch_create(shop=shop, actor=owner, filename="alt.csv", raw=GERMAN_CSV.encode())
    policy = retention_policies.get("marketplace_import_files")
    assert policy.default_days == 30
    assert policy.purge(cutoff=timezone.now() - dt.timedelta(days=30)) == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        assert policy.purge(cutoff=timezone.now() - dt.timedelta(days=30)) == 1
    with organisation_scope(shop.organisation):
        assert not ImportBatch.objects.exists()
