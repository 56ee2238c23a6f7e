"""CAMT.053 bank statements: imported once, every credit booked by the rule."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from ..camt import CamtError, parse_camt053
from ..conf import statement_ibans
from ..models import (
    MatchStatus,
    Payment,
    StatementImport,
)
from .reconciliation import Incoming, _book, _references_in


class StatementAlreadyImported(ValidationError):
    pass


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
