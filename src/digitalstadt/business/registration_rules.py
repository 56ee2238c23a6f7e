"""The registration rules shared by the services and the pages: when a date takes
registrations, how long a freed seat is offered, how long an unpaid seat is held, and
the per-company quota.

Quota (per_company_quota): it counts every *live* registration (seat-holding or on the
waiting list) for the date of a person sent by the company (`company` set) or of a
person who is a member of the company and registered themselves. So an employee cannot
get round the quota by registering personally, and waiting-list offers never take a
company beyond its quota. A person who is a member of several companies counts for
each of them. Only the company's registration LIST (registrations_of_company) is
narrower: it shows the rows the company sent, never an employee's own registration.

Cancellation by the participant (cancellation_closes_at): possible until the earlier
of the check-in's opening (attendance's window) and, for a date with an online room,
the room link's release (rooms' room_opens_at). A room link or a Jitsi token handed
out cannot be revoked, and a person who may already be checked in must not free the
seat for somebody else (or get a paid seat refunded). After that, only the organiser
can cancel (the whole date).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import EventDate, Registration, RegistrationStatus

# Statuses of a registration that is still alive (holds a seat or waits for one).
LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.OFFERED,
        RegistrationStatus.WAITING)
# No seat is offered from the waiting list later than this before the start.
OFFER_CUTOFF = timedelta(hours=1)


def offer_hours() -> int:
    return int(getattr(settings, "BUSINESS_WAITLIST_OFFER_HOURS", 24))


def payment_hold_minutes() -> int:
    return int(getattr(settings, "BUSINESS_PAYMENT_HOLD_MINUTES", 30))


def offer_expiry(event_date: EventDate, now: datetime) -> datetime | None:
    """Until when a freed seat is held for the first waiting person: the offer period,
    but never later than an hour before the start; None when that moment has passed."""
    until = min(now + timedelta(hours=offer_hours()), event_date.starts_at - OFFER_CUTOFF)
    return until if until > now else None


def payment_hold_expiry(event_date: EventDate, now: datetime) -> datetime:
    return min(now + timedelta(minutes=payment_hold_minutes()), event_date.starts_at)


def cancellation_closes_at(event_date: EventDate) -> datetime:
    """From this moment the participant can no longer cancel (see the module's docstring)."""
    from .attendance_services import checkin_window
    from .rooms.services import room_opens_at

    closes = checkin_window(event_date)[0]
    if event_date.room_provider:
        closes = min(closes, room_opens_at(event_date))
    return closes


def may_cancel(registration: Registration, now: datetime) -> bool:
    """Whether the participant's registration can still be cancelled now (for the pages)."""
    return (registration.status in LIVE and not registration.event_date.is_cancelled
            and now < cancellation_closes_at(registration.event_date))


def registration_refusal(event_date: EventDate, now: datetime) -> str | None:
    """Why this date takes no registrations now (a sentence for the person), or None."""
    if event_date.is_cancelled:
        return _("Dieser Termin wurde abgesagt.")
    if not event_date.series.is_published:
        return _("Dieser Termin ist nicht veröffentlicht.")
    if event_date.starts_at <= now:
        return _("Dieser Termin hat bereits begonnen oder liegt in der Vergangenheit.")
    if event_date.registration_closes_at is not None and event_date.registration_closes_at <= now:
        return _("Der Anmeldeschluss für diesen Termin ist vorbei.")
    return None


def live_registrations(event_date: EventDate) -> QuerySet[Registration]:
    return Registration.objects.filter(event_date=event_date, status__in=LIVE)


def company_live_count(event_date: EventDate, company) -> int:
    return (live_registrations(event_date)
            .filter(Q(company=company) | Q(participant__memberships__organisation=company))
            .values("pk").distinct().count())
