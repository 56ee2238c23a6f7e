"""Reads of the shopper's own orders (never another person's)."""

from __future__ import annotations

from typing import Any

from .models import Order, OrderLine, ShopOrder


def orders_of(*, user: Any) -> list[Order]:
    orders = list(Order.objects.filter(shopper=user).order_by("-created_at", "-pk")[:100])
    parts: dict[int, list[ShopOrder]] = {}
    for part in ShopOrder.unscoped_objects.filter(order__in=orders).select_related("shop").order_by("pk"):
        parts.setdefault(part.order_id, []).append(part)
    for order in orders:
        order.parts = parts.get(order.pk, [])
        order.total_cents = sum(p.total_cents for p in order.parts)
    return orders


def order_of(*, user: Any, uuid) -> Order | None:
    return Order.objects.filter(shopper=user, uuid=uuid).first()


def shop_orders_of(*, order: Order) -> list[ShopOrder]:
    parts = list(ShopOrder.unscoped_objects.filter(order=order).select_related("shop").order_by("pk"))
    lines: dict[int, list[OrderLine]] = {}
    for line in OrderLine.unscoped_objects.filter(shop_order__in=parts).order_by("pk"):
        lines.setdefault(line.shop_order_id, []).append(line)
    for part in parts:
        part.line_list = lines.get(part.pk, [])
    return parts


def shop_order_in(*, order: Order, pk: int) -> ShopOrder | None:
    return ShopOrder.unscoped_objects.filter(order=order, pk=pk).select_related("shop").first()
