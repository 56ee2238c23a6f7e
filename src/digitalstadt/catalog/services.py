"""Writes to the catalogue. Fees and services are edited by platform admins in the
Django admin (audited there); demo data of other apps ensures its services here."""

from __future__ import annotations

from typing import Any

from digitalstadt.core.audit import audit_log

from .models import Service

__all__ = ["service_ensure"]


def service_ensure(*, slug: str, defaults: dict[str, Any], actor: Any = None, system: str = "demo") -> Service:
    """The service with `slug`, created with `defaults` if it does not exist (an existing
    service is never changed: a city's own edits survive re-seeding)."""
    service, created = Service.objects.get_or_create(slug=slug, defaults=defaults)
    if created:
        audit_log(actor=actor, system=system, action="catalog.service_created", subject=service)
    return service
