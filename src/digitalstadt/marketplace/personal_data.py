"""A shopper's data in the marketplace, for the GDPR export and erasure (core registry
`personal_data_handlers`), and the marketplace's figures for the public dashboard
(core registry `dashboard_figures`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import (
    OPEN_ORDER_STATUSES,
    Cart,
    CartLine,
    Fulfilment,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    Shop,
    ShopOrder,
)

# Invoices are kept for the tax office (§ 147 AO, § 14b UStG): the name and address on an
# invoiced order stay until then, whatever the person asks.
INVOICE_RETENTION_YEARS = 10
ERASED = "gelöscht"


def export(*, user: Any) -> dict:
    cart = Cart.objects.filter(user=user).first()
    lines = list(CartLine.objects.filter(cart=cart).select_related("variant")) if cart else []
    orders = []
    for order in Order.objects.filter(shopper=user).order_by("created_at", "pk"):
        parts = []
        for part in ShopOrder.unscoped_objects.filter(order=order).select_related("shop").order_by("pk"):
            parts.append({
                "number": part.number, "shop": part.shop.name, "fulfilment": part.fulfilment, "status": part.status,
                "total_cents": part.total_cents, "refunded_cents": part.refunded_cents,
                "pickup_from": part.pickup_from.isoformat() if part.pickup_from else None,
                "paid_at": part.paid_at.isoformat() if part.paid_at else None,
                "picked_up_at": part.picked_up_at.isoformat() if part.picked_up_at else None,
                "lines": [{"title": line.title, "sku": line.sku, "quantity": line.quantity,
                           "unit_price_cents": line.unit_price_cents}
                          for line in OrderLine.unscoped_objects.filter(shop_order=part).order_by("pk")],
            })
        orders.append({"number": order.number, "created_at": order.created_at.isoformat(), "name": order.name,
                       "email": order.email, "phone": order.phone, "shop_orders": parts})
    return {"cart": [{"sku": line.variant.sku, "title": str(line.variant), "quantity": line.quantity}
                     for line in lines],
            "orders": orders}


def erase(*, user: Any) -> dict:
    """Delete the cart; anonymise orders that are closed and carry no invoice; of invoiced
    orders keep the name (on the invoice) and drop e-mail and phone. Open orders are kept
    untouched: they are cancelled first (or collected)."""
    with transaction.atomic():
        carts = Cart.objects.filter(user=user).delete()[1].get("marketplace.Cart", 0)
        open_ids = set(ShopOrder.unscoped_objects.filter(order__shopper=user, status__in=OPEN_ORDER_STATUSES)
                       .values_list("order_id", flat=True))
        invoiced_ids = set(Invoice.unscoped_objects.filter(shop_order__order__shopper=user)
                           .values_list("shop_order__order_id", flat=True))
        closed = Order.objects.filter(shopper=user).exclude(pk__in=open_ids)
        anonymised = closed.exclude(pk__in=invoiced_ids).exclude(name=ERASED).update(name=ERASED, email="", phone="")
        kept = closed.filter(pk__in=invoiced_ids).update(email="", phone="")
    return {"carts_deleted": carts, "orders_anonymised": anonymised, "invoiced_orders_kept": kept,
            "open_orders_untouched": len(open_ids),
            "kept_until": f"{INVOICE_RETENTION_YEARS} Jahre nach der Rechnung (§ 147 AO)" if kept else ""}


# --- dashboard figures ---------------------------------------------------------------


def shops_live() -> int:
    return Shop.live.count()


def orders_last_30_days() -> int:
    since = timezone.now() - timedelta(days=30)
    return ShopOrder.unscoped_objects.filter(created_at__gte=since).exclude(
        status__in=(OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED)).count()


def collected_on_time() -> float | None:
    """Of the click & collect orders picked up in the last 90 days, the share collected
    by the end of the chosen pickup window (None without any)."""
    since = timezone.now() - timedelta(days=90)
    collected = ShopOrder.unscoped_objects.filter(fulfilment=Fulfilment.CLICK_COLLECT, status=OrderStatus.PICKED_UP,
                                                  picked_up_at__gte=since, pickup_until__isnull=False)
    total = collected.count()
    if not total:
        return None
    return collected.filter(picked_up_at__lte=F("pickup_until")).count() / total
