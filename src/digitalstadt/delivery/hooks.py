"""What the delivery app registers (called from DeliveryConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import register_audit_actions

AUDIT_ACTIONS = (
    ("delivery.job_created", _("Lieferauftrag angelegt")),
    ("delivery.plan_requested", _("Tourenplanung angestoßen")),
    ("delivery.planned", _("Touren geplant")),
    ("delivery.stop_moved", _("Stopp in eine andere Tour verschoben")),
    ("delivery.stop_locked", _("Stopp festgelegt oder freigegeben")),
    ("delivery.picked_up", _("Sendung beim Geschäft abgeholt")),
    ("delivery.delivered", _("Sendung zugestellt")),
    ("delivery.failed", _("Zustellung gescheitert")),
    ("delivery.returned", _("Sendung zurück ins Geschäft gebracht")),
    ("delivery.proof_viewed", _("Zustellnachweis angesehen")),
)


def register() -> None:
    from digitalstadt.marketplace.registry import fulfilment_methods

    from . import hooks_courier
    from .offer import DELIVERY_METHOD

    register_audit_actions(AUDIT_ACTIONS)
    fulfilment_methods.register(DELIVERY_METHOD)
    hooks_courier.register()
