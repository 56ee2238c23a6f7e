import json

import pytest
from django.urls import reverse

from digitalstadt.core.models import AuditEntry
from digitalstadt.payments.models import MatchStatus, PaymentStatus, PaymentTransaction, WebhookEvent
from digitalstadt.payments.providers.testpsp import sign

from .factories import make_payment

pytestmark = pytest.mark.django_db
SECRET = "whsec-test-0123456789"


@pytest.fixture(autouse=True)
def testpsp(settings):
    settings.PAYMENT_PROVIDERS = ["giro", "testpsp"]
    settings.PAYMENTS_TESTPSP_SECRET = SECRET
    settings.PAYMENTS_TESTPSP_CHECKOUT_URL = "https://psp.example/checkout"


def event(event_id="evt_1", reference="DA-2026-000101-0", amount=1000, type_="payment.succeeded"):
    return json.dumps({"id": event_id, "type": type_,
                       "data": {"reference": reference, "amount_cents": amount, "currency": "EUR",
                                "payment_id": f"pay_{event_id}"}}).encode()


def post(client, body, signature=None, provider="testpsp"):
    return client.post(reverse("payments-webhooks:webhook", kwargs={"provider": provider}), body,
                       content_type="application/json",
                       headers={"X-Signature": signature if signature is not None else sign(body, SECRET)})


def test_signed_webhook_books_the_payment(client):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    response = post(client, event())
    assert response.status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.amount_received_cents) == (PaymentStatus.PAID, 1000)
    tx = PaymentTransaction.objects.get()
    assert (tx.source, tx.match_status, tx.bank_reference) == ("testpsp", MatchStatus.MATCHED, "testpsp:pay_evt_1")
    assert AuditEntry.objects.filter(action="payments.webhook_received").count() == 1


def test_same_event_twice_changes_nothing(client):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    body = event()
    assert post(client, body).status_code == 200
    snapshot = (PaymentTransaction.objects.count(), WebhookEvent.objects.count(),
                AuditEntry.objects.count())
    again = post(client, body)
    assert again.status_code == 200 and again.content == b"already processed"
    assert (PaymentTransaction.objects.count(), WebhookEvent.objects.count(),
            AuditEntry.objects.count()) == snapshot
    payment.refresh_from_db()
    assert (payment.status, payment.amount_received_cents) == (PaymentStatus.PAID, 1000)


def test_same_event_id_with_another_body_is_refused(client):
    make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    assert post(client, event()).status_code == 200
    assert post(client, event(amount=5000)).status_code == 409
    assert PaymentTransaction.objects.count() == 1


def test_second_event_for_a_paid_payment_is_a_flagged_duplicate(client):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    post(client, event("evt_1"))
    post(client, event("evt_2"))
    payment.refresh_from_db()
    assert payment.amount_received_cents == 1000 and payment.needs_review
    assert PaymentTransaction.objects.get(bank_reference="testpsp:pay_evt_2").match_status == MatchStatus.DUPLICATE


@pytest.mark.parametrize("signature", ["", "sha256=00", "sha256=" + "a" * 64])
def test_bad_signature_is_refused_and_changes_nothing(client, signature):
    make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    assert post(client, event(), signature=signature).status_code == 401
    assert not WebhookEvent.objects.exists() and not PaymentTransaction.objects.exists()


def test_unknown_provider_and_provider_without_webhook(client):
    assert post(client, event(), provider="paypal").status_code == 404
    assert post(client, event(), provider="giro").status_code == 404


def test_unreadable_event_is_refused(client):
    body = b'{"id": "evt_x", "type": "payment.succeeded", "data": {"amount_cents": "10.00"}}'
    assert post(client, body).status_code == 400


def test_refund_event(client):
    payment = make_payment("DA-2026-000101-0", 1000, provider="testpsp")
    post(client, event("evt_1"))
    post(client, event("evt_2", type_="payment.refunded"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


def test_start_redirects_to_the_provider_checkout(client):
    from .factories import make_user

    user = make_user("buerger@example.org")
    payment = make_payment("DA-2026-000101-0", 1000, payer=user)
    client.force_login(user)
    response = client.post(reverse("payments:start", kwargs={"uuid": payment.uuid, "provider": "testpsp"}))
    assert response.status_code == 302
    assert response["Location"].startswith("https://psp.example/checkout?reference=DA-2026-000101-0")
    payment.refresh_from_db()
    assert payment.provider == "testpsp"
