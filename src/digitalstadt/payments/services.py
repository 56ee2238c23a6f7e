"""Payment writes: create and cancel payments, import CAMT.053 statements, handle
provider webhooks, resolve flagged transactions, erase expired personal data.

Reconciliation rule (one place, for bank statements and provider webhooks alike): an
incoming amount is matched to a payment only through a remittance reference with a
valid check digit that exists. Exact amount -> paid; less -> partially paid (flagged);
more -> overpaid (flagged); money for a payment that is already settled, or an entry
whose bank reference was booked before -> duplicate (flagged, not counted); no
reference -> unknown (flagged). Nothing is matched silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows, race_window

from .camt import CamtError, parse_camt053
from .conf import personal_data_retention_days, reference_prefix, statement_ibans
from .models import (
    SETTLED_STATUSES,
    MatchStatus,
    Payment,
    PaymentStatus,
    PaymentTransaction,
    ReferenceCounter,
    StatementImport,
    WebhookEvent,
)
from .providers import PaymentStart, UnknownProvider, WebhookRejected, get_provider
from .references import find_references, format_reference, group, parse_reference

MAX_AMOUNT_CENTS = 99_999_999_999


class StatementAlreadyImported(ValidationError):
    pass


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
                   provider: str = "giro", due_on: date | None = None, actor: Any = None) -> Payment:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise ValidationError(_("Der Betrag muss eine positive Zahl von Cent sein."))
    purpose = purpose.strip()
    if not purpose or len(purpose) > 140:
        raise ValidationError(_("Der Zweck muss zwischen 1 und 140 Zeichen lang sein."))
    try:
        get_provider(provider)
    except UnknownProvider:
        raise ValidationError(_("Dieser Zahlungsweg ist nicht verfügbar.")) from None
    with transaction.atomic():
        payment = Payment.objects.create(reference=_next_reference(), amount_cents=amount_cents, purpose=purpose,
                                         regarding=regarding, payer=payer, provider=provider, due_on=due_on)
        audit_log(actor=actor, system="payments", action="payments.payment_created", subject=payment,
                  data_subject=payer, data={"amount_cents": amount_cents, "regarding": regarding,
                                            "provider": provider,
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
    from .registry import settled_handlers

    for handler in settled_handlers.all():
        handler(payment=payment)


# --- reconciliation ----------------------------------------------------------------


@dataclass
class Incoming:
    amount_cents: int
    currency: str
    bank_reference: str
    remittance_info: str
    booking_date: date | None = None
    value_date: date | None = None
    debtor_name: str = ""
    debtor_iban: str = ""
    end_to_end_id: str = ""


def _references_in(text: str) -> list[str]:
    """Exact references only (see references.py): a look-alike never matches."""
    return find_references(text, prefix=reference_prefix()).exact


def _classify(*, incoming: Incoming, payment: Payment | None, references: list[str]) -> tuple[str, str]:
    """Decide the match status and flag reason; updates the (locked) payment's totals."""
    if len(references) > 1:
        return MatchStatus.UNKNOWN, _("Mehrere Zahlungsreferenzen im Verwendungszweck: %(refs)s") % {
            "refs": ", ".join(group(r) for r in references)}
    if payment is None:
        if references:
            return MatchStatus.UNKNOWN, _("Referenz %(ref)s ist keiner Zahlung zugeordnet.") % {
                "ref": group(references[0])}
        resembling = find_references(incoming.remittance_info, prefix=reference_prefix()).resembling
        if resembling:
            return MatchStatus.UNKNOWN, _("Keine exakte Zahlungsreferenz, nur Ähnliches: %(text)s") % {
                "text": ", ".join(resembling)[:120]}
        return MatchStatus.UNKNOWN, _("Keine gültige Zahlungsreferenz im Verwendungszweck.")
    if incoming.currency != payment.currency:
        return MatchStatus.UNKNOWN, _("Fremdwährung %(currency)s.") % {"currency": incoming.currency}
    if payment.status in SETTLED_STATUSES:
        return MatchStatus.DUPLICATE, _("Zahlung ist bereits %(status)s; Betrag nicht verbucht, ggf. erstatten.") % {
            "status": payment.get_status_display()}
    received = payment.amount_received_cents + incoming.amount_cents
    payment.amount_received_cents = received
    if received == payment.amount_cents:
        payment.status = PaymentStatus.PAID
        payment.paid_at = timezone.now()
        return MatchStatus.MATCHED, ""
    if received < payment.amount_cents:
        payment.status = PaymentStatus.PARTIALLY_PAID
        return MatchStatus.PARTIAL, _("Teilzahlung: es fehlen noch %(missing)s.") % {
            "missing": euro(payment.amount_cents - received)}
    payment.status = PaymentStatus.OVERPAID
    payment.paid_at = timezone.now()
    return MatchStatus.OVERPAID, _("Überzahlung um %(excess)s; Erstattung prüfen.") % {
        "excess": euro(received - payment.amount_cents)}


def euro(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"


def _create_transaction(*, incoming: Incoming, source: str, statement_import: StatementImport | None,
                        payment_id: int | None, status: str, reason: str) -> PaymentTransaction:
    return PaymentTransaction.objects.create(
        source=source, statement_import=statement_import, payment_id=payment_id, amount_cents=incoming.amount_cents,
        currency=incoming.currency, booking_date=incoming.booking_date, value_date=incoming.value_date,
        debtor_name=incoming.debtor_name[:140], debtor_iban=incoming.debtor_iban[:34],
        personal_data_expires_on=(incoming.booking_date or timezone.localdate())
        + timedelta(days=personal_data_retention_days()),
        remittance_info=incoming.remittance_info, bank_reference=incoming.bank_reference[:200],
        end_to_end_id=incoming.end_to_end_id[:200], match_status=status, flag_reason=reason[:200],
        needs_review=status != MatchStatus.MATCHED,
    )


def _book(*, incoming: Incoming, payments: dict[str, Payment], source: str,
          statement_import: StatementImport | None, actor: Any, system: str) -> PaymentTransaction:
    references = _references_in(incoming.remittance_info)
    earlier = (PaymentTransaction.objects.exclude(match_status=MatchStatus.DUPLICATE)
               .filter(bank_reference=incoming.bank_reference).select_related("payment").first())
    payment = payments.get(references[0]) if len(references) == 1 else None
    if earlier is not None:
        # The same bank entry again (an overlapping statement): recorded, flagged,
        # never counted a second time.
        status = MatchStatus.DUPLICATE
        reason = _("Buchung mit Bankreferenz %(ref)s wurde bereits am %(day)s erfasst; nicht erneut verbucht.") % {
            "ref": incoming.bank_reference,
            "day": date_format(timezone.localtime(earlier.created_at), "SHORT_DATE_FORMAT")}
        tx = _create_transaction(incoming=incoming, source=source, statement_import=statement_import,
                                 payment_id=earlier.payment_id, status=status, reason=reason)
        if earlier.payment_id:
            Payment.objects.filter(pk=earlier.payment_id).update(needs_review=True)
            if earlier.payment_id in {p.pk for p in payments.values()}:
                next(p for p in payments.values() if p.pk == earlier.payment_id).needs_review = True
        return tx
    before = (payment.status, payment.amount_received_cents) if payment is not None else None
    status, reason = _classify(incoming=incoming, payment=payment, references=references)
    race_window("payments.money_booked")
    tx = _create_transaction(incoming=incoming, source=source, statement_import=statement_import,
                             payment_id=payment.pk if payment is not None else None, status=status, reason=reason)
    if payment is not None:
        if status != MatchStatus.MATCHED:
            payment.needs_review = True
        payment.save(update_fields=["status", "amount_received_cents", "paid_at", "needs_review"])
        if before[0] != payment.status:
            audit_log(actor=actor, system=system, action="payments.payment_reconciled", subject=payment,
                      data_subject=payment.payer, data={"from": before[0], "to": payment.status,
                                                        "transaction": tx.pk, "match_status": status})
            _after_status_change(payment, before[0])
    return tx


# --- CAMT.053 import -------------------------------------------------------------------


def _refused(existing: StatementImport) -> StatementAlreadyImported:
    return StatementAlreadyImported(
        _("Dieser Kontoauszug wurde bereits am %(day)s importiert (Datei „%(name)s“). "
          "Er wird nicht ein zweites Mal verbucht.") % {
            "day": date_format(timezone.localtime(existing.created_at), "SHORT_DATETIME_FORMAT"),
            "name": existing.filename},
        code="already_imported",
    )


def statement_import_camt053(*, content: bytes, filename: str, actor: Any = None,
                             source: str = "upload") -> StatementImport:
    digest = hashlib.sha256(content).hexdigest()
    existing = StatementImport.objects.filter(sha256=digest).first()
    if existing is not None:
        raise _refused(existing)
    try:
        statements = parse_camt053(content)
    except CamtError as exc:
        raise ValidationError(str(exc), code="invalid") from None
    except ValueError:
        raise ValidationError(_("Die Datei enthält ungültige Daten (z. B. ein Datum)."), code="invalid") from None
    allowed = statement_ibans()
    for statement in statements:
        if statement.account_iban not in allowed:
            raise ValidationError(_("Der Kontoauszug gehört nicht zu einem Konto der Stadt (%(iban)s).") % {
                "iban": statement.account_iban or "–"}, code="foreign_account")
    entries = [entry for statement in statements for entry in statement.entries]
    wanted = {ref for entry in entries if entry.credit
              for ref in _references_in(entry.remittance_info)}
    system = "import_camt053" if source == "command" else "payments"
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = StatementImport.objects.create(
                        imported_by=actor if getattr(actor, "is_authenticated", False) else None, source=source,
                        filename=filename[:255], sha256=digest,
                        statement_ids=", ".join(s.statement_id for s in statements)[:500],
                        account_iban=statements[0].account_iban, entries_total=len(entries))
            except IntegrityError:
                # The same file imported concurrently: the other import won.
                raise _refused(StatementImport.objects.get(sha256=digest)) from None
            # Lock every payment this file can touch once, in a fixed order, before booking.
            payments = {p.reference: p for p in lock_rows(Payment.objects.filter(reference__in=wanted), "reference")}
            counts = {status: 0 for status in MatchStatus.values}
            for entry in entries:
                if not entry.credit or not entry.booked or entry.reversal:
                    record.skipped_count += 1
                    continue
                record.credits_total += 1
                tx = _book(incoming=Incoming(
                    amount_cents=entry.amount_cents, currency=entry.currency or "EUR",
                    bank_reference=entry.bank_reference, remittance_info=entry.remittance_info,
                    booking_date=entry.booking_date, value_date=entry.value_date, debtor_name=entry.debtor_name,
                    debtor_iban=entry.debtor_iban, end_to_end_id=entry.end_to_end_id,
                ), payments=payments, source="camt053", statement_import=record, actor=actor, system=system)
                counts[tx.match_status] += 1
            record.matched_count = counts[MatchStatus.MATCHED]
            record.partial_count = counts[MatchStatus.PARTIAL]
            record.overpaid_count = counts[MatchStatus.OVERPAID]
            record.duplicate_count = counts[MatchStatus.DUPLICATE]
            record.unknown_count = counts[MatchStatus.UNKNOWN]
            record.save()
            audit_log(actor=actor, system=system, action="payments.statement_imported", subject=record,
                      data={"sha256": digest, "statements": record.statement_ids, "entries": record.entries_total,
                            "skipped": record.skipped_count, **counts})
    except IntegrityError:
        # A concurrent import or webhook booked one of these entries first (database
        # guard); nothing of this file was booked, a second run sorts it out.
        raise ValidationError(_("Der Kontoauszug konnte wegen einer gleichzeitigen Buchung nicht importiert werden. "
                                "Bitte versuchen Sie es erneut."), code="conflict") from None
    return record


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
        else:
            record.result = "ignored"
        record.save(update_fields=["transaction", "result"])
        audit_log(actor=None, system=system, action="payments.webhook_received", subject=record,
                  data={"event_type": event.event_type, "result": record.result})
    return WebhookResult(200, record.result)


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
