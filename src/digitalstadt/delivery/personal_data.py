"""A shopper's delivery data for the GDPR export and erasure, the retention of the proof
of delivery, and the delivery figures of the public dashboard (core registries)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import OPEN_JOB_STATUSES, Job, JobStatus, Tour

ERASED = "gelöscht"


def _jobs(user):
    return Job.unscoped_objects.filter(shop_order__order__shopper=user).select_related("window").order_by("pk")


def export(*, user: Any) -> dict:
    return {"deliveries": [{
        "shop": job.shop_name, "status": job.status, "recipient": job.recipient, "phone": job.phone,
        "street": job.street, "postal_code": job.postal_code, "city": job.city, "note": job.note,
        "window_start": job.window.starts_at.isoformat(), "window_end": job.window.ends_at.isoformat(),
        "fee_cents": job.fee_cents, "delivered_at": job.delivered_at.isoformat() if job.delivered_at else None,
        "received_by": job.received_by, "has_signature": bool(job.signature_png), "has_photo": bool(job.photo_jpeg),
        "failure_reason": job.failure_reason,
    } for job in _jobs(user)]}


def erase(*, user: Any) -> dict:
    """Finished deliveries lose the address, phone, note and proof; a delivery still on its
    way keeps what the courier needs until it is done."""
    with transaction.atomic():
        finished = _jobs(user).exclude(status__in=OPEN_JOB_STATUSES)
        count = finished.update(recipient=ERASED, phone="", street=ERASED, note="", received_by="",
                                signature_png=None, photo_jpeg=None, proof_erased_at=timezone.now())
        still_open = _jobs(user).filter(status__in=OPEN_JOB_STATUSES).count()
    return {"erased_deliveries": count, "kept_until_delivered": still_open}


def purge_proofs(*, cutoff) -> int:
    """Signatures and photos of deliveries made before `cutoff` (the retention period)."""
    return (Job.unscoped_objects.filter(delivered_at__lt=cutoff, proof_erased_at__isnull=True)
            .exclude(signature_png=None, photo_jpeg=None)
            .update(signature_png=None, photo_jpeg=None, proof_erased_at=timezone.now()))


def delivered_on_time() -> float | None:
    """Of the deliveries of the last 90 days, the share delivered by the end of the window."""
    since = timezone.now() - timedelta(days=90)
    delivered = Job.unscoped_objects.filter(status=JobStatus.DELIVERED, delivered_at__gte=since)
    total = delivered.count()
    if not total:
        return None
    return delivered.filter(delivered_at__lte=F("window__ends_at")).count() / total


def cargo_bike_km_30_days() -> float:
    """Kilometres ridden by cargo bike on the tours of the last 30 days (as planned)."""
    since = timezone.localdate() - timedelta(days=30)
    metres = Tour.unscoped_objects.filter(day__gte=since, day__lte=timezone.localdate(),
                                          started_at__isnull=False).aggregate(m=Sum("distance_m"))["m"] or 0
    return round(metres / 1000, 1)
