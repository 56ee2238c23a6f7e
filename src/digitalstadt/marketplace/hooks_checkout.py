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


def _purge_anonymous_carts(*, cutoff) -> int:
    from .models import Cart

    return Cart.objects.filter(user=None, updated_at__lt=cutoff).delete()[1].get("marketplace.Cart", 0)


def _purge_order_phones(*, cutoff) -> int:
    """The phone number is only for the shop's questions about an open order; the name
    and address stay with the invoice (kept for the tax office)."""
    from .models import OPEN_ORDER_STATUSES, Order, ShopOrder

    still_open = ShopOrder.unscoped_objects.filter(status__in=OPEN_ORDER_STATUSES).values("order_id")
    return Order.objects.filter(created_at__lt=cutoff).exclude(phone="").exclude(pk__in=still_open).update(phone="")


def register() -> None:
    from digitalstadt.payments.registry import PaymentBackLink, SettledHandler, back_links, settled_handlers

    from .fulfilment import CLICK_COLLECT, RESERVE
    from .registry import fulfilment_methods

    from digitalstadt.core.registry import (
        DashboardFigure,
        PersonalDataHandler,
        RetentionPolicy,
        dashboard_figures,
        personal_data_handlers,
        retention_policies,
    )

    from . import personal_data

    personal_data_handlers.register(PersonalDataHandler("marketplace", _("Marktplatz: Warenkorb und Bestellungen"),
                                                        personal_data.export, personal_data.erase))
    dashboard_figures.register(DashboardFigure("marketplace.shops_live", _("Geschäfte im Marktplatz"),
                                               personal_data.shops_live, order=300))
    dashboard_figures.register(DashboardFigure("marketplace.orders_30_days", _("Bestellungen in 30 Tagen"),
                                               personal_data.orders_last_30_days, order=310))
    dashboard_figures.register(DashboardFigure(
        "marketplace.collected_on_time", _("Click & Collect pünktlich abgeholt"), personal_data.collected_on_time,
        unit="share", description=_("Anteil der Abholungen der letzten 90 Tage bis zum Ende des gewählten "
                                    "Zeitfensters"), order=320))

    retention_policies.register(RetentionPolicy("marketplace_anonymous_carts",
                                                _("Warenkörbe von Besuchern ohne Konto"), 30, _purge_anonymous_carts))
    retention_policies.register(RetentionPolicy("marketplace_order_phones",
                                                _("Telefonnummern abgeschlossener Bestellungen"), 90,
                                                _purge_order_phones))
    fulfilment_methods.register(CLICK_COLLECT)
    fulfilment_methods.register(RESERVE)
    settled_handlers.register(SettledHandler("marketplace.shop_order", _paid))
    back_links.register(PaymentBackLink("marketplace.order", _back_link))
