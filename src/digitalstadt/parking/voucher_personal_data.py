"""A shopper's park & shop vouchers for the GDPR export and erasure, and their
retention: a voucher names the shopper only while it may be used and for the
statements after that; then the link to the person goes (the voucher, its code and
its redemption stay for the shops' and operators' statements)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from digitalstadt.core.audit import audit_log

from .models import Voucher, VoucherStatus


def personal_export(*, user: Any) -> list[dict]:
    rows = []
    for voucher in Voucher.unscoped_objects.filter(shopper=user).select_related("redemption").order_by("pk"):
        redemption = getattr(voucher, "redemption", None)
        rows.append({"code": voucher.code, "order": voucher.order_number, "minutes": voucher.minutes,
                     "max_value_cents": voucher.max_value_cents, "valid_until": voucher.valid_until.isoformat(),
                     "status": voucher.status, "issued_at": voucher.issued_at.isoformat(),
                     "redeemed_at": redemption.redeemed_at.isoformat() if redemption else None,
                     "redeemed_where": (redemption.carpark_ref or redemption.channel) if redemption else None})
    return rows


def personal_erase(*, user: Any) -> dict:
    """Closed vouchers lose the link to the person; an open one is cancelled first
    (its value goes back to the shop's budget), so no code that names nobody stays usable."""
    from .voucher_services import _release  # noqa: PLC2701 - same part
    from digitalstadt.core.locking import lock_one
    from django.utils import timezone

    from .models import VoucherProgramme

    cancelled = 0
    with transaction.atomic():
        for voucher in list(Voucher.unscoped_objects.filter(shopper=user, status=VoucherStatus.ISSUED)):
            lock_one(VoucherProgramme.unscoped_objects.filter(pk=voucher.programme_id))
            voucher = lock_one(Voucher.unscoped_objects.filter(pk=voucher.pk))
            if voucher.status == VoucherStatus.ISSUED:
                _release(voucher, status=VoucherStatus.CANCELLED, now=timezone.now())
                audit_log(actor=None, system="gdpr", action="parking.voucher_cancelled", subject=voucher,
                          data={"reason": "erasure"})
                cancelled += 1
        unlinked = Voucher.unscoped_objects.filter(shopper=user).update(shopper=None)
    return {"vouchers_unlinked": unlinked, "vouchers_cancelled": cancelled}


def vouchers_purge(*, cutoff) -> int:
    """Vouchers closed (redeemed, expired, cancelled) before the cutoff forget the shopper."""
    return Voucher.unscoped_objects.exclude(status=VoucherStatus.ISSUED).filter(
        closed_at__lt=cutoff, shopper__isnull=False).update(shopper=None)
