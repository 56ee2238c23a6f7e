"""No oversell, ever: shoppers with one unit each in their carts check out at the same
time over HTTP against a live server on PostgreSQL. With the lock exactly the stock is
sold; the negative control switches the variant lock off and holds every client at the
race window until all have passed the availability check: then the check constraint
`reserved <= on_hand` has to reject what would be oversold."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.locking import negative_control
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart, ShopOrder, StockReservation, Variant
from digitalstadt.testing.races import all_at_once, meeting_point

from .checkout_factories import make_shop, make_variant

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 12
UNITS = 5


class Shopper:
    """One browser: its own session cookie and CSRF token, like a person at home."""

    def __init__(self, base_url: str, user):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(_NoRedirect())
        session = Client()
        session.force_login(user)
        name = django_settings.SESSION_COOKIE_NAME
        self.cookies = {name: session.cookies[name].value}
        with self.opener.open(self._request("/marktplatz/warenkorb/kasse/"), timeout=30) as response:
            page = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                key, _, rest = header.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def _request(self, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Referer": f"{self.base_url}{path}"}
        return urllib.request.Request(f"{self.base_url}{path}", data=data, headers=headers,
                                      method="POST" if data else "GET")

    def checkout(self, shop) -> int:
        body = urllib.parse.urlencode({
            "csrfmiddlewaretoken": self.csrf, f"fulfilment-{shop.pk}": "reserve", "name": "Kundin",
            "email": "kundin@example.org", "terms": "yes"}).encode()
        try:
            with self.opener.open(self._request("/marktplatz/warenkorb/kasse/", body), timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def contested(live_server, settings):
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    shop = make_shop("Spielwaren Luisenplatz")
    variant = make_variant(shop, title="Holzeisenbahn", price_cents=4990, on_hand=UNITS)
    shoppers = []
    for _ in range(CLIENTS):
        user = CitizenFactory()
        checkout.cart_add(cart=Cart.objects.create(user=user), variant_id=variant.pk, quantity=1)
        shoppers.append(Shopper(live_server.url, user))
    return shop, variant, shoppers


def _race(shop, shoppers):
    return all_at_once([lambda shopper=shopper: shopper.checkout(shop) for shopper in shoppers])


def test_parallel_checkouts_sell_exactly_the_stock(contested):
    shop, variant, shoppers = contested
    results = _race(shop, shoppers)
    assert results.count(302) == UNITS, results  # placed: redirected to the order page
    assert results.count(400) == CLIENTS - UNITS, results  # "ausverkauft", nothing placed
    variant.refresh_from_db()
    assert variant.reserved == UNITS == variant.on_hand
    assert ShopOrder.unscoped_objects.filter(shop=shop).count() == UNITS
    assert sum(StockReservation.unscoped_objects.filter(variant=variant).values_list("quantity", flat=True)) == UNITS


def test_negative_control_without_the_lock_the_constraint_rejects(contested):
    shop, variant, shoppers = contested
    # Without the variant lock every client passes the availability check before any writes.
    with negative_control(unlock=["marketplace.Variant"],
                          windows={"marketplace.stock_hold": meeting_point(CLIENTS)}):
        results = _race(shop, shoppers)
    print("negative control results:", sorted(results))
    # All twelve saw five available; the increments beyond five violate the constraint (500).
    assert results.count(500) >= 1, results
    assert results.count(400) == 0, results  # nobody was refused by the (raced) check
    variant.refresh_from_db()
    assert variant.reserved <= variant.on_hand == UNITS
    assert ShopOrder.unscoped_objects.filter(shop=shop).count() == variant.reserved
    assert Variant.unscoped_objects.filter(pk=variant.pk, reserved__gt=UNITS).count() == 0
