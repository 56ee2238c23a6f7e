"""Feeds a shop hands to others: Google's local inventory feed (TSV)."""

from __future__ import annotations

import csv
import io

from digitalstadt.core.scoping import organisation_scope

from .models import Shop, Variant
from .registry import fulfilment_methods

LOCAL_INVENTORY_COLUMNS = ("store_code", "id", "gtin", "price", "availability", "quantity", "pickup_method",
                           "pickup_sla")


def local_availability(available: int) -> str:
    """Google's availability from the units a shopper can still take (on_hand − reserved).

    Google asks for `limited_availability` when only a few are left and names no number;
    our rule: more than 2 available -> `in_stock`, 1 or 2 -> `limited_availability`,
    0 -> `out_of_stock`."""
    if available > 2:
        return "in_stock"
    if available >= 1:
        return "limited_availability"
    return "out_of_stock"


def pickup_method(shop: Shop) -> str:
    """`buy` when the shopper pays online and collects (click & collect), `reserve` when
    the goods are only held in store and paid there; empty when neither is offered."""
    enabled = set(fulfilment_methods.enabled_ids())  # the setting, whether the checkout part registered yet
    if "click_collect" in enabled:
        return "buy"
    if "reserve" in enabled:
        return "reserve"
    return ""


def pickup_sla(shop: Shop) -> str:
    """Google's pickup_sla from the shop's lead time before the first pickup."""
    days = shop.pickup_lead_minutes // (24 * 60)
    if days == 0:
        return "same day"
    if days == 1:
        return "next day"
    if days <= 6:
        return f"{days}-day"
    return "multi-week"


def local_inventory_tsv(*, shop: Shop) -> str:
    """One line per variant of the shop's visible products (the shop's own read)."""
    method, sla = pickup_method(shop), pickup_sla(shop)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(LOCAL_INVENTORY_COLUMNS)
    with organisation_scope(shop.organisation):
        variants = (Variant.objects.filter(product__shop=shop, product__active=True)
                    .order_by("sku").values_list("sku", "gtin", "price_cents", "on_hand", "reserved"))
        for sku, gtin, price_cents, on_hand, reserved in variants.iterator(chunk_size=2000):
            available = max(on_hand - reserved, 0)
            writer.writerow([shop.slug, sku, gtin, f"{price_cents // 100}.{price_cents % 100:02d} EUR",
                             local_availability(available), available, method, sla])
    return out.getvalue()
