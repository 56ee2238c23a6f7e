"""Stock of variants: what checkout holds, what a cancelled or expired order releases,
what leaves the shop at pickup, and what the till reports.

The rule (docs/decisions/0006-marketplace-stock-and-money.md): `on_hand` is what is
physically in the shop; `reserved` the sum of the units open orders hold. Shoppers see
`on_hand - reserved`. Every change takes the variants under the one locking helper
(`core.locking.lock_rows`, by primary key) inside the caller's transaction, re-checks,
then writes; the check constraint `reserved <= on_hand` is the last guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.locking import lock_rows, race_window

from .models import ReservationStatus, ShopOrder, StockReservation, Variant


class OutOfStock(ValidationError):
    def __init__(self, variant: Variant, available: int):
        self.variant = variant
        self.available = available
        if available <= 0:
            message = _("„%(item)s“ ist inzwischen ausverkauft.") % {"item": variant}
        else:
            message = _("Von „%(item)s“ sind nur noch %(count)s Stück verfügbar.") % {"item": variant,
                                                                                    "count": available}
        super().__init__(message, code="out_of_stock")


class BelowReserved(ValidationError):
    def __init__(self, variant: Variant, reported: int):
        super().__init__(
            _("Bestand %(reported)s für „%(sku)s“ ist kleiner als die %(reserved)s Stück, die für offene "
              "Bestellungen reserviert sind. Bitte stornieren Sie zuerst eine Bestellung.")
            % {"reported": reported, "sku": variant.sku, "reserved": variant.reserved}, code="below_reserved")


def _locked_variants(variant_ids: Iterable[int]) -> dict[int, Variant]:
    ids = sorted(set(variant_ids))
    rows = lock_rows(Variant.unscoped_objects.filter(pk__in=ids))
    return {row.pk: row for row in rows}


def hold(*, shop_order: ShopOrder, quantities: dict[int, int], expires_at: datetime | None) -> None:
    """Hold `quantities` ({variant id: units}) for `shop_order`, or raise OutOfStock and
    change nothing (the caller's transaction is rolled back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock.hold must run inside transaction.atomic()")
    variants = _locked_variants(quantities)
    for variant_id, quantity in quantities.items():
        variant = variants.get(variant_id)
        if variant is None:
            raise ValidationError(_("Ein Artikel ist nicht mehr im Angebot."), code="gone")
        if variant.on_hand - variant.reserved < quantity:
            raise OutOfStock(variant, variant.on_hand - variant.reserved)
    race_window("marketplace.stock_hold")
    now = timezone.now()
    for variant_id, quantity in quantities.items():
        Variant.unscoped_objects.filter(pk=variant_id).update(reserved=F("reserved") + quantity)
        StockReservation.unscoped_objects.create(
            organisation_id=shop_order.organisation_id, variant_id=variant_id, shop_order=shop_order,
            quantity=quantity, expires_at=expires_at, created_at=now)


def _held(shop_order: ShopOrder) -> list[StockReservation]:
    return list(StockReservation.unscoped_objects.filter(shop_order=shop_order, status=ReservationStatus.HELD))


def keep(*, shop_order: ShopOrder, until: datetime | None) -> None:
    """The order was paid (or accepted for payment in store): its holds no longer expire
    after checkout's minutes, but at `until` (None: when it is collected or cancelled)."""
    StockReservation.unscoped_objects.filter(shop_order=shop_order, status=ReservationStatus.HELD).update(
        expires_at=until)


def release(*, shop_order: ShopOrder) -> int:
    """Give the units of a cancelled or expired order back; returns the units released.
    Safe to run twice (a released hold is not released again)."""
    holds = _held(shop_order)
    if not holds:
        return 0
    _locked_variants(h.variant_id for h in holds)
    released = 0
    for h in lock_rows(StockReservation.unscoped_objects.filter(pk__in=[h.pk for h in holds],
                                                                 status=ReservationStatus.HELD)):
        Variant.unscoped_objects.filter(pk=h.variant_id).update(reserved=F("reserved") - h.quantity)
        h.status = ReservationStatus.RELEASED
        h.save(update_fields=["status"])
        released += h.quantity
    return released


def collect(*, shop_order: ShopOrder) -> int:
    """The shopper took the goods: they leave the shop (on_hand and reserved both fall)."""
    holds = _held(shop_order)
    if not holds:
        return 0
    _locked_variants(h.variant_id for h in holds)
    collected = 0
    for h in lock_rows(StockReservation.unscoped_objects.filter(pk__in=[h.pk for h in holds],
                                                                 status=ReservationStatus.HELD)):
        Variant.unscoped_objects.filter(pk=h.variant_id).update(reserved=F("reserved") - h.quantity,
                                                                on_hand=F("on_hand") - h.quantity)
        h.status = ReservationStatus.COLLECTED
        h.save(update_fields=["status"])
        collected += h.quantity
    return collected


def report_on_hand(*, variant_id: int, on_hand: int) -> Variant:
    """The till reports what is on the shelf. Units that open orders hold are still on
    the shelf, so the report includes them and the platform keeps subtracting them; a
    report below the reserved units is refused (BelowReserved), nothing changes."""
    if on_hand < 0:
        raise ValidationError(_("Ein Bestand kann nicht negativ sein."), code="negative")
    variant = _locked_variants([variant_id])[variant_id]
    if on_hand < variant.reserved:
        raise BelowReserved(variant, on_hand)
    variant.on_hand = on_hand
    variant.stock_updated_at = timezone.now()
    variant.save(update_fields=["on_hand", "stock_updated_at"])
    return variant
