"""eID login plugins: the only way to raise a person's identity assurance level.

`simulator` is for development and tests (production settings refuse it); `oidc`
talks to a real broker such as Keycloak in front of BundID/DeutschlandID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EidPlugin:
    key: str
    label: str
    start: Callable


def _simulator_start(request):
    return redirect("accounts:eid-simulator")


def _oidc_start(request):
    from .views import start

    return start(request)


REGISTRY: dict[str, EidPlugin] = {
    "simulator": EidPlugin("simulator", _("eID-Simulator (nur Entwicklung)"), _simulator_start),
    "oidc": EidPlugin("oidc", _("BundID / DeutschlandID"), _oidc_start),
}


def enabled_plugins() -> list[EidPlugin]:
    return [REGISTRY[key] for key in settings.EID_PLUGINS if key in REGISTRY]


def get_plugin(key: str) -> EidPlugin | None:
    return REGISTRY.get(key) if key in settings.EID_PLUGINS else None
