"""The shop's order pages under /mein-geschaeft/<shop>/bestellungen/ (members of the
shop's organisation only; for anybody else the shop's pages do not exist: 404).

Thin: parse, call one service or selector, render. Every action is confirmed on a page
of its own (a form that works without JavaScript) before it is carried out.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from digitalstadt.core.audit import audit_log
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.params import query_choice, query_int, query_text

from . import order_services as services
from .invoices import invoice_issue, invoice_of
from .order_selectors import DASHBOARD_TABS, shop_for_member, shop_order_of, shop_orders, shop_statistics, tab_counts

PAGE_SIZE = 25

# URL word -> (service action, page title, button label)
ACTIONS = {
    "annehmen": ("accept", gettext_lazy("Bestellung annehmen"), gettext_lazy("Ja, annehmen")),
    "abholbereit": ("mark_ready", gettext_lazy("Als abholbereit melden"), gettext_lazy("Ja, abholbereit melden")),
    "stornieren": ("cancel", gettext_lazy("Bestellung stornieren"), gettext_lazy("Verbindlich stornieren")),
    "erstatten": ("refund", gettext_lazy("Erstatten"), gettext_lazy("Verbindlich erstatten")),
}

PERIODS = {"7": gettext_lazy("7 Tage"), "30": gettext_lazy("30 Tage"), "90": gettext_lazy("90 Tage"),
           "365": gettext_lazy("12 Monate")}


def _shop(request, slug):
    shop = shop_for_member(slug=slug, user=request.user)
    if shop is None:
        raise Http404
    return shop


def _order(shop, order_id):
    shop_order = shop_order_of(shop=shop, shop_order_id=order_id)
    if shop_order is None:
        raise Http404
    return shop_order


def _available_actions(shop_order) -> list[str]:
    return [word for word, (action, _title, _button) in ACTIONS.items()
            if shop_order.status in services.TRANSITIONS[action][0]]


@login_required
def dashboard(request, shop):
    shop = _shop(request, shop)
    tab = query_choice(request.GET, "status", list(DASHBOARD_TABS), default="neu")
    label, statuses = DASHBOARD_TABS[tab]
    counts = tab_counts(shop=shop)
    page = Paginator(shop_orders(shop=shop, statuses=statuses), PAGE_SIZE).get_page(request.GET.get("seite"))
    context = {"shop": shop, "tab": tab, "tab_label": label, "page": page, "orders": page.object_list,
               "tabs": [(key, tab_label, counts[key]) for key, (tab_label, _statuses) in DASHBOARD_TABS.items()]}
    if request.htmx and request.GET.get("teil") == "liste":
        return render(request, "marketplace/orders/_dashboard_live.html", context)
    return render(request, "marketplace/orders/dashboard.html", context)


@login_required
def detail(request, shop, order_id):
    shop = _shop(request, shop)
    shop_order = _order(shop, order_id)
    # The page shows the customer's name and contact: a read of personal data by the shop.
    audit_log(actor=request.user, action="marketplace.customer_viewed", subject=shop_order,
              data_subject=shop_order.order.shopper, data={"number": shop_order.number})
    return render(request, "marketplace/orders/detail.html", {
        "shop": shop, "shop_order": shop_order, "order": shop_order.order, "lines": list(shop_order.lines.all()),
        "actions": _available_actions(shop_order), "invoice": invoice_of(shop_order=shop_order),
        "can_issue_invoice": shop_order.paid_at is not None and bool(shop.vat_id or shop.tax_number),
        "pickup_open": shop_order.status in services.TRANSITIONS["hand_over"][0],
    })


def _refund_lines(post, lines) -> dict:
    quantities = {}
    for line in lines:
        value = query_int(post, f"menge-{line.pk}", default=0, minimum=0, maximum=10_000)
        if value:
            quantities[line.pk] = value
    return quantities


@login_required
@require_http_methods(["GET", "POST"])
def action(request, shop, order_id, action):
    shop = _shop(request, shop)
    if action not in ACTIONS:
        raise Http404
    service_action, title, button = ACTIONS[action]
    shop_order = _order(shop, order_id)
    lines = list(shop_order.lines.all())
    for line in lines:
        line.remaining = line.quantity - line.refunded_quantity
    reason = ""
    if request.method == "POST":
        reason = query_text(request.POST, "grund", max_length=400)
        kwargs = {"shop": shop, "shop_order_id": shop_order.pk, "actor": request.user}
        try:
            if service_action == "accept":
                services.shop_order_accept(**kwargs)
                messages.success(request, _("Die Bestellung ist angenommen; die Kundin oder der Kunde ist informiert."))
            elif service_action == "mark_ready":
                services.shop_order_mark_ready(**kwargs)
                messages.success(request, _("Als abholbereit gemeldet; die Kundin oder der Kunde ist informiert."))
            elif service_action == "cancel":
                services.shop_order_cancel(reason=reason, **kwargs)
                messages.success(request, _("Die Bestellung ist storniert; die Ware ist wieder verfügbar."))
            else:
                services.shop_order_refund(lines=_refund_lines(request.POST, lines), reason=reason, **kwargs)
                messages.success(request, _("Die Erstattung ist erfasst."))
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return render(request, "marketplace/orders/confirm.html", {
                "shop": shop, "shop_order": shop_order, "lines": lines, "action": action, "title": title,
                "button": button, "reason": reason, "posted": request.POST}, status=400)
        return redirect("market-orders:detail", shop=shop.slug, order_id=shop_order.pk)
    if action not in _available_actions(shop_order):
        messages.error(request, _("Das ist für eine Bestellung im Status „%(status)s“ nicht möglich.")
                       % {"status": shop_order.get_status_display()})
        return redirect("market-orders:detail", shop=shop.slug, order_id=shop_order.pk)
    return render(request, "marketplace/orders/confirm.html", {
        "shop": shop, "shop_order": shop_order, "lines": lines, "action": action, "title": title, "button": button,
        "reason": reason, "posted": {}})


@login_required
@require_http_methods(["GET", "POST"])
def pickup(request, shop):
    """Step 1: type the code (or scan the QR code, static/js/pickup-scan.js fills it in);
    step 2: the order is shown with a confirmation; step 3 (POST `bestaetigen`): handed over."""
    shop = _shop(request, shop)
    code = services.normalise_pickup_code(query_text(request.POST, "code", max_length=200))
    if request.method == "POST":
        try:
            if request.POST.get("bestaetigen"):
                order_id = query_int(request.POST, "bestellung", required=True)
                shop_order = services.shop_order_hand_over(shop=shop, shop_order_id=order_id, pickup_code=code,
                                                           actor=request.user)
                messages.success(request, _("Bestellung %(number)s übergeben.") % {"number": shop_order.number})
                return redirect("market-orders:detail", shop=shop.slug, order_id=shop_order.pk)
            found = services.shop_order_find_by_code(shop=shop, pickup_code=code, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return render(request, "marketplace/orders/pickup.html", {"shop": shop, "code": code}, status=400)
        found = shop_order_of(shop=shop, shop_order_id=found.pk)
        return render(request, "marketplace/orders/pickup_confirm.html", {
            "shop": shop, "shop_order": found, "order": found.order, "lines": list(found.lines.all()), "code": code})
    return render(request, "marketplace/orders/pickup.html", {"shop": shop, "code": ""})


@login_required
@require_http_methods(["GET", "POST"])
def invoice(request, shop, order_id):
    shop = _shop(request, shop)
    shop_order = _order(shop, order_id)
    if request.method == "POST":
        try:
            invoice_issue(shop_order=shop_order, actor=request.user)
            messages.success(request, _("Die Rechnung ist ausgestellt."))
        except ValidationError as exc:
            add_error_messages(request, exc)
        return redirect("market-orders:detail", shop=shop.slug, order_id=shop_order.pk)
    document = invoice_of(shop_order=shop_order)
    if document is None:
        raise Http404
    # The invoice names the customer (unless a small-amount invoice): a read of personal data.
    audit_log(actor=request.user, action="marketplace.customer_viewed", subject=shop_order,
              data_subject=shop_order.order.shopper, data={"number": shop_order.number, "invoice": document.number})
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Rechnung-{document.number}.pdf"'
    return response


@login_required
def statistics(request, shop):
    shop = _shop(request, shop)
    period = query_choice(request.GET, "zeitraum", list(PERIODS), default="30")
    until = timezone.now()
    since = until - timedelta(days=int(period))
    return render(request, "marketplace/orders/statistics.html", {
        "shop": shop, "period": period, "periods": PERIODS, "since": since, "until": until,
        "stats": shop_statistics(shop=shop, since=since, until=until)})

