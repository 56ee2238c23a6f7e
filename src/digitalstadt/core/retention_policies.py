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


def _purge_counters(*, cutoff) -> int:
    from .counters import purge_expired

    return purge_expired(cutoff=cutoff)


def register() -> None:
    retention_policies.register(RetentionPolicy(
        "accessibility_feedback_handled", _("Erledigte Rückmeldungen zur Barrierefreiheit"), 365,
        _purge_handled_feedback))
    # Rate-limit windows and used proofs of work (hashed keys), deleted once expired.
    retention_policies.register(RetentionPolicy("counters", _("Abgelaufene Zähler (Ratenbegrenzung)"), 0,
                                                _purge_counters))
    retention_policies.register(RetentionPolicy("audit_entries", _("Protokolleinträge"), 3 * 365,
                                                _purge_audit_entries))
