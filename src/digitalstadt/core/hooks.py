"""What core registers into its own registry (called from CoreConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import StaffArea, capabilities, staff_areas


def _platform_admin(user) -> bool:
    return bool(capabilities.call("user_is_platform_admin", user=user))


def register() -> None:
    from . import retention_policies

    retention_policies.register()
    staff_areas.register(StaffArea("core.audit_log", _("Protokoll (Audit-Log)"), "staff:audit-log",
                                   _("Wer hat wann was getan – Plattform-Administration"), _platform_admin, 900))
    staff_areas.register(StaffArea("core.accessibility_feedback", _("Rückmeldungen zur Barrierefreiheit"),
                                   "staff:accessibility-feedback", "", _platform_admin, 910))
    staff_areas.register(StaffArea("core.django_admin", _("Konten, Rollen und Stammdaten (Admin)"), "admin:index",
                                   "", _platform_admin, 920))
