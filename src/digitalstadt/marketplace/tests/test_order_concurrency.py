"""Two sales people at two tills act on the same order at once (PostgreSQL): the order
row is locked, so exactly one refund of the last unit and one handover go through. The
negative control switches the locks off and holds both at the race window: then both
pass the checks, the race the lock prevents."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from digitalstadt.core.locking import negative_control
from digitalstadt.marketplace.models import OrderLine, OrderStatus, ShopOrder
from digitalstadt.marketplace.order_services import shop_order_hand_over, shop_order_refund
from digitalstadt.payments.models import Refund
from digitalstadt.testing.races import meeting_point

from .factories import make_member, make_order, make_paid_online, make_shop, make_variant

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _at_once(calls):
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        try:
            calls[i]()
            results[i] = "ok"
        except ValidationError as exc:
            results[i] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def collected():
    shop = make_shop()
    sellers = [make_member(shop), make_member(shop)]
    order = make_order(shop, lines=[(make_variant(shop, price_cents=800), 1)], status=OrderStatus.PICKED_UP)
    make_paid_online(order)
    line = OrderLine.unscoped_objects.get(shop_order=order)
    return shop, sellers, order, line


def _refund_calls(shop, sellers, order, line):
    return [lambda s=s: shop_order_refund(shop=shop, shop_order_id=order.pk, lines={line.pk: 1}, reason="Defekt",
                                          actor=s) for s in sellers]


def test_the_last_unit_is_refunded_once(collected):
    shop, sellers, order, line = collected
    results = _at_once(_refund_calls(shop, sellers, order, line))
    assert sorted(results) == ["ok", "wrong_transition"], results
    done = ShopOrder.unscoped_objects.get(pk=order.pk)
    assert done.refunded_cents == 800 and done.status == OrderStatus.REFUNDED
    assert OrderLine.unscoped_objects.get(pk=line.pk).refunded_quantity == 1
    assert Refund.objects.count() == 1


def test_negative_control_without_the_lock_both_refunds_pass_the_check(collected):
    shop, sellers, order, line = collected
    with negative_control(unlock=["marketplace.ShopOrder", "marketplace.OrderLine"],
                          windows={"marketplace.order_refund": meeting_point(2)}):
        results = _at_once(_refund_calls(shop, sellers, order, line))
    # Both read "nothing refunded yet" and both write: the shop would believe it paid
    # back twice (the payment's own lock still caps the money claimed).
    assert results == ["ok", "ok"], results


def test_one_handover_of_an_order(collected):
    shop, sellers, _order, _line = collected
    order = make_order(shop, status=OrderStatus.READY, pickup_code="TWICE1")
    results = _at_once([lambda s=s: shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="TWICE1",
                                                         actor=s) for s in sellers])
    assert sorted(results) == ["ok", "wrong_transition"], results
