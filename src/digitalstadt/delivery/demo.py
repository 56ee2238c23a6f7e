"""Demo data of same-day delivery: the demo courier service "Lastenrad-Kurier DA" (made by
seed_demo's accounts: owner and dispatcher kurier@, driver fahrer@) gets two hubs, four
cargo bikes, two zones (inner city until 14:00, outer districts until 12:00), dated
fees, windows Monday to Saturday 16-18 and 18-20, and one shift a day for the next seven
days (the demo driver on bike 1). Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from digitalstadt.accounts.selectors import organisation_by_slug, user_by_email

from .models import Bike, DeliveryFee, DeliveryZone, Hub, Shift, WindowTemplate

COURIER_SLUG = "lastenrad-kurier-da"
DRIVER = "fahrer@digitalstadt.example"
HUBS = [("Hub Luisenplatz", "Luisenplatz 5", "64283", "49.8728", "8.6512"),
        ("Hub Martinsviertel", "Liebfrauenstraße 40", "64289", "49.8800", "8.6620")]
ZONES = [("Innenstadt", ["Mitte", "Darmstadt-Nord", "Darmstadt-Ost", "Darmstadt-West", "Bessungen"], time(14), 490),
         ("Außenbezirke", ["Kranichstein", "Arheilgen", "Eberstadt", "Wixhausen"], time(12), 690)]


def seed(*, stdout=None) -> None:
    courier = organisation_by_slug(slug=COURIER_SLUG)
    if courier is None:
        return
    with transaction.atomic():
        if not Hub.unscoped_objects.filter(organisation=courier).exists():
            hubs = [Hub.unscoped_objects.create(organisation=courier, name=name, street=street, postal_code=plz,
                                                latitude=Decimal(lat), longitude=Decimal(lon))
                    for name, street, plz, lat, lon in HUBS]
            for i in range(4):
                Bike.unscoped_objects.create(organisation=courier, name=f"Lastenrad {i + 1}", hub=hubs[i % 2],
                                             volume_litres=250, payload_kg=100)
            for name, districts, cutoff, fee in ZONES:
                zone = DeliveryZone.unscoped_objects.create(organisation=courier, name=name, districts=districts,
                                                            cutoff=cutoff)
                DeliveryFee.unscoped_objects.create(organisation=courier, zone=zone, valid_from=date(2026, 1, 1),
                                                    fee_cents=fee)
            for weekday in range(6):
                for starts, ends in ((time(16), time(18)), (time(18), time(20))):
                    WindowTemplate.unscoped_objects.create(organisation=courier, weekday=weekday, starts=starts,
                                                           ends=ends, capacity=40)
        _shifts(courier, timezone.localdate(), days=7)
    if stdout is not None:
        stdout.write(f"delivery: {Bike.unscoped_objects.filter(organisation=courier).count()} bikes, "
                     f"{Shift.unscoped_objects.filter(organisation=courier).count()} shifts")


def _shifts(courier, first: date, *, days: int) -> None:
    tz = ZoneInfo(settings.TIME_ZONE)
    driver = user_by_email(email=DRIVER)
    bikes = list(Bike.unscoped_objects.filter(organisation=courier, active=True).order_by("name"))
    for offset in range(days):
        day = first + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        # One shift a day, ridden by the demo driver: whatever the planner puts on a tour
        # is on fahrer@'s "Meine Tour" (the other bikes have no shift in the demo).
        bike = bikes[0]
        Shift.unscoped_objects.get_or_create(organisation=courier, bike=bike, day=day, defaults={
            "hub": bike.hub, "driver": driver, "starts_at": datetime.combine(day, time(15), tzinfo=tz),
            "ends_at": datetime.combine(day, time(21), tzinfo=tz)})
