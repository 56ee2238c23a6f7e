"""The shopper's pages of the search part: home, results with facets, the product page
(unit price, VAT, variants, availability, stock freshness, the cart form, JSON-LD), the
view counter, query counts and hostile parameters."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from digitalstadt.accounts.models import Organisation, OrganisationKind
from digitalstadt.marketplace.models import Category, Product, SearchLog, Shop, ShopStatus, Variant
from digitalstadt.marketplace.search_index import index_products
from digitalstadt.marketplace.unit_price import format_unit_price, unit_price_cents

pytestmark = pytest.mark.django_db


def _shop(slug="roesterei", name="Rösterei am Markt", status=ShopStatus.LIVE, **extra):
    org = Organisation.objects.create(name=name, slug=f"org-{slug}", kind=OrganisationKind.SHOP)
    return Shop.objects.create(organisation=org, slug=slug, name=name, street="Marktplatz 1", postal_code="64283",
                               district="Innenstadt", status=status, **extra)


def _product(shop, title="Kaffee Crema ganze Bohne", variants=((1490, 4, 1, "", ""),), **extra):
    product = Product.unscoped_objects.create(organisation=shop.organisation, shop=shop, title=title, **extra)
    for i, (price, on_hand, reserved, size, colour) in enumerate(variants):
        Variant.unscoped_objects.create(organisation=shop.organisation, product=product, sku=f"{product.pk}-{i}",
                                        price_cents=price, on_hand=on_hand, reserved=reserved, size=size,
                                        colour=colour, stock_updated_at=timezone.now() - dt.timedelta(minutes=5))
    index_products(product_ids=[product.pk])
    return product


@pytest.mark.parametrize(("price", "quantity", "unit", "cents", "text"), [
    (699, "500", "kg", 1398, "13,98\u00a0€ / kg"),  # a 500 g jar of honey
    (159, "1000", "l", 159, "1,59\u00a0€ / l"),
    (1190, "750", "l", 1587, "15,87\u00a0€ / l"),  # 15.866...: rounded half up
    (299, "250", "kg", 1196, "11,96\u00a0€ / kg"),
    (3990, "2000", "m", 200, "2,00\u00a0€ / m"),  # a 20 m hose: 1.995 € rounded half up
    (29900, "60000", "m2", 4983, "49,83\u00a0€ / m²"),  # a 2 x 3 m carpet
    (450, "3", "stk", 150, "1,50\u00a0€ / Stück"),
])
def test_unit_price(price, quantity, unit, cents, text):
    assert unit_price_cents(price, Decimal(quantity), unit) == cents
    assert format_unit_price(price, Decimal(quantity), unit) == text


@pytest.mark.parametrize(("quantity", "unit"), [(None, "kg"), (Decimal(0), "kg"), (Decimal(500), ""),
                                                (Decimal(-5), "kg"), (Decimal(500), "furlong")])
def test_no_unit_price_without_quantity_and_unit(quantity, unit):
    assert unit_price_cents(999, quantity, unit) is None
    assert format_unit_price(999, quantity, unit) == ""


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_the_product_page_shows_what_the_law_and_the_shopper_need(client, django_assert_max_num_queries):
    shop = _shop()
    category = Category.objects.create(slug="lebensmittel", name_de="Lebensmittel", name_en="Food")
    product = _product(shop, title="Honig <aus> dem Odenwald", category=category, net_quantity=Decimal(500),
                       base_unit="kg", vat_rate=7, shippable=False, description="Blütenhonig, cremig.",
                       brand="Imkerei Roßdorf",
                       variants=((699, 5, 2, "500 g", ""), (1299, 1, 1, "1 kg", ""), (399, 0, 0, "250 g", "")))
    url = reverse("market:product", args=[shop.slug, product.pk])
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Honig &lt;aus&gt; dem Odenwald" in html
    assert "ab 3,99\u00a0€" in html  # the cheapest variant
    assert "Grundpreis: 7,98\u00a0€ / kg" in html  # 3.99 € for the product's 500 g
    assert "13,98\u00a0€ / kg" in html  # per variant, prices differ
    assert "inkl. 7 % MwSt." in html
    assert "Nur im Laden" in html
    assert "Bestand vor 5 Min. aktualisiert" in html
    assert "3 Stück im Laden verfügbar" in html  # 5 on hand, 2 reserved
    variants = list(Variant.unscoped_objects.filter(product=product).order_by("price_cents"))
    cheap, half, kilo = variants
    # Radio buttons: the sold-out ones disabled, the first one available chosen.
    assert re.search(rf'name="variant" id="variant-{cheap.pk}" value="{cheap.pk}"[^>]* disabled', html)
    assert re.search(rf'name="variant" id="variant-{kilo.pk}" value="{kilo.pk}"[^>]* disabled', html)
    assert re.search(rf'name="variant" id="variant-{half.pk}" value="{half.pk}"[^>]* checked', html)
    form = re.search(r'<form method="post" action="([^"]+)" class="market-product__buy">(.*?)</form>', html, re.DOTALL)
    assert form and form.group(1) == reverse("market-cart:add")
    assert f'name="next" value="{url}"' in form.group(2)
    assert 'name="quantity" value="1" min="1" max="99"' in form.group(2)
    assert "csrfmiddlewaretoken" in form.group(2)
    data = _json_ld(html)
    assert data["@type"] == "Product" and data["name"] == "Honig <aus> dem Odenwald"
    assert "<aus>" not in re.search(r'ld\+json">(.*?)</script>', html, re.DOTALL).group(1)  # escaped for the script
    assert data["brand"]["name"] == "Imkerei Roßdorf"
    offers = {o["sku"]: o for o in data["offers"]}
    assert offers[half.sku] == {**offers[half.sku], "price": "6.99", "priceCurrency": "EUR",
                                "availability": "https://schema.org/InStock"}
    assert offers[kilo.sku]["availability"] == "https://schema.org/OutOfStock"  # 1 on hand, 1 reserved
    assert offers[cheap.sku]["seller"]["name"] == "Rösterei am Markt"
    # Counted: one view per request.
    client.get(url)
    assert Product.unscoped_objects.get(pk=product.pk).views == 2


def test_a_small_business_shows_no_vat_and_a_shippable_product_no_store_note(client):
    shop = _shop(small_business=True)
    product = _product(shop)
    html = client.get(reverse("market:product", args=[shop.slug, product.pk])).content.decode()
    assert "Kleinunternehmer nach § 19 UStG" in html and "MwSt." not in html
    assert "Nur im Laden" not in html
    assert "Grundpreis" not in html


def test_sold_out_products_have_no_cart_button(client):
    shop = _shop()
    product = _product(shop, variants=((990, 2, 2, "M", "blau"),))
    html = client.get(reverse("market:product", args=[shop.slug, product.pk])).content.decode()
    assert "In den Warenkorb" not in html and "derzeit nicht vorrätig" in html
    assert "Größe M, blau" in html


@pytest.mark.parametrize("status", [ShopStatus.DRAFT, ShopStatus.SUBMITTED, ShopStatus.SUSPENDED])
def test_no_product_page_for_shops_that_are_not_live(client, status):
    shop = _shop(status=status)
    product = _product(shop)
    assert client.get(reverse("market:product", args=[shop.slug, product.pk])).status_code == 404
    html = client.get(reverse("market:search"), {"q": "Kaffee"}).content.decode()
    assert "0 Produkte für „Kaffee“" in html and "Kaffee Crema" not in html


def test_no_product_page_under_another_shop_or_when_hidden(client):
    shop, other = _shop(), _shop(slug="technik", name="Technik Eck")
    product = _product(shop)
    assert client.get(reverse("market:product", args=[other.slug, product.pk])).status_code == 404
    Product.unscoped_objects.filter(pk=product.pk).update(active=False)
    assert client.get(reverse("market:product", args=[shop.slug, product.pk])).status_code == 404


def test_the_product_page_costs_the_same_with_many_variants(client, django_assert_max_num_queries):
    shop = _shop()
    product = _product(shop, variants=[(1000 + i, i % 3, 0, f"Größe {i}", "rot") for i in range(30)])
    with django_assert_max_num_queries(6):
        assert client.get(reverse("market:product", args=[shop.slug, product.pk])).status_code == 200


def test_home_lists_categories_and_shops(client):
    shop = _shop()
    Category.objects.create(slug="fahrrad", name_de="Fahrräder", name_en="Bicycles")
    html = client.get(reverse("market:home")).content.decode()
    assert 'action="/marktplatz/suche/"' in html
    assert "?kategorie=fahrrad" in html and "Fahrräder" in html
    assert shop.name in html
    assert _shop(slug="entwurf", name="Entwurfsladen", status=ShopStatus.DRAFT).name not in \
        client.get(reverse("market:home")).content.decode()


def test_results_with_facet_links_that_work_without_javascript(client, django_assert_max_num_queries):
    shop, other = _shop(), _shop(slug="kaufhaus", name="Kaufhaus Ludwigsplatz")
    cat = Category.objects.create(slug="lebensmittel", name_de="Lebensmittel")
    for i in range(3):
        _product(shop, title=f"Kaffee Sorte {i}", category=cat)
    _product(other, title="Kaffee im Kaufhaus", variants=((4990, 0, 0, "", ""),))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("market:search"), {"q": "Kaffee"})
    html = response.content.decode()
    assert "4 Produkte für „Kaffee“" in html
    assert 'href="/marktplatz/suche/?q=Kaffee&amp;geschaeft=kaufhaus"' in html
    assert "jetzt im Laden vorrätig (3)" in html
    filtered = client.get(reverse("market:search"), {"q": "Kaffee", "geschaeft": "kaufhaus"}).content.decode()
    assert "1 Produkt für „Kaffee“" in filtered and "Kaffee im Kaufhaus" in filtered
    assert 'aria-current="true"' in filtered  # the chosen facet value; its link removes it
    assert 'href="/marktplatz/suche/?q=Kaffee"' in filtered
    # The form keeps the chosen filters for the in-stock checkbox.
    assert '<input type="hidden" name="geschaeft" value="kaufhaus">' in filtered
    in_stock = client.get(reverse("market:search"), {"q": "Kaffee", "vorraetig": "1"}).content.decode()
    assert "3 Produkte für „Kaffee“" in in_stock and "Kaffee im Kaufhaus" not in in_stock
    band = client.get(reverse("market:search"), {"q": "Kaffee", "preis_von": "2500", "preis_bis": "5000"})
    assert "1 Produkt für „Kaffee“" in band.content.decode()
    assert SearchLog.objects.filter(query="Kaffee").count() == 4


def test_paging_links(client):
    shop = _shop()
    for i in range(25):
        _product(shop, title=f"Tasse Nummer {i}")
    first = client.get(reverse("market:search"), {"q": "Tasse"}).content.decode()
    assert "Seite 1 von 2" in first and 'href="/marktplatz/suche/?q=Tasse&amp;seite=2" rel="next"' in first
    second = client.get(reverse("market:search"), {"q": "Tasse", "seite": "2"}).content.decode()
    assert "Seite 2 von 2" in second and second.count('class="market-hit"') == 5
    assert 'href="/marktplatz/suche/?q=Tasse" rel="prev"' in second


def test_no_results_says_so_and_suggests(client):
    shop = _shop()
    Category.objects.create(slug="haushalt", name_de="Haushalt")
    _product(shop, title="Tasse Darmstadt")
    client.get(reverse("market:search"), {"q": "Tasse"})  # a search that found something
    html = client.get(reverse("market:search"), {"q": "Quietscheentchen"}).content.decode()
    assert "Keine Produkte gefunden" in html
    assert 'href="/marktplatz/suche/?q=Tasse"' in html  # what others found
    assert "?kategorie=haushalt" in html
    filtered = client.get(reverse("market:search"), {"q": "Tasse", "stadtteil": "Arheilgen"}).content.decode()
    assert "Ohne Filter suchen" in filtered


@pytest.mark.parametrize(("name", "value"), [
    ("q", "\x00"), ("q", "x" * 5000), ("q", '"*NEAR( AND'), ("q", "a:* & !b"), ("kategorie", "'; --"),
    ("geschaeft", "%"), ("stadtteil", "\\"), ("preis_von", "-1"), ("preis_von", "abc"), ("preis_bis", "1e9"),
    ("preis_bis", "99999999999999999999999"), ("vorraetig", "ja"), ("seite", "0"), ("seite", "999999"),
    ("seite", "1.5"), ("seite", "-3"),
])
def test_hostile_search_parameters_never_fail(client, name, value):
    shop = _shop()
    _product(shop)
    response = client.get(reverse("market:search"), {"q": "Kaffee", name: value})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert Product.unscoped_objects.count() == 1


@pytest.mark.parametrize("path", ["/marktplatz/roesterei/99999999999999999999999/", "/marktplatz/roesterei/0/",
                                  "/marktplatz/gibt-es-nicht/1/"])
def test_hostile_product_paths_are_not_found(client, path):
    _product(_shop())
    assert client.get(path).status_code == 404


def test_english_pages(client):
    shop = _shop()
    product = _product(shop, net_quantity=Decimal(500), base_unit="kg")
    client.post(reverse("core:set-language"), {"language": "en"})
    response = client.get(reverse("market:product", args=[shop.slug, product.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
