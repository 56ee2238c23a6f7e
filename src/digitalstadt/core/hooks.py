"""What core registers into its own registry (called from CoreConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import StaffArea, capabilities, register_audit_actions, staff_areas

# Core's own audit actions; every app registers its own in its hooks.py.
AUDIT_ACTIONS = (
    ("document.stored", _("Dokument gespeichert")),
    ("document.sealed", _("Dokument gesiegelt")),
    ("document.revoked", _("Gesiegeltes Dokument widerrufen")),
    ("document.first_opened", _("Dokument erstmals geöffnet")),
    ("document.read_by_staff", _("Dokument von der Verwaltung gelesen")),
    ("accessibility_feedback.received", _("Rückmeldung zur Barrierefreiheit eingegangen")),
    ("retention.purged", _("Abgelaufene Daten gelöscht (Aufbewahrungsfristen)")),
    ("admin.created", _("Im Django-Admin angelegt")),
    ("admin.changed", _("Im Django-Admin geändert")),
    ("admin.deleted", _("Im Django-Admin gelöscht")),
)


def _platform_admin(user) -> bool:
    return bool(capabilities.call("user_is_platform_admin", user=user))


def _feedback_counts(user) -> list:
    from django.utils.translation import gettext

    from .models import AccessibilityFeedback

    return [(gettext("unbearbeitet"), AccessibilityFeedback.objects.filter(handled_at__isnull=True).count())]


def register() -> None:
    from . import retention_policies

    retention_policies.register()
    register_audit_actions(AUDIT_ACTIONS)
    staff_areas.register(StaffArea("core.audit_log", _("Protokoll (Audit-Log)"), "staff:audit-log",
                                   _("Wer hat wann was getan – Plattform-Administration"), _platform_admin, 900))
    staff_areas.register(StaffArea("core.accessibility_feedback", _("Rückmeldungen zur Barrierefreiheit"),
                                   "staff:accessibility-feedback", "", _platform_admin, 910,
                                   counts=_feedback_counts))
    # The Django admin is for superusers (platform admins manage staff on their own page,
    # accounts' "Mitarbeitende und Rollen"); to others it would only answer 403.
    staff_areas.register(StaffArea("core.django_admin", _("Stammdaten (Django-Admin, nur Superuser)"), "admin:index",
                                   "", lambda user: bool(user.is_superuser), 920))
