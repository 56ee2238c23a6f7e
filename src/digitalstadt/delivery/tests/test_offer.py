"""Delivery at checkout: the windows offered (cut-off, next day, holidays, capacity), the
fee as dated data, the address check, and the job a delivered shop order becomes. The
clock is the suite's (Tuesday 1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.delivery.models import DeliveryFee, DeliveryWindow, Job, JobStatus, Stop
from digitalstadt.delivery.offer import DELIVERY, delivery_windows
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart, OrderStatus, ShopOrder
from digitalstadt.marketplace.tests.checkout_factories import make_shop, make_variant

from .factories import ADDRESS, make_courier, make_delivering_shop

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def shopper():
    return CitizenFactory(email="lieferung@example.org", first_name="Lina", last_name="Lieferung")


@pytest.fixture
def setup():
    courier, zone, hub = make_courier(capacity=2)
    shop = make_delivering_shop()
    beans = make_variant(shop, title="Espresso-Bohnen 250 g", price_cents=899, on_hand=10)
    return courier, zone, shop, beans


def _cart(user, variant, quantity=1):
    cart, _created = Cart.objects.get_or_create(user=user)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def _windows(courier, zone, now=None):
    from django.utils import timezone

    return delivery_windows(courier_id=courier.pk, zone=zone, now=now or timezone.now())


def _place(user, shop, start, address=ADDRESS):
    cart = Cart.objects.get(user=user)
    return checkout.checkout_place(user=user, cart=cart, name="Lina Lieferung", email="lieferung@example.org",
                                   choices={shop.pk: checkout.ShopChoice(DELIVERY, start)}, address=address)


def test_before_the_cut_off_today_is_offered_after_it_the_next_day(setup, clock):
    courier, zone, _shop, _beans = setup
    starts = [w.starts_at for w in _windows(courier, zone)]
    assert starts[0] == datetime(2026, 12, 1, 16, tzinfo=BERLIN) and starts[1] == datetime(2026, 12, 1, 18,
                                                                                           tzinfo=BERLIN)
    clock.move_to(datetime(2026, 12, 1, 14, 0, tzinfo=BERLIN))  # the cut-off itself: too late for today
    starts = [w.starts_at for w in _windows(courier, zone)]
    assert starts[0] == datetime(2026, 12, 2, 16, tzinfo=BERLIN)
    # Christmas: Friday 25 and Saturday 26 December are holidays in Hesse; Sunday has no template.
    clock.move_to(datetime(2026, 12, 24, 15, 0, tzinfo=BERLIN))
    days = sorted({w.day for w in _windows(courier, zone)})
    assert days == [date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30)], days


def test_checkout_with_delivery_takes_a_window_charges_the_fee_and_creates_the_job(setup, shopper):
    courier, zone, shop, beans = setup
    _cart(shopper, beans, 2)
    start = _windows(courier, zone)[0].starts_at
    order = _place(shopper, shop, start)
    shop_order = ShopOrder.unscoped_objects.get(order=order)
    assert shop_order.fulfilment == DELIVERY and shop_order.status == OrderStatus.PENDING_PAYMENT
    assert shop_order.total_cents == 2 * 899 + 490
    fee_line = [line for line in shop_order.lines.model.unscoped_objects.filter(shop_order=shop_order)
                if line.variant_id is None]
    assert [(f.title, f.unit_price_cents, f.vat_rate) for f in fee_line] == [("Lieferung am selben Tag", 490, 19)]
    job = Job.unscoped_objects.get(shop_order=shop_order)
    assert job.organisation_id == courier.pk and job.window.starts_at == start and job.zone == zone
    assert (job.street, job.district, job.note, job.status) == ("Kapellstraße 10", "Mitte", "Hinterhaus",
                                                                JobStatus.WAITING)
    assert job.volume_litres == 8 and job.weight_grams == 2000
    assert sorted(Stop.unscoped_objects.filter(job=job).values_list("kind", flat=True)) == ["delivery", "pickup"]
    assert DeliveryWindow.unscoped_objects.get(pk=job.window_id).taken == 1


def test_the_fee_is_the_one_valid_on_the_delivery_day(setup, shopper):
    courier, zone, shop, beans = setup
    DeliveryFee.unscoped_objects.filter(zone=zone).update(valid_until=date(2026, 12, 1))
    DeliveryFee.unscoped_objects.create(organisation=courier, zone=zone, valid_from=date(2026, 12, 2), fee_cents=590)
    _cart(shopper, beans)
    tomorrow = next(w.starts_at for w in _windows(courier, zone) if w.day == date(2026, 12, 2))
    order = _place(shopper, shop, tomorrow)
    assert ShopOrder.unscoped_objects.get(order=order).total_cents == 899 + 590


def test_a_full_window_is_no_longer_offered_and_refused(setup, shopper):
    courier, zone, shop, beans = setup
    start = _windows(courier, zone)[0].starts_at
    DeliveryWindow.unscoped_objects.filter(organisation=courier, starts_at=start).update(taken=2)
    assert start not in [w.starts_at for w in _windows(courier, zone)]
    _cart(shopper, beans)
    with pytest.raises(ValidationError) as err:
        _place(shopper, shop, start)
    assert "nicht mehr möglich" in str(err.value)
    assert not ShopOrder.unscoped_objects.exists() and not Job.unscoped_objects.exists()


def test_an_address_outside_the_zones_or_unknown_is_refused_with_nothing_changed(setup, shopper):
    courier, zone, shop, beans = setup
    _cart(shopper, beans)
    start = _windows(courier, zone)[0].starts_at
    for address in ({"street": "Heidelberger Landstraße 5", "postal_code": "64297"},  # Eberstadt: not served
                    {"street": "Nirgendwostraße 1", "postal_code": "64283"}):
        with pytest.raises(ValidationError) as err:
            _place(shopper, shop, start, address=address)
        assert "liefern wir leider nicht" in str(err.value)
    with pytest.raises(ValidationError) as err:
        _place(shopper, shop, start, address={"street": "", "postal_code": ""})
    assert "Lieferadresse" in str(err.value)
    assert not ShopOrder.unscoped_objects.exists() and DeliveryWindow.unscoped_objects.get(starts_at=start).taken == 0
    assert Cart.objects.get(user=shopper).lines.count() == 1


def test_delivery_is_offered_only_where_a_courier_collects_and_for_shippable_goods(setup, shopper):
    courier, zone, shop, beans = setup
    plain = make_shop("Laden ohne Position", slug="ohne-position")
    other = make_variant(plain, title="Tasse", price_cents=500)
    _cart(shopper, beans)
    _cart(shopper, other)
    groups = {g.shop.pk: [m.id for m in g.methods] for g in checkout.cart_groups(cart=Cart.objects.get(user=shopper))}
    assert DELIVERY in groups[shop.pk] and DELIVERY not in groups[plain.pk]
    beans.product.shippable = False
    beans.product.save()
    groups = {g.shop.pk: [m.id for m in g.methods] for g in checkout.cart_groups(cart=Cart.objects.get(user=shopper))}
    assert DELIVERY not in groups[shop.pk]


def test_checkout_page_offers_delivery_windows_and_a_bad_address_keeps_the_input(setup, shopper, client):
    courier, zone, shop, beans = setup
    _cart(shopper, beans)
    client.force_login(shopper)
    page = client.get(reverse("market-cart:checkout"))
    html = page.content.decode()
    assert "Lieferfenster (bei Lieferung)" in html and "Lieferadresse" in html
    start = _windows(courier, zone)[0].starts_at
    data = {f"fulfilment-{shop.pk}": DELIVERY, f"window-{shop.pk}-{DELIVERY}": start.isoformat(),
            "name": "Lina Lieferung", "email": "lieferung@example.org", "terms": "yes",
            "address-street": "Heidelberger Landstraße 5", "address-postal_code": "64297", "address-city": "Darmstadt"}
    response = client.post(reverse("market-cart:checkout"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "liefern wir leider nicht" in html and 'value="Heidelberger Landstraße 5"' in html
    assert not ShopOrder.unscoped_objects.exists()
    data["address-street"], data["address-postal_code"] = "Kapellstraße 10", "64283"
    response = client.post(reverse("market-cart:checkout"), data)
    assert response.status_code == 302
    job = Job.unscoped_objects.get()
    tracking = client.get(reverse("delivery-track:job", kwargs={"token": job.tracking_token}))
    assert tracking.status_code == 200 and "Die Tour wird geplant" in tracking.content.decode()
    assert client.get(f"/lieferung/{'0' * 8}-0000-0000-0000-{'0' * 12}/").status_code == 404


def test_windows_are_built_per_local_day_across_the_dst_change(setup, clock):
    courier, zone, _shop, _beans = setup
    # Thursday after the cut-off: Good Friday 26 and Easter Monday 29 March are holidays, Sunday has no
    # windows, and summer time starts on Easter Sunday.
    clock.move_to(datetime(2027, 3, 25, 15, 0, tzinfo=BERLIN))
    first = [w for w in _windows(courier, zone) if w.starts_at.astimezone(BERLIN).time() == time(16)]
    assert [w.day for w in first] == [date(2027, 3, 27), date(2027, 3, 30), date(2027, 3, 31)]
    assert [w.starts_at.astimezone(ZoneInfo("UTC")).hour for w in first] == [15, 14, 14]
    assert all(w.ends_at - w.starts_at == timedelta(hours=2) for w in first)


def test_an_expired_or_cancelled_order_gives_its_window_place_back(setup, shopper, clock):
    courier, zone, shop, beans = setup
    _cart(shopper, beans)
    start = _windows(courier, zone)[0].starts_at
    order = _place(shopper, shop, start)
    window = DeliveryWindow.unscoped_objects.get(starts_at=start)
    assert window.taken == 1
    clock.shift(timedelta(minutes=11))  # not paid within the hold
    assert checkout.order_holds_expire() == 1
    window.refresh_from_db()
    job = Job.unscoped_objects.get(shop_order__order=order)
    assert window.taken == 0 and job.status == JobStatus.CANCELLED
    assert not Stop.unscoped_objects.filter(job=job, tour__isnull=False).exists()


def test_the_shop_packing_the_order_makes_the_parcel_ready_for_the_courier(setup, shopper):
    from digitalstadt.marketplace.order_services import shop_order_mark_ready
    from digitalstadt.marketplace.tests.factories import make_member

    courier, zone, shop, beans = setup
    _cart(shopper, beans)
    order = _place(shopper, shop, _windows(courier, zone)[0].starts_at)
    part = ShopOrder.unscoped_objects.get(order=order)
    ShopOrder.unscoped_objects.filter(pk=part.pk).update(status=OrderStatus.NEW)  # paid
    seller = make_member(shop)
    shop_order_mark_ready(shop=shop, shop_order_id=part.pk, actor=seller)
    assert Job.unscoped_objects.get(shop_order=part).status == JobStatus.READY
