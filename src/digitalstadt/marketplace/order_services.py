"""The shop's side of an order: accept, report ready, hand over at pickup, cancel, refund.

Every write takes the shop order under the locking helper, checks that the actor is a
member of the shop's organisation, checks the transition against `TRANSITIONS`, writes,
audits and tells the shopper (e-mail and Postfach), all in one transaction.

Stock: a cancelled order gives its held units back (`stock.release`); a handed-over
order takes them off the shelf (`stock.collect`). A refund after pickup does not touch
stock: goods brought back go on the shelf when the till reports them.

Money: a cancelled order that was paid online is refunded in full, a refund in part
for the lines given; both through `payments.services.refund_request` on the order's
payment. Orders paid in the shop are refunded there (recorded here, no payment).
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, lock_rows, race_window
from digitalstadt.core.scoping import organisation_scope

from . import stock
from .models import OrderLine, OrderStatus, Shop, ShopOrder
from .registry import release_fulfilment, status_changed

__all__ = [
    "TRANSITIONS", "normalise_pickup_code", "shop_order_accept", "shop_order_cancel", "shop_order_find_by_code",
    "shop_order_hand_over",
    "shop_order_mark_ready", "shop_order_refund", "user_may_handle_orders",
]

S = OrderStatus

# action -> (statuses it may start from, status it leads to). Refunds lead to
# `refunded` or `partly_refunded` depending on what is left (see shop_order_refund).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({S.NEW}), S.ACCEPTED),
    "mark_ready": (frozenset({S.NEW, S.ACCEPTED}), S.READY),
    "hand_over": (frozenset({S.NEW, S.ACCEPTED, S.READY}), S.PICKED_UP),
    "cancel": (frozenset({S.NEW, S.ACCEPTED, S.READY}), S.CANCELLED),
    "refund": (frozenset({S.PICKED_UP, S.PARTLY_REFUNDED}), S.REFUNDED),
}

# One whole sentence per action (a translation cannot assemble a verb into a sentence).
WRONG_TRANSITION = {
    "accept": gettext_lazy("Eine Bestellung im Status „%(status)s“ können Sie nicht annehmen."),
    "mark_ready": gettext_lazy("Eine Bestellung im Status „%(status)s“ können Sie nicht als abholbereit melden."),
    "hand_over": gettext_lazy("Eine Bestellung im Status „%(status)s“ können Sie nicht übergeben."),
    "cancel": gettext_lazy("Eine Bestellung im Status „%(status)s“ können Sie nicht stornieren."),
    "refund": gettext_lazy("Eine Bestellung im Status „%(status)s“ können Sie nicht erstatten."),
}

# Roles of a shop organisation that work on orders (a driver of a courier does not).
ORDER_ROLES = frozenset({"owner", "admin", "sales", "member"})

# Wrong pickup codes a shop may enter in ten minutes before entering codes is paused.
PICKUP_CODE_ATTEMPTS = 30


def user_may_handle_orders(*, user: Any, shop: Shop) -> bool:
    from digitalstadt.accounts.selectors import membership_for

    if not getattr(user, "is_authenticated", False):
        return False
    membership = membership_for(user=user, organisation=shop.organisation)
    return membership is not None and membership.role in ORDER_ROLES


def _require_member(actor: Any, shop: Shop) -> None:
    if not user_may_handle_orders(user=actor, shop=shop):
        raise PermissionDenied(_("Nur Mitarbeitende dieses Geschäfts dürfen seine Bestellungen bearbeiten."))


def _check_transition(shop_order: ShopOrder, action: str) -> str:
    allowed, target = TRANSITIONS[action]
    if shop_order.status not in allowed:
        raise ValidationError(str(WRONG_TRANSITION[action]) % {"status": shop_order.get_status_display()},
                              code="wrong_transition")
    return target


def _locked(shop: Shop, shop_order_id: int) -> ShopOrder:
    """The shop's order, locked; another shop's order does not exist for this shop."""
    with organisation_scope(shop.organisation):
        try:
            return lock_one(ShopOrder.objects.filter(pk=shop_order_id, shop=shop))
        except ShopOrder.DoesNotExist:
            raise ValidationError(_("Diese Bestellung gibt es in Ihrem Geschäft nicht."), code="not_found") from None


def _save(shop_order: ShopOrder, *fields: str) -> None:
    shop_order.save(update_fields=[*fields, "updated_at"])
    if "status" in fields:
        status_changed(shop_order=shop_order)


def _audit(actor, action: str, shop_order: ShopOrder, **data) -> None:
    audit_log(actor=actor, action=action, subject=shop_order, data_subject=shop_order.order.shopper,
              data={"number": shop_order.number, "status": shop_order.status, **data})


def _notify(shop_order: ShopOrder, event: str, **extra) -> None:
    from .order_notifications import notify_shopper

    notify_shopper(shop_order=shop_order, event=event, **extra)


def shop_order_accept(*, shop: Shop, shop_order_id: int, actor: Any) -> ShopOrder:
    _require_member(actor, shop)
    with transaction.atomic():
        shop_order = _locked(shop, shop_order_id)
        previous = shop_order.status
        shop_order.status = _check_transition(shop_order, "accept")
        shop_order.accepted_at = timezone.now()
        _save(shop_order, "status", "accepted_at")
        _audit(actor, "marketplace.order_status_changed", shop_order, previous=previous)
        _notify(shop_order, "accepted")
    return shop_order


def shop_order_mark_ready(*, shop: Shop, shop_order_id: int, actor: Any) -> ShopOrder:
    _require_member(actor, shop)
    with transaction.atomic():
        shop_order = _locked(shop, shop_order_id)
        previous = shop_order.status
        shop_order.status = _check_transition(shop_order, "mark_ready")
        now = timezone.now()
        shop_order.ready_at = now
        shop_order.accepted_at = shop_order.accepted_at or now
        _save(shop_order, "status", "ready_at", "accepted_at")
        _audit(actor, "marketplace.order_status_changed", shop_order, previous=previous)
        _notify(shop_order, "ready")
    return shop_order


def normalise_pickup_code(value: str) -> str:
    """What the shopper shows (typed with spaces or dashes, in any case, or the QR
    code's text "abholung:CODE" or a link ending in the code) as the bare code."""
    text = (value or "").strip()[:200]
    if ":" in text or "/" in text:
        text = re.split(r"[:/]", text.rstrip("/"))[-1]
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()[:12]


def _code_matches(shop_order: ShopOrder, code: str) -> bool:
    return bool(code) and hmac.compare_digest(normalise_pickup_code(shop_order.pickup_code).encode(), code.encode())


def _wrong_code() -> ValidationError:
    return ValidationError(_("Dieser Abholcode passt zu keiner offenen Bestellung Ihres Geschäfts. Bitte prüfen "
                             "Sie die Eingabe."), code="wrong_code")


def shop_order_find_by_code(*, shop: Shop, pickup_code: str, actor: Any) -> ShopOrder:
    """The open order of `shop` with this pickup code (for the confirmation step), or a
    ValidationError. Wrong codes count towards a limit per shop (no guessing)."""
    from digitalstadt.core.ratelimit import hit

    _require_member(actor, shop)
    code = normalise_pickup_code(pickup_code)
    if not code:
        raise ValidationError(_("Bitte geben Sie den Abholcode ein."), code="no_code")
    with organisation_scope(shop.organisation):
        candidates = ShopOrder.objects.filter(shop=shop, status__in=TRANSITIONS["hand_over"][0])
        found = [o for o in candidates.select_related("order") if _code_matches(o, code)]
    if len(found) != 1:
        if not hit(scope="marketplace-pickup-code", key=str(shop.pk), limit=PICKUP_CODE_ATTEMPTS, period=600):
            raise ValidationError(_("Zu viele falsche Abholcodes. Bitte warten Sie zehn Minuten."),
                                  code="too_many_attempts")
        raise _wrong_code()
    return found[0]


def shop_order_hand_over(*, shop: Shop, actor: Any, pickup_code: str, shop_order_id: int | None = None) -> ShopOrder:
    """The shopper collects: the code they show must be the order's pickup code. The
    held units leave the shop; an order paid in the shop is paid now and gets its
    invoice (an order paid online got it when it was paid)."""
    _require_member(actor, shop)
    if shop_order_id is None:
        shop_order_id = shop_order_find_by_code(shop=shop, pickup_code=pickup_code, actor=actor).pk
    with transaction.atomic():
        shop_order = _locked(shop, shop_order_id)
        if not _code_matches(shop_order, normalise_pickup_code(pickup_code)):
            raise _wrong_code()
        previous = shop_order.status
        shop_order.status = _check_transition(shop_order, "hand_over")
        race_window("marketplace.order_hand_over")
        now = timezone.now()
        shop_order.picked_up_at = now
        fields = ["status", "picked_up_at"]
        if shop_order.paid_at is None:
            shop_order.paid_at = now
            fields.append("paid_at")
        _save(shop_order, *fields)
        collected = stock.collect(shop_order=shop_order)
        _audit(actor, "marketplace.order_picked_up", shop_order, previous=previous, units=collected)
        from .invoices import invoice_issue_if_possible

        invoice_issue_if_possible(shop_order=shop_order, actor=actor)
        _notify(shop_order, "picked_up")
    return shop_order


def _payment_of(shop_order: ShopOrder):
    from digitalstadt.payments.selectors import payment_by_reference

    if not shop_order.pay_online or not shop_order.payment_reference:
        return None
    return payment_by_reference(reference=shop_order.payment_reference)


def _refund_money(shop_order: ShopOrder, amount_cents: int, reason: str, actor: Any) -> int:
    """Claim `amount_cents` back on the order's online payment; returns what was claimed
    (0 for an order paid in the shop, or when nothing came in)."""
    from digitalstadt.payments.services import refund_request

    payment = _payment_of(shop_order)
    if payment is None or amount_cents <= 0:
        return 0
    refund = refund_request(payment_id=payment.pk, amount_cents=amount_cents, reason=reason,
                            regarding=f"marketplace.shoporder:{shop_order.pk}", actor=actor, system="marketplace")
    return refund.amount_cents if refund is not None else 0


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Bitte geben Sie einen Grund an; die Kundin oder der Kunde erfährt ihn."),
                              code="no_reason")
    if len(reason) > 300:
        raise ValidationError(_("Der Grund darf höchstens 300 Zeichen lang sein."), code="reason_too_long")
    return reason


def shop_order_cancel(*, shop: Shop, shop_order_id: int, reason: str, actor: Any) -> ShopOrder:
    """The shop cannot deliver: the held units go back on sale, money paid online is
    refunded in full."""
    _require_member(actor, shop)
    reason = _clean_reason(reason)
    with transaction.atomic():
        shop_order = _locked(shop, shop_order_id)
        previous = shop_order.status
        shop_order.status = _check_transition(shop_order, "cancel")
        shop_order.cancelled_at = timezone.now()
        shop_order.cancel_reason = reason
        released = stock.release(shop_order=shop_order)
        release_fulfilment(shop_order=shop_order)
        refunded = 0
        if shop_order.paid_at is not None:
            refunded = _refund_money(shop_order, shop_order.total_cents - shop_order.refunded_cents,
                                     _("Stornierung %(number)s: %(reason)s") % {"number": shop_order.number,
                                                                                 "reason": reason}, actor)
            shop_order.refunded_cents += refunded
        _save(shop_order, "status", "cancelled_at", "cancel_reason", "refunded_cents")
        _audit(actor, "marketplace.order_cancelled", shop_order, previous=previous, reason=reason,
               units_released=released, refunded_cents=refunded)
        _notify(shop_order, "cancelled", reason=reason, refunded_cents=refunded)
    return shop_order


def _parse_quantities(lines: dict, by_id: dict[int, OrderLine]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for raw_id, raw_quantity in (lines or {}).items():
        try:
            line_id, quantity = int(raw_id), int(raw_quantity)
        except (TypeError, ValueError):
            raise ValidationError(_("Bitte geben Sie je Position eine ganze Zahl an."), code="bad_quantity") from None
        if line_id not in by_id:
            raise ValidationError(_("Diese Position gehört nicht zu der Bestellung."), code="unknown_line")
        if quantity < 0:
            raise ValidationError(_("Eine Menge kann nicht negativ sein."), code="bad_quantity")
        line = by_id[line_id]
        if quantity > line.quantity - line.refunded_quantity:
            raise ValidationError(
                _("Von „%(item)s“ können höchstens %(count)s Stück erstattet werden.")
                % {"item": line.title, "count": line.quantity - line.refunded_quantity}, code="too_many")
        if quantity:
            wanted[line_id] = quantity
    if not wanted:
        raise ValidationError(_("Bitte geben Sie an, wie viele Stück welcher Position erstattet werden."),
                              code="nothing_to_refund")
    return wanted


def shop_order_refund(*, shop: Shop, shop_order_id: int, lines: dict, reason: str, actor: Any) -> ShopOrder:
    """Refund `lines` ({line id: quantity}) of a collected order, in full or in part.
    The amount is the lines' unit prices times the quantities (gross, as paid)."""
    _require_member(actor, shop)
    reason = _clean_reason(reason)
    with transaction.atomic():
        shop_order = _locked(shop, shop_order_id)
        previous = shop_order.status
        _check_transition(shop_order, "refund")
        with organisation_scope(shop.organisation):
            order_lines = lock_rows(OrderLine.objects.filter(shop_order=shop_order))
        by_id = {line.pk: line for line in order_lines}
        wanted = _parse_quantities(lines, by_id)
        race_window("marketplace.order_refund")
        amount = 0
        for line_id, quantity in wanted.items():
            line = by_id[line_id]
            line.refunded_quantity += quantity
            line.save(update_fields=["refunded_quantity"])
            amount += line.unit_price_cents * quantity
        amount = min(amount, shop_order.total_cents - shop_order.refunded_cents)
        claimed = _refund_money(shop_order, amount, _("Erstattung %(number)s: %(reason)s")
                                % {"number": shop_order.number, "reason": reason}, actor)
        shop_order.refunded_cents += amount
        everything = all(line.refunded_quantity == line.quantity for line in order_lines)
        shop_order.status = S.REFUNDED if everything else S.PARTLY_REFUNDED
        _save(shop_order, "status", "refunded_cents")
        _audit(actor, "marketplace.order_refunded", shop_order, previous=previous, reason=reason,
               amount_cents=amount, claimed_online_cents=claimed,
               lines={str(k): v for k, v in wanted.items()})
        _notify(shop_order, "refunded", reason=reason, amount_cents=amount, online=bool(claimed))
    return shop_order
