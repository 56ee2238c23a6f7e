"""The marketplace's extension points (core's generic Registry).

`fulfilment_methods`: how a shop order reaches the shopper. The marketplace registers
click & collect and the reservation in store; the delivery app adds same-day delivery
by registering one more `FulfilmentMethod`, without the checkout knowing it.

`order_hooks`: other apps' part in a shop order's life (parking hands out a park & shop
voucher when a click & collect order is paid), without the marketplace importing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from digitalstadt.core.registry import Registry

__all__ = ["FulfilmentMethod", "OrderHook", "PickupWindow", "Placement", "ShopPanel", "fulfilment_methods",
           "order_hooks", "order_mail_lines", "order_panels", "order_paid", "release_fulfilment", "shop_panels",
           "shop_panels_html", "status_changed"]


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
    """Give back what the shop order's fulfilment method took (a delivery window), and
    tell the order hooks (a voucher handed out with it is cancelled)."""
    method = fulfilment_methods.registered(shop_order.fulfilment)
    if method is not None:
        method.release(shop_order=shop_order)
    for hook in order_hooks.all():
        hook.released(shop_order=shop_order)


@dataclass(frozen=True)
class OrderHook:
    """`paid(shop_order=)`: the shop order's payment is in (inside the transaction that
    booked it; run once per order). `released(shop_order=)`: the order was cancelled or
    its hold ran out (inside that transaction). `panel(shop_order=)`: what the shopper's
    order page shows of it: None or a dict with `template` (included with the dict as
    `panel`) and whatever that template needs. `mail_lines(shop_order=)`: lines of text
    for the shopper's e-mails about the order (in the active language)."""

    id: str
    paid: Callable[..., None] = field(default=lambda **kwargs: None, compare=False)
    released: Callable[..., None] = field(default=lambda **kwargs: None, compare=False)
    panel: Callable[..., dict | None] = field(default=lambda **kwargs: None, compare=False)
    mail_lines: Callable[..., list[str]] = field(default=lambda **kwargs: [], compare=False)
    order: int = 100


order_hooks: Registry[OrderHook] = Registry(
    "marketplace.order_hooks", description="other apps told when a shop order is paid or released")


def order_paid(*, shop_order: Any) -> None:
    for hook in sorted(order_hooks.all(), key=lambda h: h.order):
        hook.paid(shop_order=shop_order)


def order_mail_lines(*, shop_order: Any) -> list[str]:
    lines: list[str] = []
    for hook in sorted(order_hooks.all(), key=lambda h: h.order):
        lines += list(hook.mail_lines(shop_order=shop_order) or [])
    return lines


def order_panels(*, shop_order: Any) -> list[dict]:
    panels = []
    for hook in sorted(order_hooks.all(), key=lambda h: h.order):
        panel = hook.panel(shop_order=shop_order)
        if panel:
            panels.append(panel)
    return panels


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
