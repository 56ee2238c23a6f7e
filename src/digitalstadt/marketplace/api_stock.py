"""Stock and catalogue endpoints for tills and merchandise systems (added to
marketplace.api.router): organisation tokens of a shop organisation with the scope
`marketplace:stock:write`. Each item gets its own result; an item with errors changes
nothing of that item (a stock report below the reserved units is refused, the rest of
the item is saved)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Schema, Status

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.idempotency import IdempotencyConflict, run_idempotent
from digitalstadt.core.locking import LockTimeout

from . import catalogue_services as services
from .api import router
from .models import Shop

MAX_ITEMS = 1000


class ProductIn(Schema):
    sku: str | None = Field(None, max_length=64)
    gtin: str | None = Field(None, max_length=20)
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    brand: str | None = Field(None, max_length=100)
    category: str | None = Field(None, max_length=100, description="slug or name")
    price_cents: int | None = Field(None, description="gross price in cents")
    price: str | None = Field(None, max_length=30, description='alternatively "12,99" or "12.99 EUR"')
    vat_rate: int | None = Field(None, description="19 or 7")
    size: str | None = Field(None, max_length=40)
    colour: str | None = Field(None, max_length=40)
    on_hand: int | None = None
    shippable: bool | None = None
    net_quantity: str | None = Field(None, max_length=20)
    base_unit: str | None = Field(None, max_length=10, description="kg, l, m, m2, stk")
    image_url: str | None = Field(None, max_length=500)


class BulkIn(Schema):
    items: list[ProductIn] = Field(..., max_length=MAX_ITEMS)


class StockIn(Schema):
    sku: str | None = Field(None, max_length=64)
    gtin: str | None = Field(None, max_length=20)
    on_hand: int | None = None
    price_cents: int | None = None
    price: str | None = Field(None, max_length=30)


class StockPatchIn(Schema):
    items: list[StockIn] = Field(..., max_length=MAX_ITEMS)


class ItemError(Schema):
    column: str
    message: str
    code: str | None = None


class ItemOut(Schema):
    index: int = Field(..., description="1-based position of the item in the request")
    sku: str
    status: str = Field(..., description="created, updated or error")
    product_id: int | None
    variant_id: int | None
    errors: list[ItemError]


class BulkOut(Schema):
    created: int
    updated: int
    failed: int
    items: list[ItemOut]


def _shop_organisation(request):
    organisation = getattr(request, "organisation", None)
    if organisation is None or not Shop.objects.filter(organisation=organisation).exists():
        return None
    return organisation


def _answer(result: services.UpsertResult) -> dict[str, Any]:
    return {"created": result.created, "updated": result.updated, "failed": result.failed,
            "items": [{"index": item.row, "sku": item.sku, "status": item.status, "product_id": item.product_id,
                       "variant_id": item.variant_id, "errors": item.errors} for item in result.items]}


NOT_A_SHOP = {"detail": "Dieser Schlüssel gehört keinem Geschäft. / This token does not belong to a shop."}


def _run(request, *, scope: str, body: dict, write) -> Status:
    organisation = _shop_organisation(request)
    if organisation is None:
        return Status(403, NOT_A_SHOP)

    def call():
        try:
            return 200, _answer(write(organisation))
        except PermissionDenied as exc:
            return 403, {"detail": str(exc)}
        except LockTimeout as exc:  # busy: not stored, the client retries
            return 503, {"detail": " ".join(exc.messages)}

    try:
        status, answer = run_idempotent(scope=scope, key=request.headers.get("Idempotency-Key"),
                                        caller=f"organisation:{organisation.pk}", body=body, call=call)
    except IdempotencyConflict:
        return Status(422, {"detail": "Idempotency-Key wurde mit anderen Daten verwendet. / Key reused with "
                                      "other data."})
    return Status(status, answer)


def _rows(items) -> list[dict[str, Any]]:
    return [item.dict(exclude_none=True) for item in items]


@router.post("/products/bulk", response={200: BulkOut, **api_errors(401, 403, 422, 429, 503)},
             auth=ApiTokenAuth(scope="marketplace:stock:write"),
             summary="Create or update up to 1000 products by SKU (or GTIN); Idempotency-Key required")
def products_bulk(request, payload: BulkIn):
    if not request.headers.get("Idempotency-Key"):
        return Status(400, {"detail": "Der Header Idempotency-Key fehlt. / The Idempotency-Key header is "
                                      "required."})
    rows = _rows(payload.items)
    return _run(request, scope="marketplace.products_bulk", body={"items": rows},
                write=lambda org: services.products_upsert(organisation=org, actor=request.api_token, rows=rows,
                                                           first_row=1, source="api"))


@router.patch("/stock", response={200: BulkOut, **api_errors(401, 403, 422, 429, 503)},
              auth=ApiTokenAuth(scope="marketplace:stock:write"),
              summary="Report on-hand stock and/or prices of existing articles by SKU or GTIN")
def stock_patch(request, payload: StockPatchIn):
    rows = _rows(payload.items)
    return _run(request, scope="marketplace.stock_patch", body={"items": rows},
                write=lambda org: services.stock_update(organisation=org, actor=request.api_token, items=rows))
