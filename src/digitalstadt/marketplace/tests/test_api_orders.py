"""GET /api/v1/marketplace/orders: the token's shop's orders only, by status and change."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from digitalstadt.accounts import services as accounts
from digitalstadt.accounts.models import OrgRole
from digitalstadt.accounts.tests.factories import StaffFactory
from digitalstadt.marketplace.models import OrderStatus
from digitalstadt.marketplace.order_services import shop_order_accept

from .factories import make_member, make_order, make_shop

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketplace/orders"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def token_for(shop, scopes=("marketplace:orders:read",)):
    owner = StaffFactory()  # with TOTP: only a second factor issues tokens
    from digitalstadt.accounts.models import Membership

    Membership.objects.create(user=owner, organisation=shop.organisation, role=OrgRole.OWNER)
    return accounts.api_token_create(actor=owner, organisation=shop.organisation, name="Kasse", scopes=list(scopes))[1]


def get(client, secret, query=""):
    return client.get(URL + query, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_only_the_tokens_shop_and_no_customer_data(client):
    shop, other = make_shop(), make_shop()
    mine = make_order(shop)
    theirs = make_order(other)
    response = get(client, token_for(shop))
    assert response.status_code == 200
    body = response.json()
    assert [o["number"] for o in body] == [mine.number]
    assert theirs.number not in response.content.decode()
    assert body[0]["lines"][0]["quantity"] == 2 and body[0]["total_cents"] == mine.total_cents
    assert mine.order.email not in response.content.decode() and mine.order.name not in response.content.decode()


def test_scope_is_required(client):
    shop = make_shop()
    make_order(shop)
    assert get(client, token_for(shop, scopes=("marketplace:stock:write",))).status_code == 403
    assert get(client, "dst_unknown").status_code == 401


def test_filter_by_status_and_updated_since(client, clock):
    shop = make_shop()
    seller = make_member(shop)
    secret = token_for(shop)
    first = make_order(shop)
    second = make_order(shop)
    clock.shift(timedelta(hours=1))
    mark = clock.now()
    clock.shift(timedelta(minutes=5))
    shop_order_accept(shop=shop, shop_order_id=first.pk, actor=seller)

    accepted = get(client, secret, "?status=accepted").json()
    assert [o["number"] for o in accepted] == [first.number]
    since = mark.isoformat().replace("+", "%2B")
    changed = get(client, secret, f"?updated_since={since}").json()
    assert [o["number"] for o in changed] == [first.number]
    assert {o["number"] for o in get(client, secret).json()} == {first.number, second.number}

    assert get(client, secret, "?status=verloren").status_code == 400
    assert get(client, secret, "?updated_since=gestern").status_code == 400
    assert get(client, secret, f"?status={OrderStatus.NEW}").json()[0]["number"] == second.number


def test_the_endpoint_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/marketplace/orders"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"status", "updated_since"}
    assert {"200", "401", "403", "429"} <= set(operation["responses"])
