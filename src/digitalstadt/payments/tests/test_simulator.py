"""The local stand-in for the epay provider's hosted payment page: it accepts only the
platform's signed redirect, and money is booked only through the signed notification
it hands to the webhook handling, exactly once."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from digitalstadt.payments.models import PaymentStatus, WebhookEvent
from digitalstadt.payments.references import format_reference
from digitalstadt.payments.services import payment_start

from .factories import make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment():
    return make_payment(format_reference(prefix="DA", year=2026, number=101), 1000, purpose="Meldebescheinigung")


def signed_fields(payment) -> dict[str, str]:
    url = urlsplit(payment_start(payment=payment, provider="epay").redirect_url)
    assert url.path == reverse("psp-simulator:page") and not url.netloc  # the simulator, on this site
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def test_the_page_shows_what_is_paid_to_whom(client, payment):
    response = client.get(reverse("psp-simulator:page"), signed_fields(payment))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Demo-Bezahlseite" in text and "Meldebescheinigung" in text and "10,00" in text
    assert "Wissenschaftsstadt Darmstadt" in text  # the payee "city" by name


@pytest.mark.parametrize("field", ["amount", "reference", "return_url", "hash"])
def test_a_changed_request_is_refused(client, payment, field):
    fields = signed_fields(payment)
    fields[field] = {"amount": "1", "return_url": "https://evil.example/"}.get(field, fields[field] + "0")
    response = client.get(reverse("psp-simulator:page"), fields)
    assert response.status_code == 400 and "Ungültige Zahlungsanfrage" in response.content.decode()
    response = client.post(reverse("psp-simulator:page"), {**fields, "pay": "1", "method": "card", "outcome": "paid"})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and not WebhookEvent.objects.exists()


def test_paying_books_through_the_signed_notification_and_returns(client, payment):
    fields = signed_fields(payment)
    response = client.post(reverse("psp-simulator:page"), {**fields, "pay": "1", "method": "card", "outcome": "paid"})
    assert response.status_code == 302 and response["Location"] == reverse("payments:detail", args=[payment.uuid])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.amount_received_cents == 1000
    event = WebhookEvent.objects.get(provider="epay")
    assert event.event_type == "payment.succeeded" and event.event_id.startswith("SIM-")

    # The payer goes back and presses "pay" again: the platform refuses, nothing doubles.
    again = client.post(reverse("psp-simulator:page"), {**fields, "pay": "1", "method": "card", "outcome": "paid"})
    assert again.status_code == 409 and "Zahlung nicht möglich" in again.content.decode()
    payment.refresh_from_db()
    assert payment.amount_received_cents == 1000 and WebhookEvent.objects.count() == 1


@pytest.mark.parametrize(("data", "event_type"), [
    ({"pay": "1", "method": "card", "outcome": "failed"}, "payment.failed"),
    ({"cancel": "1"}, "payment.cancelled"),
])
def test_declined_or_cancelled_leaves_the_payment_open(client, payment, data, event_type):
    response = client.post(reverse("psp-simulator:page"), {**signed_fields(payment), **data})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN and payment.amount_received_cents == 0
    assert WebhookEvent.objects.get(provider="epay").event_type == event_type


def test_missing_choice_is_a_german_error_and_books_nothing(client, payment):
    response = client.post(reverse("psp-simulator:page"), {**signed_fields(payment), "pay": "1"})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not WebhookEvent.objects.exists()


def test_off_means_not_found(client, payment, settings):
    fields = signed_fields(payment)
    settings.PSP_SIMULATOR_ENABLED = False
    assert client.get(reverse("psp-simulator:page"), fields).status_code == 404
    assert client.post(reverse("psp-simulator:page"), {**fields, "pay": "1", "method": "card",
                                                       "outcome": "paid"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.OPEN


def test_the_payment_page_offers_online_payment_first(client, payment):
    from digitalstadt.accounts.tests.factories import UserFactory

    payer = UserFactory(email="payer@example.org")
    payment.payer = payer
    payment.save(update_fields=["payer"])
    client.force_login(payer)
    text = client.get(reverse("payments:detail", args=[payment.uuid])).content.decode()
    assert text.index("Jetzt online mit Kreditkarte oder giropay bezahlen") < text.index("Oder per Überweisung")
    response = client.post(reverse("payments:start", args=[payment.uuid, "epay"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("psp-simulator:page") + "?")
