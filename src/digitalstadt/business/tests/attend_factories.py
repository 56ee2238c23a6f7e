"""Small factories for the attendance, certificate and feedback tests: a partner
organisation with an approved organiser role, a series, a date and confirmed
registrations (created directly; the registration services belong to their own part)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, User
from digitalstadt.business.models import EventDate, EventSeries, PartnerRole, Registration, RegistrationStatus
from digitalstadt.business.types import EventFormat, PartnerRoleKind, PartnerRoleStatus, Topic

PASSWORD = "Sicher-genug-2026"


def _verified(user: User) -> User:
    """A confirmed e-mail address, so the person can sign in with the form."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user
_numbers = itertools.count(1)


def make_partner(*, slug: str = "", name: str = "House of IT", approved: bool = True,
                 manager_email: str = "") -> tuple[Organisation, User]:
    """A partner organisation, its (approved) event-organiser role and a manager."""
    number = next(_numbers)
    slug = slug or f"partner-{number}"
    partner = Organisation.objects.create(slug=slug, name=name, kind=OrganisationKind.PARTNER)
    PartnerRole.objects.create(organisation=partner, kind=PartnerRoleKind.EVENT_ORGANISER,
                               status=PartnerRoleStatus.APPROVED if approved else PartnerRoleStatus.REQUESTED)
    manager = User.objects.create_user(manager_email or f"orga{number}@{slug}.example", PASSWORD,
                                       first_name="Olga", last_name="Organisatorin")
    _verified(manager)
    Membership.objects.create(user=manager, organisation=partner, role=OrgRole.ADMIN)
    return partner, manager


def make_series(*, organiser: Organisation, title: str = "Führen auf Distanz kompakt",
                topic: str = Topic.REMOTE_LEADERSHIP, format: str = EventFormat.WEBINAR) -> EventSeries:
    return EventSeries.objects.create(organiser=organiser, slug=f"reihe-{next(_numbers)}", title=title,
                                      summary="Ein Webinar für kleine Unternehmen.", topic=topic, format=format,
                                      is_published=True)


def make_date(*, series: EventSeries, starts_at: dt.datetime | None = None, hours: float = 2,
              seats: int = 20) -> EventDate:
    starts_at = starts_at or timezone.now() + dt.timedelta(hours=1)
    return EventDate.objects.create(series=series, starts_at=starts_at,
                                    ends_at=starts_at + dt.timedelta(hours=hours), seats=seats)


def make_participant(*, first_name: str = "Paula", last_name: str = "Teilnehmerin", email: str = "",
                     company: Organisation | None = None) -> User:
    number = next(_numbers)
    user = User.objects.create_user(email or f"person{number}@firma.example", PASSWORD,
                                    first_name=first_name, last_name=f"{last_name}{'' if email else number}")
    _verified(user)
    if company is not None:
        Membership.objects.create(user=user, organisation=company, role=OrgRole.MEMBER)
    return user


def make_company(*, name: str = "Schreinerei Holz") -> Organisation:
    return Organisation.objects.create(slug=f"firma-{next(_numbers)}", name=name, kind=OrganisationKind.COMPANY)


def make_registration(*, event_date: EventDate, participant: User | None = None,
                      company: Organisation | None = None, status: str = RegistrationStatus.CONFIRMED
                      ) -> Registration:
    participant = participant or make_participant(company=company)
    return Registration.objects.create(
        event_date=event_date, participant=participant, name=participant.get_full_name() or participant.email,
        email=participant.email, company=company, status=status, created_at=timezone.now())


def make_registrations(*, event_date: EventDate, count: int, company: Organisation | None = None
                       ) -> list[Registration]:
    return [make_registration(event_date=event_date, company=company) for _ in range(count)]
