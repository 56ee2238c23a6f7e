"""Factories for business tests, generic enough for every part (events, registrations,
attendance, rooms):

    partner, organiser = make_partner()                    # approved event organiser + its owner
    series = make_series(partner, price_cents=0)            # a published webinar series
    date = make_date(series, seats=2, days_ahead=7)         # a scheduled date
    company, owner, staff = make_company(employees=2)       # a company, its owner, members
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole
from digitalstadt.accounts.tests.factories import CitizenFactory, OrganisationFactory

from ..models import EventDate, EventSeries, PartnerRole, Venue
from ..types import EventFormat, PartnerRoleKind, PartnerRoleStatus, Topic

_numbers = itertools.count(1)


def make_partner(*, name: str = "", approved: bool = True, owner=None) -> tuple[Organisation, object]:
    n = next(_numbers)
    owner = owner or CitizenFactory(first_name="Paula", last_name=f"Partner{n}")
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name=name or f"Partner {n}",
                                  slug=f"partner-{n}", owner=owner)
    PartnerRole.objects.create(organisation=partner, kind=PartnerRoleKind.EVENT_ORGANISER,
                               status=PartnerRoleStatus.APPROVED if approved else PartnerRoleStatus.REQUESTED)
    return partner, owner


def make_venue(partner: Organisation, **fields) -> Venue:
    defaults = {"name": "Haus der Wirtschaft", "street": "Rheinstraße 89", "postal_code": "64295",
                "city": "Darmstadt", "step_free": True}
    return Venue.objects.create(organiser=partner, **{**defaults, **fields})


def make_series(partner: Organisation | None = None, *, title: str = "", price_cents: int = 0,
                format: str = EventFormat.WEBINAR, topic: str = Topic.REMOTE_LEADERSHIP,
                published: bool = True, **fields) -> EventSeries:
    n = next(_numbers)
    partner = partner or make_partner()[0]
    return EventSeries.objects.create(
        organiser=partner, slug=f"reihe-{n}", title=title or f"Führen auf Distanz {n}",
        summary="Wie Teams im Homeoffice gut geführt werden.", topic=topic, format=format,
        price_cents=price_cents, is_published=published, **fields)


def make_date(series: EventSeries | None = None, *, seats: int = 10, days_ahead: float = 7, hours: float = 2,
              per_company_quota: int | None = None, registration_closes_at=None, starts_at=None,
              **fields) -> EventDate:
    series = series or make_series()
    starts_at = starts_at or (timezone.now() + timedelta(days=days_ahead)).replace(second=0, microsecond=0)
    return EventDate.objects.create(series=series, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                                    seats=seats, per_company_quota=per_company_quota,
                                    registration_closes_at=registration_closes_at, **fields)


def make_company(*, employees: int = 2, name: str = "", owner=None) -> tuple[Organisation, object, list]:
    """A company (kind company), its owner and `employees` members (role member)."""
    n = next(_numbers)
    owner = owner or CitizenFactory(first_name="Olga", last_name=f"Inhaberin{n}")
    company = OrganisationFactory(kind=OrganisationKind.COMPANY, name=name or f"Firma {n}", slug=f"firma-{n}",
                                  owner=owner)
    staff = []
    for i in range(employees):
        person = CitizenFactory(first_name=f"Mitarbeiter{i + 1}", last_name=f"Firma{n}")
        Membership.objects.create(user=person, organisation=company, role=OrgRole.MEMBER)
        staff.append(person)
    return company, owner, staff
