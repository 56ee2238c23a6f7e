"""Payments' extension points (public: other apps register here).

- `settled_handlers`: callables `(payment=...)` that an app registers (with an id) to
  hear, inside the transaction that booked it, that a payment became paid.
- `providers` (re-exported): how payers pay; see payments.providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digitalstadt.core.registry import Registry

from .providers import providers

__all__ = ["SettledHandler", "providers", "settled_handlers"]


@dataclass(frozen=True)
class SettledHandler:
    id: str
    handle: Callable[..., Any] = field(compare=False)

    def __call__(self, *, payment) -> Any:
        return self.handle(payment=payment)


settled_handlers: Registry[SettledHandler] = Registry(
    "payment_settled_handlers", description="apps told, in the booking transaction, that a payment is paid")
