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

__all__ = ["FulfilmentMethod", "PickupWindow", "fulfilment_methods"]


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
    minutes, then until collected."""

    id: str
    label: Any
    description: Any = ""
    pay_online: bool = True
    order: int = 100
    offered: Callable[..., bool] = field(default=lambda **kwargs: True, compare=False)
    windows: Callable[..., Sequence[PickupWindow]] = field(default=lambda **kwargs: [], compare=False)
    hold_until: Callable[..., datetime | None] = field(default=lambda **kwargs: None, compare=False)


fulfilment_methods: Registry[FulfilmentMethod] = Registry(
    "marketplace.fulfilment_methods", setting="MARKETPLACE_FULFILMENT_METHODS",
    description="how a shop order reaches the shopper (click & collect, reserve in store, delivery)")
