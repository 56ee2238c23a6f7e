"""Reads of the delivery app that other apps and pages may use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from .models import Job, JobStatus, Stop, StopKind, TourStatus

__all__ = ["Tracking", "tracking_for"]


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
