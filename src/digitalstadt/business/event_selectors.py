"""Reads of event series, dates and venues: the partner's own (inside its scope) and
the public calendar (published series, scheduled dates to come)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from digitalstadt.core.scoping import organisation_scope

from .models import SEAT_HOLDING, EventDate, EventDateStatus, EventSeries, Venue

CALENDAR_LIMIT = 200


# --- a partner's own ------------------------------------------------------------------

def series_of(*, organisation: Any) -> list[EventSeries]:
    with organisation_scope(organisation):
        return list(EventSeries.organised.annotate(date_count=Count("dates")).order_by("title"))


def series_of_by_slug(*, organisation: Any, slug: str) -> EventSeries | None:
    with organisation_scope(organisation):
        return EventSeries.organised.filter(slug=slug).first()


def venues_of(*, organisation: Any) -> list[Venue]:
    with organisation_scope(organisation):
        return list(Venue.organised.all())


def venue_of(*, organisation: Any, pk: int) -> Venue | None:
    with organisation_scope(organisation):
        return Venue.organised.filter(pk=pk).first()


def dates_of_series(*, organisation: Any, series: EventSeries) -> list[EventDate]:
    with organisation_scope(organisation):
        return list(with_taken_seats(EventDate.organised.filter(series=series).select_related("venue")))


def date_of(*, organisation: Any, pk: int) -> EventDate | None:
    with organisation_scope(organisation):
        return EventDate.organised.filter(pk=pk).select_related("series", "venue").first()


# --- seats -----------------------------------------------------------------------------

def with_taken_seats(queryset: QuerySet[EventDate]) -> QuerySet[EventDate]:
    return queryset.annotate(taken_seats=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)))


def free_seats(*, event_date: EventDate) -> int:
    taken = getattr(event_date, "taken_seats", None)
    if taken is None:
        taken = event_date.registrations.filter(status__in=SEAT_HOLDING).count()
    return max(0, event_date.seats - taken)


# --- the public calendar ---------------------------------------------------------------

@dataclass(frozen=True)
class CalendarFilter:
    topic: str = ""
    format: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_query(self) -> dict[str, str]:
        out = {"thema": self.topic, "format": self.format,
               "von": self.date_from.isoformat() if self.date_from else "",
               "bis": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in out.items() if v}


def public_dates() -> QuerySet[EventDate]:
    return EventDate.objects.filter(series__is_published=True).select_related("series", "series__organiser",
                                                                              "venue")


def calendar_dates(*, filters: CalendarFilter, now: datetime | None = None, limit: int = CALENDAR_LIMIT
                   ) -> list[EventDate]:
    """Published, scheduled dates that have not ended, soonest first."""
    now = now or timezone.now()
    qs = public_dates().filter(status=EventDateStatus.SCHEDULED, ends_at__gt=now)
    if filters.topic:
        qs = qs.filter(series__topic=filters.topic)
    if filters.format:
        qs = qs.filter(series__format=filters.format)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(ends_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz))
    return list(with_taken_seats(qs).order_by("starts_at", "pk")[:limit])


def public_series(*, slug: str) -> EventSeries | None:
    return EventSeries.objects.filter(slug=slug, is_published=True).select_related("organiser").first()


def public_dates_of_series(*, series: EventSeries, now: datetime | None = None) -> list[EventDate]:
    now = now or timezone.now()
    return list(with_taken_seats(public_dates().filter(series=series, ends_at__gt=now)).order_by("starts_at"))


def public_date(*, series_slug: str, pk: int) -> EventDate | None:
    """A date of a published series (cancelled ones too: their page says so)."""
    return with_taken_seats(public_dates().filter(series__slug=series_slug, pk=pk)).first()
