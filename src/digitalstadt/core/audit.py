"""The audit helper every service uses for writes and for staff reads of personal data."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry
from .registry import audit_actions


def subject_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def valid_ip(value: str | None) -> str | None:
    """Only real addresses go into the audit column (client_ip may say "unknown")."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def person_ref(user: Any) -> str:
    return f"user:{user.pk}" if user is not None and getattr(user, "pk", None) else ""


def audit_log(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    data_subject: Any = None,
    data: dict | None = None,
    ip_address: str | None = None,
    system: str = "",
) -> AuditEntry:
    """Write one audit entry. `actor` is a user or None (then `system` names the job).
    `action` must be in the catalogue (`registry.audit_actions`): the log is read by
    people through its labels, so a write cannot invent a key."""
    if audit_actions.registered(action) is None:
        raise ValueError(f"unknown audit action {action!r}: register it in the app's hooks.py (audit_actions)")
    subject_type, subject_id = subject_ref(subject)
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    actor_ref = person_ref(actor_obj) or f"system:{system or 'anonymous'}"
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_ref=actor_ref,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data_subject_ref=person_ref(data_subject),
        data=data or {},
        ip_address=valid_ip(ip_address),
    )
