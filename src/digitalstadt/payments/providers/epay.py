"""``epay``: a hosted-payment-page provider modelled on pmPayment / ePayBL as German
cities use them.

1. ``start`` sends the payer to the provider's payment page with the payment's data
   (``reference`` = Kassenzeichen, ``amount`` in cents, ``currency``, ``desc``,
   ``payee``, ``notify_url``, ``return_url``), signed with ``hash`` = HMAC-SHA256 (hex)
   over the fields in ``REQUEST_FIELDS`` order, joined with ``|``, with the shared
   secret ``PAYMENTS_EPAY_SECRET``.
2. After the payment the provider POSTs a form-encoded notification to
   ``/zahlungen/webhook/epay/`` with ``txid``, ``reference``, ``amount``, ``currency``,
   ``status`` (``paid`` / ``cancelled`` / ``failed``), ``method`` and ``hash`` over
   ``NOTIFY_FIELDS``. Only this verified notification books money; the amount must be
   the payment's outstanding amount exactly (``exact_amount``), otherwise nothing
   changes and the call is answered 422.
3. The payer comes back on ``return_url``; that page only shows the state our side has.

The payment page is ``PAYMENTS_EPAY_PAGE_URL``; when the platform's own simulator is on
(``PSP_SIMULATOR_ENABLED``, dev/run/test) it defaults to ``/psp-simulator/``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from django.utils.translation import gettext_lazy as _

from . import PaymentProvider, PaymentStart, ProviderEvent, WebhookRejected, register

REQUEST_FIELDS = ("reference", "amount", "currency", "desc", "payee", "notify_url", "return_url")
NOTIFY_FIELDS = ("txid", "reference", "amount", "currency", "status", "method")
STATUS_EVENTS = {"paid": "payment.succeeded", "cancelled": "payment.cancelled", "failed": "payment.failed"}


def sign_fields(fields: Mapping[str, str], order: tuple[str, ...], secret: str) -> str:
    message = "|".join(str(fields.get(name, "")) for name in order)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_fields(fields: Mapping[str, str], order: tuple[str, ...], secret: str) -> bool:
    given = str(fields.get("hash", ""))
    return bool(given) and hmac.compare_digest(given.encode(), sign_fields(fields, order, secret).encode())


def notification_body(fields: Mapping[str, str], secret: str) -> bytes:
    """The signed form body the provider (or the simulator) posts to our webhook."""
    signed = {name: str(fields.get(name, "")) for name in NOTIFY_FIELDS}
    signed["hash"] = sign_fields(signed, NOTIFY_FIELDS, secret)
    return urlencode(signed).encode()


def _absolute(path: str, page: str) -> str:
    """Absolute for a real provider; the platform's own simulator (a relative page URL)
    gets paths, so it works on whatever host and port the platform is served."""
    from django.conf import settings

    if page.startswith("/"):
        return path
    return settings.SITE_URL.rstrip("/") + path


@register
class EpayProvider(PaymentProvider):
    key = "epay"
    label = _("online mit Kreditkarte oder giropay")
    accepts_webhooks = True
    exact_amount = True

    def start(self, *, payment) -> PaymentStart:
        from django.urls import reverse

        from ..conf import epay_page_url, epay_secret

        secret, page = epay_secret(), epay_page_url()
        if not secret or not page:
            raise RuntimeError("PAYMENTS_EPAY_SECRET / PAYMENTS_EPAY_PAGE_URL are not set")
        fields = {
            "reference": payment.reference, "amount": str(payment.outstanding_cents), "currency": payment.currency,
            "desc": payment.purpose, "payee": payment.payee,
            "notify_url": _absolute(reverse("payments-webhooks:webhook", args=[self.key]), page),
            "return_url": _absolute(reverse("payments:detail", args=[payment.uuid]), page),
        }
        fields["hash"] = sign_fields(fields, REQUEST_FIELDS, secret)
        return PaymentStart(kind="redirect", redirect_url=f"{page}?{urlencode(fields)}")

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        from ..conf import epay_secret

        secret = epay_secret()
        if not secret:
            raise WebhookRejected("webhook secret not configured", status_code=503)
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise WebhookRejected("unreadable notification") from None
        if not verify_fields(fields, NOTIFY_FIELDS, secret):
            raise WebhookRejected("invalid signature", status_code=401)
        txid, amount = fields.get("txid", ""), fields.get("amount", "")
        if not txid or len(txid) > 150:
            raise WebhookRejected("bad txid")
        if not amount.isascii() or not amount.isdigit() or len(amount) > 12:
            raise WebhookRejected("amount must be a whole number of cents")
        status = fields.get("status", "")
        return ProviderEvent(event_id=f"{txid}:{status}", event_type=STATUS_EVENTS.get(status, f"epay.{status}"),
                             reference=fields.get("reference", ""), amount_cents=int(amount),
                             currency=fields.get("currency", "EUR").upper(), provider_reference=txid)
