"""The marketplace's public writes for other apps (import-linter: apps import each
other only through services, selectors, types and registry).

The delivery app calls these after its own object-level checks (the tour's driver or a
manager of the courier service): the marketplace does not know couriers, it checks what
it knows (the order is a delivery order, the code is the order's code, the transition).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.locking import lock_one

from . import stock
from .models import Fulfilment, OrderStatus, ShopOrder
from .order_services import (
    _audit, _check_transition, _code_matches, _notify, _save, normalise_pickup_code,
)

__all__ = ["normalise_pickup_code", "shop_order_back_in_shop", "shop_order_delivery_notice",
           "shop_order_handed_to_courier"]

DELIVERY_EVENTS = ("on_the_way", "delivered", "delivery_failed")


def _locked_delivery_order(shop_order_id: int) -> ShopOrder:
    try:
        shop_order = lock_one(ShopOrder.unscoped_objects.filter(pk=shop_order_id).select_related("order", "shop"))
    except ShopOrder.DoesNotExist:
        raise ValidationError(_("Diese Bestellung gibt es nicht."), code="not_found") from None
    if shop_order.fulfilment != Fulfilment.DELIVERY:
        raise ValidationError(_("Diese Bestellung wird nicht geliefert."), code="not_delivery")
    return shop_order


def shop_order_handed_to_courier(*, shop_order_id: int, pickup_code: str, actor: Any) -> ShopOrder:
    """The shop hands a delivery order to the courier: the code on the parcel (or the
    QR code "abholung:CODE") must be the order's pickup code. The goods leave the shop
    (stock collected) and the order counts as handed over (status "Abgeholt"); an order
    paid online gets its invoice if it has none yet. The shopper is told that it is on
    its way (`shop_order_delivery_notice`, called by the delivery app)."""
    code = normalise_pickup_code(pickup_code)
    if not code:
        raise ValidationError(_("Bitte geben Sie den Abholcode ein oder scannen Sie den QR-Code."), code="no_code")
    with transaction.atomic():
        shop_order = _locked_delivery_order(shop_order_id)
        if not _code_matches(shop_order, code):
            raise ValidationError(_("Dieser Abholcode gehört nicht zu dieser Bestellung. Bitte prüfen Sie den Code "
                                    "auf dem Paket."), code="wrong_code")
        previous = shop_order.status
        shop_order.status = _check_transition(shop_order, "hand_over")
        now = timezone.now()
        shop_order.picked_up_at = now
        _save(shop_order, "status", "picked_up_at")
        collected = stock.collect(shop_order=shop_order)
        _audit(actor, "marketplace.order_picked_up", shop_order, previous=previous, units=collected,
               by="courier")
        from .invoices import invoice_issue_if_possible

        invoice_issue_if_possible(shop_order=shop_order, actor=actor)
    return shop_order


def shop_order_back_in_shop(*, shop_order_id: int, actor: Any, reason: str) -> ShopOrder:
    """A delivery that failed came back: the order is in the shop again (status
    "Abholbereit") and the shopper is told, with the pickup code, that they can collect
    it there. Its stock was collected when the courier took it; the goods are kept for
    the shopper and leave with them, so stock does not change again."""
    reason = " ".join((reason or "").split())[:300]
    with transaction.atomic():
        shop_order = _locked_delivery_order(shop_order_id)
        if shop_order.status != OrderStatus.PICKED_UP:
            raise ValidationError(_("Nur eine an den Kurier übergebene Bestellung kann ins Geschäft zurückkommen."),
                                  code="wrong_transition")
        previous = shop_order.status
        shop_order.status = OrderStatus.READY
        shop_order.ready_at = timezone.now()
        shop_order.picked_up_at = None
        _save(shop_order, "status", "ready_at", "picked_up_at")
        _audit(actor, "marketplace.order_status_changed", shop_order, previous=previous, reason=reason,
               by="courier")
        _notify(shop_order, "ready")
    return shop_order



def shop_order_delivery_notice(*, shop_order_id: int, event: str, **extra) -> None:
    """Tell the shopper how the delivery goes (Postfach and e-mail): "on_the_way" (the
    courier has it), "delivered", "delivery_failed" (`reason`, `retry`: a second attempt
    follows, else it goes back to the shop)."""
    if event not in DELIVERY_EVENTS:
        raise ValueError(f"unknown delivery event {event!r}")
    shop_order = ShopOrder.unscoped_objects.select_related("order__shopper", "shop").get(pk=shop_order_id)
    _notify(shop_order, event, **extra)
