"""Occupancy feeds over HTTP (added to parking.api.router).

Push (car-park operators, organisation tokens with `parking:occupancy:write`):
- `POST /api/v1/parking/occupancy`: ParkAPI v3 realtime items (a list or `{"items": [...]}`);
- `POST /api/v1/parking/datex2/status`: a DATEX II v3 ParkingStatusPublication (XML body).
All or nothing (feed_services.occupancy_push); replaying a push stores nothing twice.

Out (navigation apps; public, read-only, cached briefly):
- `GET /api/v1/parking/parkapi/v3/parking-sites`: ParkAPI v3 JSON;
- `GET /api/v1/parking/datex2/table`, `/datex2/status`: DATEX II v3 XML.
Stale car parks are published as stale (feed_selectors).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.ratelimit import client_ip, hit

from .feed_selectors import datex2_status, datex2_table, parkapi_parking_sites
from .feed_services import PushRejected, occupancy_push
from .formats import FormatError, datex2, parkapi

router = Router(tags=["parking"])

SCOPE = "parking:occupancy:write"
XML = "application/xml; charset=utf-8"


class PushOut(Schema):
    received: int
    stored: int
    carparks: int


def _error(status: int, detail) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _push(request, *, parse, source_format: str):
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return _error(403, _("Nur Schlüssel einer Organisation (Parkhausbetreiber) dürfen Belegungen melden."))
    limit, period = getattr(settings, "PARKING_PUSH_RATE_LIMIT", (60, 60))
    if not hit(scope="parking-push", key=str(organisation.pk), limit=limit, period=period):
        return _error(429, _("Zu viele Meldungen. Bitte warten Sie eine Minute."))
    try:
        items, rejected = parse(request.body)
    except FormatError as exc:
        return _error(422, _("Das Dokument ist nicht lesbar: %(reason)s") % {"reason": exc})
    try:
        result = occupancy_push(organisation=organisation, items=items, rejected=rejected,
                                source_format=source_format, token_name=request.api_token.name)
    except PermissionDenied as exc:
        return _error(403, str(exc))
    except PushRejected as exc:
        return _error(422, [{"ref": r.ref, "reason": r.reason,
                             "msg": _("Meldung abgelehnt, nichts wurde gespeichert.")} for r in exc.rejections])
    return {"received": result.received, "stored": result.stored, "carparks": result.carparks}


PARKAPI_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "array", "items": {"type": "object", "required": ["uid", "realtime_data_updated_at"], "properties": {
        "uid": {"type": "string"}, "realtime_data_updated_at": {"type": "string", "format": "date-time"},
        "realtime_free_capacity": {"type": "integer", "minimum": 0},
        "realtime_capacity": {"type": "integer", "minimum": 0},
        "realtime_opening_status": {"enum": ["OPEN", "CLOSED", "UNKNOWN"]}}}}}}}}
DATEX_BODY = {"requestBody": {"required": True, "content": {
    "application/xml": {"schema": {"type": "string",
                                   "description": "DATEX II v3 d2:payload xsi:type=prk:ParkingStatusPublication"}},
    "application/json": {"schema": {"type": "object", "required": ["parkingPublicationLight"],
                                    "description": "DATEX II Parking Publication Light (ParkAPI's JSON form)"}}}}}


@router.post("/occupancy", response={200: PushOut, **api_errors(401, 403, 422, 429)},
             auth=ApiTokenAuth(scope=SCOPE), openapi_extra=PARKAPI_BODY,
             summary="Push free spaces of your car parks as ParkAPI v3 realtime items (all or nothing)")
def push_parkapi(request):
    return _push(request, parse=parkapi.parse_realtime, source_format="parkapi_v3")


@router.post("/datex2/status", response={200: PushOut, **api_errors(401, 403, 422, 429)},
             auth=ApiTokenAuth(scope=SCOPE), openapi_extra=DATEX_BODY,
             summary="Push free spaces of your car parks: DATEX II v3 ParkingStatusPublication (XML) or Light (JSON)")
def push_datex2(request):
    # A Parking Publication Light (ParkAPI's JSON form) is accepted here too.
    if request.body.lstrip()[:1] == b"{":
        return _push(request, parse=datex2.parse_light, source_format="datex2_light")
    return _push(request, parse=datex2.parse_status, source_format="datex2")


# --- out ---------------------------------------------------------------------------------

def _published(request, name: str, content_type: str, render) -> HttpResponse:
    limit, period = getattr(settings, "PARKING_OUTBOUND_RATE_LIMIT", (120, 60))
    if not hit(scope="parking-out", key=client_ip(request), limit=limit, period=period):
        return _error(429, _("Zu viele Anfragen. Bitte warten Sie eine Minute."))
    seconds = int(getattr(settings, "PARKING_OUTBOUND_CACHE_SECONDS", 30))
    key = f"parking:outbound:{name}"
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, seconds)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


@router.get("/parkapi/v3/parking-sites", auth=None, response={200: None, **api_errors(429)},
            summary="All car parks with free spaces, ParkAPI v3 JSON (stale data tagged REALTIME_DATA_STALE)")
def out_parkapi(request):
    return _published(request, "parkapi", "application/json",
                      lambda: json.dumps(parkapi_parking_sites(), ensure_ascii=False).encode())


@router.get("/datex2/table", auth=None, response={200: None, **api_errors(429)},
            summary="All car parks, DATEX II v3 ParkingTablePublication (XML)")
def out_datex2_table(request):
    return _published(request, "datex2-table", XML, datex2_table)


@router.get("/datex2/status", auth=None, response={200: None, **api_errors(429)},
            summary="Free spaces now, DATEX II v3 ParkingStatusPublication (XML; stale = statusUnknown)")
def out_datex2_status(request):
    return _published(request, "datex2-status", XML, datex2_status)
