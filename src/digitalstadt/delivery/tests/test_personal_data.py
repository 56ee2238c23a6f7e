"""The delivery app's share of GDPR export and erasure, the retention of proofs of
delivery, and its dashboard figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.core.registry import dashboard_figures, personal_data_handlers, retention_policies
from digitalstadt.delivery.models import Job, JobStatus, Shift, Tour
from digitalstadt.delivery.offer import DELIVERY, delivery_windows
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart
from digitalstadt.marketplace.tests.checkout_factories import make_variant

from .factories import ADDRESS, make_courier, make_delivering_shop

pytestmark = pytest.mark.django_db


def _delivery(user, courier, zone, shop):
    variant = make_variant(shop, title="Korb", price_cents=1500, on_hand=5, sku=f"K-{user.pk}")
    cart = Cart.objects.create(user=user)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    start = delivery_windows(courier_id=courier.pk, zone=zone, now=timezone.now())[0].starts_at
    checkout.checkout_place(user=user, cart=cart, name="Nora Nachweis", email="nora@example.org", phone="0151 123",
                            choices={shop.pk: checkout.ShopChoice(DELIVERY, start)}, address=ADDRESS)
    return Job.unscoped_objects.get(shop_order__order__shopper=user)


def test_export_and_erasure_keep_an_open_delivery_until_it_is_done(clock):
    courier, zone, _hub = make_courier()
    shop = make_delivering_shop()
    nora = CitizenFactory()
    job = _delivery(nora, courier, zone, shop)
    handler = personal_data_handlers.get("delivery")
    exported = handler.export(user=nora)["deliveries"]
    assert [(d["street"], d["note"], d["phone"]) for d in exported] == [("Kapellstraße 10", "Hinterhaus", "0151 123")]
    assert handler.erase(user=nora) == {"erased_deliveries": 0, "kept_until_delivered": 1}
    Job.unscoped_objects.filter(pk=job.pk).update(status=JobStatus.DELIVERED, delivered_at=timezone.now(),
                                                  received_by="Nora", signature_png=b"\x89PNG", photo_jpeg=b"\xff\xd8")
    assert handler.erase(user=nora) == {"erased_deliveries": 1, "kept_until_delivered": 0}
    job.refresh_from_db()
    assert (job.street, job.phone, job.note, job.signature_png, job.photo_jpeg) == ("gelöscht", "", "", None, None)


def test_proofs_are_purged_after_the_retention_period_and_figures_count(clock):
    courier, zone, hub = make_courier()
    shop = make_delivering_shop()
    job = _delivery(CitizenFactory(), courier, zone, shop)
    on_time = job.window.starts_at + timedelta(minutes=30)
    Job.unscoped_objects.filter(pk=job.pk).update(status=JobStatus.DELIVERED, delivered_at=on_time,
                                                  signature_png=b"\x89PNG", photo_jpeg=b"\xff\xd8")
    late = _delivery(CitizenFactory(), courier, zone, shop)
    Job.unscoped_objects.filter(pk=late.pk).update(status=JobStatus.DELIVERED,
                                                   delivered_at=late.window.ends_at + timedelta(minutes=5))
    clock.shift(timedelta(days=1))
    assert dashboard_figures.get("delivery.on_time").value() == 0.5
    bike = courier_bike(courier)
    shift = Shift.unscoped_objects.create(organisation=courier, bike=bike, hub=hub, day=job.window.day,
                                          starts_at=job.window.starts_at - timedelta(hours=1),
                                          ends_at=job.window.ends_at + timedelta(hours=2))
    Tour.unscoped_objects.create(organisation=courier, shift=shift, day=job.window.day, distance_m=12_345,
                                 started_at=job.window.starts_at)
    assert dashboard_figures.get("delivery.cargo_bike_km").value() == 12.3
    policy = retention_policies.get("delivery_proofs")
    assert policy.purge(cutoff=on_time) == 0  # not older than the cut-off yet
    assert policy.purge(cutoff=on_time + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.signature_png is None and job.photo_jpeg is None and job.proof_erased_at is not None


def courier_bike(courier):
    from digitalstadt.delivery.models import Bike

    return Bike.unscoped_objects.filter(organisation=courier).first()


def test_the_statement_counts_deliveries_failures_returns_and_fees_per_day_and_shop(clock):
    from digitalstadt.delivery.selectors import statement

    courier, zone, _hub = make_courier()
    shop = make_delivering_shop()
    jobs = [_delivery(CitizenFactory(), courier, zone, shop) for _ in range(3)]
    Job.unscoped_objects.filter(pk=jobs[0].pk).update(status=JobStatus.DELIVERED, attempts=1)  # second attempt
    Job.unscoped_objects.filter(pk=jobs[1].pk).update(status=JobStatus.RETURNED, attempts=2)
    Job.unscoped_objects.filter(pk=jobs[2].pk).update(status=JobStatus.CANCELLED)
    day = jobs[0].window.day
    rows = statement(courier_id=courier.pk, start=day, end=day)
    assert [(r.label, r.delivered, r.failed, r.returned, r.fees_cents) for r in rows] == [
        (day.isoformat(), 1, 3, 1, 490)]
    rows = statement(courier_id=courier.pk, start=day, end=day, by="shop")
    assert [r.label for r in rows] == [shop.name]
    other, _z, _h = make_courier("Anderer Kurier")
    assert statement(courier_id=other.pk, start=day, end=day) == []
