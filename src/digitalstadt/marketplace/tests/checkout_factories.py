"""Shops with opening hours and stock for the checkout tests."""

from __future__ import annotations

from datetime import time

from django.utils.text import slugify

from digitalstadt.accounts.models import OrganisationKind
from digitalstadt.accounts.tests.factories import OrganisationFactory, UserFactory
from digitalstadt.marketplace.models import Product, Shop, ShopOpeningHours, ShopStatus, Variant


def make_shop(name: str = "Kaffeerösterei am Markt", *, slug: str | None = None, capacity: int = 4,
              status: str = ShopStatus.LIVE, owner=None, hours=((0, 5), time(10), time(18))) -> Shop:
    owner = owner or UserFactory()
    slug = slug or slugify(name)[:40]
    org = OrganisationFactory(kind=OrganisationKind.SHOP, name=name, slug=slug, owner=owner)
    shop = Shop.objects.create(organisation=org, slug=slug, name=name, street="Marktplatz 1", postal_code="64283",
                               status=status, pickup_slot_capacity=capacity, pickup_lead_minutes=60,
                               pickup_slot_minutes=30, reservation_hours=48, tax_number="007/123/45678")
    (first_day, last_day), opens, closes = hours
    for weekday in range(first_day, last_day + 1):
        ShopOpeningHours.objects.create(shop=shop, weekday=weekday, opens=opens, closes=closes)
    return shop


def make_variant(shop: Shop, *, title: str = "Espresso-Bohnen 250 g", price_cents: int = 899, on_hand: int = 5,
                 sku: str | None = None, vat_rate: int = 7) -> Variant:
    product = Product.unscoped_objects.create(organisation_id=shop.organisation_id, shop=shop, title=title,
                                              vat_rate=vat_rate)
    return Variant.unscoped_objects.create(organisation_id=shop.organisation_id, product=product,
                                           sku=sku or f"SKU-{product.pk}", price_cents=price_cents, on_hand=on_hand)
