"""The pmPayment/ePayBL-like provider `epay`: signed redirect, signed form notification,
exact amount, idempotent, cancel changes nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from digitalstadt.payments.models import PaymentStatus, WebhookEvent
from digitalstadt.payments.providers.epay import REQUEST_FIELDS, notification_body, verify_fields
from digitalstadt.payments.services import payment_start

from digitalstadt.payments.references import format_reference

from .factories import make_payment

pytestmark = pytest.mark.django_db
SECRET = "epay-test-secret"


@pytest.fixture(autouse=True)
def epay(settings):
    settings.PAYMENT_PROVIDERS = ["giro", "epay"]
    settings.PAYMENTS_EPAY_SECRET = SECRET
    settings.PAYMENTS_EPAY_PAGE_URL = "https://epay.example/pay"


def notify(client, payment, *, amount=None, status="paid", txid="tx1", secret=SECRET):
    body = notification_body({"txid": txid, "reference": payment.reference,
                              "amount": str(payment.amount_cents if amount is None else amount),
                              "currency": "EUR", "status": status, "method": "card"}, secret)
    return client.post(reverse("payments-webhooks:webhook", args=["epay"]), body,
                       content_type="application/x-www-form-urlencoded")


def test_start_redirects_with_signed_fields_and_payee():
    payment = make_payment(format_reference(prefix="DA", year=2026, number=101), 1000)
    start = payment_start(payment=payment, provider="epay")
    url = urlsplit(start.redirect_url)
    assert url.netloc == "epay.example"
    fields = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert fields["amount"] == "1000" and fields["payee"] == "city" and fields["reference"] == payment.reference
    assert verify_fields(fields, REQUEST_FIELDS, SECRET)
    fields["amount"] = "1"
    assert not verify_fields(fields, REQUEST_FIELDS, SECRET)


def test_signed_notification_books_once(client):
    payment = make_payment(format_reference(prefix="DA", year=2026, number=101), 1000)
    assert notify(client, payment).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    again = notify(client, payment)
    assert again.status_code == 200 and again.content == b"already processed"
    assert WebhookEvent.objects.filter(provider="epay").count() == 1


def test_wrong_signature_changes_nothing(client):
    payment = make_payment(format_reference(prefix="DA", year=2026, number=101), 1000)
    response = notify(client, payment, secret="wrong")
    assert response.status_code == 401
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and not WebhookEvent.objects.exists()


def test_wrong_amount_changes_nothing(client):
    payment = make_payment(format_reference(prefix="DA", year=2026, number=101), 1000)
    response = notify(client, payment, amount=999)
    assert response.status_code == 422 and b"amount does not match" in response.content
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and payment.amount_received_cents == 0
    assert not WebhookEvent.objects.exists()
    assert notify(client, payment).status_code == 200  # the right amount still books


def test_cancel_leaves_payment_open(client):
    payment = make_payment(format_reference(prefix="DA", year=2026, number=101), 1000)
    response = notify(client, payment, status="cancelled")
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN
