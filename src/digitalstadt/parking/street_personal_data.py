"""A driver's street-parking data for the GDPR export and erasure, its retention, and
the street-parking figure of the public dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ParkingSession, SessionStatus, Vehicle

ERASED_PLATE = "gelöscht"


def export(*, user: Any) -> dict:
    return {
        "vehicles": [{"plate": v.plate, "label": v.label, "saved_at": v.created_at.isoformat()}
                     for v in Vehicle.objects.filter(owner=user).order_by("pk")],
        "street_parking_sessions": [{
            "zone": s.zone.code, "plate": s.plate, "started_at": s.started_at.isoformat(),
            "ends_at": s.ends_at.isoformat(), "status": s.status, "amount_cents": s.amount_cents,
            "quoted_cents": s.quoted_cents, "voucher_code": s.voucher_code, "payment_reference": s.payment_reference,
        } for s in ParkingSession.objects.filter(user=user).select_related("zone").order_by("pk")],
    }


def erase(*, user: Any) -> dict:
    """Saved plates go. Ended sessions lose the plate; the ones on a bill keep date,
    zone and amount (bookkeeping, 10 years) but no longer the person. A running
    session keeps what enforcement needs until it has ended."""
    with transaction.atomic():
        vehicles, _ = Vehicle.objects.filter(owner=user).delete()
        ended = ParkingSession.objects.filter(user=user, status=SessionStatus.STOPPED)
        count = ended.update(plate=ERASED_PLATE, plate_normalised="?", user=None)
        running = ParkingSession.objects.filter(user=user, status=SessionStatus.ACTIVE).count()
    return {"erased_vehicles": vehicles, "anonymised_sessions": count, "kept_until_ended": running}


def purge_sessions(*, cutoff) -> int:
    """Plates of sessions ended before `cutoff` are removed (the sessions stay, without
    the car, for the statistics and the bill)."""
    return (ParkingSession.objects.filter(status=SessionStatus.STOPPED, ends_at__lt=cutoff)
            .exclude(plate=ERASED_PLATE).update(plate=ERASED_PLATE, plate_normalised="?"))


def purge_vehicles(*, cutoff) -> int:
    """Saved plates not used since `cutoff`."""
    stale = Vehicle.objects.filter(created_at__lt=cutoff).exclude(last_used_at__gte=cutoff)
    count, _ = stale.delete()
    return count


def sessions_30_days() -> int:
    since = timezone.now() - dt.timedelta(days=30)
    return ParkingSession.objects.filter(started_at__gte=since).count()
