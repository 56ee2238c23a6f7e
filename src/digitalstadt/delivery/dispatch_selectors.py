"""The dispatcher's reads: a courier service's tours of one day, with lateness risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from digitalstadt.accounts.selectors import can_manage_organisation

from .models import Job, JobStatus, PlanRun, Stop, StopKind, Tour

__all__ = ["AT_RISK_MINUTES", "Board", "TourRow", "dispatch_board", "may_dispatch", "stop_lateness",
           "tour_end", "tour_overrun"]

AT_RISK_MINUTES = 15
LATE, AT_RISK = "late", "at_risk"
TOUR_COLOURS = 6


def may_dispatch(*, user, organisation) -> bool:
    return organisation.kind == "courier" and can_manage_organisation(user=user, organisation=organisation)


def stop_lateness(stop: Stop) -> str | None:
    """"late" when the planned arrival lies after the end of the job's window, "at_risk"
    within AT_RISK_MINUTES of it, else None (done stops and unplanned ones: None)."""
    if stop.done_at is not None or stop.planned_arrival is None or stop.kind != StopKind.DELIVERY:
        return None
    end = stop.job.window.ends_at
    if stop.planned_arrival > end:
        return LATE
    if stop.planned_arrival >= end - timedelta(minutes=AT_RISK_MINUTES):
        return AT_RISK
    return None


def tour_end(tour: Tour) -> datetime | None:
    """When the bike is back at the hub by the plan (shift start + planned duration)."""
    if not tour.duration_s:
        return None
    return tour.shift.starts_at + timedelta(seconds=tour.duration_s)


def tour_overrun(tour: Tour) -> bool:
    """The planned tour ends after the shift."""
    end = tour_end(tour)
    return end is not None and end > tour.shift.ends_at


@dataclass
class TourRow:
    tour: Tour
    number: int  # 1..n, also the colour on the map
    stops: list[Stop]
    end: datetime | None
    overrun: bool
    late: int = 0
    at_risk: int = 0

    @property
    def colour(self) -> int:
        """One of TOUR_COLOURS (dispatch.css and dispatch-map.js share the palette)."""
        return (self.number - 1) % TOUR_COLOURS + 1

    @property
    def km(self) -> float:
        return self.tour.distance_m / 1000


@dataclass
class Board:
    day: date
    tours: list[TourRow]
    unplanned: list[Stop]
    last_run: PlanRun | None
    map_data: dict = field(default_factory=dict)


def dispatch_board(*, courier, day: date) -> Board:
    """Every tour of `day` with its ordered stops, the stops of open jobs on no tour, the
    last planner run, and the map's data (the same tours and stops as the list)."""
    stops = Stop.unscoped_objects.filter(organisation=courier).select_related("job__window").order_by("sequence", "pk")
    tours = list(Tour.unscoped_objects.filter(organisation=courier, day=day)
                 .select_related("shift__bike", "shift__driver", "shift__hub")
                 .prefetch_related(Prefetch("stops", queryset=stops))
                 .order_by("shift__starts_at", "shift__bike__name", "pk"))
    rows = []
    for number, tour in enumerate(tours, start=1):
        tour_stops = list(tour.stops.all())
        row = TourRow(tour=tour, number=number, stops=tour_stops, end=tour_end(tour), overrun=tour_overrun(tour))
        for stop in tour_stops:
            stop.lateness = stop_lateness(stop)
            row.late += stop.lateness == LATE
            row.at_risk += stop.lateness == AT_RISK
        rows.append(row)
    open_jobs = Job.unscoped_objects.filter(organisation=courier, window__day=day,
                                            status__in=(JobStatus.WAITING, JobStatus.READY))
    unplanned = list(stops.filter(job__in=open_jobs, tour__isnull=True).order_by("job__window__starts_at",
                                                                                  "job_id", "-kind"))
    for stop in unplanned:
        stop.lateness = None
    last_run = PlanRun.unscoped_objects.filter(organisation=courier, day=day).order_by("-requested_at", "-pk").first()
    return Board(day=day, tours=rows, unplanned=unplanned, last_run=last_run, map_data=_map_data(rows))


def _map_data(rows: list[TourRow]) -> dict:
    from .dispatch_services import stop_position

    tours = []
    for row in rows:
        hub = row.tour.shift.hub
        points = [{"lat": float(hub.latitude), "lon": float(hub.longitude), "label": hub.name, "hub": True}]
        for stop in row.stops:
            lat, lon = stop_position(stop)
            label = stop.job.shop_name if stop.kind == StopKind.PICKUP else stop.job.recipient
            points.append({"lat": float(lat), "lon": float(lon), "label": f"{stop.sequence}. "
                           f"{stop.get_kind_display()}: {label}", "late": stop.lateness == LATE})
        points.append(points[0])
        tours.append({"number": row.number, "colour": row.colour, "name": row.tour.shift.bike.name, "points": points})
    return {"tours": tours}
