from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from digitalstadt.core.models import AuditEntry
from digitalstadt.payments.models import PaymentStatus, PaymentTransaction
from digitalstadt.payments.services import (
    payment_cancel,
    statement_import_camt053,
    transaction_personal_data_purge,
)

from .factories import CAMT_V08, make_fixture_payments, make_payment, make_user

pytestmark = pytest.mark.django_db


def test_cancel_only_open_payments_and_later_money_is_flagged():
    staff = make_user("amt@example.org")
    payment = make_payment("DA-2026-000101-0", 1000)
    payment_cancel(payment=payment, actor=staff)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert AuditEntry.objects.filter(action="payments.payment_cancelled", actor=staff).exists()
    with pytest.raises(ValidationError):
        payment_cancel(payment=payment, actor=staff)
    statement_import_camt053(content=CAMT_V08.read_bytes(), filename=CAMT_V08.name)
    tx = PaymentTransaction.objects.get(bank_reference="2026112400001")
    assert tx.match_status == "duplicate" and tx.needs_review and "storniert" in tx.flag_reason
    payment.refresh_from_db()
    assert payment.amount_received_cents == 0 and payment.status == PaymentStatus.CANCELLED


def test_personal_data_is_erased_after_the_retention_period():
    make_fixture_payments()
    statement_import_camt053(content=CAMT_V08.read_bytes(), filename=CAMT_V08.name)
    tx = PaymentTransaction.objects.get(bank_reference="2026112400002")
    assert transaction_personal_data_purge(today=tx.personal_data_expires_on) == 0
    purged = transaction_personal_data_purge(today=tx.personal_data_expires_on + timedelta(days=1))
    # entries booked on 24 November are due, those of 25 November one day later
    assert purged == PaymentTransaction.objects.filter(booking_date=date(2026, 11, 24)).count() == 10
    tx.refresh_from_db()
    assert (tx.debtor_name, tx.debtor_iban) == ("", "")
    assert tx.amount_cents == 10000 and tx.booking_date == date(2026, 11, 24)  # the booking stays
    assert AuditEntry.objects.filter(action="payments.personal_data_purged").exists()
