"""Payments: create (with an RF reference), start with a provider, cancel, withdraw;
the apps waiting for money are told when a payment becomes paid."""

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
    SETTLED_STATUSES,
    Payment,
    PaymentStatus,
    ReferenceCounter,
)
from ..providers import PaymentStart, UnknownProvider, get_provider
from ..references import format_reference


MAX_AMOUNT_CENTS = 99_999_999_999


# --- payments -------------------------------------------------------------------


def _next_reference() -> str:
    prefix = reference_prefix()
    year = timezone.localdate().year
    ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = lock_rows(ReferenceCounter.objects.filter(prefix=prefix, year=year))[0]
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_reference(prefix=prefix, year=year, number=counter.last_number)


def payment_create(*, amount_cents: int, purpose: str, regarding: str = "", payer: Any = None,
                   provider: str = "giro", due_on: date | None = None, actor: Any = None,
                   payee: str = "city") -> Payment:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise ValidationError(_("Der Betrag muss eine positive Zahl von Cent sein."))
    purpose = purpose.strip()
    if not purpose or len(purpose) > 140:
        raise ValidationError(_("Der Zweck muss zwischen 1 und 140 Zeichen lang sein."))
    try:
        get_provider(provider)
    except UnknownProvider:
        raise ValidationError(_("Dieser Zahlungsweg ist nicht verfügbar.")) from None
    payee = (payee or "").strip()
    if not payee or len(payee) > 64:
        raise ValidationError(_("Der Zahlungsempfänger fehlt oder ist zu lang."))
    with transaction.atomic():
        payment = Payment.objects.create(reference=_next_reference(), amount_cents=amount_cents, purpose=purpose,
                                         regarding=regarding, payer=payer, provider=provider, due_on=due_on,
                                         payee=payee)
        audit_log(actor=actor, system="payments", action="payments.payment_created", subject=payment,
                  data_subject=payer, data={"amount_cents": amount_cents, "regarding": regarding,
                                            "provider": provider, "payee": payee,
                                            "due_on": due_on.isoformat() if due_on else None})
    return payment


def payment_start(*, payment: Payment, provider: str, actor: Any = None) -> PaymentStart:
    """Ask the provider what the payer does next; remembers the chosen provider."""
    if payment.status in SETTLED_STATUSES:
        raise ValidationError(_("Diese Zahlung ist bereits abgeschlossen."))
    try:
        plugin = get_provider(provider)
    except UnknownProvider:
        raise ValidationError(_("Dieser Zahlungsweg ist nicht verfügbar.")) from None
    if provider == "giro" and payment.payee != "city":
        # A transfer reaches the city's account, never a shop's (marketplace orders).
        raise ValidationError(_("Dieser Zahlungsweg ist nicht verfügbar."))
    if payment.provider != provider:
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk).update(provider=provider)
            payment.provider = provider
            audit_log(actor=actor, system="payments", action="payments.provider_chosen", subject=payment,
                      data={"provider": provider})
    return plugin.start(payment=payment)


def payment_cancel(*, payment: Payment, actor: Any) -> Payment:
    with transaction.atomic():
        locked = lock_rows(Payment.objects.filter(pk=payment.pk))[0]
        if locked.status != PaymentStatus.OPEN:
            raise ValidationError(_("Nur offene Zahlungen ohne Zahlungseingang können storniert werden."))
        locked.status = PaymentStatus.CANCELLED
        locked.save(update_fields=["status"])
        audit_log(actor=actor, action="payments.payment_cancelled", subject=locked, data_subject=locked.payer)
    return locked


def payment_withdraw(*, payment_id: int, actor: Any, regarding: str = "") -> Payment:
    """What is owed is no longer owed (its case was withdrawn): an open payment is
    cancelled; one with part of the money in is flagged for review (refund), never
    silently kept. Money that still arrives later is flagged as a duplicate."""
    with transaction.atomic():
        locked = lock_rows(Payment.objects.filter(pk=payment_id))[0]
        if locked.status == PaymentStatus.OPEN:
            locked.status = PaymentStatus.CANCELLED
            locked.save(update_fields=["status"])
            audit_log(actor=actor, action="payments.payment_cancelled", subject=locked, data_subject=locked.payer,
                      data={"regarding": regarding})
        elif locked.status == PaymentStatus.PARTIALLY_PAID and not locked.needs_review:
            locked.needs_review = True
            locked.save(update_fields=["needs_review"])
            audit_log(actor=actor, action="payments.payment_flagged", subject=locked, data_subject=locked.payer,
                      data={"regarding": regarding, "reason": "withdrawn_after_part_payment"})
    return locked


def _after_status_change(payment: Payment, before: str) -> None:
    """Tell the apps that wait for money (registry `settled_handlers`) when a payment
    becomes paid, inside the transaction that booked it: a case moves on iff the money
    is booked."""
    settled = {PaymentStatus.PAID, PaymentStatus.OVERPAID}
    if before in settled or payment.status not in settled:
        return
    from ..registry import settled_handlers

    for handler in settled_handlers.all():
        handler(payment=payment)
