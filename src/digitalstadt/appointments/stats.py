"""Statistics per location and day: booked, served, no-shows, waiting time, days until
the next free slot. They feed the public dashboard later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from .models import Booking, BookingStatus, Location, Ticket, TicketStatus
from .schedule import local_tz


@dataclass
class DayStats:
    day: date
    booked: int
    served: int
    no_shows: int
    cancelled: int
    walk_ins: int
    avg_wait_minutes: float | None


def day_stats(location: Location, day: date) -> DayStats:
    tz = local_tz()
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    end = start + timedelta(days=1)
    bookings = Booking.objects.filter(location=location, starts_at__gte=start, starts_at__lt=end)
    counts = bookings.aggregate(
        booked=Count("id", filter=Q(status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN,
                                               BookingStatus.SERVED, BookingStatus.NO_SHOW])),
        served=Count("id", filter=Q(status=BookingStatus.SERVED)),
        no_shows=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)),
    )
    tickets = Ticket.objects.filter(location=location, day=day)
    wait = ExpressionWrapper(F("called_at") - F("created_at"), output_field=DurationField())
    avg = tickets.filter(called_at__isnull=False).aggregate(avg=Avg(wait))["avg"]
    return DayStats(day=day, walk_ins=tickets.filter(booking__isnull=True).count(),
                    avg_wait_minutes=round(avg.total_seconds() / 60, 1) if avg else None,
                    served=counts["served"] + tickets.filter(booking__isnull=True, status=TicketStatus.SERVED).count(),
                    booked=counts["booked"], cancelled=counts["cancelled"],
                    # Missed walk-ins count too: a booking's missed ticket already made it a no-show.
                    no_shows=counts["no_shows"] + tickets.filter(booking__isnull=True,
                                                                 status=TicketStatus.MISSED).count())


def days_until_next_free(location: Location, service_ids: list[int] | None = None) -> int | None:
    from .selectors import free_starts, need_at

    offers = location.offered_services.all()
    if service_ids:
        offers = offers.filter(service_id__in=service_ids)
    best = None
    now = timezone.now()
    for offer in offers:
        need = need_at(location, [(offer.service_id, 1)])
        starts = free_starts(need, now=now, limit=1) if need else []
        if starts and (best is None or starts[0] < best):
            best = starts[0]
    if best is None:
        return None
    return (timezone.localdate(best) - timezone.localdate(now)).days
