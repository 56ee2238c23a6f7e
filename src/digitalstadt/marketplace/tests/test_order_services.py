"""The shop's side of orders: transitions, pickup, stock, cancellation and refunds."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from digitalstadt.accounts.models import OrgRole
from digitalstadt.core.models import AuditEntry
from digitalstadt.mailbox.models import Message, OutboundEmail
from digitalstadt.marketplace.models import (
    Invoice,
    OrderLine,
    OrderStatus,
    ReservationStatus,
    ShopOrder,
    StockReservation,
    Variant,
)
from digitalstadt.marketplace.order_selectors import open_orders_count
from digitalstadt.marketplace.order_services import (
    normalise_pickup_code,
    shop_order_accept,
    shop_order_cancel,
    shop_order_hand_over,
    shop_order_mark_ready,
    shop_order_refund,
)
from digitalstadt.payments.models import Refund

from .factories import make_member, make_order, make_paid_online, make_shop, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


@pytest.fixture
def seller(shop):
    return make_member(shop, role=OrgRole.SALES, first_name="Vera", last_name="Verkauf")


def fresh(shop_order):
    return ShopOrder.unscoped_objects.get(pk=shop_order.pk)


def variant_stock(variant):
    v = Variant.unscoped_objects.get(pk=variant.pk)
    return v.on_hand, v.reserved


def test_accept_ready_hand_over_collects_stock_and_tells_the_shopper(shop, seller):
    variant = make_variant(shop, on_hand=5)
    order = make_order(shop, lines=[(variant, 2)], pickup_code="K7Q2M9")
    assert variant_stock(variant) == (5, 2)

    shop_order_accept(shop=shop, shop_order_id=order.pk, actor=seller)
    assert fresh(order).status == OrderStatus.ACCEPTED and fresh(order).accepted_at is not None
    shop_order_mark_ready(shop=shop, shop_order_id=order.pk, actor=seller)
    assert fresh(order).status == OrderStatus.READY

    with pytest.raises(ValidationError, match="Abholcode"):
        shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="K7Q2M8", actor=seller)
    assert fresh(order).status == OrderStatus.READY and variant_stock(variant) == (5, 2)

    shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="k7q-2m9", actor=seller)
    done = fresh(order)
    assert done.status == OrderStatus.PICKED_UP and done.picked_up_at is not None
    assert variant_stock(variant) == (3, 0)
    assert StockReservation.unscoped_objects.get(shop_order=order).status == ReservationStatus.COLLECTED

    actions = list(AuditEntry.objects.filter(subject_id=str(order.pk), subject_type="marketplace.shoporder")
                   .values_list("action", flat=True))
    assert actions.count("marketplace.order_status_changed") == 2 and "marketplace.order_picked_up" in actions
    shopper = order.order.shopper
    # Each change: a notice by e-mail (with the subject naming it) and a Postfach message.
    notices = OutboundEmail.objects.filter(to=shopper.email, purpose__startswith="marketplace:order_")
    assert sorted(notices.values_list("purpose", flat=True)) == [
        "marketplace:order_accepted", "marketplace:order_picked_up", "marketplace:order_ready"]
    ready_mail = notices.get(purpose="marketplace:order_ready")
    assert "abholbereit" in ready_mail.subject and "K7Q2M9" in ready_mail.body_text
    assert "/marktplatz/bestellungen/" in ready_mail.body_text
    assert Message.objects.filter(recipient_user=shopper, sender_name=shop.name).count() == 3


def test_hand_over_by_code_alone_finds_the_order_and_qr_text_works(shop, seller):
    order = make_order(shop, status=OrderStatus.READY, pickup_code="ZX81AB")
    other = make_order(shop, status=OrderStatus.READY, pickup_code="QQ22RR")
    assert normalise_pickup_code("abholung:zx81ab") == "ZX81AB"
    shop_order_hand_over(shop=shop, pickup_code="abholung:zx81ab", actor=seller)
    assert fresh(order).status == OrderStatus.PICKED_UP
    assert fresh(other).status == OrderStatus.READY


def test_another_shops_code_does_not_hand_over(shop, seller):
    other_shop = make_shop()
    theirs = make_order(other_shop, status=OrderStatus.READY, pickup_code="AAAA11")
    with pytest.raises(ValidationError, match="passt zu keiner"):
        shop_order_hand_over(shop=shop, pickup_code="AAAA11", actor=seller)
    with pytest.raises(ValidationError, match="gibt es in Ihrem Geschäft nicht"):
        shop_order_hand_over(shop=shop, shop_order_id=theirs.pk, pickup_code="AAAA11", actor=seller)
    assert fresh(theirs).status == OrderStatus.READY


@pytest.mark.parametrize(("status", "action"), [
    (OrderStatus.PICKED_UP, "accept"), (OrderStatus.CANCELLED, "ready"), (OrderStatus.CANCELLED, "hand_over"),
    (OrderStatus.PICKED_UP, "cancel"), (OrderStatus.READY, "refund"), (OrderStatus.PENDING_PAYMENT, "accept"),
    (OrderStatus.REFUNDED, "refund"),
])
def test_wrong_transitions_are_refused_and_change_nothing(shop, seller, status, action):
    order = make_order(shop, status=status, pickup_code="ABC123")
    calls = {
        "accept": lambda: shop_order_accept(shop=shop, shop_order_id=order.pk, actor=seller),
        "ready": lambda: shop_order_mark_ready(shop=shop, shop_order_id=order.pk, actor=seller),
        "hand_over": lambda: shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="ABC123",
                                                  actor=seller),
        "cancel": lambda: shop_order_cancel(shop=shop, shop_order_id=order.pk, reason="Ausverkauft", actor=seller),
        "refund": lambda: shop_order_refund(shop=shop, shop_order_id=order.pk, reason="Defekt", actor=seller,
                                            lines={OrderLine.unscoped_objects.filter(shop_order=order).first().pk: 1}),
    }
    with pytest.raises(ValidationError) as excinfo:
        calls[action]()
    assert excinfo.value.code == "wrong_transition"
    assert "Status" in excinfo.value.messages[0]
    assert fresh(order).status == status
    assert not OutboundEmail.objects.filter(purpose__startswith="marketplace:order_").exists()


def test_cancel_by_the_shop_releases_stock_and_refunds_online_payment(shop, seller):
    variant = make_variant(shop, on_hand=4, price_cents=1500)
    order = make_order(shop, lines=[(variant, 3)])
    payment = make_paid_online(order)
    assert variant_stock(variant) == (4, 3)

    with pytest.raises(ValidationError, match="Grund"):
        shop_order_cancel(shop=shop, shop_order_id=order.pk, reason="  ", actor=seller)
    shop_order_cancel(shop=shop, shop_order_id=order.pk, reason="Lieferant hat nicht geliefert", actor=seller)

    done = fresh(order)
    assert done.status == OrderStatus.CANCELLED and done.cancel_reason == "Lieferant hat nicht geliefert"
    assert done.refunded_cents == 4500
    assert variant_stock(variant) == (4, 0)
    refund = Refund.objects.get(payment=payment)
    assert refund.amount_cents == 4500 and "Lieferant" in refund.reason
    mail = OutboundEmail.objects.get(purpose="marketplace:order_cancelled")
    assert "Lieferant hat nicht geliefert" in mail.body_text and "45,00" in mail.body_text


def test_cancel_of_an_order_to_pay_in_store_claims_no_refund(shop, seller):
    order = make_order(shop, pay_online=False, fulfilment="reserve")
    shop_order_cancel(shop=shop, shop_order_id=order.pk, reason="Geschäft geschlossen", actor=seller)
    assert fresh(order).refunded_cents == 0 and not Refund.objects.exists()


def test_partial_then_full_refund_arithmetic(shop, seller):
    coffee = make_variant(shop, title="Kaffee", price_cents=1190, vat_rate=19)
    tea = make_variant(shop, title="Tee", price_cents=499, vat_rate=7)
    order = make_order(shop, lines=[(coffee, 2), (tea, 3)], pickup_code="TEA123")
    payment = make_paid_online(order)
    assert order.total_cents == 2 * 1190 + 3 * 499 == 3877
    shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="TEA123", actor=make_member(shop))
    coffee_line, tea_line = OrderLine.unscoped_objects.filter(shop_order=order).order_by("pk")

    with pytest.raises(ValidationError, match="höchstens 3"):
        shop_order_refund(shop=shop, shop_order_id=order.pk, lines={tea_line.pk: 4}, reason="x", actor=seller)
    with pytest.raises(ValidationError):
        shop_order_refund(shop=shop, shop_order_id=order.pk, lines={tea_line.pk: "zwei"}, reason="x", actor=seller)
    with pytest.raises(ValidationError, match="wie viele"):
        shop_order_refund(shop=shop, shop_order_id=order.pk, lines={tea_line.pk: 0}, reason="x", actor=seller)

    shop_order_refund(shop=shop, shop_order_id=order.pk, lines={tea_line.pk: 2}, reason="Beschädigt",
                      actor=seller)
    partly = fresh(order)
    assert partly.status == OrderStatus.PARTLY_REFUNDED and partly.refunded_cents == 998
    assert OrderLine.unscoped_objects.get(pk=tea_line.pk).refunded_quantity == 2
    assert list(Refund.objects.filter(payment=payment).values_list("amount_cents", flat=True)) == [998]

    shop_order_refund(shop=shop, shop_order_id=order.pk, lines={str(tea_line.pk): "1", coffee_line.pk: 2},
                      reason="Rückgabe", actor=seller)
    full = fresh(order)
    assert full.status == OrderStatus.REFUNDED and full.refunded_cents == full.total_cents == 3877
    assert sum(Refund.objects.filter(payment=payment).values_list("amount_cents", flat=True)) == 3877
    assert "28,79" in OutboundEmail.objects.filter(purpose="marketplace:order_refunded").order_by("pk").last().body_text


def test_members_of_another_shop_and_strangers_cannot_act(shop):
    order = make_order(shop)
    other_shop = make_shop()
    outsider = make_member(other_shop, role=OrgRole.OWNER)
    driver = make_member(shop, role=OrgRole.DRIVER)
    for actor in (outsider, driver, order.order.shopper):
        with pytest.raises(PermissionDenied):
            shop_order_accept(shop=shop, shop_order_id=order.pk, actor=actor)
    # A member of another shop naming this shop's order through their own shop: not found.
    with pytest.raises(ValidationError, match="gibt es in Ihrem Geschäft nicht"):
        shop_order_accept(shop=other_shop, shop_order_id=order.pk, actor=outsider)
    assert fresh(order).status == OrderStatus.NEW


def test_pay_in_store_order_is_paid_and_invoiced_at_pickup(shop, seller, clock):
    order = make_order(shop, pay_online=False, fulfilment="reserve", status=OrderStatus.READY, pickup_code="PAY999")
    assert order.paid_at is None
    clock.shift(timedelta(hours=3))
    shop_order_hand_over(shop=shop, shop_order_id=order.pk, pickup_code="PAY999", actor=seller)
    done = fresh(order)
    assert done.paid_at is not None
    invoice = Invoice.unscoped_objects.get(shop_order=order)
    assert invoice.supplied_on == clock.today() and invoice.pdf[:4] == b"%PDF"


def test_open_orders_count_counts_new_accepted_and_ready_of_the_organisation(shop):
    for status in (OrderStatus.NEW, OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.PICKED_UP,
                   OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT):
        make_order(shop, status=status)
    make_order(make_shop(), status=OrderStatus.NEW)
    assert open_orders_count(organisation=shop.organisation) == 3
