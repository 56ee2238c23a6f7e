"""Who runs a street-parking session: a provider registry (core's generic Registry).

A provider is told when a session starts, is extended and stops, and returns its own
reference for it. The built-in "city" provider is complete: the city runs Handyparken
itself, sessions live in our database (which the enforcement check reads), the amount
is booked on the driver's account at stop and billed once a month through the payments
provider registry (see street_services.street_statement_close).

External Handyparken operators (EasyPark, PayByPhone, ...) are adapters with the same
interface: `start` registers the session with the operator's API and returns its id,
`extend`/`stop` forward the change; the operator bills the driver itself (`bills` =
False), and its sessions are mirrored here so enforcement sees one list. None is
registered: no operator's API can be reached from here.

Setting `STREET_PARKING_PROVIDER` (default "city") chooses the provider new sessions
use; `STREET_PARKING_PAYMENT_PROVIDER` (default "giro") the payment provider of the
monthly bill."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import Registry

__all__ = ["CityProvider", "StreetParkingProvider", "provider_in_use", "street_parking_providers"]


class StreetParkingProvider(Protocol):
    id: str
    label: Any
    bills: bool

    def start(self, *, session) -> str: ...

    def extend(self, *, session) -> None: ...

    def stop(self, *, session) -> None: ...


@dataclass(frozen=True)
class CityProvider:
    """The city's own Handyparken: nothing to call outside; the reference is ours."""

    id: str = "city"
    label: Any = _("Handyparken der Stadt (eingebaut)")
    bills: bool = True

    def start(self, *, session) -> str:
        return f"DS-{session.pk}"

    def extend(self, *, session) -> None:
        return None

    def stop(self, *, session) -> None:
        return None


street_parking_providers: Registry[Any] = Registry(
    "parking.street_providers", description="who runs street-parking sessions (the city itself, or an operator)")
street_parking_providers.register(CityProvider())


def provider_in_use():
    wanted = getattr(settings, "STREET_PARKING_PROVIDER", "city")
    return street_parking_providers.get(wanted) or street_parking_providers.registered("city")
