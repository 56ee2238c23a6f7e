"""Refunds: what the city owes back on a payment, claimed by the app it belongs to and
paid out by the cash office, who marks it paid. A refund never exceeds what came in,
less what is already owed back."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..models import Payment, Refund


def refund_request(*, payment_id: int, amount_cents: int, reason: str, regarding: str = "", actor: Any = None,
                   system: str = "") -> Refund | None:
    """Claim a refund on a payment; None when nothing can be refunded (nothing came in)."""
    if amount_cents <= 0:
        return None
    with transaction.atomic():
        payment = lock_rows(Payment.objects.filter(pk=payment_id))[0]
        owed = payment.refunds.aggregate(total=Sum("amount_cents"))["total"] or 0
        refundable = max(payment.amount_received_cents - owed, 0)
        amount = min(amount_cents, refundable)
        if amount <= 0:
            return None
        refund = Refund.objects.create(payment=payment, amount_cents=amount, reason=reason[:300],
                                       regarding=regarding[:100])
        audit_log(actor=actor, system=system or "payments", action="payments.refund_requested", subject=refund,
                  data_subject=payment.payer, data={"amount_cents": amount, "payment": payment.reference})
    return refund


def refund_mark_paid(*, refund_id: int, actor: Any) -> Refund:
    with transaction.atomic():
        refund = lock_rows(Refund.objects.filter(pk=refund_id))[0]
        if refund.status == Refund.Status.PAID:
            raise ValidationError(_("Diese Erstattung ist bereits als ausgezahlt vermerkt."))
        refund.status, refund.paid_at = Refund.Status.PAID, timezone.now()
        refund.save(update_fields=["status", "paid_at"])
        audit_log(actor=actor, action="payments.refund_paid", subject=refund, data_subject=refund.payment.payer,
                  data={"amount_cents": refund.amount_cents})
    return refund
