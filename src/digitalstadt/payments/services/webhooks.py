"""Provider webhooks: authenticated by the provider plugin, stored once per event id,
booked by the rule; refunds."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..models import (
    SETTLED_STATUSES,
    Payment,
    PaymentStatus,
    WebhookEvent,
)
from ..providers import UnknownProvider, WebhookRejected, get_provider
from .reconciliation import Incoming, _book, _references_in


# --- webhooks --------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookResult:
    status_code: int
    message: str


def webhook_event_handle(*, provider: str, body: bytes, headers: Mapping[str, str]) -> WebhookResult:
    """Authenticate, store once per (provider, event id), then book. A repeated event
    id answers 200 and changes nothing; the same id with another body answers 409."""
    try:
        plugin = get_provider(provider)
    except UnknownProvider:
        return WebhookResult(404, "unknown provider")
    if not plugin.accepts_webhooks:
        return WebhookResult(404, "provider has no webhook")
    try:
        event = plugin.parse_webhook(body=body, headers=headers)
    except WebhookRejected as exc:
        return WebhookResult(exc.status_code, str(exc))
    body_hash = hashlib.sha256(body).hexdigest()
    system = f"webhook:{provider}"
    with transaction.atomic():
        seen = WebhookEvent.objects.filter(provider=provider, event_id=event.event_id).first()
        if seen is not None:
            return _repeat(seen, body_hash)
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(provider=provider, event_id=event.event_id,
                                                     event_type=event.event_type, body_sha256=body_hash)
        except IntegrityError:
            return _repeat(WebhookEvent.objects.get(provider=provider, event_id=event.event_id), body_hash)
        if event.event_type == "payment.succeeded" and plugin.exact_amount:
            refused = _exact_amount_refusal(event)
            if refused is not None:
                # Nothing stored: the savepoint above is rolled back with the event row.
                transaction.set_rollback(True)
                return refused
        if event.event_type == "payment.succeeded":
            if event.amount_cents <= 0:
                record.result = "ignored: no amount"
            else:
                references = _references_in(event.reference)
                payments = {p.reference: p for p in lock_rows(Payment.objects.filter(reference__in=references),
                                                              "reference")}
                tx = _book(incoming=Incoming(
                    amount_cents=event.amount_cents, currency=event.currency,
                    bank_reference=f"{provider}:{event.provider_reference or event.event_id}",
                    remittance_info=event.reference, booking_date=timezone.localdate(),
                    value_date=timezone.localdate(),
                ), payments=payments, source=provider, statement_import=None, actor=None, system=system)
                record.transaction = tx
                record.result = f"booked: {tx.match_status}"
        elif event.event_type == "payment.refunded":
            record.result = _refund(reference=event.reference, provider=provider, system=system)
        elif event.event_type in ("payment.cancelled", "payment.failed"):
            record.result = "ignored: not paid, the payment stays open"
        else:
            record.result = "ignored"
        record.save(update_fields=["transaction", "result"])
        audit_log(actor=None, system=system, action="payments.webhook_received", subject=record,
                  data={"event_type": event.event_type, "result": record.result})
    return WebhookResult(200, record.result)


def _exact_amount_refusal(event) -> WebhookResult | None:
    """A hosted payment page collects exactly what we asked for: the notification must
    name one existing payment by its exact reference and its outstanding amount in EUR.
    Money for a payment already settled is booked (and flagged) as a duplicate."""
    matches = lock_rows(Payment.objects.filter(reference=event.reference.strip()))
    if not matches:
        return WebhookResult(422, "unknown reference: nothing booked")
    payment = matches[0]
    if payment.status in SETTLED_STATUSES:
        return None
    if event.currency != payment.currency or event.amount_cents != payment.outstanding_cents:
        return WebhookResult(422, f"amount does not match: expected {payment.outstanding_cents} "
                                  f"{payment.currency}, nothing booked")
    return None


def _repeat(seen: WebhookEvent, body_hash: str) -> WebhookResult:
    if seen.body_sha256 != body_hash:
        return WebhookResult(409, "event id already used with another body")
    return WebhookResult(200, "already processed")


def _refund(*, reference: str, provider: str, system: str) -> str:
    references = _references_in(reference)
    if len(references) != 1:
        return "ignored: no reference"
    locked = lock_rows(Payment.objects.filter(reference=references[0]))
    if not locked:
        return "ignored: unknown payment"
    payment = locked[0]
    if payment.provider != provider or payment.status not in (PaymentStatus.PAID, PaymentStatus.OVERPAID,
                                                              PaymentStatus.PARTIALLY_PAID):
        payment.needs_review = True
        payment.save(update_fields=["needs_review"])
        return "flagged: refund for a payment not paid through this provider"
    before = payment.status
    payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["status"])
    audit_log(actor=None, system=system, action="payments.payment_refunded", subject=payment,
              data_subject=payment.payer, data={"from": before})
    return "refunded"
