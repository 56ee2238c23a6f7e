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


def erase(*, user: Any, now: dt.datetime | None = None) -> dict:
    """Saved plates go. Money first: a running session is stopped now (its price is that
    of the minutes parked) and every month with ended, unbilled sessions is billed
    (street_statement_close, oldest month first), so unlinking the person loses no
    bill. Then the ended sessions lose the plate and the person; the billed ones keep
    date, zone, amount and payment (bookkeeping, 10 years). With its sessions
    unlinked, the account can be deleted (`ParkingSession.user` is PROTECT)."""
    from .street_services import street_session_stop, street_statement_close

    now = now or timezone.now()
    with transaction.atomic():
        vehicles, _ = Vehicle.objects.filter(owner=user).delete()
        stopped_running = 0
        for session_id in ParkingSession.objects.filter(user=user, status=SessionStatus.ACTIVE).values_list(
                "pk", flat=True):
            street_session_stop(user=user, session_id=session_id, now=now)
            stopped_running += 1
        open_months = sorted({(local.year, local.month) for local in (
            timezone.localtime(started) for started in ParkingSession.objects.filter(
                user=user, status=SessionStatus.STOPPED, payment_reference="", amount_cents__gt=0)
            .values_list("started_at", flat=True))})
        bills = [street_statement_close(user=user, year=year, month=month) for year, month in open_months]
        ended = ParkingSession.objects.filter(user=user, status=SessionStatus.STOPPED)
        count = ended.update(plate=ERASED_PLATE, plate_normalised="?", user=None)
    return {"erased_vehicles": vehicles, "anonymised_sessions": count, "stopped_running": stopped_running,
            "bills": [payment.reference for payment in bills if payment is not None]}


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
