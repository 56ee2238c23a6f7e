"""Reads of the delivery app that other apps and pages may use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from .models import Job, JobStatus, Stop, StopKind, TourStatus

__all__ = ["StatementRow", "Tracking", "statement", "tracking_for"]


@dataclass(frozen=True)
class Tracking:
    job: Job
    stops_before: int | None  # stops of the tour before the door (None: not yet on a tour)
    expected_at: datetime | None
    tour_started: bool


def tracking_for(*, token) -> Tracking | None:
    """The shopper's view of one delivery: status, stops still before theirs, expected time."""
    job = (Job.unscoped_objects.filter(tracking_token=token)
           .select_related("window", "shop_order__order").first())
    if job is None:
        return None
    door = Stop.unscoped_objects.filter(job=job, kind=StopKind.DELIVERY).select_related("tour").first()
    if door is None or door.tour is None or job.status in (JobStatus.DELIVERED, JobStatus.RETURNED,
                                                           JobStatus.CANCELLED):
        return Tracking(job=job, stops_before=None, expected_at=None, tour_started=False)
    before = (Stop.unscoped_objects.filter(tour=door.tour, sequence__lt=door.sequence, done_at__isnull=True)
              .filter(~Q(job__status=JobStatus.CANCELLED)).count())
    return Tracking(job=job, stops_before=before, expected_at=door.planned_arrival,
                    tour_started=door.tour.status == TourStatus.STARTED)


@dataclass(frozen=True)
class StatementRow:
    label: str  # a day (YYYY-MM-DD) or a shop's name
    delivered: int
    failed: int
    returned: int
    fees_cents: int


def statement(*, courier_id: int, start, end, by: str = "day") -> list[StatementRow]:
    """The courier service's statement for the days `start`..`end` (inclusive): per day or
    per shop, the deliveries made, the failed attempts, the parcels brought back, and the
    delivery fees of the delivered parcels (what the service bills)."""
    from collections import defaultdict

    jobs = (Job.unscoped_objects.filter(organisation_id=courier_id, window__day__gte=start, window__day__lte=end)
            .exclude(status=JobStatus.CANCELLED).select_related("window"))
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for job in jobs:
        key = job.window.day.isoformat() if by == "day" else job.shop_name
        row = rows[key]
        if job.status == JobStatus.DELIVERED:
            row[0] += 1
            row[3] += job.fee_cents
        row[1] += job.attempts  # failed attempts (a delivery that failed once and then succeeded counts 1)
        if job.status == JobStatus.RETURNED:
            row[2] += 1
    return [StatementRow(label, *values) for label, values in sorted(rows.items())]
