"""Staff review of flagged transactions, and erasure of expired personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..conf import reference_prefix
from ..models import (
    MatchStatus,
    Payment,
    PaymentTransaction,
)
from ..references import format_reference, group, parse_reference
from .payments import _after_status_change
from .reconciliation import Incoming, _classify


# --- review and retention -------------------------------------------------------------


def transaction_resolve(*, transaction_id: int, actor: Any, note: str) -> PaymentTransaction:
    note = note.strip()
    if not note:
        raise ValidationError(_("Bitte vermerken Sie, wie der Zahlungseingang geklärt wurde."))
    with transaction.atomic():
        found = lock_rows(PaymentTransaction.objects.filter(pk=transaction_id))
        if not found:
            raise ValidationError(_("Diesen Zahlungseingang gibt es nicht."))
        tx = found[0]
        if not tx.needs_review:
            raise ValidationError(_("Dieser Zahlungseingang ist bereits geklärt."))
        tx.needs_review = False
        tx.resolved_at = timezone.now()
        tx.resolved_by = actor
        tx.resolution_note = note[:2000]
        tx.save(update_fields=["needs_review", "resolved_at", "resolved_by", "resolution_note"])
        if tx.payment_id and not PaymentTransaction.objects.filter(payment_id=tx.payment_id,
                                                                   needs_review=True).exists():
            Payment.objects.filter(pk=tx.payment_id).update(needs_review=False)
        audit_log(actor=actor, action="payments.transaction_resolved", subject=tx,
                  data={"match_status": tx.match_status})
    return tx


def transaction_assign(*, transaction_id: int, reference: str, actor: Any) -> PaymentTransaction:
    """Staff match an unknown incoming amount to a payment by its reference, explicitly;
    the amount is then reconciled by the same rule as an import (and flagged the same
    way when it is partial, too much, or for a settled payment)."""
    parsed = parse_reference(reference, prefix=reference_prefix())
    if parsed is None:
        raise ValidationError(_("Bitte geben Sie eine gültige Zahlungsreferenz an (z. B. %(example)s).") % {
            "example": group(format_reference(prefix=reference_prefix(), year=timezone.localdate().year,
                                              number=123))})
    with transaction.atomic():
        found = lock_rows(PaymentTransaction.objects.filter(pk=transaction_id))
        if not found:
            raise ValidationError(_("Diesen Zahlungseingang gibt es nicht."))
        tx = found[0]
        if tx.match_status != MatchStatus.UNKNOWN or not tx.needs_review:
            raise ValidationError(_("Nur offene, unbekannte Zahlungseingänge können einer Zahlung zugeordnet werden."))
        payments = lock_rows(Payment.objects.filter(reference=parsed))
        if not payments:
            raise ValidationError(_("Zur Referenz %(ref)s gibt es keine Zahlung.") % {"ref": group(parsed)})
        payment = payments[0]
        before = payment.status
        status, reason = _classify(incoming=Incoming(amount_cents=tx.amount_cents, currency=tx.currency,
                                                     bank_reference=tx.bank_reference,
                                                     remittance_info=tx.remittance_info),
                                   payment=payment, references=[parsed])
        if status == MatchStatus.UNKNOWN:
            raise ValidationError(reason)
        tx.payment = payment
        tx.match_status = status
        tx.flag_reason = reason[:200]
        tx.needs_review = status != MatchStatus.MATCHED
        if not tx.needs_review:
            tx.resolved_at = timezone.now()
            tx.resolved_by = actor
            tx.resolution_note = _("Manuell der Zahlung %(ref)s zugeordnet.") % {"ref": payment.reference}
        tx.save()
        payment.needs_review = tx.needs_review or PaymentTransaction.objects.filter(
            payment=payment, needs_review=True).exists()
        payment.save(update_fields=["status", "amount_received_cents", "paid_at", "needs_review"])
        audit_log(actor=actor, action="payments.transaction_assigned", subject=tx, data_subject=payment.payer,
                  data={"payment": payment.reference, "match_status": status, "from": before, "to": payment.status})
        _after_status_change(payment, before)
    return tx


def transaction_personal_data_purge(*, today: date | None = None) -> int:
    """Erase debtor name and IBAN once the retention period has passed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        count = (PaymentTransaction.objects.filter(personal_data_expires_on__lt=today)
                 .exclude(debtor_name="", debtor_iban="")
                 .update(debtor_name="", debtor_iban=""))
        audit_log(actor=None, system="retention", action="payments.personal_data_purged", data={"count": count})
    return count
