"""The marketplace's extension points (core's generic Registry).

`fulfilment_methods`: how a shop order reaches the shopper. The marketplace registers
click & collect and the reservation in store; the delivery app adds same-day delivery
by registering one more `FulfilmentMethod`, without the checkout knowing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from digitalstadt.core.registry import Registry

__all__ = ["FulfilmentMethod", "PickupWindow", "Placement", "ShopPanel", "fulfilment_methods", "release_fulfilment",
           "shop_panels", "shop_panels_html", "status_changed"]


@dataclass(frozen=True)
class Placement:
    """A shop order the checkout hands to its fulfilment method's `take`."""

    shop_order: Any
    window_start: datetime | None
    fee_cents: int
    items: int


@dataclass(frozen=True)
class PickupWindow:
    """A time the shopper can choose (a pickup slot, a delivery window)."""

    start: datetime
    end: datetime
    free: int


@dataclass(frozen=True)
class FulfilmentMethod:
    """`offered(shop=, lines=)`: whether the shop offers it for these cart lines;
    `windows(shop=, now=)`: the times to choose from (empty list: no choice needed);
    `pay_online`: the shopper pays at checkout (else in the shop, at pickup);
    `hold_until(shop=, now=)`: until when the stock stays held for an order not paid
    online (a reservation in store); orders paid online are held for the checkout's
    minutes, then until collected.

    A method that brings the goods to the shopper (`needs_address`) gets the delivery
    address the checkout collects (a dict: street, postal_code, city, note, phone):
    `windows(shop=, now=, address=)` may depend on it; `quote(shop=, address=,
    window_start=, now=)` returns the fee in cents or raises ValidationError (before the
    checkout's transaction); `take(placements=, address=, now=)` runs inside the
    checkout's transaction after the shop orders of this method are written
    (`placements`: a list of `Placement`); it takes its own scarce
    resource under the locking helper and raises ValidationError when it is gone.
    `detail(shop_order=)`: what the order pages show of it (None or a dict with `url`,
    `label`, `status`). `release(shop_order=)`: the shop order was cancelled or its hold
    ran out (inside that transaction): give back what `take` took.
    `status_changed(shop_order=)`: the shop changed the order's status (accepted,
    ready...), inside that transaction."""

    id: str
    label: Any
    description: Any = ""
    pay_online: bool = True
    order: int = 100
    offered: Callable[..., bool] = field(default=lambda **kwargs: True, compare=False)
    windows: Callable[..., Sequence[PickupWindow]] = field(default=lambda **kwargs: [], compare=False)
    hold_until: Callable[..., datetime | None] = field(default=lambda **kwargs: None, compare=False)
    window_label: Any = ""
    needs_address: bool = False
    fee_label: Any = ""
    quote: Callable[..., int] = field(default=lambda **kwargs: 0, compare=False)
    take: Callable[..., None] | None = field(default=None, compare=False)
    detail: Callable[..., dict | None] = field(default=lambda **kwargs: None, compare=False)
    release: Callable[..., None] = field(default=lambda **kwargs: None, compare=False)
    status_changed: Callable[..., None] = field(default=lambda **kwargs: None, compare=False)


fulfilment_methods: Registry[FulfilmentMethod] = Registry(
    "marketplace.fulfilment_methods", setting="MARKETPLACE_FULFILMENT_METHODS",
    description="how a shop order reaches the shopper (click & collect, reserve in store, delivery)")


def release_fulfilment(*, shop_order: Any) -> None:
    """Give back what the shop order's fulfilment method took (a delivery window)."""
    method = fulfilment_methods.registered(shop_order.fulfilment)
    if method is not None:
        method.release(shop_order=shop_order)


def status_changed(*, shop_order: Any) -> None:
    """Tell the shop order's fulfilment method that the shop changed its status."""
    method = fulfilment_methods.registered(shop_order.fulfilment)
    if method is not None:
        method.status_changed(shop_order=shop_order)


@dataclass(frozen=True)
class ShopPanel:
    """A part another app adds beside a shop: on the shop's page and with a click & collect
    pickup on the order page (parking: the car parks nearby). `render(request=, latitude=,
    longitude=, place=, at=)` returns safe HTML or "" (`place`: the shop's name; `at`: the
    pickup time, None on the shop page). The marketplace knows nothing of what it shows."""

    id: str
    render: Callable[..., str] = field(compare=False)
    order: int = 100


shop_panels: Registry[ShopPanel] = Registry(
    "marketplace.shop_panels", description="parts other apps show beside a shop (the car parks nearby)")


def shop_panels_html(*, request: Any, latitude: Any, longitude: Any, place: str, at: datetime | None = None) -> str:
    """The registered panels for a shop at (latitude, longitude), joined; "" without a position.
    A panel that fails is left out (logged): a shop page never breaks over a neighbour's part."""
    import logging

    from django.utils.safestring import mark_safe

    if latitude is None or longitude is None:
        return ""
    parts = []
    for panel in sorted(shop_panels.all(), key=lambda p: p.order):
        try:
            parts.append(str(panel.render(request=request, latitude=latitude, longitude=longitude, place=place,
                                          at=at)))
        except Exception:
            logging.getLogger(__name__).exception("shop panel %s failed", panel.id)
    return mark_safe("".join(parts))
