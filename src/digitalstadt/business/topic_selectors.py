"""The coachings on a topic, for other apps' pages (the knowledge base's toolkits link
to them)."""

from __future__ import annotations

from django.utils import timezone

from .models import EventDate, EventDateStatus


def upcoming_dates_for_topic(*, topic: str, limit: int = 5) -> list[EventDate]:
    """The next scheduled dates of published series on `topic`, soonest first."""
    return list(EventDate.objects.filter(series__topic=topic, series__is_published=True,
                                         status=EventDateStatus.SCHEDULED, starts_at__gte=timezone.now())
                .select_related("series", "venue").order_by("starts_at", "pk")[:limit])
