"""Core's own kinds of personal data (registered in CoreConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .registry import RetentionPolicy, retention_policies


def _purge_handled_feedback(*, cutoff) -> int:
    from .models import AccessibilityFeedback

    return AccessibilityFeedback.objects.filter(handled_at__lt=cutoff).delete()[0]


def _purge_audit_entries(*, cutoff) -> int:
    from .models import AuditEntry

    return AuditEntry.objects.filter(created_at__lt=cutoff).delete()[0]


def register() -> None:
    retention_policies.register(RetentionPolicy(
        "accessibility_feedback_handled", _("Erledigte Rückmeldungen zur Barrierefreiheit"), 365,
        _purge_handled_feedback))
    retention_policies.register(RetentionPolicy("audit_entries", _("Protokolleinträge"), 3 * 365,
                                                _purge_audit_entries))
