"""A tour with one job (pickup at the shop, delivery at the door) for the courier tests,
built with the ORM (the planner is not needed)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from digitalstadt.delivery.models import Bike, DeliveryWindow, Job, Shift, Stop, StopKind, Tour
from digitalstadt.marketplace.models import Fulfilment
from digitalstadt.marketplace.tests.factories import make_order, make_variant

from .factories import add_driver, make_courier, make_delivering_shop


def make_tour(*, driver=None, courier=None, pickup_code="P1CK0P", status="ready", email="fahrerin@example.org",
              shop_name="Kaffeerösterei am Markt"):
    if courier is None:
        courier, zone, hub = make_courier()
    else:
        courier, zone, hub = courier
    driver = driver or add_driver(courier, email=email)
    shop = make_delivering_shop(shop_name)
    shop_order = make_order(shop, lines=[(make_variant(shop, title="Espresso-Bohnen"), 2)], status=status,
                            fulfilment=Fulfilment.DELIVERY, pickup_code=pickup_code)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.combine(today, time(16), tzinfo=tz)
    window, _new = DeliveryWindow.unscoped_objects.get_or_create(
        organisation=courier, starts_at=start, defaults={"day": today, "ends_at": start + timedelta(hours=2),
                                                         "capacity": 10, "taken": 1})
    bike = Bike.unscoped_objects.filter(organisation=courier).exclude(shifts__day=today).first()
    shift = Shift.unscoped_objects.create(organisation=courier, bike=bike, driver=driver, hub=hub, day=today,
                                          starts_at=start - timedelta(hours=1), ends_at=start + timedelta(hours=4))
    tour = Tour.unscoped_objects.create(organisation=courier, shift=shift, day=today)
    job = Job.unscoped_objects.create(
        organisation=courier, shop_order=shop_order, window=window, zone=zone, shop_name=shop.name,
        pickup_street=f"{shop.street}, {shop.postal_code}", pickup_latitude=shop.latitude,
        pickup_longitude=shop.longitude, recipient="Lina Lieferung", phone="0170 1234567", street="Kapellstraße 10",
        postal_code="64283", city="Darmstadt", district="Mitte", note="Hinterhaus",
        latitude=Decimal("49.8705"), longitude=Decimal("8.6590"), status="ready")
    pickup = Stop.unscoped_objects.create(organisation=courier, tour=tour, job=job, kind=StopKind.PICKUP, sequence=1,
                                          planned_arrival=start - timedelta(minutes=30))
    door = Stop.unscoped_objects.create(organisation=courier, tour=tour, job=job, kind=StopKind.DELIVERY, sequence=2,
                                        planned_arrival=start + timedelta(minutes=10))
    return {"courier": (courier, zone, hub), "driver": driver, "shop": shop, "shop_order": shop_order, "tour": tour,
            "job": job, "pickup": pickup, "door": door}
