"""Invoices of shop orders (§ 14 Abs. 4 UStG), one per ShopOrder, as PDF (WeasyPrint
through core.pdf), issued when the order is paid online or, for orders paid in the
shop, when it is handed over.

The numbers run per shop and calendar year without gaps (`OrderCounter` key
`invoice:<shop id>:<year>`, taken under the locking helper in the transaction that
stores the invoice). Amounts: the lines' prices are gross; per tax rate the gross sum
is split into net and tax once (net = gross x 100 / (100 + rate), rounded half up to
the cent; tax = gross - net), so net + tax = gross holds per rate and in total.

Variants: a small business (§ 19 UStG) shows no tax and says why; an invoice of at
most 250 EUR gross is a small-amount invoice (§ 33 UStDV) and names no buyer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one
from digitalstadt.core.pdf import render_pdf
from digitalstadt.core.scoping import organisation_scope

from .models import Invoice, OrderCounter, ShopOrder

__all__ = ["SMALL_AMOUNT_LIMIT_CENTS", "TaxRow", "invoice_issue", "invoice_issue_if_possible", "invoice_of",
           "tax_rows"]

SMALL_AMOUNT_LIMIT_CENTS = 25_000  # § 33 UStDV: 250 EUR gross


@dataclass(frozen=True)
class TaxRow:
    rate: int
    gross_cents: int
    net_cents: int
    tax_cents: int


def net_of(gross_cents: int, rate: int) -> int:
    """Net of a gross amount at `rate` percent, rounded half up to the cent (integers only)."""
    return (gross_cents * 200 + (100 + rate)) // (2 * (100 + rate))


def tax_rows(lines, *, small_business: bool = False) -> list[TaxRow]:
    """One row per tax rate of `lines` (gross unit prices x quantities)."""
    gross_by_rate: dict[int, int] = {}
    for line in lines:
        gross_by_rate[line.vat_rate] = gross_by_rate.get(line.vat_rate, 0) + line.unit_price_cents * line.quantity
    rows = []
    for rate in sorted(gross_by_rate, reverse=True):
        gross = gross_by_rate[rate]
        net = gross if small_business else net_of(gross, rate)
        rows.append(TaxRow(rate=0 if small_business else rate, gross_cents=gross, net_cents=net,
                           tax_cents=gross - net))
    return rows


def _seller_tax_id(shop) -> tuple[str, str]:
    # Printed on the (German) invoice, so not translated.
    if shop.vat_id:
        return "USt-IdNr.", shop.vat_id
    if shop.tax_number:
        return "Steuernummer", shop.tax_number
    return "", ""


def _next_number(shop, year: int) -> str:
    key = f"invoice:{shop.pk}:{year}"
    OrderCounter.objects.get_or_create(key=key)
    counter = lock_one(OrderCounter.objects.filter(key=key))
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"RE-{year}-{counter.value:05d}"


def invoice_of(*, shop_order: ShopOrder) -> Invoice | None:
    with organisation_scope(shop_order.organisation):
        return Invoice.objects.filter(shop_order=shop_order).first()


def invoice_issue(*, shop_order: ShopOrder, actor: Any = None) -> Invoice:
    """The order's invoice; issued now if it has none (a second call returns the first)."""
    shop = shop_order.shop
    label, tax_id = _seller_tax_id(shop)
    if not tax_id:
        raise ValidationError(_("Für eine Rechnung fehlt die Steuernummer oder USt-IdNr. des Geschäfts. Bitte "
                                "ergänzen Sie sie im Geschäftsprofil."), code="no_tax_id")
    if shop_order.paid_at is None:
        raise ValidationError(_("Die Bestellung ist noch nicht bezahlt."), code="not_paid")
    with transaction.atomic(), organisation_scope(shop_order.organisation):
        locked = lock_one(ShopOrder.objects.filter(pk=shop_order.pk))
        existing = Invoice.objects.filter(shop_order=locked).first()
        if existing is not None:
            return existing
        now = timezone.now()
        issued_on = timezone.localdate(now)
        supplied = locked.picked_up_at or locked.pickup_from or now
        lines = list(locked.lines.all())
        rows = tax_rows(lines, small_business=shop.small_business)
        gross = sum(r.gross_cents for r in rows)
        number = _next_number(shop, issued_on.year)
        small_amount = gross <= SMALL_AMOUNT_LIMIT_CENTS
        order = locked.order
        pdf = render_pdf("marketplace/orders/invoice_pdf.html", {
            "shop": shop, "shop_order": locked, "order": order, "number": number, "issued_on": issued_on,
            "supplied_on": timezone.localdate(supplied), "lines": lines, "rows": rows, "gross_cents": gross,
            "net_cents": sum(r.net_cents for r in rows), "tax_cents": sum(r.tax_cents for r in rows),
            "tax_id_label": label, "tax_id": tax_id, "small_amount": small_amount,
            "small_business": shop.small_business,
        })
        invoice = Invoice.objects.create(organisation=locked.organisation, shop_order=locked, number=number,
                                         issued_at=now, supplied_on=timezone.localdate(supplied), pdf=pdf)
        audit_log(actor=actor, system="marketplace", action="marketplace.invoice_issued", subject=invoice,
                  data_subject=order.shopper, data={"number": number, "order": locked.number, "gross_cents": gross})
    return invoice


def invoice_issue_if_possible(*, shop_order: ShopOrder, actor: Any = None) -> Invoice | None:
    """At pickup: issue the invoice unless the shop lacks a tax id (then the order page
    offers to issue it once the profile has one). Handing over never fails for it."""
    if not (shop_order.shop.vat_id or shop_order.shop.tax_number):
        return None
    return invoice_issue(shop_order=shop_order, actor=actor)
