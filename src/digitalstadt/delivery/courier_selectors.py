"""Reads for the courier app: the driver's tours of a day and one stop of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .courier_services import user_may_confirm
from .models import Job, JobStatus, Stop, StopKind, Tour


@dataclass(frozen=True)
class StopView:
    stop: Stop
    job: Job
    done: bool
    # The pickup stop of a job whose delivery failed: the parcel goes back to this shop.
    return_due: bool

    @property
    def latitude(self):
        return self.job.pickup_latitude if self.stop.kind == StopKind.PICKUP else self.job.latitude

    @property
    def longitude(self):
        return self.job.pickup_longitude if self.stop.kind == StopKind.PICKUP else self.job.longitude


def _view(stop: Stop) -> StopView:
    job = stop.job
    return_due = stop.kind == StopKind.PICKUP and job.status == JobStatus.FAILED
    done = stop.done_at is not None and not return_due
    return StopView(stop=stop, job=job, done=done, return_due=return_due)


def tours_of_driver(*, user: Any, day: date) -> list[Tour]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Tour.unscoped_objects.filter(shift__driver=user, day=day)
                .select_related("shift__bike", "shift__hub", "organisation").order_by("shift__starts_at", "pk"))


def stops_of_tour(*, tour: Tour) -> list[StopView]:
    stops = (Stop.unscoped_objects.filter(tour=tour, organisation_id=tour.organisation_id)
             .select_related("job__window", "job__shop_order").order_by("sequence", "pk"))
    return [_view(s) for s in stops]


def replanned_jobs(*, tour: Tour) -> list[Job]:
    """Parcels on this bike whose door was taken off the tour for a second attempt."""
    on_board = Stop.unscoped_objects.filter(tour=tour, kind=StopKind.PICKUP, done_at__isnull=False).values("job_id")
    return list(Job.unscoped_objects.filter(pk__in=on_board, status=JobStatus.PICKED_UP, attempts__gt=0,
                                            stops__kind=StopKind.DELIVERY,
                                            stops__tour__isnull=True).distinct())


def stop_for_courier(*, user: Any, stop_id) -> StopView | None:
    try:
        stop_id = int(stop_id)
    except (TypeError, ValueError):
        return None
    stop = (Stop.unscoped_objects.filter(pk=stop_id)
            .select_related("tour__shift", "tour__organisation", "job__window", "job__shop_order").first())
    if stop is None or not user_may_confirm(user=user, tour=stop.tour):
        return None
    return _view(stop)


def open_stops_today(*, user: Any, day: date) -> int:
    return Stop.unscoped_objects.filter(tour__shift__driver=user, tour__day=day, done_at__isnull=True).count()
