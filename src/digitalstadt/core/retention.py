"""Retention: personal data is kept only as long as needed, then deleted by
`manage.py purge_expired_data` (run daily from cron/systemd).

Each app registers a `RetentionPolicy` per kind of data it holds (core.registry
`retention_policies`); periods are defaults in days that settings.RETENTION_DAYS
overrides by id. Every run writes one audit entry with the counts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import audit_log
from .registry import retention_policies


def retention_days(key: str) -> int:
    configured = getattr(settings, "RETENTION_DAYS", {})
    if key in configured:
        return configured[key]
    policy = retention_policies.registered(key)
    if policy is None:
        raise KeyError(f"no retention policy {key!r} is registered")
    return policy.default_days


def purge_expired_data(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for policy in retention_policies.all():
            counts[policy.id] = policy.purge(cutoff=now - timedelta(days=retention_days(policy.id)))
        audit_log(actor=None, system="retention", action="retention.purged", data=counts)
    return counts
