"""The marketplace demo data: 20+ live shops with positions, hours and legal texts, a few
thousand products with valid GTINs and unit prices, the demo retailer, idempotent."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.marketplace import demo
from digitalstadt.marketplace.models import Product, Shop, ShopOpeningHours, ShopStatus, Variant
from digitalstadt.marketplace.shop_gtin import gtin_is_valid
from digitalstadt.marketplace.shop_selectors import shop_is_complete

pytestmark = pytest.mark.django_db


def counts():
    return (Shop.objects.count(), Product.unscoped_objects.count(), Variant.unscoped_objects.count(),
            ShopOpeningHours.objects.count(), Membership.objects.count())


def test_seeding_makes_live_complete_shops_and_is_idempotent():
    demo.seed()
    first = counts()
    shops, products, variants, _hours, _members = first
    assert shops >= 20 and products >= 2000 and variants > products
    assert Shop.objects.exclude(status=ShopStatus.LIVE).count() == 0
    for shop in Shop.objects.all():
        assert shop.latitude is not None and shop.district, shop.slug
        assert shop.position_source == "streets"
        assert shop_is_complete(shop=shop), shop.slug
    assert {"Mitte", "Bessungen", "Darmstadt-Nord", "Darmstadt-Ost"} <= set(
        Shop.objects.values_list("district", flat=True))
    # Running it again changes nothing.
    demo.seed()
    assert counts() == first


def test_demo_products_have_valid_gtins_unique_skus_unit_prices_and_sizes():
    demo.seed()
    gtins = list(Variant.unscoped_objects.values_list("gtin", flat=True))
    assert all(gtin_is_valid(g) for g in gtins) and len(set(gtins)) == len(gtins)
    books = Variant.unscoped_objects.filter(product__shop__slug="buchhandlung-martinsviertel")
    assert all(v.gtin.startswith("978") for v in books)
    coffee = Product.unscoped_objects.filter(shop__slug="kaffeeroesterei-mathildenhoehe")
    assert all(p.base_unit == "kg" and p.net_quantity and p.vat_rate == 7 for p in coffee)
    fashion = (Product.unscoped_objects.filter(shop__slug="modehaus-luisenplatz")
               .annotate(n=Count("variants")).values_list("n", flat=True))
    assert set(fashion) == {4}
    assert Variant.unscoped_objects.filter(size="M", product__shop__slug="modehaus-luisenplatz").exists()
    assert Variant.unscoped_objects.filter(on_hand__gt=0).count() > 1000
    titles = list(Product.unscoped_objects.values_list("shop_id", "title"))
    assert len(set(titles)) == len(titles)


def test_the_demo_retailer_owns_exactly_one_shop_and_can_sign_in():
    demo.seed()
    memberships = Membership.objects.filter(user__email=demo.DEMO_RETAILER)
    assert [(m.organisation.shop.slug, m.role) for m in memberships] == [
        ("kaffeeroesterei-mathildenhoehe", OrgRole.OWNER)]
    assert authenticate(email=demo.DEMO_RETAILER, password="Darmstadt-Demo-2026") is not None


def test_the_seeded_directory_page_lists_the_shops(client):
    demo.seed()
    page = client.get("/marktplatz/geschaefte/").content.decode()
    assert page.count("data-shop-marker") >= 20 and "Buchhandlung im Martinsviertel" in page
    page = client.get("/marktplatz/geschaefte/buchhandlung-martinsviertel/").content.decode()
    assert "LocalBusiness" in page and "Liebfrauenstraße 32" in page
