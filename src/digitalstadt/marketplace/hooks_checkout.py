"""Registrations of the checkout part: the fulfilment methods, the payment-settled
handler and the payment page's way back to the order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _back_link(*, payment, user):
    from django.urls import reverse

    from .models import ShopOrder

    if not payment.regarding.startswith("order:"):
        return None
    try:
        pk = int(payment.regarding.split(":", 1)[1])
    except ValueError:
        return None
    shop_order = ShopOrder.unscoped_objects.filter(pk=pk, order__shopper=user).select_related("order").first()
    if shop_order is None:
        return None
    return reverse("market-order:detail", kwargs={"uuid": shop_order.order.uuid}), _("Zurück zur Bestellung")


def _paid(*, payment):
    from .checkout import shop_order_paid

    return shop_order_paid(payment=payment)


def register() -> None:
    from digitalstadt.payments.registry import PaymentBackLink, SettledHandler, back_links, settled_handlers

    from .fulfilment import CLICK_COLLECT, RESERVE
    from .registry import fulfilment_methods

    fulfilment_methods.register(CLICK_COLLECT)
    fulfilment_methods.register(RESERVE)
    settled_handlers.register(SettledHandler("marketplace.shop_order", _paid))
    back_links.register(PaymentBackLink("marketplace.order", _back_link))
