"""No voucher is redeemed twice: exit terminals of several car parks redeem the same
voucher at the same moment over HTTP against a live server on PostgreSQL. Under the
voucher's row lock exactly one succeeds and the others get 409; the negative control
switches the locks off and holds every client at the race window until all have seen
the voucher unredeemed: then the one-to-one constraint of the redemption must reject
all but one, and the budget is charged once."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache

from digitalstadt.core.locking import negative_control
from digitalstadt.parking.models import Redemption, Voucher, VoucherProgramme
from digitalstadt.testing.races import all_at_once, meeting_point

from .voucher_factories import epay_settings, operator_with_token, paid_order, shop_with_programme

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CLIENTS = 8


@pytest.fixture
def contested(live_server, settings):
    epay_settings(settings)
    cache.clear()
    shop, _owner = shop_with_programme(budget_cents=1000)
    part = paid_order(shop)
    voucher = Voucher.unscoped_objects.get(order_ref=f"marketplace.shoporder:{part.pk}")
    _operator, _manager, secret = operator_with_token()
    return live_server.url, shop, voucher, secret


def _redeem(base, code, secret, i) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/parking/vouchers/{code}/redeem", method="POST",
        data=json.dumps({"carpark": f"parkhaus-{i}", "amount_cents": 150}).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _race(base, voucher, secret):
    return all_at_once([lambda i=i: _redeem(base, voucher.code, secret, i) for i in range(CLIENTS)])


def _programme(shop):
    return VoucherProgramme.unscoped_objects.get(organisation=shop.organisation)


def test_parallel_exits_redeem_the_voucher_once(contested):
    base, shop, voucher, secret = contested
    results = _race(base, voucher, secret)
    assert results.count(200) == 1, results
    assert results.count(409) == CLIENTS - 1, results
    assert Redemption.unscoped_objects.filter(voucher=voucher).count() == 1
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents, programme.spent_cents) == (850, 0, 150)


def test_negative_control_without_the_lock_the_constraint_rejects(contested):
    base, shop, voucher, secret = contested
    with negative_control(unlock=["parking.Voucher", "parking.VoucherProgramme"],
                          windows={"parking.voucher_redeem": meeting_point(CLIENTS)}):
        results = _race(base, voucher, secret)
    print("negative control results:", sorted(results))
    # Every client saw the voucher unredeemed; only the database's constraint stops them.
    assert results.count(409) == 0, results
    assert results.count(500) >= 1, results
    assert results.count(200) == 1, results
    assert Redemption.unscoped_objects.filter(voucher=voucher).count() == 1
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents, programme.spent_cents) == (850, 0, 150)
