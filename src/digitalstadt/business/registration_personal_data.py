"""A person's registrations for the GDPR export and erasure, and the retention purge."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Registration
from .registration_rules import LIVE

ERASED = "gelöscht"


def export(*, user: Any) -> dict:
    rows = (Registration.objects.filter(participant=user).select_related("event_date__series", "company")
            .order_by("created_at", "pk"))
    return {"registrations": [{
        "event": r.event_date.series.title, "starts_at": r.event_date.starts_at.isoformat(),
        "name": r.name, "email": r.email, "company": r.company.name if r.company else None,
        "status": r.status, "price_cents": r.price_cents, "payment_reference": r.payment_reference,
        "created_at": r.created_at.isoformat(),
        "cancelled_at": r.cancelled_at.isoformat() if r.cancelled_at else None,
        "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
    } for r in rows]}


def erase(*, user: Any) -> dict:
    """Live registrations for dates ahead are cancelled first (the seat goes to the
    waiting list, paid money is refunded); then every registration loses name, e-mail
    and the link to the account."""
    from .registration_services import registration_cancel

    now = timezone.now()
    cancelled = 0
    for registration in Registration.objects.filter(participant=user, status__in=LIVE,
                                                    event_date__starts_at__gt=now):
        registration_cancel(registration=registration, actor=user)
        cancelled += 1
    # Check-in details and feedback comments first: they are found through the link to
    # the account, which the next step removes (the handlers run in registry order).
    from .attendance_personal_data import personal_erase as attendance_erase

    attendance_erase(user=user)
    with transaction.atomic():
        anonymised = Registration.objects.filter(participant=user).update(participant=None, name=ERASED, email="")
        Registration.objects.filter(registered_by=user).update(registered_by=None)
    return {"registrations_cancelled": cancelled, "registrations_anonymised": anonymised}


def purge(*, cutoff) -> int:
    """Registrations of dates that ended before `cutoff` are deleted (their feedback
    stays, anonymous)."""
    return Registration.objects.filter(event_date__ends_at__lt=cutoff).delete()[1].get("business.Registration", 0)
