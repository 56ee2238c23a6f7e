"""eID login plugins: the only way to raise a person's identity assurance level.

`simulator` is for development and tests (production settings refuse it); `oidc`
talks to a real broker such as Keycloak in front of BundID/DeutschlandID.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import Registry


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


eid_plugins: Registry[EidPlugin] = Registry("eid_plugins", setting="EID_PLUGINS", id_attr="key",
                                            description="ways to prove one's identity (EID_PLUGINS)")
eid_plugins.register(EidPlugin("simulator", _("Demo-Ausweis (Testperson dieser Demo)"), _simulator_start))
eid_plugins.register(EidPlugin("oidc", _("BundID / DeutschlandID"), _oidc_start))


def enabled_plugins() -> list[EidPlugin]:
    return eid_plugins.all()


def get_plugin(key: str) -> EidPlugin | None:
    return eid_plugins.get(key)
