"""What the register registers into core's registry (called from RegisterConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import register_audit_actions

AUDIT_ACTIONS = (
    ("register.residents_listed", _("Melderegister durchsucht (Admin)")),
    ("register.resident_viewed", _("Meldedatensatz angesehen (Admin)")),
    ("register.pickup_place_taken", _("Sperrmüll-Abholplatz belegt")),
    ("register.pickup_place_released", _("Sperrmüll-Abholplatz freigegeben")),
    ("register.landlord_confirmed", _("Wohnungsgeberbestätigung abgegeben")),
    ("register.residents_moved", _("Umzug im Melderegister eingetragen")),
)


def register() -> None:
    from .backends import DemoRegister
    from .registry import register_backends

    register_audit_actions(AUDIT_ACTIONS)
    register_backends.register(DemoRegister)
