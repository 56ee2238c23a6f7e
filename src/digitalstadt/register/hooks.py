"""What the register registers into core's registry (called from RegisterConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import RetentionPolicy, register_audit_actions, retention_policies

AUDIT_ACTIONS = (
    ("register.residents_listed", _("Melderegister durchsucht (Admin)")),
    ("register.resident_viewed", _("Meldedatensatz angesehen (Admin)")),
    ("register.pickup_place_taken", _("Sperrmüll-Abholplatz belegt")),
    ("register.pickup_place_released", _("Sperrmüll-Abholplatz freigegeben")),
    ("register.landlord_confirmed", _("Wohnungsgeberbestätigung abgegeben")),
    ("register.residents_moved", _("Umzug im Melderegister eingetragen")),
)


def _purge_landlord_confirmations(*, cutoff) -> int:
    """Confirmations (names of the people moving in) given before `cutoff`: the move is
    in the register by then, or the code was never used."""
    from .models import LandlordConfirmation

    deleted, _rows = LandlordConfirmation.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def register() -> None:
    from .backends import DemoRegister
    from .registry import register_backends

    register_audit_actions(AUDIT_ACTIONS)
    retention_policies.register(RetentionPolicy(
        "landlord_confirmations", _("Wohnungsgeberbestätigungen (Namen der Einziehenden)"), 365,
        _purge_landlord_confirmations))
    register_backends.register(DemoRegister)
