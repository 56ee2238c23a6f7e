"""Order endpoints for shops (added to marketplace.api.router): the orders of the token's
organisation, for a merchandise system or till (scope `marketplace:orders:read`)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from digitalstadt.accounts.services import ApiTokenAuth
from digitalstadt.core.api_errors import api_errors
from digitalstadt.core.params import query_choice, query_datetime

from .api import router
from .models import OrderStatus
from .order_selectors import orders_for_api


class OrderLineOut(Schema):
    id: int
    sku: str
    title: str
    quantity: int
    refunded_quantity: int
    unit_price_cents: int
    vat_rate: int


class ShopOrderOut(Schema):
    id: int
    number: str
    shop: str
    status: str
    fulfilment: str
    pay_online: bool
    total_cents: int
    refunded_cents: int
    pickup_from: datetime | None
    pickup_until: datetime | None
    created_at: datetime
    paid_at: datetime | None
    picked_up_at: datetime | None
    cancelled_at: datetime | None
    updated_at: datetime
    lines: list[OrderLineOut]


@router.get("/orders", response={200: list[ShopOrderOut], **api_errors(401, 403, 422, 429)},
            auth=ApiTokenAuth(scope="marketplace:orders:read"),
            summary="The orders of the token's shop (newest change first, at most 500)",
            description="`status`: one of the order statuses; `updated_since`: an ISO 8601 date-time "
                        "(encode `+` as `%2B`), orders changed since then. The customer's name and contact "
                        "are not part of the answer.")
def orders(request, status: str | None = None, updated_since: str | None = None):
    organisation = getattr(request, "organisation", None)
    if organisation is None:  # a personal token names no shop
        raise HttpError(403, _("Bestellungen liest nur ein Schlüssel eines Geschäfts."))
    status = query_choice(request.GET, "status", OrderStatus.choices, default=None)
    since = query_datetime(request.GET, "updated_since", default=None)
    return [{
        "id": o.pk, "number": o.number, "shop": o.shop.slug, "status": o.status, "fulfilment": o.fulfilment,
        "pay_online": o.pay_online, "total_cents": o.total_cents, "refunded_cents": o.refunded_cents,
        "pickup_from": o.pickup_from, "pickup_until": o.pickup_until, "created_at": o.created_at,
        "paid_at": o.paid_at, "picked_up_at": o.picked_up_at, "cancelled_at": o.cancelled_at,
        "updated_at": o.updated_at,
        "lines": [{"id": line.pk, "sku": line.sku, "title": line.title, "quantity": line.quantity,
                   "refunded_quantity": line.refunded_quantity, "unit_price_cents": line.unit_price_cents,
                   "vat_rate": line.vat_rate} for line in o.lines.all()],
    } for o in orders_for_api(organisation=organisation, status=status, updated_since=since)]
