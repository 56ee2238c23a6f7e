"""Reconciliation rule (one place, for bank statements and provider webhooks alike): an
incoming amount is matched to a payment only through an exact, valid reference that
exists; everything else goes to review. Nothing is matched silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import race_window

from ..conf import personal_data_retention_days, reference_prefix
from ..models import (
    SETTLED_STATUSES,
    MatchStatus,
    Payment,
    PaymentStatus,
    PaymentTransaction,
    StatementImport,
)
from ..references import find_references, group
from .payments import _after_status_change


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
