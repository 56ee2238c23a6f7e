"""The dispatcher's writes: move a stop to another tour or position, lock and unlock stops.

Only managers (owner, admin) of the courier service that owns the tours may dispatch.
Every write runs in one transaction, locks the tours it changes (in pk order, through
core.locking) and writes an audit entry. After a change the planned times of the
affected tours are recomputed with a straight-line estimate (`estimate_leg`), which the
lead may replace with the travel-time matrix of the planner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from digitalstadt.accounts.selectors import can_manage_organisation
from digitalstadt.core.audit import audit_log
from digitalstadt.core.locking import lock_rows

from .models import Stop, StopKind, Tour, TourStatus

__all__ = ["SERVICE_SECONDS", "estimate_leg", "stop_move", "stop_set_locked", "tour_reschedule"]

SERVICE_SECONDS = 180  # handing over or collecting a parcel
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Leg:
    metres: int
    seconds: int


def estimate_leg(origin: tuple[Decimal | float, Decimal | float],
                 destination: tuple[Decimal | float, Decimal | float]) -> Leg:
    """Straight line (haversine) x detour factor at cargo-bike speed: the embedded default
    until the planner's travel-time matrix is wired in here."""
    lat1, lon1 = (math.radians(float(v)) for v in origin)
    lat2, lon2 = (math.radians(float(v)) for v in destination)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    straight = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
    metres = straight * float(getattr(settings, "DELIVERY_DETOUR_FACTOR", 1.3))
    speed = float(getattr(settings, "DELIVERY_BIKE_SPEED_KMH", 15)) / 3.6
    return Leg(metres=round(metres), seconds=round(metres / speed))


def stop_position(stop: Stop) -> tuple[Decimal, Decimal]:
    job = stop.job
    if stop.kind == StopKind.PICKUP:
        return job.pickup_latitude, job.pickup_longitude
    return job.latitude, job.longitude


def _require_dispatcher(actor, organisation) -> None:
    if organisation.kind != "courier" or not can_manage_organisation(user=actor, organisation=organisation):
        raise ValidationError(_("Nur die Leitung dieses Kurierdienstes darf Touren disponieren."), code="forbidden")


def _tour_stops(tour: Tour) -> list[Stop]:
    return list(Stop.unscoped_objects.filter(organisation_id=tour.organisation_id, tour=tour)
                .select_related("job__window").order_by("sequence", "pk"))


def tour_reschedule(tour: Tour, stops: list[Stop] | None = None) -> None:
    """Renumber the tour's stops 1..n in their list order and recompute planned arrival
    and departure, distance and duration: from the hub at the shift's start, a delivery
    not before its window opens, SERVICE_SECONDS per stop, back to the hub. Stops already
    done keep their times; the bike continues from there."""
    stops = _tour_stops(tour) if stops is None else stops
    shift = tour.shift
    hub = shift.hub
    here = (hub.latitude, hub.longitude)
    clock: datetime = shift.starts_at
    metres = 0
    for number, stop in enumerate(stops, start=1):
        stop.sequence = number
        there = stop_position(stop)
        leg = estimate_leg(here, there)
        metres += leg.metres
        if stop.done_at is not None:
            clock = max(clock, stop.done_at)
        else:
            arrival = clock + timedelta(seconds=leg.seconds)
            if stop.kind == StopKind.DELIVERY:
                arrival = max(arrival, stop.job.window.starts_at)
            stop.planned_arrival = arrival
            stop.planned_departure = arrival + timedelta(seconds=SERVICE_SECONDS)
            clock = stop.planned_departure
        here = there
    back = estimate_leg(here, (hub.latitude, hub.longitude)) if stops else Leg(0, 0)
    metres += back.metres
    clock += timedelta(seconds=back.seconds)
    Stop.unscoped_objects.bulk_update(stops, ["sequence", "planned_arrival", "planned_departure"])
    tour.distance_m = metres
    tour.duration_s = max(0, int((clock - shift.starts_at).total_seconds())) if stops else 0
    Tour.unscoped_objects.filter(pk=tour.pk).update(distance_m=tour.distance_m, duration_s=tour.duration_s)


def _fixed_prefix(stops: list[Stop]) -> int:
    """How many stops at the start of a tour are locked or done (nothing goes before them)."""
    count = 0
    for stop in stops:
        if not (stop.locked or stop.done_at):
            break
        count += 1
    return count


def _check_order(stops: list[Stop]) -> None:
    seen_pickups = set()
    for stop in stops:
        if stop.kind == StopKind.PICKUP:
            seen_pickups.add(stop.job_id)
        elif any(s.job_id == stop.job_id and s.kind == StopKind.PICKUP for s in stops) \
                and stop.job_id not in seen_pickups:
            raise ValidationError(_("Die Abholung beim Geschäft muss vor der Zustellung liegen."), code="order")


@transaction.atomic
def stop_move(*, actor, stop: Stop, tour: Tour, position: int) -> Stop:
    """Put `stop` at `position` (1 = first) of `tour`.

    A job's pickup and delivery stay on one bike: moving a stop to another tour (or from
    "nicht eingeplant" into a tour) takes its partner along, placed right after the
    pickup or right before the delivery. Within one tour only the stop moves, and the
    pickup must stay before the delivery. Refused: stops already done, locked stops,
    tours of another day or already finished, a parcel already on board of a started
    tour (it is bound to that bike), and positions inside the locked prefix."""
    courier = tour.organisation
    _require_dispatcher(actor, courier)
    if stop.organisation_id != tour.organisation_id:
        raise ValidationError(_("Dieser Stopp gehört nicht zu diesem Kurierdienst."), code="foreign")
    tour_ids = sorted({tour.pk, *([stop.tour_id] if stop.tour_id else [])})
    tours = {t.pk: t for t in lock_rows(Tour.unscoped_objects.filter(organisation=courier, pk__in=tour_ids)
                                        .select_related("shift__hub"), of=("self",))}
    tour = tours[tour.pk]
    stop = Stop.unscoped_objects.select_related("job__window").get(pk=stop.pk)
    partner = (Stop.unscoped_objects.filter(organisation=courier, job_id=stop.job_id).exclude(pk=stop.pk)
               .select_related("job__window").first())
    if stop.done_at is not None:
        raise ValidationError(_("Ein erledigter Stopp kann nicht mehr verschoben werden."), code="done")
    if stop.locked:
        raise ValidationError(_("Der Stopp ist festgelegt. Geben Sie ihn zuerst frei."), code="locked")
    if tour.status == TourStatus.DONE:
        raise ValidationError(_("Diese Tour ist schon abgeschlossen."), code="tour_done")
    if tour.day != stop.job.window.day:
        raise ValidationError(_("Die Tour ist an einem anderen Tag als das Lieferfenster."), code="day")
    source = tours.get(stop.tour_id) if stop.tour_id else None
    changes_bike = source is None or source.pk != tour.pk
    if changes_bike and partner is not None:
        if partner.done_at is not None:
            raise ValidationError(_("Die Sendung ist schon an Bord und bleibt auf diesem Lastenrad."),
                                  code="on_board")
        if partner.locked:
            raise ValidationError(_("Der zugehörige Stopp ist festgelegt. Geben Sie ihn zuerst frei."),
                                  code="partner_locked")
    if source is not None and source.status == TourStatus.DONE:
        raise ValidationError(_("Diese Tour ist schon abgeschlossen."), code="tour_done")

    moving = [stop, partner] if changes_bike and partner is not None else [stop]
    moving_ids = {s.pk for s in moving}
    target = [s for s in _tour_stops(tour) if s.pk not in moving_ids]
    fixed = _fixed_prefix(target)
    if not fixed + 1 <= position <= len(target) + 1:
        raise ValidationError(
            _("Die Position muss zwischen %(first)d und %(last)d liegen (vor festgelegten oder erledigten "
              "Stopps kann nichts eingefügt werden).") % {"first": fixed + 1, "last": len(target) + 1},
            code="position")
    if changes_bike and partner is not None:
        block = [stop, partner] if stop.kind == StopKind.PICKUP else [partner, stop]
    else:
        block = [stop]
    target[position - 1:position - 1] = block
    _check_order(target)

    for s in block:
        s.tour = tour
    Stop.unscoped_objects.filter(pk__in=[s.pk for s in block]).update(tour=tour)
    tour_reschedule(tour, target)
    if source is not None and source.pk != tour.pk:
        tour_reschedule(source)
    audit_log(actor=actor, action="delivery.stop_moved", subject=stop, data={
        "job": stop.job_id, "kind": stop.kind, "from_tour": source.pk if source else None, "to_tour": tour.pk,
        "position": position, "with_partner": bool(changes_bike and partner is not None)})
    stop.refresh_from_db()
    return stop


@transaction.atomic
def stop_set_locked(*, actor, stop: Stop, locked: bool) -> list[Stop]:
    """Lock or unlock a stop. Locked stops keep their bike and their order when the
    planner runs again, and they form a locked PREFIX of the tour: locking a stop locks
    every earlier stop of its tour too (the bike cannot reach it without them), and
    unlocking a stop unlocks every later stop as well. Returns the stops changed."""
    courier = stop.organisation
    _require_dispatcher(actor, courier)
    if stop.tour_id is None:
        raise ValidationError(_("Nur eingeplante Stopps können festgelegt werden."), code="unplanned")
    tour = lock_rows(Tour.unscoped_objects.filter(organisation=courier, pk=stop.tour_id))[0]
    stop = Stop.unscoped_objects.get(pk=stop.pk)
    if tour.status == TourStatus.DONE:
        raise ValidationError(_("Diese Tour ist schon abgeschlossen."), code="tour_done")
    stops = Stop.unscoped_objects.filter(organisation=courier, tour=tour)
    if locked:
        changed = list(stops.filter(sequence__lte=stop.sequence, locked=False))
    else:
        changed = list(stops.filter(sequence__gte=stop.sequence, locked=True))
    Stop.unscoped_objects.filter(pk__in=[s.pk for s in changed]).update(locked=locked)
    audit_log(actor=actor, action="delivery.stop_locked", subject=stop, data={
        "tour": tour.pk, "locked": locked, "stops": [s.pk for s in changed]})
    return changed
