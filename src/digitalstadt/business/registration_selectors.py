"""Registration reads, for the pages and for the other parts of business:

- `confirmed_registrations(event_date=)`: who takes part (check-in, certificates,
  feedback, room links): confirmed registrations, oldest first.
- `seats_left(event_date=)`, `waiting_count(event_date=)`: the figures pages show.
- `registration_panel(event_date=, user=)`: what the date page's registration box shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import SEAT_HOLDING, EventDate, Registration, RegistrationStatus
from .registration_rules import LIVE, may_cancel, registration_refusal


def confirmed_registrations(*, event_date: EventDate) -> QuerySet[Registration]:
    return (Registration.objects.filter(event_date=event_date, status=RegistrationStatus.CONFIRMED)
            .select_related("participant", "company").order_by("created_at", "pk"))


def seats_left(*, event_date: EventDate) -> int:
    held = Registration.objects.filter(event_date=event_date, status__in=SEAT_HOLDING).count()
    return max(event_date.seats - held, 0)


def waiting_count(*, event_date: EventDate) -> int:
    return Registration.objects.filter(event_date=event_date, status=RegistrationStatus.WAITING).count()


def waiting_position(*, registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    return Registration.objects.filter(event_date_id=registration.event_date_id, status=RegistrationStatus.WAITING
                                       ).filter(Q(created_at__lt=registration.created_at)
                                                | Q(created_at=registration.created_at, pk__lt=registration.pk)
                                                ).count() + 1


def event_date_by_id(*, date_id: int) -> EventDate | None:
    return EventDate.objects.filter(pk=date_id).select_related("series__organiser", "venue").first()


def managed_companies(*, user: Any) -> list:
    """Companies in which this person is owner or admin (they may register colleagues)."""
    from digitalstadt.accounts.selectors import can_manage_organisation, organisations_for_user
    from digitalstadt.accounts.types import OrganisationKind

    if not getattr(user, "is_authenticated", False):
        return []
    return [o for o in organisations_for_user(user=user)
            if o.kind == OrganisationKind.COMPANY and can_manage_organisation(user=user, organisation=o)]


def managed_company_by_slug(*, user: Any, slug: str):
    return next((c for c in managed_companies(user=user) if c.slug == slug), None)


@dataclass
class Panel:
    event_date: EventDate
    refusal: str | None
    seats_left: int
    waiting: int
    mine: Registration | None = None
    position: int | None = None
    companies: list = field(default_factory=list)


def registration_panel(*, event_date: EventDate, user: Any) -> Panel:
    mine = None
    if getattr(user, "is_authenticated", False):
        mine = Registration.objects.filter(event_date=event_date, participant=user, status__in=LIVE).first()
    return Panel(event_date=event_date, refusal=registration_refusal(event_date, timezone.now()),
                 seats_left=seats_left(event_date=event_date), waiting=waiting_count(event_date=event_date),
                 mine=mine, position=waiting_position(registration=mine) if mine else None,
                 companies=managed_companies(user=user))


def registrations_of_person(*, user: Any) -> list[Registration]:
    rows = list(Registration.objects.filter(participant=user).select_related("event_date__series__organiser",
                                                                              "company")
                .order_by("-event_date__starts_at", "pk"))
    now = timezone.now()
    for row in rows:
        row.position = waiting_position(registration=row)
        row.cancellable = may_cancel(row, now)
    return rows


def registrations_of_company(*, company: Any) -> list[tuple[EventDate, list[Registration]]]:
    """The registrations the company sent, per date, newest date first. An employee's own
    registration is theirs, not the company's: it is not listed (the quota still counts it)."""
    rows = (Registration.objects.filter(company=company)
            .select_related("event_date__series", "participant", "registered_by")
            .order_by("-event_date__starts_at", "event_date_id", "created_at", "pk"))
    grouped: dict[int, tuple[EventDate, list]] = {}
    now = timezone.now()
    for row in rows:
        row.cancellable = may_cancel(row, now)
        grouped.setdefault(row.event_date_id, (row.event_date, []))[1].append(row)
    return list(grouped.values())


def registration_for(*, user: Any, registration_id: int) -> Registration | None:
    """A registration the person may act on (participant, who registered them, manager of
    their company); None for anyone else."""
    from .registration_services import can_act_for

    registration = (Registration.objects.filter(pk=registration_id)
                    .select_related("event_date__series__organiser", "event_date__venue", "company").first())
    if registration is None or not can_act_for(user=user, registration=registration):
        return None
    return registration


def participants_registered() -> int:
    """Dashboard: confirmed participants of dates in the last twelve months and ahead."""
    since = timezone.now() - timedelta(days=365)
    return Registration.objects.filter(status=RegistrationStatus.CONFIRMED, event_date__starts_at__gte=since).count()
