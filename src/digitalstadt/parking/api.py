"""Parking API (tag `parking`): the plate check for enforcement handhelds. Personal
tokens of parking officers with the scope `parking:enforcement` only; every look-up is
audited in the officer's name, like the check on the staff page."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.audit import audit_log
from digitalstadt.core.ratelimit import client_ip

from .models import normalise_plate
from .selectors import plate_check

router = Router(tags=["parking"])


class PermitOut(Schema):
    number: str
    zone: str
    zone_name: str
    valid_from: str
    valid_until: str
    status: str


class PlateCheckOut(Schema):
    plate: str
    day: str
    result: str
    permits: list[PermitOut]


@router.get("/plates/{plate}", response={200: PlateCheckOut, **api_errors(401, 403, 404, 422, 429)},
            auth=ApiTokenAuth(scope="parking:enforcement"),
            summary="Resident permits for a number plate today: valid, revoked or none")
def check_plate(request, plate: str):
    from django.utils import timezone

    if len(normalise_plate(plate)) < 3:
        raise HttpError(400, "Bitte geben Sie ein vollständiges Kennzeichen ein.")
    today = timezone.localdate()
    result, permits = plate_check(plate=plate, day=today)
    audit_log(actor=request.user, action="parking.plate_checked", ip_address=client_ip(request),
              data={"found": [p.pk for p in permits], "via": "api", "device": request.api_token.name})
    return {"plate": normalise_plate(plate), "day": today.isoformat(), "result": result,
            "permits": [{"number": p.number, "zone": p.zone.code, "zone_name": p.zone.name,
                         "valid_from": p.valid_from.isoformat(), "valid_until": p.valid_until.isoformat(),
                         "status": "revoked" if p.revoked_at else "valid"} for p in permits]}

from .api_vouchers import router as vouchers_router  # noqa: E402 - park & shop vouchers

router.add_router("", vouchers_router)
