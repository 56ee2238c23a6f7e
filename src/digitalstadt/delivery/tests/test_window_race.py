"""No delivery window is ever overbooked: shoppers check out at the same moment over
HTTP against a live server on PostgreSQL, each with their own article (so that no stock
lock serialises them), all for the same window of capacity 3. With the window's row
lock exactly three get it; the negative control switches that lock off and holds every
client at the race window until all have passed the free-places check: then the CHECK
constraint `taken <= capacity` has to reject what would be overbooked."""

from __future__ import annotations

import urllib.error
import urllib.parse

import pytest
from django.core.cache import cache
from django.utils import timezone

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.locking import negative_control
from digitalstadt.delivery.models import DeliveryWindow, Job
from digitalstadt.delivery.offer import DELIVERY, delivery_windows
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart, ShopOrder
from digitalstadt.marketplace.tests.checkout_factories import make_variant
from digitalstadt.marketplace.tests.test_oversell import Shopper
from digitalstadt.testing.races import all_at_once, meeting_point

from .factories import ADDRESS, make_courier, make_delivering_shop

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 10
PLACES = 3


@pytest.fixture
def contested(live_server, settings):
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    courier, zone, _hub = make_courier(capacity=PLACES)
    shop = make_delivering_shop("Feinkost Mathildenhöhe", slug="feinkost")
    window = delivery_windows(courier_id=courier.pk, zone=zone, now=timezone.now())[0]
    shoppers = []
    for i in range(CLIENTS):
        user = CitizenFactory()
        variant = make_variant(shop, title=f"Geschenkkorb {i}", price_cents=2990, on_hand=5, sku=f"KORB-{i}")
        checkout.cart_add(cart=Cart.objects.create(user=user), variant_id=variant.pk, quantity=1)
        shoppers.append(Shopper(live_server.url, user))
    return shop, window, shoppers


def _checkout(shopper, shop, window) -> int:
    body = urllib.parse.urlencode({
        "csrfmiddlewaretoken": shopper.csrf, f"fulfilment-{shop.pk}": DELIVERY,
        f"window-{shop.pk}-{DELIVERY}": window.starts_at.isoformat(), "name": "Kundin",
        "email": "kundin@example.org", "terms": "yes", "address-street": ADDRESS["street"],
        "address-postal_code": ADDRESS["postal_code"], "address-city": "Darmstadt"}).encode()
    try:
        with shopper.opener.open(shopper._request("/marktplatz/warenkorb/kasse/", body), timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _race(shop, window, shoppers):
    return all_at_once([lambda shopper=shopper: _checkout(shopper, shop, window) for shopper in shoppers])


def test_parallel_checkouts_fill_the_window_exactly(contested):
    shop, window, shoppers = contested
    results = _race(shop, window, shoppers)
    assert results.count(302) == PLACES, results
    assert results.count(400) == CLIENTS - PLACES, results  # "ausgebucht", nothing placed
    window.refresh_from_db()
    assert window.taken == PLACES
    assert Job.unscoped_objects.filter(window=window).count() == PLACES
    assert ShopOrder.unscoped_objects.filter(shop=shop).count() == PLACES


def test_negative_control_without_the_lock_the_constraint_rejects(contested):
    shop, window, shoppers = contested
    with negative_control(unlock=["delivery.DeliveryWindow"],
                          windows={"delivery.window_taken": meeting_point(CLIENTS)}):
        results = _race(shop, window, shoppers)
    print("negative control results:", sorted(results))
    # Every client saw three free places; the increments beyond three violate the constraint.
    assert results.count(500) >= 1, results
    assert results.count(400) == 0, results  # nobody was refused by the (raced) check
    window.refresh_from_db()
    assert window.taken <= window.capacity == PLACES
    assert Job.unscoped_objects.filter(window=window).count() == window.taken
    assert DeliveryWindow.unscoped_objects.filter(pk=window.pk, taken__gt=PLACES).count() == 0
