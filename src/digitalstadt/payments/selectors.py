"""Payment reads."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from .models import Payment, PaymentTransaction, StatementImport


def reference_for_people(reference: str) -> str:
    """A payment reference as printed for people who type it (RF... in groups of four)."""
    from .references import group

    return group(reference)


def payment_of_payer(*, user: Any, uuid: UUID) -> Payment | None:
    """A payment as its payer sees it; another person's payment does not exist for them."""
    if not user.is_authenticated:
        return None
    return Payment.objects.filter(uuid=uuid, payer=user).first()


def payment_by_reference(*, reference: str) -> Payment | None:
    return Payment.objects.filter(reference=reference).first()


def flagged_transactions() -> QuerySet[PaymentTransaction]:
    return (PaymentTransaction.objects.filter(needs_review=True).select_related("payment", "statement_import")
            .order_by("-booking_date", "-id"))


def recent_imports(*, limit: int = 10) -> list[StatementImport]:
    return list(StatementImport.objects.select_related("imported_by").order_by("-created_at", "-id")[:limit])


def bank_transfer_data(*, payment: Payment):
    """The bank transfer data (and GiroCode content) for the outstanding amount."""
    from .providers import get_provider

    return get_provider("giro").start(payment=payment).transfer


def open_refunds():
    from .models import Refund

    return Refund.objects.filter(status=Refund.Status.OPEN).select_related("payment__payer").order_by("requested_at")


def reference_settled(reference: str) -> bool:
    """Whether the payment with this exact reference needs no more money."""
    from .models import SETTLED_STATUSES

    return Payment.objects.filter(reference=reference, status__in=SETTLED_STATUSES).exists()


def payment_ways() -> str:
    """The enabled ways to pay, for texts that must promise exactly those ("Überweisung
    (GiroCode) oder Karte oder Wallet (…)"), in the active language."""
    from django.utils.text import get_text_list
    from django.utils.translation import gettext

    from .providers import available_providers

    return get_text_list([str(provider.label) for provider in available_providers()], gettext("oder"))
