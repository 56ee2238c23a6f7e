"""Payments' extension points (public: other apps register here).

- `settled_handlers`: callables `(payment=...)` that an app registers (with an id) to
  hear, inside the transaction that booked it, that a payment became paid.
- `back_links`: `PaymentBackLink` entries that name, for a payment, the page it belongs
  to (the application, the order) so the payment page offers the way back.
- `providers` (re-exported): how payers pay; see payments.providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digitalstadt.core.registry import Registry

from .providers import providers

__all__ = ["PaymentBackLink", "SettledHandler", "back_links", "providers", "settled_handlers"]


@dataclass(frozen=True)
class SettledHandler:
    id: str
    handle: Callable[..., Any] = field(compare=False)

    def __call__(self, *, payment) -> Any:
        return self.handle(payment=payment)


settled_handlers: Registry[SettledHandler] = Registry(
    "payment_settled_handlers", description="apps told, in the booking transaction, that a payment is paid")


@dataclass(frozen=True)
class PaymentBackLink:
    """`link(payment=..., user=...)` returns (url, label) of the page the payment
    belongs to, when it is one of the registering app's and the user may see it."""

    id: str
    link: Callable[..., tuple[str, str] | None] = field(compare=False)


back_links: Registry[PaymentBackLink] = Registry(
    "payment_back_links", description="the page a payment belongs to (the way back from the payment page)")


def back_link_for(*, payment, user) -> tuple[str, str] | None:
    for entry in back_links.all():
        found = entry.link(payment=payment, user=user)
        if found:
            return found
    return None
