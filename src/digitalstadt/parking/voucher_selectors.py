"""Reads of park & shop: the voucher panel of an order page, a shop's programme and
vouchers, the monthly statements of a shop and of a car-park operator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.money import format_eur

from .models import BudgetFunding, FundingStatus, Redemption, Voucher, VoucherProgramme, VoucherStatus

__all__ = ["Month", "funding_back_link", "fundings_of", "month_of", "operator_statement", "order_voucher_mail_lines",
           "order_voucher_panel", "programme_of", "redeemed_count", "retailer_statement", "vouchers_of"]


def programme_of(*, organisation: Any) -> VoucherProgramme | None:
    return VoucherProgramme.unscoped_objects.filter(organisation=organisation).first()


def order_voucher_panel(*, shop_order: Any) -> dict | None:
    """What the shopper's order page shows: the voucher with QR code and how to use it,
    or a clear line why this order has none."""
    from digitalstadt.core.qr import qr_svg

    voucher = Voucher.unscoped_objects.filter(order_ref=f"marketplace.shoporder:{shop_order.pk}").select_related(
        "redemption").first()
    if voucher is not None:
        return {"template": "parking/vouchers/_order_panel.html", "voucher": voucher,
                "redemption": getattr(voucher, "redemption", None), "shop_name": shop_order.shop.name,
                "qr": qr_svg(voucher.code, title=_("QR-Code des Parkgutscheins %(code)s") % {"code": voucher.code},
                             scale=5) if voucher.status == VoucherStatus.ISSUED else ""}
    programme = programme_of(organisation=shop_order.organisation_id)
    if programme is None or shop_order.fulfilment != "click_collect":
        return None
    # The rule voucher_issue_for_order applied: at payment, else (not paid yet) today.
    paid_at = shop_order.paid_at
    if not programme.active_on(timezone.localdate(paid_at) if paid_at else timezone.localdate()):
        if paid_at is None or not programme.is_active:
            return None
        line = _("Die Park-&-Shop-Aktion von %(shop)s lief am Tag Ihrer Zahlung nicht: zu dieser Bestellung gibt "
                 "es keinen Parkgutschein.") % {"shop": shop_order.shop.name}
    elif shop_order.total_cents < programme.min_order_cents:
        line = _("%(shop)s schenkt Ihnen ab %(min)s Bestellwert %(minutes)s Minuten Parken.") % {
            "shop": shop_order.shop.name, "min": format_eur(programme.min_order_cents), "minutes": programme.minutes}
    elif shop_order.paid_at is None:
        line = _("Nach der Zahlung erhalten Sie hier einen Parkgutschein über %(minutes)s Minuten.") % {
            "minutes": programme.minutes}
    else:
        line = _("Das Park-&-Shop-Budget von %(shop)s ist zurzeit aufgebraucht: zu dieser Bestellung gibt es "
                 "leider keinen Parkgutschein.") % {"shop": shop_order.shop.name}
    return {"template": "parking/vouchers/_order_panel.html", "voucher": None, "line": line}


def order_voucher_mail_lines(*, shop_order: Any) -> list[str]:
    """For the shopper's e-mails about the order: the unused voucher and how to use it."""
    voucher = Voucher.unscoped_objects.filter(order_ref=f"marketplace.shoporder:{shop_order.pk}",
                                              status=VoucherStatus.ISSUED).first()
    if voucher is None:
        return []
    return [_("Ihr Parkgutschein: %(code)s (%(minutes)s Minuten, bis %(value)s, gültig bis %(until)s). Zeigen Sie "
              "den QR-Code von der Seite Ihrer Bestellung an der Parkhaus-Ausfahrt oder geben Sie den Code beim "
              "Straßenparken an.") % {
        "code": voucher.code, "minutes": voucher.minutes, "value": format_eur(voucher.max_value_cents),
        "until": timezone.localtime(voucher.valid_until).strftime("%d.%m.%Y")}]


def funding_back_link(*, payment: Any, user: Any) -> str | None:
    """The shop slug whose voucher page a budget payment belongs to, for its payer."""
    from digitalstadt.marketplace.selectors import shop_slug_of

    if not payment.regarding.startswith("parking.voucher_budget:"):
        return None
    try:
        pk = int(payment.regarding.split(":", 1)[1])
    except ValueError:
        return None
    funding = BudgetFunding.unscoped_objects.filter(pk=pk, created_by=user).select_related("organisation").first()
    return shop_slug_of(organisation=funding.organisation) if funding else None


def redeemed_count() -> int:
    return Redemption.unscoped_objects.count()


def vouchers_of(*, organisation: Any, limit: int = 50) -> list[Voucher]:
    return list(Voucher.unscoped_objects.filter(organisation=organisation).select_related("redemption")[:limit])


def fundings_of(*, organisation: Any, limit: int = 20) -> list[BudgetFunding]:
    return list(BudgetFunding.unscoped_objects.filter(organisation=organisation)[:limit])


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> dt.datetime:
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return dt.datetime(year, month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def slug(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def day(self) -> dt.date:
        return self.start.date()


def month_of(value: str | None) -> Month | None:
    """"2026-11" -> Month; None (today's month) for an empty value; None for nonsense too
    (the view answers 404 then: check `value` yourself)."""
    if not value:
        today = timezone.localdate()
        return Month(today.year, today.month)
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return None
    try:
        year, month = int(value[:4]), int(value[5:])
    except ValueError:
        return None
    if not (2000 <= year <= 2200 and 1 <= month <= 12):
        return None
    return Month(year, month)


@dataclass
class Statement:
    month: Month
    rows: list[dict]
    total_cents: int
    count: int
    extra: dict


def retailer_statement(*, organisation: Any, month: Month) -> Statement:
    """A shop's month: each voucher redeemed (what it cost the budget), plus the vouchers
    issued and the money paid in that month."""
    redemptions = list(Redemption.unscoped_objects.filter(
        organisation=organisation, redeemed_at__gte=month.start, redeemed_at__lt=month.end)
        .select_related("voucher", "operator").order_by("redeemed_at", "pk"))
    rows = [{"at": timezone.localtime(r.redeemed_at), "code": r.voucher.code, "order": r.voucher.order_number,
             "channel": r.get_channel_display(), "where": r.carpark_ref or r.session_ref,
             "operator": r.operator.name if r.operator else "", "amount_cents": r.amount_cents} for r in redemptions]
    issued = Voucher.unscoped_objects.filter(organisation=organisation, issued_at__gte=month.start,
                                             issued_at__lt=month.end).aggregate(n=Count("pk"))["n"]
    funded = BudgetFunding.unscoped_objects.filter(
        organisation=organisation, status=FundingStatus.PAID, paid_at__gte=month.start,
        paid_at__lt=month.end).aggregate(s=Sum("amount_cents"))["s"] or 0
    return Statement(month=month, rows=rows, total_cents=sum(r["amount_cents"] for r in rows), count=len(rows),
                     extra={"issued": issued, "funded_cents": funded})


def operator_statement(*, operator: Any, month: Month) -> Statement:
    """A car-park operator's month: each voucher redeemed at its car parks, by shop."""
    from digitalstadt.marketplace.selectors import shop_names

    redemptions = list(Redemption.unscoped_objects.filter(
        operator=operator, redeemed_at__gte=month.start, redeemed_at__lt=month.end)
        .select_related("voucher").order_by("redeemed_at", "pk"))
    names = shop_names(organisation_ids={r.organisation_id for r in redemptions})
    rows = [{"at": timezone.localtime(r.redeemed_at), "code": r.voucher.code, "carpark": r.carpark_ref,
             "shop": names.get(r.organisation_id, ""), "amount_cents": r.amount_cents} for r in redemptions]
    by_carpark: dict[str, int] = {}
    for row in rows:
        by_carpark[row["carpark"]] = by_carpark.get(row["carpark"], 0) + row["amount_cents"]
    return Statement(month=month, rows=rows, total_cents=sum(r["amount_cents"] for r in rows), count=len(rows),
                     extra={"by_carpark": sorted(by_carpark.items())})
