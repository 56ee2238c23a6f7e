"""A courier's day for the dispatch tests: two shifts with a tour each, and delivery jobs
placed through the real checkout (then spread over the city by position)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from digitalstadt.accounts.models import Membership, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.delivery.dispatch_services import tour_reschedule
from digitalstadt.delivery.models import Bike, Job, Shift, Stop, StopKind, Tour
from digitalstadt.delivery.offer import DELIVERY, delivery_windows
from digitalstadt.marketplace import checkout
from digitalstadt.marketplace.models import Cart, ShopOrder
from digitalstadt.marketplace.tests.checkout_factories import make_variant

from .factories import ADDRESS, add_driver, make_courier, make_delivering_shop

BERLIN = ZoneInfo("Europe/Berlin")
# Delivery positions around the centre (the street geocoder puts all test addresses at
# one place; the tests move them so that tours have a length).
POSITIONS = [(Decimal("49.8790"), Decimal("8.6650")), (Decimal("49.8660"), Decimal("8.6420")),
             (Decimal("49.8610"), Decimal("8.6620")), (Decimal("49.8830"), Decimal("8.6400")),
             (Decimal("49.8700"), Decimal("8.6700")), (Decimal("49.8750"), Decimal("8.6350"))]


@dataclass
class CourierDay:
    courier: object
    manager: object
    tours: list[Tour]
    jobs: list[Job]
    zone: object
    hub: object


def place_delivery(*, shop, variant, window_start, email: str, name: str) -> Job:
    shopper = CitizenFactory(email=email, first_name=name.split()[0], last_name=name.split()[-1])
    cart, _created = Cart.objects.get_or_create(user=shopper)
    checkout.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    order = checkout.checkout_place(user=shopper, cart=cart, name=name, email=email,
                                    choices={shop.pk: checkout.ShopChoice(DELIVERY, window_start)}, address=ADDRESS)
    # Paid (as the provider's notice would make it): only paid orders are planned.
    ShopOrder.unscoped_objects.filter(order=order).update(status="new", paid_at=order.created_at)
    return Job.unscoped_objects.get(shop_order=ShopOrder.unscoped_objects.get(order=order))


def stops_of(tour) -> list[Stop]:
    return list(Stop.unscoped_objects.filter(tour=tour).order_by("sequence"))


def make_courier_day(*, name="Lastenrad-Kurier Darmstadt", jobs: int = 4, shift=(time(15, 30), time(20)),
                     email_prefix="kunde") -> CourierDay:
    """Two bikes with a shift and a tour each on today's date; `jobs` jobs in today's
    first window, alternately on tour 1 and tour 2 (pickup, delivery, pickup, ...), and
    one more job on no tour."""
    courier, zone, hub = make_courier(name, capacity=20)
    manager = Membership.objects.get(organisation=courier, role=OrgRole.OWNER).user
    driver = add_driver(courier, email=f"fahrer-{courier.slug}@example.org")
    shop = make_delivering_shop(f"Rösterei {courier.pk}", slug=f"roesterei-{courier.pk}")
    variant = make_variant(shop, on_hand=50)
    day = timezone.localdate()
    window = delivery_windows(courier_id=courier.pk, zone=zone, now=timezone.now())[0]
    tours = []
    for bike in Bike.unscoped_objects.filter(organisation=courier).order_by("name"):
        s = Shift.unscoped_objects.create(
            organisation=courier, bike=bike, driver=driver if not tours else None, hub=hub, day=day,
            starts_at=datetime.combine(day, shift[0], tzinfo=BERLIN), ends_at=datetime.combine(day, shift[1],
                                                                                              tzinfo=BERLIN))
        tours.append(Tour.unscoped_objects.create(organisation=courier, shift=s, day=day, planned_at=timezone.now()))
    made = []
    for i in range(jobs + 1):
        job = place_delivery(shop=shop, variant=variant, window_start=window.starts_at,
                             email=f"{email_prefix}{i}-{courier.pk}@example.org", name=f"Kundin{i} Beispiel")
        lat, lon = POSITIONS[i % len(POSITIONS)]
        Job.unscoped_objects.filter(pk=job.pk).update(latitude=lat, longitude=lon)
        made.append(job)
    for i, job in enumerate(made[:jobs]):
        tour = tours[i % 2]
        after = Stop.unscoped_objects.filter(tour=tour).count()
        Stop.unscoped_objects.filter(job=job, kind=StopKind.PICKUP).update(tour=tour, sequence=after + 1)
        Stop.unscoped_objects.filter(job=job, kind=StopKind.DELIVERY).update(tour=tour, sequence=after + 2)
    for tour in tours:
        tour_reschedule(Tour.unscoped_objects.select_related("shift__hub").get(pk=tour.pk))
    tours = [Tour.unscoped_objects.select_related("shift__hub", "organisation").get(pk=t.pk) for t in tours]
    return CourierDay(courier=courier, manager=manager, tours=tours, jobs=made, zone=zone, hub=hub)
