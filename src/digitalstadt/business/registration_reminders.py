"""Reminders to confirmed participants: the day before (within 24 hours of the start)
and an hour before. Each is claimed with its timestamp (`reminded_*_at`) in one UPDATE
before it is sent, so two runs at once or one run twice send it once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import EventDateStatus, Registration, RegistrationStatus
from .registration_notifications import notify

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)


def _send(kind: str, field: str, due, now: datetime) -> int:
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now})
            if claimed:
                notify(kind, Registration.objects.select_related("event_date__series__organiser", "participant")
                       .get(pk=pk))
                sent += 1
    return sent


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    confirmed = Registration.objects.filter(status=RegistrationStatus.CONFIRMED,
                                            event_date__status=EventDateStatus.SCHEDULED)
    # The day-before reminder only while more than an hour is left (then the hour one follows).
    day = confirmed.filter(reminded_day_before_at__isnull=True, event_date__starts_at__gt=now + HOUR_BEFORE,
                           event_date__starts_at__lte=now + DAY_BEFORE)
    hour = confirmed.filter(reminded_hour_before_at__isnull=True, event_date__starts_at__gt=now,
                            event_date__starts_at__lte=now + HOUR_BEFORE)
    return {"day_before": _send("reminder_day", "reminded_day_before_at", day, now),
            "hour_before": _send("reminder_hour", "reminded_hour_before_at", hour, now)}
