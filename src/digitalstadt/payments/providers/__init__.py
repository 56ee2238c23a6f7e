"""Payment provider registry.

A provider is a plugin with a small interface:

- ``start(payment=...)`` returns what the payer needs next: ``instructions`` (bank
  transfer data and GiroCode) or a ``redirect`` to the provider's checkout page;
- ``parse_webhook(body=..., headers=...)`` authenticates a webhook call (signature) and
  turns it into a ``ProviderEvent`` (event id, type, payment reference, amount), or
  raises ``WebhookRejected``. Storing the event once per (provider, event id) and
  booking the money is done for every provider alike by
  ``services.webhook_event_handle``, so the same event delivered twice changes nothing.

Providers here:

- ``giro`` (real, local): bank transfer to the city's account with a GiroCode; money is
  reconciled by importing the CAMT.053 bank statement (no webhook).
- ``testpsp`` (real, local): a generic card/wallet payment service provider that signs
  its webhooks with HMAC-SHA256 over the raw body (header ``X-Signature: sha256=<hex>``)
  with the configured ``PAYMENTS_TESTPSP_SECRET``. It is the template for real PSPs.

- ``epay`` (real, local): a hosted payment page modelled on pmPayment / ePayBL
  (redirect, HMAC-signed form notification, return URL); see providers.epay. In
  dev/run/test the platform serves its own simulator of it (payments.simulator).

Adapters still to write against this interface (stubs by design, not registered):

- card payments / PayPal through a PSP (e.g. the city's contracted acquirer): ``start``
  creates a checkout session with the amount and our reference and returns its URL;
  ``parse_webhook`` verifies the PSP's signature scheme and maps "payment captured" /
  "refunded" to ``ProviderEvent``.
- ePayBL (the payment platform of the federal states and municipalities): ``start``
  registers the payment with the Kassenzeichen (our reference) and redirects to the
  ePayBL payment page; ePayBL reports the result by a signed callback or is polled, which
  a management command would turn into ``ProviderEvent`` s with the ePayBL transaction
  id as event id.

Which providers are offered is the setting ``PAYMENT_PROVIDERS`` (default ``["giro"]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from digitalstadt.core.registry import Registry

if TYPE_CHECKING:
    from ..girocode import TransferData
    from ..models import Payment


class UnknownProvider(LookupError):
    pass


class WebhookRejected(Exception):
    """The webhook call is not authentic or not readable; answered with 400/401."""

    def __init__(self, message: str, *, status_code: int = 400):
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class PaymentStart:
    kind: Literal["instructions", "redirect"]
    redirect_url: str = ""
    transfer: "TransferData | None" = None


@dataclass(frozen=True)
class ProviderEvent:
    event_id: str
    event_type: str  # "payment.succeeded", "payment.refunded", or anything else (stored, ignored)
    reference: str = ""
    amount_cents: int = 0
    currency: str = "EUR"
    provider_reference: str = ""  # the provider's id of the money movement


class PaymentProvider:
    key: ClassVar[str]
    label: ClassVar[str]
    accepts_webhooks: ClassVar[bool] = False
    # True: a notification books money only for the payment's outstanding amount exactly;
    # any other amount changes nothing and is answered 422 (hosted payment pages, where
    # the provider collected exactly what we asked for).
    exact_amount: ClassVar[bool] = False

    def start(self, *, payment: "Payment") -> PaymentStart:
        """``payment.payee`` says whom the money belongs to ("city" by default; a shop's
        key for marketplace payments): a provider that collects for several payees sends
        it along (e.g. as the merchant/sub-account); providers paying only the city
        ignore it."""
        raise NotImplementedError

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise WebhookRejected("this provider has no webhook", status_code=404)


def _enabled() -> list[str]:
    from ..conf import enabled_providers

    return enabled_providers()


# Providers are stateless; one instance each serves every payment.
providers: Registry[PaymentProvider] = Registry("payment_providers", enabled=_enabled, id_attr="key",
                                                description="how payers pay (PAYMENT_PROVIDERS)")


def register(cls: type[PaymentProvider]) -> type[PaymentProvider]:
    return providers.register(cls)


def get_provider(key: str) -> PaymentProvider:
    provider = providers.get(key)
    if provider is None:
        raise UnknownProvider(key)
    return provider


def available_providers() -> list[PaymentProvider]:
    return providers.all()


def load_builtin() -> None:
    """Called from PaymentsConfig.ready()."""
    from . import epay, giro, testpsp  # noqa: F401 - registers on import
