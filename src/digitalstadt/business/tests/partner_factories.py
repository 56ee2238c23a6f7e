"""Partners, staff of the business development office, series and dates for the tests
of the partner, event and calendar parts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, StaffRole, User
from digitalstadt.business.models import EventDate, EventSeries, PartnerRole, Venue
from digitalstadt.business.types import EventFormat, PartnerRoleStatus, Topic

PASSWORD = "Sicher-genug-2026"


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email, PASSWORD, **extra)


def make_office_user(email: str = "wirtschaft@stadt.example") -> User:
    user = make_user(email, first_name="Wiebke", last_name="Wirtschaft")
    StaffRole.objects.create(user=user, role="business_development")
    return user


def make_partner(slug: str = "house-of-it", *, owner: User | None = None, role: str | None = "approved",
                 role_kind: str = "event_organiser") -> Organisation:
    org = Organisation.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind=OrganisationKind.PARTNER,
                                      email=f"info@{slug}.example")
    if owner is not None:
        Membership.objects.create(user=owner, organisation=org, role=OrgRole.OWNER)
    if role:
        PartnerRole.objects.create(organisation=org, kind=role_kind, status=role, reason="Seit Jahren aktiv.")
    return org


def make_venue(org, **extra) -> Venue:
    values = {"name": "House of IT", "street": "Rheinstraße 75", "postal_code": "64295", "city": "Darmstadt",
              "step_free": True, "accessibility_note": "Aufzug im Foyer"}
    values.update(extra)
    return Venue.objects.create(organiser=org, **values)


def make_series(org, *, slug: str = "fuehren-auf-distanz", topic: str = Topic.REMOTE_LEADERSHIP,
                format: str = EventFormat.WEBINAR, published: bool = True, **extra) -> EventSeries:
    values = {"title": "Führen auf Distanz", "summary": "Vertrauen und Ziele im verteilten Team",
              "language": "de", "price_cents": 0}
    values.update(extra)
    return EventSeries.objects.create(organiser=org, slug=slug, topic=topic, format=format, is_published=published,
                                      **values)


def make_date(series, *, days: int = 7, hours: int = 2, venue=None, seats: int = 20, **extra) -> EventDate:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return EventDate.objects.create(series=series, starts_at=starts, ends_at=starts + timedelta(hours=hours),
                                    venue=venue, seats=seats, **extra)


__all__ = ["PartnerRoleStatus", "make_date", "make_office_user", "make_partner", "make_series", "make_user",
           "make_venue"]
