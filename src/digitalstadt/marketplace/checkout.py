"""Cart and checkout: one cart across shops, split into one order per shop.

Checkout holds every line's stock for `MARKETPLACE_HOLD_MINUTES` (10) under the one
locking helper (marketplace.stock.hold), takes the pickup window under the shop's row
lock, and opens one payment per shop order whose payee is the shop: the platform never
holds shoppers' money (docs/decisions/0006-marketplace-stock-and-money.md). A hold that
is not paid in time expires (`order_holds_expire`, run by a task at the hold's end and
by the periodic command); a payment that still arrives for an expired order takes the
stock again if it is there, or is refunded in full.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_one, lock_rows
from digitalstadt.core.money import format_eur

from . import stock
from .models import (
    Cart,
    CartLine,
    Fulfilment,
    Order,
    OrderLine,
    OrderStatus,
    Shop,
    ShopOrder,
    ShopStatus,
    Variant,
    VatRate,
)
from .registry import Placement, fulfilment_methods, order_paid, release_fulfilment

PICKUP_ALPHABET = "ACDEFHJKLMNPRTUVWXY34679"
# The article number of a fee line (delivery), which holds no stock.
FEE_SKU = "SERVICE-LIEFERUNG"
MAX_QUANTITY = 99


# --- cart ------------------------------------------------------------------------


def _live_variant(variant_id: Any) -> Variant:
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        raise ValidationError(_("Diesen Artikel gibt es nicht."), code="unknown") from None
    # Public read across shops: only variants of visible products of live shops.
    variant = (Variant.unscoped_objects.select_related("product__shop")
               .filter(pk=variant_id, product__active=True, product__shop__status=ShopStatus.LIVE).first())
    if variant is None:
        raise ValidationError(_("Diesen Artikel gibt es nicht (mehr)."), code="unknown")
    return variant


def _quantity(value: Any) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Bitte geben Sie eine Menge zwischen 1 und 99 an."), code="quantity") from None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("Bitte geben Sie eine Menge zwischen 1 und 99 an."), code="quantity")
    return quantity


def cart_get(*, user: Any, cart_id: int | None, create: bool = False) -> Cart | None:
    """The shopper's cart: the signed-in user's (an anonymous session's cart is merged
    into it at the first look after signing in) or the anonymous session's."""
    anonymous = Cart.objects.filter(pk=cart_id, user=None).first() if cart_id else None
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if anonymous is not None:
            if cart is None:
                anonymous.user = user
                anonymous.save(update_fields=["user", "updated_at"])
                return anonymous
            with transaction.atomic():
                for line in anonymous.lines.all():
                    existing = cart.lines.filter(variant_id=line.variant_id).first()
                    if existing:
                        existing.quantity = min(existing.quantity + line.quantity, MAX_QUANTITY)
                        existing.save(update_fields=["quantity"])
                    else:
                        CartLine.objects.create(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
                anonymous.delete()
        if cart is None and create:
            cart = Cart.objects.create(user=user)
        return cart
    if anonymous is None and create:
        anonymous = Cart.objects.create()
    return anonymous


def cart_add(*, cart: Cart, variant_id: Any, quantity: Any) -> CartLine:
    variant = _live_variant(variant_id)
    quantity = _quantity(quantity)
    with transaction.atomic():
        line = CartLine.objects.filter(cart=cart, variant=variant).first()
        total = quantity + (line.quantity if line else 0)
        if total > MAX_QUANTITY:
            raise ValidationError(_("Bitte geben Sie eine Menge zwischen 1 und 99 an."), code="quantity")
        if total > variant.available:
            raise stock.OutOfStock(variant, variant.available)
        if line:
            line.quantity = total
            line.save(update_fields=["quantity"])
        else:
            line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
        cart.save(update_fields=["updated_at"])
    return line


def cart_set_quantity(*, cart: Cart, line_id: Any, quantity: Any) -> None:
    try:
        line = cart.lines.get(pk=int(line_id))
    except (TypeError, ValueError, CartLine.DoesNotExist):
        raise ValidationError(_("Diese Position ist nicht mehr im Warenkorb."), code="unknown") from None
    if str(quantity).strip() == "0":
        line.delete()
        return
    quantity = _quantity(quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])


def cart_remove(*, cart: Cart, line_id: Any) -> None:
    try:
        cart.lines.filter(pk=int(line_id)).delete()
    except (TypeError, ValueError):
        raise ValidationError(_("Diese Position ist nicht mehr im Warenkorb."), code="unknown") from None


def cart_count(*, cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(cart.lines.values_list("quantity", flat=True))


@dataclass
class ShopGroup:
    shop: Shop
    lines: list[CartLine]
    methods: list[Any]

    @property
    def total_cents(self) -> int:
        return sum(line.variant.price_cents * line.quantity for line in self.lines)


def cart_groups(*, cart: Cart | None) -> list[ShopGroup]:
    """The cart's lines per shop with the fulfilment methods each shop offers for them."""
    if cart is None:
        return []
    lines = list(cart.lines.select_related("variant__product__shop").order_by("variant__product__shop__name", "pk"))
    by_shop: dict[int, ShopGroup] = {}
    for line in lines:
        shop = line.variant.product.shop
        group = by_shop.setdefault(shop.pk, ShopGroup(shop=shop, lines=[], methods=[]))
        group.lines.append(line)
    for group in by_shop.values():
        group.methods = [m for m in sorted(fulfilment_methods.all(), key=lambda m: m.order)
                         if m.offered(shop=group.shop, lines=group.lines)]
    return list(by_shop.values())


# --- checkout --------------------------------------------------------------------


def _pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_ALPHABET) for _ in range(6))


@dataclass(frozen=True)
class ShopChoice:
    fulfilment: str
    window_start: datetime | None = None


def checkout_place(*, user: Any, cart: Cart, choices: dict[int, ShopChoice], name: str, email: str,
                   phone: str = "", now: datetime | None = None, address: dict | None = None) -> Order:
    """Turn the cart into one order with one shop order per shop, holding the stock.
    Refuses (ValidationError, nothing changed) when a line is no longer available, a
    pickup or delivery window is full or no longer offered, a shop's choice is missing,
    or a delivery address is missing or not served. `address`: the delivery address for
    methods that bring the goods (see registry.FulfilmentMethod)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    now = now or timezone.now()
    groups = cart_groups(cart=cart)
    if not groups:
        raise ValidationError(_("Ihr Warenkorb ist leer."), code="empty")
    name, email = (name or "").strip(), (email or "").strip()
    if not name or not email:
        raise ValidationError(_("Bitte geben Sie Ihren Namen und Ihre E-Mail-Adresse an."), code="contact")
    hold_minutes = int(getattr(settings, "MARKETPLACE_HOLD_MINUTES", 10))
    for group in groups:
        if group.shop.status != ShopStatus.LIVE:
            raise ValidationError(_("„%(shop)s“ nimmt gerade keine Bestellungen an.") % {"shop": group.shop.name})
        choice = choices.get(group.shop.pk)
        method = next((m for m in group.methods if choice and m.id == choice.fulfilment), None)
        if method is None:
            raise ValidationError(_("Bitte wählen Sie für „%(shop)s“, wie Sie die Ware bekommen.")
                                  % {"shop": group.shop.name}, code="fulfilment")
    address = {key: str(value or "").strip() for key, value in (address or {}).items()}
    fees: dict[int, int] = {}
    for group in groups:
        method = fulfilment_methods.get(choices[group.shop.pk].fulfilment)
        if method.needs_address:
            if not address.get("street") or not address.get("postal_code"):
                raise ValidationError(_("Bitte geben Sie die Lieferadresse an (Straße, Hausnummer und "
                                        "Postleitzahl)."), code="address")
            # The fee, and whether the address is served at all: before any lock.
            fees[group.shop.pk] = int(method.quote(shop=group.shop, address=address,
                                                   window_start=choices[group.shop.pk].window_start, now=now))
    # A plain read first: a sold-out line is refused without queueing for the lock (the
    # decisive check is repeated under the lock in stock.hold).
    wanted: dict[int, int] = defaultdict(int)
    for group in groups:
        for line in group.lines:
            wanted[line.variant_id] += line.quantity
    for group in groups:
        for line in group.lines:
            if line.variant.available < wanted[line.variant_id]:
                raise stock.OutOfStock(line.variant, line.variant.available)
    with transaction.atomic():
        # Every lock first, in one fixed order (the shops whose pickup windows are taken,
        # then all variants by key), before any row that refers to them is written: an
        # insert referring to a row takes a share lock on it, and two checkouts that
        # each held one and then asked for the other's lock would deadlock.
        lock_rows(Shop.objects.filter(pk__in=[g.shop.pk for g in groups
                                              if choices[g.shop.pk].fulfilment == Fulfilment.CLICK_COLLECT]))
        lock_rows(Variant.unscoped_objects.filter(pk__in=[line.variant_id for g in groups for line in g.lines]))
        # The number comes from the row's own key: no counter row that every checkout
        # of the platform would have to queue for.
        order = Order.objects.create(number=secrets.token_hex(8), shopper=user, name=name[:200],
                                     email=email[:254], phone=(phone or "").strip()[:50])
        year = now.astimezone(timezone.get_current_timezone()).year
        number = order.number = f"M-{year}-{order.pk:06d}"
        order.save(update_fields=["number"])
        placements: dict[str, list] = defaultdict(list)
        to_pay: list[ShopOrder] = []
        for index, group in enumerate(groups, start=1):
            shop = group.shop
            choice = choices[shop.pk]
            method = fulfilment_methods.get(choice.fulfilment)
            fee_cents = fees.get(shop.pk, 0)
            pickup_from = pickup_until = None
            if choice.fulfilment == Fulfilment.CLICK_COLLECT:
                # Pickup windows are scarce per shop: taken under the shop's row lock (above).
                shop = Shop.objects.get(pk=shop.pk)
                window = next((w for w in method.windows(shop=shop, now=now)
                               if choice.window_start and w.start == choice.window_start), None)
                if window is None:
                    raise ValidationError(_("Das gewählte Abholfenster bei „%(shop)s“ ist nicht mehr frei. Bitte "
                                            "wählen Sie ein anderes.") % {"shop": shop.name}, code="window")
                pickup_from, pickup_until = window.start, window.end
            expires = (now + timedelta(minutes=hold_minutes) if method.pay_online
                       else method.hold_until(shop=shop, now=now))
            shop_order = ShopOrder.unscoped_objects.create(
                organisation_id=shop.organisation_id, order=order, shop=shop, number=f"{number}-{index}",
                fulfilment=choice.fulfilment, pickup_from=pickup_from, pickup_until=pickup_until,
                pickup_code=_pickup_code(), pay_online=method.pay_online,
                status=OrderStatus.PENDING_PAYMENT if method.pay_online else OrderStatus.NEW,
                total_cents=group.total_cents + fee_cents, hold_expires_at=expires)
            OrderLine.unscoped_objects.bulk_create([OrderLine(
                organisation_id=shop.organisation_id, shop_order=shop_order, variant=line.variant,
                title=str(line.variant)[:300], sku=line.variant.sku, quantity=line.quantity,
                unit_price_cents=line.variant.price_cents, vat_rate=line.variant.product.vat_rate)
                for line in group.lines])
            if fee_cents:
                # A service line (no stock): the delivery is part of what the shop sells.
                OrderLine.unscoped_objects.create(
                    organisation_id=shop.organisation_id, shop_order=shop_order, variant=None,
                    title=str(method.fee_label or method.label)[:300], sku=FEE_SKU, quantity=1,
                    unit_price_cents=fee_cents, vat_rate=VatRate.STANDARD)
            if method.take is not None:
                placements[method.id].append(Placement(shop_order=shop_order, window_start=choice.window_start,
                                                       fee_cents=fee_cents,
                                                       items=sum(line.quantity for line in group.lines)))
            quantities: dict[int, int] = defaultdict(int)
            for line in group.lines:
                quantities[line.variant_id] += line.quantity
            stock.hold(shop_order=shop_order, quantities=dict(quantities), expires_at=expires)
            if method.pay_online:
                to_pay.append(shop_order)
            audit_log(actor=user, action="marketplace.order_placed", subject=shop_order, data_subject=user,
                      data={"order": number, "shop": shop.slug, "fulfilment": choice.fulfilment,
                            "total_cents": shop_order.total_cents})
        # Scarce resources of other apps (delivery windows), each method once, in a fixed
        # order, after the shop's and the variants' locks.
        for method_id in sorted(placements):
            fulfilment_methods.get(method_id).take(placements=placements[method_id], address=address, now=now)
        # The payments last: the payment reference counter is the one row every checkout
        # shares, so it is held for the shortest time.
        for shop_order in to_pay:
            _open_payment(shop_order=shop_order, user=user)
        cart.lines.all().delete()
        _schedule_expiry(order=order)
        # The notices are sent by the worker, enqueued with the order: a mail problem can
        # neither undo nor hide an order that was placed.
        from .checkout_tasks import notify_order_placed

        notify_order_placed.enqueue(order.pk)
    return order


def _open_payment(*, shop_order: ShopOrder, user: Any) -> None:
    from digitalstadt.payments.services import payment_create

    payment = payment_create(amount_cents=shop_order.total_cents, provider="epay", payer=user,
                             purpose=(_("Bestellung %(number)s bei %(shop)s")
                                      % {"number": shop_order.number, "shop": shop_order.shop.name})[:140],
                             regarding=f"order:{shop_order.pk}", payee=shop_order.shop.payee, actor=user)
    shop_order.payment_reference = payment.reference
    shop_order.save(update_fields=["payment_reference"])


def _schedule_expiry(*, order: Order) -> None:
    from .checkout_tasks import expire_holds

    first = min(ShopOrder.unscoped_objects.filter(order=order).values_list("hold_expires_at", flat=True))
    expire_holds.using(run_after=first + timedelta(seconds=1)).enqueue()


def notify_placed(*, order_id: int) -> None:
    from digitalstadt.mailbox.services import message_send

    order = Order.objects.get(pk=order_id)
    parts = []
    for shop_order in ShopOrder.unscoped_objects.filter(order=order).select_related("shop"):
        if shop_order.fulfilment == Fulfilment.CLICK_COLLECT:
            how = _("Abholung %(when)s, online zu bezahlen") % {
                "when": timezone.localtime(shop_order.pickup_from).strftime("%d.%m.%Y %H:%M")}
        else:
            how = _("reserviert bis %(when)s, Sie bezahlen im Laden") % {
                "when": timezone.localtime(shop_order.hold_expires_at).strftime("%d.%m.%Y %H:%M")}
        parts.append(f"- {shop_order.shop.name}: {format_eur(shop_order.total_cents)} ({how})")
        message_send(recipient_organisation=shop_order.shop.organisation, sender_name=str(settings.PLATFORM_NAME),
                     subject=_("Neue Bestellung %(number)s") % {"number": shop_order.number},
                     body=_("Eine neue Bestellung ist eingegangen: %(lines)s") % {
                         "lines": ", ".join(f"{line.quantity} × {line.title}"
                                           for line in OrderLine.unscoped_objects.filter(shop_order=shop_order))},
                     regarding=f"order:{shop_order.pk}")
    message_send(recipient_user=order.shopper, sender_name=str(settings.PLATFORM_NAME),
                 subject=_("Ihre Bestellung %(number)s") % {"number": order.number},
                 body=_("Vielen Dank für Ihre Bestellung.\n\n%(parts)s\n\nIhren Abholcode und den Stand finden Sie "
                        "unter „Meine Bestellungen“.") % {"parts": "\n".join(parts)},
                 regarding=f"order:{order.number}")


# --- after checkout: payment, expiry, cancellation, withdrawal -----------------------


def shop_order_paid(*, payment: Any) -> None:
    """Payment-settled handler: the payment of a shop order is in (exact amount, matched
    by its reference). The hold becomes firm until pickup. A payment for an order whose
    hold expired takes the stock again if it is still there, otherwise it is refunded."""
    if not payment.regarding.startswith("order:"):
        return
    try:
        pk = int(payment.regarding.split(":", 1)[1])
    except ValueError:
        return
    shop_order = lock_one(ShopOrder.unscoped_objects.filter(pk=pk))
    if shop_order.payment_reference != payment.reference or shop_order.paid_at is not None:
        return
    now = timezone.now()
    shop_order.paid_at = now
    if shop_order.status == OrderStatus.EXPIRED:
        quantities: dict[int, int] = defaultdict(int)
        for line in OrderLine.unscoped_objects.filter(shop_order=shop_order):
            if line.variant_id:
                quantities[line.variant_id] += line.quantity
        try:
            with transaction.atomic():
                stock.hold(shop_order=shop_order, quantities=dict(quantities), expires_at=None)
        except ValidationError:
            from digitalstadt.payments.services import refund_request

            shop_order.status = OrderStatus.REFUNDED
            shop_order.refunded_cents = shop_order.total_cents
            shop_order.save(update_fields=["paid_at", "status", "refunded_cents"])
            refund_request(payment_id=payment.pk, amount_cents=payment.amount_cents,
                           reason=_("Reservierung abgelaufen, Ware nicht mehr vorrätig"),
                           regarding=payment.regarding)
            audit_log(actor=None, system="marketplace", action="marketplace.order_refunded", subject=shop_order,
                      data={"reason": "expired_sold_out", "amount_cents": payment.amount_cents})
            return
    stock.keep(shop_order=shop_order, until=None)
    shop_order.status = OrderStatus.NEW
    shop_order.hold_expires_at = None
    shop_order.save(update_fields=["paid_at", "status", "hold_expires_at"])
    audit_log(actor=None, system="marketplace", action="marketplace.order_paid", subject=shop_order,
              data={"reference": payment.reference, "amount_cents": payment.amount_cents})
    order_paid(shop_order=shop_order)
    # The invoice PDF is rendered by the worker: a rendering problem must never undo the
    # booking of the money.
    from .checkout_tasks import issue_invoice

    issue_invoice.enqueue(shop_order.pk)


def order_holds_expire(*, now: datetime | None = None) -> int:
    """Expire shop orders whose hold ran out (unpaid click & collect after the checkout's
    minutes; reservations in store not collected in time) and give their stock back."""
    now = now or timezone.now()
    expired = 0
    candidates = list(ShopOrder.unscoped_objects.filter(
        status__in=(OrderStatus.PENDING_PAYMENT, OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.READY),
        hold_expires_at__lt=now, paid_at=None).values_list("pk", flat=True))
    for pk in candidates:
        with transaction.atomic():
            shop_order = lock_one(ShopOrder.unscoped_objects.filter(pk=pk))
            if shop_order.paid_at is not None or shop_order.hold_expires_at is None \
                    or shop_order.hold_expires_at >= now or shop_order.status in (
                    OrderStatus.PICKED_UP, OrderStatus.CANCELLED, OrderStatus.EXPIRED):
                continue
            stock.release(shop_order=shop_order)
            release_fulfilment(shop_order=shop_order)
            shop_order.status = OrderStatus.EXPIRED
            shop_order.save(update_fields=["status"])
            if shop_order.payment_reference:
                from digitalstadt.payments.selectors import payment_by_reference
                from digitalstadt.payments.services import payment_cancel

                payment = payment_by_reference(reference=shop_order.payment_reference)
                if payment is not None and payment.status == "open":
                    payment_cancel(payment=payment, actor=None)
            audit_log(actor=None, system="marketplace", action="marketplace.order_expired", subject=shop_order)
            expired += 1
    return expired


def shop_order_cancel_by_shopper(*, user: Any, shop_order_id: int, reason: str = "") -> ShopOrder:
    """The shopper cancels a shop order that the shop has not handed over yet: before it
    is ready for pickup; a paid order is refunded in full."""
    with transaction.atomic():
        shop_order = lock_one(ShopOrder.unscoped_objects.filter(pk=shop_order_id))
        if shop_order.order.shopper_id != getattr(user, "pk", None):
            raise PermissionDenied
        if shop_order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.NEW, OrderStatus.ACCEPTED):
            raise ValidationError(_("Diese Bestellung kann nicht mehr storniert werden. Bitte wenden Sie sich an "
                                    "das Geschäft."), code="too_late")
        stock.release(shop_order=shop_order)
        release_fulfilment(shop_order=shop_order)
        shop_order.status = OrderStatus.CANCELLED
        shop_order.cancelled_at = timezone.now()
        shop_order.cancel_reason = (reason or _("vom Kunden storniert"))[:300]
        fields = ["status", "cancelled_at", "cancel_reason"]
        if shop_order.payment_reference:
            from digitalstadt.payments.selectors import payment_by_reference
            from digitalstadt.payments.services import payment_cancel, refund_request

            payment = payment_by_reference(reference=shop_order.payment_reference)
            if payment is not None and shop_order.paid_at is not None:
                refund_request(payment_id=payment.pk, amount_cents=shop_order.total_cents,
                               reason=_("Stornierung durch den Kunden"), regarding=payment.regarding, actor=user)
                shop_order.refunded_cents = shop_order.total_cents
                fields.append("refunded_cents")
            elif payment is not None and payment.status == "open":
                payment_cancel(payment=payment, actor=user)
        shop_order.save(update_fields=fields)
        audit_log(actor=user, action="marketplace.order_cancelled", subject=shop_order, data_subject=user,
                  data={"by": "shopper"})
    return shop_order


WITHDRAWAL_DAYS = 14


def shop_order_withdraw(*, user: Any, shop_order_id: int, statement: str = "",
                        now: datetime | None = None) -> ShopOrder:
    """The shopper withdraws from a contract paid online (Widerruf, § 355 BGB: 14 days
    from receipt of the goods). The declaration is recorded and sent to the shop, which
    refunds on return of the goods from its order dashboard."""
    now = now or timezone.now()
    with transaction.atomic():
        shop_order = lock_one(ShopOrder.unscoped_objects.filter(pk=shop_order_id))
        if shop_order.order.shopper_id != getattr(user, "pk", None):
            raise PermissionDenied
        if not shop_order.pay_online or shop_order.paid_at is None:
            raise ValidationError(_("Ein Widerruf ist nur für online bezahlte Bestellungen möglich."),
                                  code="not_online")
        received = shop_order.picked_up_at or shop_order.paid_at
        if shop_order.status == OrderStatus.PICKED_UP and now > received + timedelta(days=WITHDRAWAL_DAYS):
            raise ValidationError(_("Die Widerrufsfrist von 14 Tagen ist abgelaufen."), code="too_late")
        if shop_order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.EXPIRED):
            raise ValidationError(_("Diese Bestellung ist bereits storniert oder erstattet."), code="closed")
        audit_log(actor=user, action="marketplace.order_withdrawn", subject=shop_order, data_subject=user,
                  data={"statement": (statement or "")[:500]})
    from digitalstadt.mailbox.services import message_send

    message_send(recipient_organisation=shop_order.shop.organisation, sender_name=shop_order.order.name,
                 subject=_("Widerruf der Bestellung %(number)s") % {"number": shop_order.number},
                 body=_("Hiermit widerrufe ich den Vertrag über die Bestellung %(number)s.\n\n%(statement)s\n\n"
                        "Bitte erstatten Sie den Betrag nach Rückgabe der Ware über Ihre Bestellübersicht.")
                 % {"number": shop_order.number, "statement": statement},
                 regarding=f"order:{shop_order.pk}", actor=user)
    return shop_order
