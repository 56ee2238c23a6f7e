"""Reads of the shop's side of orders (always inside the shop's organisation scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.scoping import organisation_scope

from .models import OrderStatus, Product, SearchLog, Shop, ShopOrder

__all__ = [
    "DASHBOARD_TABS",
    "open_orders_count",
    "orders_for_api",
    "shop_for_member",
    "shop_order_of",
    "shop_orders",
    "shop_statistics",
    "tab_counts",
]

S = OrderStatus

# The dashboard's tabs: URL value -> (label, statuses shown).
DASHBOARD_TABS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "neu": (_("Neu"), (S.NEW,)),
    "angenommen": (_("Angenommen"), (S.ACCEPTED,)),
    "abholbereit": (_("Abholbereit"), (S.READY,)),
    "abgeholt": (_("Abgeholt"), (S.PICKED_UP,)),
    "storniert": (_("Storniert"), (S.CANCELLED, S.EXPIRED)),
    "erstattet": (_("Erstattet"), (S.REFUNDED, S.PARTLY_REFUNDED)),
}

OPEN_FOR_SHOP = (S.NEW, S.ACCEPTED, S.READY)
# Orders that count as sales in the statistics (paid or to be paid in the shop, not cancelled).
SOLD = (S.NEW, S.ACCEPTED, S.READY, S.PICKED_UP, S.PARTLY_REFUNDED, S.REFUNDED)


def open_orders_count(*, organisation: Any) -> int:
    """Orders waiting for the shop (new, accepted, ready), for the organisation page."""
    with organisation_scope(organisation):
        return ShopOrder.objects.filter(status__in=OPEN_FOR_SHOP).count()


def shop_for_member(*, slug: str, user: Any) -> Shop | None:
    """The shop with this slug if `user` may work on its orders, else None (a 404)."""
    from .order_services import user_may_handle_orders

    shop = Shop.objects.select_related("organisation").filter(slug=slug).first()
    if shop is None or not user_may_handle_orders(user=user, shop=shop):
        return None
    return shop


def shop_orders(*, shop: Shop, statuses=None) -> QuerySet[ShopOrder]:
    with organisation_scope(shop.organisation):
        orders = ShopOrder.objects.filter(shop=shop).select_related("order").annotate(line_count=Count("lines"))
        if statuses:
            orders = orders.filter(status__in=statuses)
        if statuses and set(statuses) <= set(OPEN_FOR_SHOP):
            return orders.order_by("pickup_from", "created_at", "pk")  # open work: the next pickup first
        return orders.order_by("-created_at", "-pk")


def tab_counts(*, shop: Shop) -> dict[str, int]:
    with organisation_scope(shop.organisation):
        aggregates = ShopOrder.objects.filter(shop=shop).aggregate(**{
            tab: Count("pk", filter=Q(status__in=statuses)) for tab, (_label, statuses) in DASHBOARD_TABS.items()})
    return aggregates


def shop_order_of(*, shop: Shop, shop_order_id: int) -> ShopOrder | None:
    with organisation_scope(shop.organisation):
        return (ShopOrder.objects.filter(shop=shop, pk=shop_order_id).select_related("order", "order__shopper")
                .prefetch_related("lines").first())


def shop_statistics(*, shop: Shop, since: datetime, until: datetime) -> dict:
    """Orders and revenue (gross, less refunds) of the period; the products' views (a
    running count since each product was listed); searches across the marketplace in the
    period that found nothing (the latest 20), so the shop sees what people miss."""
    with organisation_scope(shop.organisation):
        period = ShopOrder.objects.filter(shop=shop, created_at__gte=since, created_at__lt=until)
        figures = period.aggregate(
            orders=Count("pk", filter=Q(status__in=SOLD)),
            cancelled=Count("pk", filter=Q(status__in=(S.CANCELLED, S.EXPIRED))),
            picked_up=Count("pk", filter=Q(status__in=(S.PICKED_UP, S.PARTLY_REFUNDED, S.REFUNDED))),
            gross=Sum("total_cents", filter=Q(status__in=SOLD), default=0),
            refunded=Sum("refunded_cents", filter=Q(status__in=SOLD), default=0),
        )
        products = list(Product.objects.filter(shop=shop).order_by("-views", "title")
                        .values("pk", "title", "views")[:10])
        views = Product.objects.filter(shop=shop).aggregate(total=Sum("views", default=0))["total"]
    no_hits = list(SearchLog.objects.filter(hits=0, created_at__gte=since, created_at__lt=until)
                   .order_by("-created_at", "-pk").values("query", "created_at")[:20])
    return {**figures, "revenue": figures["gross"] - figures["refunded"], "products": products,
            "product_views": views, "no_hits": no_hits}


def orders_for_api(*, organisation: Any, status: str | None = None, updated_since: datetime | None = None
                   ) -> list[ShopOrder]:
    """The token's organisation's orders (newest change first), with lines."""
    with organisation_scope(organisation):
        orders = ShopOrder.objects.select_related("order", "shop").prefetch_related("lines")
        if status:
            orders = orders.filter(status=status)
        if updated_since is not None:
            # updated_at is kept by this part's services; the other moments cover
            # writes elsewhere that update rows without touching it.
            orders = orders.filter(Q(updated_at__gte=updated_since) | Q(created_at__gte=updated_since)
                                   | Q(paid_at__gte=updated_since) | Q(picked_up_at__gte=updated_since)
                                   | Q(cancelled_at__gte=updated_since))
        return list(orders.order_by("-updated_at", "-pk")[:500])
