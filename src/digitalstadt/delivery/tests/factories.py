"""A courier service with a hub, bikes, zones, windows and fees for the delivery tests."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from digitalstadt.accounts.models import Membership, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import OrganisationFactory, UserFactory
from digitalstadt.delivery.models import Bike, DeliveryFee, DeliveryZone, Hub, WindowTemplate
from digitalstadt.marketplace.tests.checkout_factories import make_shop


def make_courier(name: str = "Lastenrad-Kurier Darmstadt", *, capacity: int = 10, cutoff: time = time(14),
                 districts=("Mitte", "Bessungen", "Darmstadt-Nord", "Darmstadt-Ost", "Darmstadt-West"),
                 fee_cents: int = 490, bikes: int = 2, windows=((time(16), time(18)), (time(18), time(20)))):
    owner = UserFactory()
    org = OrganisationFactory(kind=OrganisationKind.COURIER, name=name, slug=name.lower().replace(" ", "-")[:40],
                              owner=owner)
    hub = Hub.unscoped_objects.create(organisation=org, name="Hub Innenstadt", street="Luisenplatz 1",
                                      postal_code="64283", latitude=Decimal("49.8728"), longitude=Decimal("8.6512"))
    for i in range(bikes):
        Bike.unscoped_objects.create(organisation=org, name=f"Rad {i + 1}", hub=hub, volume_litres=300, payload_kg=120)
    zone = DeliveryZone.unscoped_objects.create(organisation=org, name="Innenstadt", districts=list(districts),
                                                cutoff=cutoff)
    DeliveryFee.unscoped_objects.create(organisation=org, zone=zone, valid_from=date(2026, 1, 1), fee_cents=fee_cents)
    for weekday in range(6):
        for starts, ends in windows:
            WindowTemplate.unscoped_objects.create(organisation=org, weekday=weekday, starts=starts, ends=ends,
                                                   capacity=capacity)
    return org, zone, hub


def add_driver(org, email="fahrerin@example.org"):
    user = UserFactory(email=email)
    Membership.objects.create(user=user, organisation=org, role=OrgRole.DRIVER)
    return user


def make_delivering_shop(name="Kaffeerösterei am Markt", **kwargs):
    shop = make_shop(name, **kwargs)
    shop.latitude, shop.longitude, shop.district = Decimal("49.8726"), Decimal("8.6560"), "Mitte"
    shop.save(update_fields=["latitude", "longitude", "district"])
    return shop


ADDRESS = {"street": "Kapellstraße 10", "postal_code": "64283", "city": "Darmstadt", "note": "Hinterhaus"}
