"""The delivery app's rows -> the planner (planner.py, PyVRP) -> tours and stops.

`request_plan(courier=, day=, actor=)` queues a plan run (a task with the time budget
`DELIVERY_PLAN_SECONDS`); `plan_day(courier_id=, day=)` does the work (the task, the
management command and the tests call it). Re-planning follows planner.py's rules:
a started tour continues from the bike's last known position (its last done stop, or
the hub) at the current time with the parcels on board bound to it; stops already
done stay as they are and are not planned again; locked stops are a fixed prefix of
their tour (their bike and their order are kept).

Times: the planner counts seconds since local midnight of the day (elapsed seconds,
so a day with a clock change is planned in real durations).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows
from digitalstadt.marketplace.types import OrderStatus

from . import planner
from .models import Hub, JobStatus, PlanRun, Shift, Stop, StopKind, Tour, TourStatus
from .registry import matrix_provider

logger = logging.getLogger(__name__)

PLANNED_STATUSES = (JobStatus.WAITING, JobStatus.READY, JobStatus.PICKED_UP)


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=_tz())


def _seconds(moment: datetime, day: date) -> int:
    return int((moment - _midnight(day)).total_seconds())


def _moment(seconds: int, day: date) -> datetime:
    return _midnight(day) + timedelta(seconds=seconds)


def _point(lat: Decimal, lon: Decimal) -> planner.Point:
    return planner.Point(float(lat), float(lon))


def may_dispatch(*, user: Any, courier_id: int) -> bool:
    from digitalstadt.accounts.selectors import can_manage_organisation, organisations_for_user

    organisation = organisations_for_user(user=user).filter(pk=courier_id).first()
    return organisation is not None and can_manage_organisation(user=user, organisation=organisation)


def build_problem(*, courier_id: int, day: date, now: datetime) -> tuple[planner.Problem, dict]:
    """The planning problem of a courier's day as it stands now."""
    hubs = {h.pk: h for h in Hub.unscoped_objects.filter(organisation_id=courier_id)}
    shifts = list(Shift.unscoped_objects.filter(organisation_id=courier_id, day=day).select_related("bike")
                  .order_by("starts_at", "pk"))
    tours = {t.shift_id: t for t in Tour.unscoped_objects.filter(shift__in=shifts)}
    # Orders not paid yet are not packed and may still expire: not planned.
    stops = list(Stop.unscoped_objects.filter(organisation_id=courier_id, job__window__day=day,
                                              job__status__in=PLANNED_STATUSES)
                 .exclude(job__shop_order__status=OrderStatus.PENDING_PAYMENT)
                 .select_related("job", "job__window", "tour").order_by("tour_id", "sequence", "pk"))
    now_s = _seconds(now, day)
    started = {t.shift_id for t in tours.values() if t.status == TourStatus.STARTED}
    bikes = []
    for shift in shifts:
        tour = tours.get(shift.pk)
        start_point = start_time = None
        if shift.pk in started:
            done = [s for s in stops if s.tour_id == tour.pk and s.done_at]
            last = max(done, key=lambda s: s.done_at) if done else None
            if tour.position_latitude is not None:
                start_point = _point(tour.position_latitude, tour.position_longitude)
            elif last is not None:
                job = last.job
                start_point = (_point(job.pickup_latitude, job.pickup_longitude) if last.kind == StopKind.PICKUP
                               else _point(job.latitude, job.longitude))
            else:
                start_point = _point(hubs[shift.hub_id].latitude, hubs[shift.hub_id].longitude)
            start_time = max(now_s, _seconds(shift.starts_at, day))
        bikes.append(planner.Bike(id=shift.pk, capacity=(shift.bike.volume_litres, shift.bike.payload_kg * 1000),
                                  shift_start=_seconds(shift.starts_at, day), shift_end=_seconds(shift.ends_at, day),
                                  start_hub=shift.hub_id, start_point=start_point, start_time=start_time))
    shift_of_tour = {t.pk: t.shift_id for t in tours.values()}
    by_job: dict[int, dict[str, Stop]] = {}
    for stop in stops:
        by_job.setdefault(stop.job_id, {})[stop.kind] = stop
    pickup_service = int(getattr(settings, "DELIVERY_PICKUP_SERVICE_SECONDS", 180))
    delivery_service = int(getattr(settings, "DELIVERY_SERVICE_SECONDS", 120))
    jobs = []
    for job_id, kinds in by_job.items():
        job = next(iter(kinds.values())).job
        pickup = kinds.get(StopKind.PICKUP)
        if job.status == JobStatus.FAILED:
            continue  # failed and on its way back to the shop: nothing to plan
        on_board = job.status == JobStatus.PICKED_UP
        # A second attempt (courier_services): still on board, to be delivered later today.
        second_attempt = on_board and job.attempts > 0
        bike = None
        if on_board:
            bike = shift_of_tour.get(pickup.tour_id) if pickup and pickup.tour_id else None
            if bike is None or bike not in started:
                continue  # picked up, but by no tour that is out: nothing to plan
        elif pickup and pickup.locked and pickup.tour_id:
            bike = shift_of_tour.get(pickup.tour_id)
        window = job.window
        delivery_window = (_seconds(window.starts_at, day), _seconds(window.ends_at, day))
        if second_attempt:  # later today, whenever the bike can
            delivery_window = (now_s, planner.DAY)
        jobs.append(planner.Job(
            id=job_id, pickup=_point(job.pickup_latitude, job.pickup_longitude),
            delivery=_point(job.latitude, job.longitude), size=(job.volume_litres, job.weight_grams),
            pickup_window=(0, _seconds(window.ends_at, day)), delivery_window=delivery_window,
            pickup_service=pickup_service, delivery_service=delivery_service, picked_up=on_board, bike=bike))
    planned_ids = {j.id for j in jobs}
    locks = []
    for tour in tours.values():
        locked = [(s.job_id, s.kind) for s in stops
                  if s.tour_id == tour.pk and s.locked and not s.done_at and s.job_id in planned_ids
                  and not (s.kind == StopKind.PICKUP and s.job.status == JobStatus.PICKED_UP)]
        if locked:
            locks.append(planner.Lock(bike_id=tour.shift_id, stops=tuple(locked)))
    problem = planner.Problem(hubs=[planner.Hub(id=h.pk, point=_point(h.latitude, h.longitude))
                                    for h in hubs.values()],
                              bikes=bikes, jobs=jobs, locks=locks,
                              now=now_s if day == now.astimezone(_tz()).date() else None)
    return problem, {"shifts": {s.pk: s for s in shifts}, "tours": tours,
                     "warm_start": _current_plan(problem, stops, shift_of_tour)}


def _current_plan(problem: planner.Problem, stops: list, shift_of_tour: dict) -> planner.Plan | None:
    """The tours as they stand, for the planner's warm start (a re-plan moves fewer
    stops and finds a plan sooner): only the bikes and the order of the stops count."""
    planned = {(j.id, kind) for j in problem.jobs for kind in (planner.PICKUP, planner.DELIVERY)}
    tours = {}
    origin = planner.Point(0.0, 0.0)
    for stop in stops:
        shift_id = shift_of_tour.get(stop.tour_id)
        if shift_id is None or stop.done_at or (stop.job_id, stop.kind) not in planned:
            continue
        tours.setdefault(shift_id, []).append(planner.PlannedStop(
            job_id=stop.job_id, kind=stop.kind, point=origin, arrival=0, start=0, departure=0, load_after=(0, 0)))
    if not tours:
        return None
    return planner.Plan(tours={bike: planner.Tour(bike_id=bike, start_point=origin, departure=0, end_hub=None,
                                                  arrival=0, stops=tuple(items), distance=0, load_at_start=(0, 0))
                               for bike, items in tours.items()},
                        unassigned={}, distance=0, duration=0, feasible=True, runtime=0.0, elapsed=0.0)


def _apply(*, courier_id: int, day: date, result: planner.Plan, shifts: dict) -> None:
    tours = {t.shift_id: t for t in lock_rows(Tour.unscoped_objects.filter(organisation_id=courier_id, day=day))}
    open_stops = Stop.unscoped_objects.filter(organisation_id=courier_id, job__window__day=day,
                                              job__status__in=PLANNED_STATUSES, done_at__isnull=True)
    planned_keys = set()
    for shift_id, planned_tour in result.tours.items():
        tour = tours.get(shift_id)
        if tour is None:
            tour = tours[shift_id] = Tour.unscoped_objects.create(organisation_id=courier_id, shift_id=shift_id,
                                                                 day=day)
        done = Stop.unscoped_objects.filter(tour=tour, done_at__isnull=False).count()
        for index, stop in enumerate(planned_tour.stops, start=done + 1):
            planned_keys.add((stop.job_id, stop.kind))
            open_stops.filter(job_id=stop.job_id, kind=stop.kind).update(
                tour=tour, sequence=index, planned_arrival=_moment(stop.arrival, day),
                planned_departure=_moment(stop.departure, day))
        tour.distance_m, tour.duration_s = planned_tour.distance, planned_tour.duration
        tour.planned_at = timezone.now()
        tour.save(update_fields=["distance_m", "duration_s", "planned_at"])
    for stop in open_stops.select_related("job"):
        if (stop.job_id, stop.kind) not in planned_keys and not (
                stop.kind == StopKind.PICKUP and stop.job.status == JobStatus.PICKED_UP):
            stop.tour, stop.sequence, stop.planned_arrival, stop.planned_departure = None, 0, None, None
            stop.locked = False
            stop.save(update_fields=["tour", "sequence", "planned_arrival", "planned_departure", "locked"])
    for shift_id, tour in tours.items():
        if shift_id not in result.tours and tour.status == TourStatus.PLANNED:
            tour.distance_m = tour.duration_s = 0
            tour.planned_at = timezone.now()
            tour.save(update_fields=["distance_m", "duration_s", "planned_at"])


def plan_day(*, courier_id: int, day: date, seconds: float | None = None, now: datetime | None = None,
             run: PlanRun | None = None) -> PlanRun:
    now = now or timezone.now()
    seconds = float(seconds if seconds is not None else getattr(settings, "DELIVERY_PLAN_SECONDS", 10))
    run = run or PlanRun.unscoped_objects.create(organisation_id=courier_id, day=day, seconds=int(seconds))
    PlanRun.unscoped_objects.filter(pk=run.pk).update(status="running")
    try:
        problem, rows = build_problem(courier_id=courier_id, day=day, now=now)
        result = planner.plan(problem, time_limit=seconds, matrix=matrix_provider(), warm_start=rows["warm_start"])
    except Exception as exc:  # the run is reported failed on the page, the old tours stay
        logger.exception("delivery planning failed for courier %s on %s", courier_id, day)
        PlanRun.unscoped_objects.filter(pk=run.pk).update(status="failed", finished_at=timezone.now(),
                                                          summary={"error": str(exc)[:500]})
        run.refresh_from_db()
        return run
    with transaction.atomic():
        _apply(courier_id=courier_id, day=day, result=result, shifts=rows["shifts"])
        moved = result.moved_stops(rows["warm_start"]) if rows["warm_start"] is not None else 0
        summary = {"jobs": len(problem.jobs), "bikes_used": result.bikes_used, "distance_m": result.distance,
                   "moved_stops": moved,
                   "duration_s": result.duration, "unassigned": [str(j) for j in result.unassigned],
                   "feasible": result.feasible, "runtime_s": round(result.runtime, 2),
                   "warnings": list(result.warnings)[:10]}
        PlanRun.unscoped_objects.filter(pk=run.pk).update(status="done", finished_at=timezone.now(), summary=summary)
        audit_log(actor=run.requested_by, action="delivery.planned", subject=run, data=summary)
    run.refresh_from_db()
    return run


@task()
def plan_day_task(run_id: int) -> str:
    run = PlanRun.unscoped_objects.get(pk=run_id)
    return plan_day(courier_id=run.organisation_id, day=run.day, seconds=run.seconds, run=run).status


def request_plan(*, courier: Any, day: date, actor: Any, seconds: int | None = None) -> PlanRun:
    """Queue a plan run for the courier's day (the dispatcher's "Neu planen")."""
    if not may_dispatch(user=actor, courier_id=courier.pk):
        raise PermissionDenied
    seconds = int(seconds if seconds is not None else getattr(settings, "DELIVERY_PLAN_SECONDS", 10))
    with transaction.atomic():
        run = PlanRun.unscoped_objects.create(organisation_id=courier.pk, day=day, requested_by=actor,
                                              seconds=seconds)
        audit_log(actor=actor, action="delivery.plan_requested", subject=run, data={"day": day.isoformat()})
        plan_day_task.enqueue(run.pk)
    return run
