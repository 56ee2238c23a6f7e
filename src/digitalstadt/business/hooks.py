"""What business registers into core's registry (called from BusinessConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitalstadt.core.registry import register_audit_actions

AUDIT_ACTIONS = (
    ("business.partner_role_requested", _("Partnerrolle beantragt")),
    ("business.partner_role_decided", _("Über Partnerrolle entschieden")),
    ("business.room_joined", _("Online-Raum betreten")),
)


def register() -> None:
    from . import attendance_hooks, partner_hooks, registration_hooks
    from .rooms import register_providers

    register_audit_actions(AUDIT_ACTIONS)
    partner_hooks.register()
    registration_hooks.register()
    attendance_hooks.register()
    register_providers()
