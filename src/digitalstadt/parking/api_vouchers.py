"""Park & shop API for car-park exit systems (added to parking.api.router):
organisation tokens of a car-park operator with the scope `parking:voucher:redeem`.

- `GET  /parking/vouchers/{code}`: is the voucher (code or QR content) usable, for how
  many minutes and up to which value;
- `POST /parking/vouchers/{code}/redeem`: redeem it for the parking's price; the budget
  is charged what it cost, at most the voucher's value. Idempotency-Key honoured: a
  retry of the exit terminal gets the same answer, never a second charge.

Refusals are JSON `{"detail": ..., "reason": ...}`: 404 unknown, 409 already redeemed,
410 expired or cancelled, 403 a token that is not a car-park operator's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema, Status

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.accounts.types import OrganisationKind
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.idempotency import IdempotencyConflict, run_idempotent
from digitalstadt.core.locking import LockTimeout

from .voucher_services import VoucherRefused, voucher_redeem, voucher_validate

router = Router(tags=["parking"])

NOT_AN_OPERATOR = {"detail": "Dieser Schlüssel gehört keinem Parkhausbetreiber. / This token does not belong to a "
                             "car-park operator.", "reason": "not_an_operator"}


class VoucherOut(Schema):
    code: str
    status: str
    minutes: int
    max_value_cents: int
    valid_until: str


class RefusalOut(Schema):
    detail: str
    reason: str


class RedeemIn(Schema):
    carpark: str = Field(..., min_length=1, max_length=80, description="the car park's slug")
    amount_cents: int = Field(..., ge=0, le=10_000_000, description="what the parking cost, in cents")
    ticket: str = Field("", max_length=80, description="the exit system's ticket or transaction id")


class RedemptionOut(Schema):
    code: str
    status: str
    carpark: str
    price_cents: int
    charged_cents: int = Field(..., description="covered by the voucher (charged to the shop's budget)")
    to_pay_cents: int = Field(..., description="what the driver still pays")
    redeemed_at: str


REFUSALS = {404: RefusalOut, 409: RefusalOut, 410: RefusalOut, 403: RefusalOut}


def _operator(request):
    organisation = getattr(request, "organisation", None)
    if organisation is None or organisation.kind != OrganisationKind.CARPARK_OPERATOR:
        return None
    return organisation


def _refused(exc: VoucherRefused) -> tuple[int, dict]:
    return exc.status, {"detail": exc.message, "reason": exc.reason}


def _voucher_out(voucher) -> dict:
    return {"code": voucher.code, "status": voucher.status, "minutes": voucher.minutes,
            "max_value_cents": voucher.max_value_cents, "valid_until": voucher.valid_until.isoformat()}


@router.get("/vouchers/{code}", response={200: VoucherOut, **REFUSALS, **api_errors(401, 429)},
            auth=ApiTokenAuth(scope="parking:voucher:redeem"),
            summary="Validate a park & shop voucher (its code or QR content) before the exit")
def voucher_check(request, code: str):
    if _operator(request) is None:
        return Status(403, NOT_AN_OPERATOR)
    try:
        voucher = voucher_validate(code=code)
    except VoucherRefused as exc:
        return Status(*_refused(exc))
    return Status(200, _voucher_out(voucher))


@router.post("/vouchers/{code}/redeem",
             response={200: RedemptionOut, **REFUSALS, **api_errors(401, 422, 429, 503)},
             auth=ApiTokenAuth(scope="parking:voucher:redeem"),
             summary="Redeem a park & shop voucher at a car-park exit (Idempotency-Key honoured)")
def voucher_redeem_at_exit(request, code: str, payload: RedeemIn):
    operator = _operator(request)
    if operator is None:
        return Status(403, NOT_AN_OPERATOR)

    def call() -> tuple[int, dict]:
        try:
            redemption = voucher_redeem(code=code, channel="carpark", amount_cents=payload.amount_cents,
                                        operator=operator, carpark_ref=payload.carpark, session_ref=payload.ticket,
                                        system=f"api-token:{request.api_token.pk}")
        except VoucherRefused as exc:
            return _refused(exc)
        except PermissionDenied as exc:
            return 403, {"detail": str(exc), "reason": "not_an_operator"}
        except LockTimeout as exc:
            return 503, {"detail": " ".join(exc.messages)}
        except ValidationError as exc:
            return 422, {"detail": " ".join(exc.messages)}
        return 200, {"code": redemption.voucher.code, "status": "redeemed", "carpark": redemption.carpark_ref,
                     "price_cents": payload.amount_cents, "charged_cents": redemption.amount_cents,
                     "to_pay_cents": payload.amount_cents - redemption.amount_cents,
                     "redeemed_at": redemption.redeemed_at.isoformat()}

    try:
        status, answer = run_idempotent(scope="parking.voucher_redeem", key=request.headers.get("Idempotency-Key"),
                                        caller=f"organisation:{operator.pk}",
                                        body={"code": code, **payload.dict()}, call=call)
    except IdempotencyConflict:
        return Status(422, {"detail": "Idempotency-Key wurde mit anderen Daten verwendet. / Key reused with "
                                      "other data."})
    return Status(status, answer)
