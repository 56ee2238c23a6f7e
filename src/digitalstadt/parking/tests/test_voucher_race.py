"""No voucher is redeemed twice: exit terminals of several car parks redeem the same
voucher at the same moment over HTTP against a live server on PostgreSQL. Under the
voucher's row lock exactly one succeeds and the others get 409; the negative control
switches the locks off and holds every client at the race window until all have seen
the voucher unredeemed: then the one-to-one constraint of the redemption must reject
all but one, and the budget is charged once.

The budget likewise: eight paid orders ask for a voucher at once from a budget that
covers three; under the programme's row lock exactly three get one, and without it
the CHECK constraint `balance_cents >= 0` refuses the rest."""

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
    _operator, _manager, secret = operator_with_token(carpark="ausfahrt")
    return live_server.url, shop, voucher, secret


def _redeem(base, code, secret, i) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/parking/vouchers/{code}/redeem", method="POST",
        data=json.dumps({"carpark": "ausfahrt", "amount_cents": 150, "ticket": f"T-{i}"}).encode(),
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


# --- the budget: vouchers handed out at the same moment never take it below zero --------


def _issue_all(parts):
    from django.db import connection, transaction

    from digitalstadt.parking.voucher_services import voucher_issue_for_order

    def issue(part):
        try:
            with transaction.atomic():
                return "issued" if voucher_issue_for_order(shop_order=part) else "none"
        except Exception as exc:  # the negative control's constraint violation
            return type(exc).__name__
        finally:
            connection.close()

    return all_at_once([lambda part=part: issue(part) for part in parts])


@pytest.fixture
def budget_for_three(settings):
    epay_settings(settings)
    shop, _owner = shop_with_programme(budget_cents=0)
    parts = [paid_order(shop) for _i in range(CLIENTS)]  # paid with an empty budget: no vouchers yet
    assert not Voucher.unscoped_objects.exists()
    VoucherProgramme.unscoped_objects.filter(organisation=shop.organisation).update(balance_cents=600)
    return shop, parts


def test_parallel_orders_take_the_budget_exactly_to_zero(budget_for_three):
    shop, parts = budget_for_three
    results = _issue_all(parts)
    assert results.count("issued") == 3 and results.count("none") == CLIENTS - 3, results
    programme = _programme(shop)
    assert (programme.balance_cents, programme.reserved_cents) == (0, 600)


def test_negative_control_without_the_budget_lock_the_check_constraint_rejects(budget_for_three):
    shop, parts = budget_for_three
    with negative_control(unlock=["parking.VoucherProgramme"],
                          windows={"parking.voucher_budget": meeting_point(CLIENTS)}):
        results = _issue_all(parts)
    print("negative control results:", sorted(results))
    # Every order saw 6 EUR left; the CHECK constraint refuses what would go below zero.
    assert results.count("none") == 0, results
    assert results.count("IntegrityError") >= 1, results
    programme = _programme(shop)
    assert programme.balance_cents >= 0
    assert Voucher.unscoped_objects.count() == results.count("issued") == programme.reserved_cents // 200
