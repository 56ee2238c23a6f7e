"""Bank transfer with GiroCode: the real local provider. Money arrives on the city's
account and is reconciled by the CAMT.053 import (services.statement_import_camt053)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..conf import creditor
from ..girocode import TransferData
from . import PaymentProvider, PaymentStart, register


@register
class GiroTransferProvider(PaymentProvider):
    key = "giro"
    label = _("Überweisung (GiroCode)")

    def start(self, *, payment) -> PaymentStart:
        account = creditor()
        structured = payment.reference.upper().startswith("RF")
        return PaymentStart(kind="instructions", transfer=TransferData(
            name=account.name, iban=account.iban, bic=account.bic,
            amount_cents=payment.outstanding_cents or payment.amount_cents,
            remittance="" if structured else payment.reference,
            structured_reference=payment.reference if structured else "",
        ))
