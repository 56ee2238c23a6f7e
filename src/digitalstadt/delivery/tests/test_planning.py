"""From rows to tours and back: a day's jobs are planned into the shifts' tours (pickup
before delivery, inside the windows); re-planning keeps done stops, keeps a parcel on
board on its bike and locked stops in their order; a failed plan keeps the old tours.
The clock is the suite's (Tuesday 1 December 2026, 09:30 Berlin)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.delivery import planning
from digitalstadt.delivery.models import Bike, Job, JobStatus, PlanRun, Shift, Stop, StopKind, Tour, TourStatus
from digitalstadt.delivery.offer import DELIVERY, delivery_windows
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart, OrderStatus, ShopOrder
from digitalstadt.marketplace.tests.checkout_factories import make_variant

from .factories import make_courier, make_delivering_shop

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 12, 1)
STREETS = ["Kapellstraße 10", "Soderstraße 4", "Große Bachgasse 2", "Alexanderstraße 7", "Beckstraße 20",
           "Bessunger Straße 30"]


@pytest.fixture
def day_with_jobs():
    courier, zone, hub = make_courier(capacity=20)
    for bike in Bike.unscoped_objects.filter(organisation=courier):
        Shift.unscoped_objects.create(organisation=courier, bike=bike, hub=hub, day=DAY,
                                      starts_at=datetime(2026, 12, 1, 15, tzinfo=BERLIN),
                                      ends_at=datetime(2026, 12, 1, 21, tzinfo=BERLIN))
    shops = [make_delivering_shop("Feinkost am Markt", slug="feinkost"),
             make_delivering_shop("Buchladen Mitte", slug="buchladen")]
    shops[1].latitude, shops[1].longitude = Decimal("49.8760"), Decimal("8.6570")
    shops[1].save()
    windows = delivery_windows(courier_id=courier.pk, zone=zone, now=timezone.now())
    for i, street in enumerate(STREETS):
        user = CitizenFactory()
        shop = shops[i % 2]
        variant = make_variant(shop, title=f"Artikel {i}", price_cents=1000, on_hand=3, sku=f"A-{i}")
        cart = Cart.objects.create(user=user)
        checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
        checkout.checkout_place(user=user, cart=cart, name=f"Kundin {i}", email=f"k{i}@example.org",
                                choices={shop.pk: checkout.ShopChoice(DELIVERY, windows[i % 2].starts_at)},
                                address={"street": street, "postal_code": "64283", "city": "Darmstadt"})
    # Paid (as the provider's notice would make it): only paid orders are planned.
    ShopOrder.unscoped_objects.update(status=OrderStatus.NEW, paid_at=timezone.now())
    return courier


def _tour_stops(tour):
    return list(Stop.unscoped_objects.filter(tour=tour).select_related("job__window").order_by("sequence"))


def test_a_day_is_planned_into_tours_with_pickup_first_inside_the_windows(day_with_jobs):
    courier = day_with_jobs
    run = planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    assert run.status == "done" and run.summary["jobs"] == 6 and run.summary["unassigned"] == []
    planned = Stop.unscoped_objects.filter(organisation=courier, tour__isnull=False).count()
    assert planned == 12
    for tour in Tour.unscoped_objects.filter(organisation=courier):
        stops = _tour_stops(tour)
        assert [s.sequence for s in stops] == list(range(1, len(stops) + 1))
        seen = set()
        for stop in stops:
            if stop.kind == StopKind.PICKUP:
                seen.add(stop.job_id)
            else:
                assert stop.job_id in seen  # picked up earlier on the same bike
                window = stop.job.window
                assert window.starts_at <= stop.planned_departure and stop.planned_arrival <= window.ends_at
        assert all(a.planned_arrival <= b.planned_arrival for a, b in zip(stops, stops[1:]))
        assert tour.shift.starts_at <= stops[0].planned_arrival and stops[-1].planned_departure <= tour.shift.ends_at


def test_replanning_keeps_done_stops_parcels_on_board_and_locked_stops(day_with_jobs, clock):
    courier = day_with_jobs
    planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    tour = Tour.unscoped_objects.filter(organisation=courier).order_by("pk").first()
    stops = _tour_stops(tour)
    first_pickup = next(s for s in stops if s.kind == StopKind.PICKUP)
    # The bike is out: it has picked up the first parcel at 15:10.
    out_at = datetime(2026, 12, 1, 15, 20, tzinfo=BERLIN)
    clock.move_to(out_at)
    Tour.unscoped_objects.filter(pk=tour.pk).update(status=TourStatus.STARTED, started_at=timezone.now())
    Stop.unscoped_objects.filter(pk=first_pickup.pk).update(done_at=timezone.now() - timedelta(minutes=10))
    Job.unscoped_objects.filter(pk=first_pickup.job_id).update(status=JobStatus.PICKED_UP)
    # The dispatcher locks the next two stops of that tour (a locked prefix after the done one).
    locked = [s.pk for s in stops[1:3]]
    Stop.unscoped_objects.filter(pk__in=locked).update(locked=True)
    run = planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    assert run.status == "done", run.summary
    done = Stop.unscoped_objects.get(pk=first_pickup.pk)
    assert done.tour_id == tour.pk and done.done_at is not None
    delivery = Stop.unscoped_objects.get(job_id=first_pickup.job_id, kind=StopKind.DELIVERY)
    assert delivery.tour_id == tour.pk and delivery.sequence > done.sequence  # the parcel stays on its bike
    assert delivery.planned_arrival >= out_at
    again = _tour_stops(tour)
    assert [s.pk for s in again[1:3]] == locked and all(s.locked for s in again[1:3])
    assert again[1].planned_arrival >= out_at


def test_a_plan_that_fails_keeps_the_tours_and_says_so(day_with_jobs, settings):
    courier = day_with_jobs
    planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    before = list(Stop.unscoped_objects.filter(organisation=courier).values_list("pk", "tour_id", "sequence"))
    settings.OSRM_URL = "http://127.0.0.1:9"  # nothing listens there
    run = planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    assert run.status == "failed" and run.summary["error"]
    after = list(Stop.unscoped_objects.filter(organisation=courier).values_list("pk", "tour_id", "sequence"))
    assert before == after
    assert PlanRun.unscoped_objects.filter(organisation=courier).count() == 2


def test_a_confirmed_pickup_starts_the_tour_and_a_second_attempt_is_planned_on_the_same_bike(day_with_jobs, clock):
    import uuid

    from digitalstadt.delivery.courier_services import job_confirm_failed, job_confirm_pickup

    courier = day_with_jobs
    planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    tour = Tour.unscoped_objects.filter(organisation=courier).order_by("pk").first()
    driver = CitizenFactory()
    from digitalstadt.accounts.models import Membership, OrgRole

    Membership.objects.create(user=driver, organisation=courier, role=OrgRole.DRIVER)
    Shift.unscoped_objects.filter(pk=tour.shift_id).update(driver=driver)
    pickup = next(s for s in _tour_stops(tour) if s.kind == StopKind.PICKUP)
    clock.move_to(datetime(2026, 12, 1, 16, 0, tzinfo=BERLIN))
    job_confirm_pickup(stop_id=pickup.pk, pickup_code=pickup.job.shop_order.pickup_code, client_id=uuid.uuid4(),
                       actor=driver)
    tour.refresh_from_db()
    assert tour.status == TourStatus.STARTED and tour.position_latitude == pickup.job.pickup_latitude
    delivery = Stop.unscoped_objects.get(job=pickup.job, kind=StopKind.DELIVERY)
    clock.move_to(datetime(2026, 12, 1, 16, 20, tzinfo=BERLIN))
    job_confirm_failed(stop_id=delivery.pk, reason="not_home", client_id=uuid.uuid4(), actor=driver,
                       next_step="retry")
    assert Stop.unscoped_objects.get(pk=delivery.pk).tour_id is None
    run = planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    assert run.status == "done" and str(pickup.job_id) not in run.summary["unassigned"], run.summary
    again = Stop.unscoped_objects.get(pk=delivery.pk)
    assert again.tour_id == tour.pk  # the parcel is on that bike
    assert again.planned_arrival >= datetime(2026, 12, 1, 16, 20, tzinfo=BERLIN)


def test_orders_not_paid_yet_are_not_planned(day_with_jobs):
    courier = day_with_jobs
    unpaid = ShopOrder.unscoped_objects.order_by("pk").first()
    ShopOrder.unscoped_objects.filter(pk=unpaid.pk).update(status=OrderStatus.PENDING_PAYMENT, paid_at=None)
    run = planning.plan_day(courier_id=courier.pk, day=DAY, seconds=1)
    assert run.summary["jobs"] == 5
    assert not Stop.unscoped_objects.filter(job__shop_order=unpaid, tour__isnull=False).exists()
