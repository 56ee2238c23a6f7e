"""The delivery HTTP API (`/api/v1/delivery/`): a courier service's tours of a day for
its own fleet or accounting software (organisation tokens with `delivery:tours:read`).
Recipients' names and phone numbers are not part of the answer; the address is, since
the stop is there."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.params import query_date

from .models import Stop, Tour

router = Router(tags=["delivery"])


class StopOut(Schema):
    sequence: int
    kind: str
    job: int
    shop_order: str
    shop: str
    street: str
    postal_code: str
    latitude: float
    longitude: float
    window_start: datetime
    window_end: datetime
    planned_arrival: datetime | None
    done_at: datetime | None
    locked: bool
    job_status: str


class TourOut(Schema):
    id: int
    bike: str
    driver: str | None
    status: str
    shift_start: datetime
    shift_end: datetime
    distance_m: int
    duration_s: int
    stops: list[StopOut]


@router.get("/tours", response={200: list[TourOut], **api_errors(400, 401, 403, 429)},
            auth=ApiTokenAuth(scope="delivery:tours:read"),
            summary="The tours of the token's courier service on a day (default: today)",
            description="`day`: an ISO 8601 date. Stops in their planned order, with the delivery window.")
def tours(request, day: str | None = None):
    organisation = getattr(request, "organisation", None)
    if organisation is None or organisation.kind != "courier":
        raise HttpError(403, _("Touren liest nur ein Schlüssel eines Kurierdienstes."))
    wanted: date = query_date(request.GET, "day", default=timezone.localdate())
    rows = (Tour.unscoped_objects.filter(organisation=organisation, day=wanted)
            .select_related("shift__bike", "shift__driver").order_by("shift__starts_at", "pk"))
    stops = (Stop.unscoped_objects.filter(tour__in=rows).select_related("job__window", "job__shop_order")
             .order_by("tour_id", "sequence"))
    by_tour: dict[int, list] = {}
    for stop in stops:
        job = stop.job
        pickup = stop.kind == "pickup"
        by_tour.setdefault(stop.tour_id, []).append({
            "sequence": stop.sequence, "kind": stop.kind, "job": job.pk, "shop_order": job.shop_order.number,
            "shop": job.shop_name, "street": job.pickup_street if pickup else job.street,
            "postal_code": "" if pickup else job.postal_code,
            "latitude": float(job.pickup_latitude if pickup else job.latitude),
            "longitude": float(job.pickup_longitude if pickup else job.longitude),
            "window_start": job.window.starts_at, "window_end": job.window.ends_at,
            "planned_arrival": stop.planned_arrival, "done_at": stop.done_at, "locked": stop.locked,
            "job_status": job.status})
    return [{"id": t.pk, "bike": t.shift.bike.name, "driver": t.shift.driver.get_full_name() if t.shift.driver else None,
             "status": t.status, "shift_start": t.shift.starts_at, "shift_end": t.shift.ends_at,
             "distance_m": t.distance_m, "duration_s": t.duration_s, "stops": by_tour.get(t.pk, [])} for t in rows]
