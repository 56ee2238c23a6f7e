"""A generic payment service provider with HMAC-signed webhooks.

Checkout: the payer is sent to ``PAYMENTS_TESTPSP_CHECKOUT_URL?reference=...&amount=...``.
Webhook: ``POST /zahlungen/webhook/testpsp/`` with a JSON body
``{"id": "evt_1", "type": "payment.succeeded", "data": {"reference": "DA-...",
"amount_cents": 1250, "currency": "EUR", "payment_id": "pay_1"}}`` and the header
``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from ..conf import testpsp_checkout_url, testpsp_secret
from . import PaymentProvider, PaymentStart, ProviderEvent, WebhookRejected, register

SIGNATURE_HEADER = "X-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@register
class TestPspProvider(PaymentProvider):
    key = "testpsp"
    label = _("mit Karte oder Wallet")
    accepts_webhooks = True

    def start(self, *, payment) -> PaymentStart:
        base = testpsp_checkout_url()
        if not base:
            raise RuntimeError("PAYMENTS_TESTPSP_CHECKOUT_URL is not set")
        query = urlencode({"reference": payment.reference, "amount_cents": payment.outstanding_cents,
                           "currency": payment.currency})
        return PaymentStart(kind="redirect", redirect_url=f"{base}?{query}")

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        secret = testpsp_secret()
        if not secret:
            raise WebhookRejected("webhook secret not configured", status_code=503)
        given = headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given.encode(), sign(body, secret).encode()):
            raise WebhookRejected("invalid signature", status_code=401)
        try:
            event = json.loads(body)
            data = event.get("data") or {}
            event_id = str(event["id"])
            event_type = str(event["type"])
            amount = data.get("amount_cents", 0)
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise ValueError("amount_cents must be a non-negative integer")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise WebhookRejected(f"unreadable event: {exc}") from None
        if not event_id or len(event_id) > 200:
            raise WebhookRejected("bad event id")
        return ProviderEvent(event_id=event_id, event_type=event_type, reference=str(data.get("reference", "")),
                             amount_cents=amount, currency=str(data.get("currency", "EUR")).upper(),
                             provider_reference=str(data.get("payment_id", "")))
