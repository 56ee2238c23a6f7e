"""Objects for the online-room tests: a partner with an organiser, a webinar series and
date with an online room, a participant with a confirmed registration."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from digitalstadt.accounts.models import Membership, Organisation, OrganisationKind, OrgRole, User
from digitalstadt.business.models import EventDate, EventSeries, Registration, RegistrationStatus

_counter = itertools.count(1)


def make_webinar(*, starts_at: dt.datetime, minutes: int = 90, provider: str = "simulator",
                 room_name: str = "", title: str = "Führen auf Distanz – Grundlagen") -> EventDate:
    n = next(_counter)
    partner = Organisation.objects.create(slug=f"ihk-{n}", name=f"IHK Darmstadt {n}", kind=OrganisationKind.PARTNER)
    organiser = User.objects.create_user(f"organisation{n}@partner.example", "Sicher-genug-2026",
                                         first_name="Olga", last_name="Organisatorin")
    Membership.objects.create(user=organiser, organisation=partner, role=OrgRole.MEMBER)
    series = EventSeries.objects.create(organiser=partner, slug=f"fuehren-auf-distanz-{n}", title=title,
                                        summary="Wie Teams auf Distanz gut zusammenarbeiten.",
                                        topic="remote_leadership", format="webinar", is_published=True)
    return EventDate.objects.create(series=series, starts_at=starts_at,
                                    ends_at=starts_at + dt.timedelta(minutes=minutes), seats=20,
                                    room_provider=provider, room_name=room_name)


def organiser_of(event_date: EventDate) -> User:
    return User.objects.filter(memberships__organisation=event_date.series.organiser).first()


def make_participant(event_date: EventDate, *, email: str = "paula@firma.example", name: str = "Paula Petersen",
                     status: str = RegistrationStatus.CONFIRMED) -> User:
    first, last = name.split(" ", 1)
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "Sicher-genug-2026", first_name=first, last_name=last)
    Registration.objects.create(event_date=event_date, participant=user, name=name, email=email, status=status,
                                created_at=timezone.now())
    return user
