"""The shopper's data: GDPR export and erasure through the core registry, and the
marketplace's figures for the public dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.registry import dashboard_figures, personal_data_handlers
from digitalstadt.marketplace import checkout, stock
from digitalstadt.marketplace.fulfilment import pickup_windows
from digitalstadt.marketplace.models import Cart, Fulfilment, Invoice, Order, OrderStatus, ShopOrder

from .checkout_factories import make_shop, make_variant

pytestmark = pytest.mark.django_db


def _order(user, variant, shop, how=Fulfilment.RESERVE, window=None):
    cart, _c = Cart.objects.get_or_create(user=user)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    return checkout.checkout_place(user=user, cart=cart, name="Ida Inhaber", email="ida@example.org",
                                   phone="06151 99", choices={shop.pk: checkout.ShopChoice(how, window)})


def test_export_lists_cart_and_orders_and_erasure_keeps_only_what_the_law_requires():
    shop = make_shop("Spielwaren am Schloss")
    toy, kite = make_variant(shop, title="Kreisel", on_hand=9), make_variant(shop, title="Drachen", on_hand=9)
    ida = CitizenFactory(email="ida@example.org")
    open_order, cancelled, invoiced = _order(ida, toy, shop), _order(ida, toy, shop), _order(ida, kite, shop)
    checkout.shop_order_cancel_by_shopper(user=ida, shop_order_id=ShopOrder.unscoped_objects.get(order=cancelled).pk)
    billed = ShopOrder.unscoped_objects.get(order=invoiced)
    ShopOrder.unscoped_objects.filter(pk=billed.pk).update(status=OrderStatus.PICKED_UP)
    Invoice.unscoped_objects.create(organisation_id=billed.organisation_id, shop_order=billed, number="RE-2026-00001",
                                    issued_at=billed.created_at, supplied_on=billed.created_at.date(), pdf=b"%PDF-")
    checkout.cart_add(cart=Cart.objects.get(user=ida), variant_id=kite.pk, quantity=2)
    other = CitizenFactory()
    _order(other, toy, shop)

    handler = personal_data_handlers.get("marketplace")
    data = handler.export(user=ida)
    assert [line["title"] for line in data["cart"]] == ["Drachen"] and data["cart"][0]["quantity"] == 2
    assert [o["number"] for o in data["orders"]] == [open_order.number, cancelled.number, invoiced.number]
    assert data["orders"][0]["shop_orders"][0]["lines"][0]["title"] == "Kreisel"
    assert all(o["email"] == "ida@example.org" for o in data["orders"])

    account = handler.erase(user=ida)
    assert account["carts_deleted"] == 1 and account["orders_anonymised"] == 1
    assert account["invoiced_orders_kept"] == 1 and account["open_orders_untouched"] == 1
    assert Order.objects.get(pk=cancelled.pk).name == "gelöscht" and Order.objects.get(pk=cancelled.pk).email == ""
    kept = Order.objects.get(pk=invoiced.pk)
    assert kept.name == "Ida Inhaber" and kept.email == "" and kept.phone == ""  # the invoice's name stays
    assert Order.objects.get(pk=open_order.pk).email == "ida@example.org"  # still to be collected
    assert Order.objects.get(shopper=other).name == "Ida Inhaber"  # another person's order is untouched
    assert handler.erase(user=ida)["orders_anonymised"] == 0  # twice changes nothing


def test_dashboard_figures_count_live_shops_orders_and_pickups_on_time(clock):
    shop = make_shop("Feinkost Bessungen")
    make_shop("Noch nicht frei", status="submitted")
    cheese = make_variant(shop, title="Handkäs", on_hand=20)
    figures = {f.id: f for f in dashboard_figures.all()}
    assert figures["marketplace.shops_live"].value() == 1
    assert figures["marketplace.collected_on_time"].value() is None
    parts = []
    for _ in range(2):
        order = _order(CitizenFactory(), cheese, shop, Fulfilment.CLICK_COLLECT, pickup_windows(shop=shop)[0].start)
        parts.append(ShopOrder.unscoped_objects.get(order=order))
    assert figures["marketplace.orders_30_days"].value() == 0  # not paid yet: not counted
    ShopOrder.unscoped_objects.filter(pk__in=[p.pk for p in parts]).update(status=OrderStatus.NEW)
    assert figures["marketplace.orders_30_days"].value() == 2
    for part, late in zip(parts, (False, True), strict=True):
        stock.collect(shop_order=part)
        when = part.pickup_until + (timedelta(hours=2) if late else -timedelta(minutes=5))
        ShopOrder.unscoped_objects.filter(pk=part.pk).update(status=OrderStatus.PICKED_UP, picked_up_at=when)
    assert figures["marketplace.collected_on_time"].value() == 0.5
