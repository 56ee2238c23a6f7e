"""Parking API (tag `parking`): the plate check for enforcement handhelds. Personal
tokens of parking officers with the scope `parking:enforcement` only; every look-up is
audited in the officer's name, like the check on the staff page."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.audit import audit_log
from digitalstadt.core.ratelimit import client_ip

from .api_feeds import router as feeds_router
from .selectors import PlateError, parse_plate, plate_check

router = Router(tags=["parking"])
router.add_router("", feeds_router)  # occupancy push and the outbound formats (api_feeds.py)


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


def _audited_caller(request) -> tuple[Any, str, Any]:
    """Who a check is audited as: the person for a personal token; for an organisation
    token no person (a session cookie sent along names nobody) but the token, and the
    organisation (its slug goes into the entry's data)."""
    token = request.api_token
    if token.is_personal:
        return token.user, "", None
    return None, f"api-token:{token.pk}", token.organisation


@router.get("/plates/{plate}", response={200: PlateCheckOut, **api_errors(401, 403, 404, 422, 429)},
            auth=ApiTokenAuth(scope="parking:enforcement"),
            summary="Resident permits for a number plate today: valid, revoked or none")
def check_plate(request, plate: str):
    from django.utils import timezone

    try:
        parsed = parse_plate(plate)
    except PlateError as exc:
        raise HttpError(422, str(exc)) from None
    today = timezone.localdate()
    result, permits = plate_check(plate=plate, day=today)
    actor, system, organisation = _audited_caller(request)
    data = {"found": [p.pk for p in permits], "via": "api", "device": request.api_token.name}
    if organisation is not None:
        data["organisation"] = organisation.slug
    audit_log(actor=actor, system=system, action="parking.plate_checked", ip_address=client_ip(request), data=data)
    return {"plate": parsed.canonical, "day": today.isoformat(), "result": result,
            "permits": [{"number": p.number, "zone": p.zone.code, "zone_name": p.zone.name,
                         "valid_from": p.valid_from.isoformat(), "valid_until": p.valid_until.isoformat(),
                         "status": "revoked" if p.revoked_at else "valid"} for p in permits]}


class SessionOut(Schema):
    zone: str
    started_at: str
    ends_at: str
    voucher_until: str | None = None


class EnforcementOut(Schema):
    plate: str
    zone: str | None
    checked_at: str
    result: str
    until: str | None
    session: SessionOut | None = None
    permits: list[PermitOut]


@router.get("/enforcement", response={200: EnforcementOut, **api_errors(401, 403, 422, 429)},
            auth=ApiTokenAuth(scope="parking:enforcement"),
            summary="May this car park here now? Handyparken session, voucher, resident permit, revoked or none")
def enforcement(request, plate: str, zone: str = ""):
    """`result`: "session" (paid until `until`), "voucher" (a park & shop voucher covers
    it until `session.voucher_until`), "permit" (a valid resident permit for the street
    zone's resident zone), "revoked" (the permit for the zone is revoked), "none". Without
    `zone` any zone counts. Audited in the officer's name."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .street_services import enforcement_check_audited

    now = timezone.now()
    actor, system, organisation = _audited_caller(request)
    try:
        answer = enforcement_check_audited(plate=plate[:40], zone_code=zone[:20], actor=actor, system=system,
                                           via="api", device=request.api_token.name, ip_address=client_ip(request),
                                           organisation=organisation, now=now)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    session = answer.session
    return {"plate": answer.plate, "zone": answer.zone.code if answer.zone else None, "checked_at": now.isoformat(),
            "result": answer.result, "until": answer.until.isoformat() if answer.until else None,
            "session": {"zone": session.zone.code, "started_at": session.started_at.isoformat(),
                        "ends_at": session.ends_at.isoformat(),
                        "voucher_until": session.voucher_until.isoformat() if session.voucher_until else None}
            if session else None,
            "permits": [{"number": p.number, "zone": p.zone.code, "zone_name": p.zone.name,
                         "valid_from": p.valid_from.isoformat(), "valid_until": p.valid_until.isoformat(),
                         "status": "revoked" if p.revoked_at else "valid"} for p in answer.permits]}


from .api_vouchers import router as vouchers_router  # noqa: E402 - park & shop vouchers

router.add_router("", vouchers_router)
