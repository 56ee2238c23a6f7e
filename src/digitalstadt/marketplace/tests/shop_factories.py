"""Shops for the shops part's tests: a complete draft, a live shop, a Gewerbeanmeldung case."""

from __future__ import annotations

import datetime as dt

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from digitalstadt.accounts.models import Membership, Organisation, OrgRole, StaffRole, User
from digitalstadt.accounts.tests.factories import CitizenFactory
from digitalstadt.marketplace.models import Category, Shop, ShopOpeningHours, ShopStatus

COMPLETE = dict(description="Kaffee aus Darmstadt.", legal_form="Einzelunternehmen", owner_name="Mara Bohne",
                email="kontakt@roesterei.example", imprint="Rösterei, Dieburger Straße 24, 64287 Darmstadt",
                terms="AGB …", withdrawal_policy="Widerrufsrecht …", vat_id="DE123456789",
                latitude="49.879000", longitude="8.668000", position_source="streets", district="Darmstadt-Ost")


def make_shop(*, slug="roesterei", name="Rösterei am Woog", owner=None, status=ShopStatus.DRAFT, complete=True,
              street="Dieburger Straße 24", postal_code="64287", categories=(), **extra) -> Shop:
    org = Organisation.objects.create(name=name, slug=f"org-{slug}", kind="shop", city="Darmstadt")
    if owner is not None:
        Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
    fields = dict(COMPLETE) if complete else {}
    fields.update(extra)
    shop = Shop.objects.create(organisation=org, slug=slug, name=name, street=street, postal_code=postal_code,
                               status=status, **fields)
    if complete:
        ShopOpeningHours.objects.bulk_create([ShopOpeningHours(shop=shop, weekday=d, opens=dt.time(10),
                                                               closes=dt.time(18, 30)) for d in range(6)])
    for slug_ in categories:
        shop.categories.add(Category.objects.get_or_create(slug=slug_, defaults={"name_de": slug_.title()})[0])
    return shop


def member(shop: Shop, email: str, role=OrgRole.SALES) -> User:
    user = CitizenFactory(email=email)
    Membership.objects.create(user=user, organisation=shop.organisation, role=role)
    return user


def verifier(email="wiebke@stadt.example") -> User:
    user = CitizenFactory(email=email, first_name="Wiebke", last_name="Wirtschaft")
    StaffRole.objects.create(user=user, role="marketplace")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def approved_gewerbeanmeldung(user: User, *, reference="DA-2026-000777", status="approved"):
    """A decided Gewerbeanmeldung case of `user` (the demo catalogue's service)."""
    from digitalstadt.applications.models import Application, Case
    from digitalstadt.catalog.models import Service

    service = Service.objects.get(slug="gewerbeanmeldung")
    application = Application.objects.create(service=service, plugin="gewerbeanmeldung", applicant=user,
                                             status=Application.Status.SUBMITTED)
    data = {"person": {"family_name": "Bohnenkamp", "given_names": "Mara", "birth_date": "1985-04-12"},
            "betrieb": {"legal_form": "gmbh", "company_name": "Kaffeerösterei Bohnenkamp GmbH",
                        "street": "Rheinstraße", "house_number": "12a", "postal_code": "64283",
                        "activity": "Einzelhandel mit Kaffee"}}
    return Case.objects.create(reference=reference, application=application, service=service,
                               plugin="gewerbeanmeldung", applicant=user, applicant_name="Mara Bohnenkamp",
                               status=status, data=data, submitted_at=timezone.now(),
                               decided_at=timezone.now() if status in ("approved", "rejected") else None)
