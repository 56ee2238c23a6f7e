"""The shopper's orders: list, tracking page with pickup code and QR, payment, cancellation
and withdrawal. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.qr import qr_svg

from . import checkout, order_selectors_shopper as selectors
from .registry import fulfilment_methods, order_panels, shop_panels_html


@login_required
def order_list(request):
    return render(request, "marketplace/orders_shopper/list.html",
                  {"orders": selectors.orders_of(user=request.user)})


@login_required
def order_detail(request, uuid):
    order = selectors.order_of(user=request.user, uuid=uuid)
    if order is None:
        raise Http404
    parts = selectors.shop_orders_of(order=order)
    for part in parts:
        method = fulfilment_methods.registered(part.fulfilment)
        part.delivery = method.detail(shop_order=part) if method and method.needs_address else None
        part.qr = qr_svg(f"abholung:{part.pickup_code}",
                         title=_("QR-Code zur Abholung bei %(shop)s") % {"shop": part.shop.name}, scale=5)
        part.nearby = (shop_panels_html(request=request, latitude=part.shop.latitude, longitude=part.shop.longitude,
                                        place=part.shop.name, at=part.pickup_from)
                       if part.fulfilment == "click_collect" and part.status in ("new", "accepted", "ready") else "")
        part.panels = order_panels(shop_order=part)
    unpaid = [p for p in parts if p.status == "pending_payment"]
    return render(request, "marketplace/orders_shopper/detail.html", {
        "order": order, "parts": parts, "unpaid": unpaid})


def _shop_order(request, uuid, pk):
    order = selectors.order_of(user=request.user, uuid=uuid)
    part = selectors.shop_order_in(order=order, pk=pk) if order else None
    if part is None:
        raise Http404
    return order, part


@login_required
@require_POST
def pay(request, uuid, pk):
    order, part = _shop_order(request, uuid, pk)
    from digitalstadt.payments.selectors import payment_by_reference
    from digitalstadt.payments.services import payment_start

    payment = payment_by_reference(reference=part.payment_reference) if part.payment_reference else None
    if part.status != "pending_payment" or payment is None:
        messages.info(request, _("Für diese Bestellung ist keine Zahlung offen."))
        return redirect("market-order:detail", uuid=order.uuid)
    try:
        start = payment_start(payment=payment, provider="epay", actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
        return redirect("market-order:detail", uuid=order.uuid)
    return redirect(start.redirect_url)


@login_required
def cancel(request, uuid, pk):
    order, part = _shop_order(request, uuid, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            checkout.shop_order_cancel_by_shopper(user=request.user, shop_order_id=part.pk,
                                                  reason=request.POST.get("reason", "")[:300])
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Die Bestellung bei %(shop)s ist storniert.") % {"shop": part.shop.name})
        return redirect("market-order:detail", uuid=order.uuid)
    return render(request, "marketplace/orders_shopper/cancel.html", {"order": order, "part": part})


@login_required
def withdraw(request, uuid, pk):
    order, part = _shop_order(request, uuid, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            checkout.shop_order_withdraw(user=request.user, shop_order_id=part.pk,
                                         statement=request.POST.get("statement", "")[:500])
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Ihr Widerruf ist bei %(shop)s eingegangen. Das Geschäft erstattet den "
                                        "Betrag nach Rückgabe der Ware.") % {"shop": part.shop.name})
        return redirect("market-order:detail", uuid=order.uuid)
    return render(request, "marketplace/orders_shopper/withdraw.html", {"order": order, "part": part})
