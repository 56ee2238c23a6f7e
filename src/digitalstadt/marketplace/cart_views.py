"""The cart across shops and the checkout. Thin: parse, call one service, render."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.ratelimit import client_ip, hit

from . import checkout
from .context_processors import COUNT_KEY

# The delivery address the checkout collects for methods that bring the goods.
ADDRESS_FIELDS = ("street", "postal_code", "city", "note")

SESSION_KEY = "marketplace_cart"


def _cart(request, *, create: bool = False):
    cart = checkout.cart_get(user=request.user, cart_id=request.session.get(SESSION_KEY), create=create)
    if cart is not None and request.session.get(SESSION_KEY) != cart.pk:
        request.session[SESSION_KEY] = cart.pk
    elif cart is None and SESSION_KEY in request.session:
        del request.session[SESSION_KEY]
    return cart


def _remember_count(request, cart) -> None:
    """The header's cart link reads the count from the session (no query per page)."""
    request.session[COUNT_KEY] = checkout.cart_count(cart=cart)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    # Only a path on this site: never another host, and never a name redirect() would look up.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def cart(request):
    current = _cart(request)
    groups = checkout.cart_groups(cart=current)
    _remember_count(request, current)
    return render(request, "marketplace/cart/cart.html", {
        "groups": groups, "total_cents": sum(g.total_cents for g in groups)})


@require_POST
def add(request):
    if not hit(scope="market-cart", key=client_ip(request), limit=120, period=60):
        messages.error(request, _("Zu viele Anfragen. Bitte versuchen Sie es in einer Minute noch einmal."))
        return redirect(_next(request, "market-cart:cart"))
    current = _cart(request, create=True)
    try:
        line = checkout.cart_add(cart=current, variant_id=request.POST.get("variant"),
                                 quantity=request.POST.get("quantity", "1"))
    except ValidationError as exc:
        add_error_messages(request, exc)
        return redirect(_next(request, "market-cart:cart"))
    _remember_count(request, current)
    messages.success(request, _("„%(item)s“ liegt im Warenkorb.") % {"item": line.variant})
    return redirect(_next(request, "market-cart:cart"))


@require_POST
def update(request):
    current = _cart(request)
    if current is None:
        return redirect("market-cart:cart")
    try:
        if "remove" in request.POST:
            checkout.cart_remove(cart=current, line_id=request.POST.get("remove"))
            messages.success(request, _("Der Artikel wurde aus dem Warenkorb entfernt."))
        else:
            for key, value in request.POST.items():
                if key.startswith("quantity-"):
                    checkout.cart_set_quantity(cart=current, line_id=key.removeprefix("quantity-"), quantity=value)
            messages.success(request, _("Der Warenkorb wurde aktualisiert."))
    except ValidationError as exc:
        add_error_messages(request, exc)
    _remember_count(request, current)
    return redirect("market-cart:cart")


def _parse_window(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if timezone.is_aware(parsed) else None


@login_required
def checkout_page(request):
    current = _cart(request)
    groups = checkout.cart_groups(cart=current)
    if not groups:
        messages.info(request, _("Ihr Warenkorb ist leer."))
        return redirect("market-cart:cart")
    now = timezone.now()
    address = {key: request.POST.get(f"address-{key}", "")[:300] for key in ADDRESS_FIELDS}
    wants_address = any(method.needs_address for group in groups for method in group.methods)
    for group in groups:
        # One list of windows per method that offers times (pickup, delivery).
        group.choosers = []
        for method in group.methods:
            windows = list(method.windows(shop=group.shop, now=now, address=address))[:48]
            if method.window_label or windows:
                group.choosers.append({"method": method, "windows": windows,
                                       "field": f"window-{group.shop.pk}-{method.id}"})
    selected = {}
    errors = []
    if request.method == "POST":
        choices = {}
        for group in groups:
            fulfilment = request.POST.get(f"fulfilment-{group.shop.pk}", "")
            raw_window = request.POST.get(f"window-{group.shop.pk}-{fulfilment}", "")
            selected[group.shop.pk] = (fulfilment, raw_window)
            choices[group.shop.pk] = checkout.ShopChoice(fulfilment=fulfilment, window_start=_parse_window(raw_window))
        if request.POST.get("terms") != "yes":
            errors.append(_("Bitte bestätigen Sie, dass Sie die AGB und die Widerrufsbelehrung der Geschäfte "
                            "gelesen haben."))
        else:
            try:
                order = checkout.checkout_place(user=request.user, cart=current, choices=choices,
                                                name=request.POST.get("name", ""),
                                                email=request.POST.get("email", ""),
                                                phone=request.POST.get("phone", ""), now=now,
                                                address=address if wants_address else None)
            except ValidationError as exc:
                errors.extend(exc.messages)
            except PermissionDenied:
                raise
            else:
                request.session[COUNT_KEY] = 0
                return redirect("market-order:detail", uuid=order.uuid)
    return render(request, "marketplace/cart/checkout.html", {
        "groups": groups, "total_cents": sum(g.total_cents for g in groups), "selected": selected,
        "errors": errors, "post": request.POST if request.method == "POST" else None,
        "wants_address": wants_address, "address": address,
        "hold_minutes": checkout.settings.MARKETPLACE_HOLD_MINUTES,
    }, status=400 if errors else 200)
