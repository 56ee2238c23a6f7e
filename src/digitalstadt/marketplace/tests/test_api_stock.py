"""The till's API: bulk upsert with a required Idempotency-Key (a replay answers the same
without writing again), stock and price updates by SKU or GTIN with per-item results,
the below-reserved refusal per item, and 403 for a token without the scope or of an
organisation that is not a shop."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import transaction

from digitalstadt.accounts import services as accounts
from digitalstadt.accounts.models import OrganisationKind
from digitalstadt.accounts.tests.factories import OrganisationFactory
from digitalstadt.accounts.tests.test_organisations import make_user
from digitalstadt.core.audit import AuditEntry
from digitalstadt.core.models import IdempotencyRecord
from digitalstadt.core.scoping import organisation_scope
from digitalstadt.marketplace import stock
from digitalstadt.marketplace.models import Order, Product, ShopOrder, Variant

from .import_fixtures import GTIN_A, GTIN_B, make_shop, variants

pytestmark = pytest.mark.django_db
BULK = "/api/v1/marketplace/products/bulk"
STOCK = "/api/v1/marketplace/stock"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def till():
    """A shop, its owner (with TOTP, to issue tokens) and a till token with the scope."""
    shop, _member = make_shop()
    owner = make_user("kasse-inhaberin@example.org")
    from digitalstadt.accounts.models import Membership, OrgRole

    Membership.objects.create(user=owner, organisation=shop.organisation, role=OrgRole.OWNER)
    _token, secret = accounts.api_token_create(actor=owner, organisation=shop.organisation, name="Kasse",
                                               scopes=["marketplace:stock:write"])
    return shop, owner, secret


def send(client, method, url, secret, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


ITEMS = [
    {"sku": "K-1", "gtin": GTIN_A, "title": "Kaffee 500 g", "price_cents": 899, "vat_rate": 7, "on_hand": 12,
     "net_quantity": "500", "base_unit": "g"},
    {"sku": "K-2", "title": "Tee", "price": "4,50", "on_hand": 4, "shippable": False},
    {"sku": "K-3", "title": "Kanne", "price": "12,5x"},
    {"gtin": GTIN_B, "title": "Filter", "price_cents": 250, "vat_rate": 16},
]


def test_bulk_upsert_answers_per_item_and_a_replay_does_not_write_again(client, till):
    shop, _owner, secret = till
    first = send(client, "post", BULK, secret, {"items": ITEMS}, key="kasse-2026-12-01-1")
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["created"], body["updated"], body["failed"]) == (2, 0, 2)
    assert [i["status"] for i in body["items"]] == ["created", "created", "error", "error"]
    assert body["items"][2]["errors"] == [{"column": "price", "message": "Preis „12,5x“ ist keine Zahl.",
                                           "code": None}]
    assert body["items"][3]["errors"][0]["message"] == "Umsatzsteuersatz „16“: erlaubt sind 19 oder 7."
    found = variants(shop)
    assert (found["K-1"].price_cents, found["K-1"].on_hand, found["K-1"].product.vat_rate,
            found["K-2"].product.shippable, found["K-2"].price_cents) == (899, 12, 7, False, 450)
    assert body["items"][0]["variant_id"] == found["K-1"].pk

    # The till did not hear the answer and sends the same again: the same answer, no second write.
    with organisation_scope(shop.organisation):
        Variant.objects.filter(sku="K-1").update(on_hand=3)  # sold in the meantime
    again = send(client, "post", BULK, secret, {"items": ITEMS}, key="kasse-2026-12-01-1")
    assert again.status_code == 200 and again.json() == body
    assert variants(shop)["K-1"].on_hand == 3
    assert AuditEntry.objects.filter(action="marketplace.products_imported").count() == 1
    assert IdempotencyRecord.objects.count() == 1
    other = send(client, "post", BULK, secret, {"items": ITEMS[:1]}, key="kasse-2026-12-01-1")
    assert other.status_code == 422
    # A new key is a new write: the same items update, nothing is duplicated.
    update = send(client, "post", BULK, secret, {"items": ITEMS[:2]}, key="kasse-2026-12-01-2").json()
    assert (update["created"], update["updated"]) == (0, 2)
    with organisation_scope(shop.organisation):
        assert Product.objects.count() == 2
    entry = AuditEntry.objects.filter(action="marketplace.products_imported").latest("pk")
    assert entry.actor is None and entry.actor_ref.startswith("system:api-token:dst_")


def test_bulk_needs_an_idempotency_key_and_at_most_1000_items(client, till):
    _shop, _owner, secret = till
    assert send(client, "post", BULK, secret, {"items": ITEMS}).status_code == 400
    many = {"items": [{"sku": f"S-{i}", "title": "x", "price_cents": 1} for i in range(1001)]}
    assert send(client, "post", BULK, secret, many, key="k").status_code == 422


def test_stock_patch_by_sku_or_gtin_with_below_reserved_refused_per_item(client, till):
    shop, owner, secret = till
    send(client, "post", BULK, secret, {"items": ITEMS[:2]}, key="anlegen")
    tea = variants(shop)["K-2"]
    order = Order.objects.create(number="M-9", shopper=owner, email=owner.email, name="Berta")
    shop_order = ShopOrder.objects.create(organisation=shop.organisation, order=order, shop=shop, number="M-9-1",
                                          fulfilment="click_collect", pickup_code="XYZ")
    with transaction.atomic():
        stock.hold(shop_order=shop_order, quantities={tea.pk: 3}, expires_at=None)
    response = send(client, "patch", STOCK, secret, {"items": [
        {"gtin": GTIN_A, "on_hand": 20, "price": "9,49"},
        {"sku": "K-2", "on_hand": 1, "price_cents": 499},
        {"sku": "GIBT-ES-NICHT", "on_hand": 5},
        {"sku": "K-1", "on_hand": -4}]})
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["status"] for i in items] == ["updated", "updated", "error", "error"]
    assert items[0]["sku"] == "K-1"
    assert items[1]["errors"][0]["code"] == "below_reserved" and "3 Stück" in items[1]["errors"][0]["message"]
    assert "gibt es in diesem Geschäft nicht" in items[2]["errors"][0]["message"]
    assert "darf nicht negativ sein" in items[3]["errors"][0]["message"]
    found = variants(shop)
    assert (found["K-1"].on_hand, found["K-1"].price_cents) == (20, 949)
    assert (found["K-2"].on_hand, found["K-2"].reserved, found["K-2"].price_cents) == (4, 3, 499)
    with organisation_scope(shop.organisation):
        assert not Variant.objects.filter(sku="GIBT-ES-NICHT").exists()


def test_403_without_the_scope_or_for_an_organisation_that_is_no_shop(client, till):
    shop, owner, _secret = till
    _t, plain = accounts.api_token_create(actor=owner, organisation=shop.organisation, name="Website", scopes=[])
    refused = send(client, "post", BULK, plain, {"items": ITEMS}, key="x")
    assert refused.status_code == 403 and "marketplace:stock:write" in refused.json()["detail"]
    assert send(client, "patch", STOCK, plain, {"items": [{"sku": "K-1", "on_hand": 1}]}).status_code == 403
    assert send(client, "post", BULK, "dst_unknown", {"items": ITEMS}, key="x").status_code == 401
    company = OrganisationFactory(kind=OrganisationKind.COMPANY, slug="firma")
    from digitalstadt.accounts.models import Membership, OrgRole

    Membership.objects.create(user=owner, organisation=company, role=OrgRole.OWNER)
    _t, foreign = accounts.api_token_create(actor=owner, organisation=company, name="Firma",
                                            scopes=["marketplace:stock:write"])
    assert send(client, "post", BULK, foreign, {"items": ITEMS}, key="x").status_code == 403
    with organisation_scope(shop.organisation):
        assert Product.objects.count() == 0


@pytest.mark.parametrize("field", ["price_cents", "on_hand", "vat_rate"])
@pytest.mark.parametrize("value", [10**30, -1, 2**63])
def test_hostile_numbers_are_item_errors_not_500(client, till, field, value):
    shop, _owner, secret = till
    item = {"sku": "H-1", "title": "Hut", "price_cents": 100, field: value}
    response = send(client, "post", BULK, secret, {"items": [item]}, key=f"h-{field}-{value}")
    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert response.json()["items"][0]["status"] == "error"
    with organisation_scope(shop.organisation):
        assert not Variant.objects.exists()
    patch = send(client, "patch", STOCK, secret, {"items": [{"sku": "H-1", field: value}]})
    assert patch.status_code in (200, 422)
