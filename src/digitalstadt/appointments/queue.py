"""The queue at the counter: check-in, walk-in tickets, "call next", recall, served,
missed. Calling takes the next ticket with SELECT ... FOR UPDATE SKIP LOCKED, so two
counters pressing "call next" at once never get the same person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digitalstadt.core.locking import lock_one, lock_rows
from digitalstadt.core.audit import audit_log

from .models import Booking, BookingStatus, Counter, Location, Ticket, TicketStatus

# An appointment is called first from this long before its start.
DUE_EARLY = timedelta(minutes=5)
MAX_CALLS = 3
DEFAULT_SERVICE_MINUTES = 10


def _next_number(location: Location, day, prefix: str) -> str:
    count = Ticket.objects.filter(location=location, day=day, number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def _create_ticket(**fields) -> Ticket:
    prefix = "T" if fields.get("booking") is not None else "W"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Ticket.objects.create(number=_next_number(fields["location"], fields["day"], prefix), **fields)
        except IntegrityError:
            continue  # a concurrent check-in took the number; take the next one
    raise ValidationError(_("Die Wartenummer konnte nicht vergeben werden. Bitte erneut versuchen."))


def ticket_check_in(*, booking: Booking, actor: Any) -> Ticket:
    now = timezone.now()
    with transaction.atomic():
        booking = lock_one(Booking.objects.filter(pk=booking.pk))
        if booking.status == BookingStatus.CHECKED_IN and hasattr(booking, "ticket"):
            return booking.ticket
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError(_("Nur bestätigte Termine können eingecheckt werden."))
        if timezone.localdate(booking.starts_at) != timezone.localdate(now):
            raise ValidationError(_("Dieser Termin ist nicht heute."))
        first = booking.booked_services.select_related("service").first()
        ticket = _create_ticket(location=booking.location, day=timezone.localdate(now), booking=booking,
                                service=first.service if first else None, due_at=booking.starts_at)
        booking.status = BookingStatus.CHECKED_IN
        booking.save(update_fields=["status"])
        audit_log(actor=actor, action="queue.checked_in", subject=ticket)
    return ticket


def ticket_check_in_by_code(*, location: Location, code: str, actor: Any) -> Ticket:
    """Check in by the booking code the citizen shows (typed or scanned from the QR code
    of the confirmation). A code of another location is refused like an unknown one, so
    the counter learns nothing about other offices' bookings."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not cleaned:
        raise ValidationError(_("Bitte geben Sie eine Buchungsnummer ein."))
    booking = Booking.objects.filter(location=location, code=cleaned).first()
    if booking is None:
        raise ValidationError(_("Unter dieser Buchungsnummer gibt es hier keinen Termin. Bitte prüfen Sie die "
                                "Eingabe oder den Standort."))
    return ticket_check_in(booking=booking, actor=actor)


def walk_in_hours_open(location: Location, moment=None) -> bool:
    """Whether the location takes walk-ins now: its walk-in hours (or, when it has none,
    its appointment hours) cover the moment, and the day is no closure or public holiday."""
    from .models import Closure, HoursKind, OpeningHours
    from .schedule import public_holidays

    moment = timezone.localtime(moment or timezone.now())
    day, now = moment.date(), moment.time()
    if day in public_holidays([day.year]):
        return False
    if Closure.objects.filter(location=location, starts_on__lte=day, ends_on__gte=day).exists():
        return False
    hours = OpeningHours.objects.filter(location=location)
    kind = HoursKind.WALK_IN if hours.filter(kind=HoursKind.WALK_IN).exists() else HoursKind.APPOINTMENTS
    return hours.filter(kind=kind, weekday=day.weekday(), valid_from__lte=day, opens__lte=now, closes__gt=now).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)).exists()


class OutsideWalkInHours(ValidationError):
    """A walk-in ticket was asked for while the office takes no walk-ins."""


def ticket_walk_in(*, location: Location, service: Any = None, actor: Any = None) -> Ticket:
    now = timezone.now()
    with transaction.atomic():
        ticket = _create_ticket(location=location, day=timezone.localdate(now), service=service, due_at=now)
        audit_log(actor=actor, system="queue", action="queue.walk_in", subject=ticket)
    return ticket


def ticket_walk_in_at_counter(*, location: Location, service: Any = None, actor: Any,
                              override: bool = False) -> Ticket:
    """A walk-in ticket issued by counter staff. Outside the walk-in hours it is refused
    unless staff explicitly override; the override is audited."""
    now = timezone.now()
    outside = not walk_in_hours_open(location, now)
    if outside and not override:
        raise OutsideWalkInHours(_("Der Standort ist jetzt nicht für Kundschaft ohne Termin geöffnet. Geben Sie "
                                   "nur in Ausnahmefällen trotzdem eine Wartenummer aus."))
    with transaction.atomic():
        ticket = ticket_walk_in(location=location, service=service, actor=actor)
        if outside:
            audit_log(actor=actor, action="queue.walk_in_outside_hours", subject=ticket,
                      data={"at": timezone.localtime(now).isoformat(timespec="minutes")})
    return ticket


def _waiting(location: Location):
    return Ticket.objects.filter(location=location, day=timezone.localdate(), status=TicketStatus.WAITING)


def ticket_call_next(*, location: Location, counter: Counter, actor: Any) -> Ticket | None:
    """Due appointments first (by start), then walk-ins in arrival order, then early
    appointments."""
    if counter.location_id != location.pk:
        raise PermissionDenied
    now = timezone.now()
    candidates = [
        _waiting(location).filter(booking__isnull=False, due_at__lte=now + DUE_EARLY).order_by("due_at", "id"),
        _waiting(location).filter(booking__isnull=True).order_by("created_at", "id"),
        _waiting(location).filter(booking__isnull=False).order_by("due_at", "id"),
    ]
    with transaction.atomic():
        for queryset in candidates:
            if connection.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            ticket = queryset.first()
            if ticket is not None:
                ticket.status = TicketStatus.CALLED
                ticket.counter = counter
                ticket.called_at = now
                ticket.call_count = 1
                ticket.called_by = actor
                ticket.save(update_fields=["status", "counter", "called_at", "call_count", "called_by"])
                audit_log(actor=actor, action="queue.called", subject=ticket, data={"counter": counter.name})
                return ticket
    return None


def _locked(ticket: Ticket) -> Ticket:
    return lock_rows(Ticket.objects.select_related("booking").filter(pk=ticket.pk), of=("self",))[0]


def ticket_recall(*, ticket: Ticket, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED:
            raise ValidationError(_("Diese Nummer ist nicht aufgerufen."))
        if ticket.call_count >= MAX_CALLS:
            raise ValidationError(_("Die Nummer wurde bereits dreimal aufgerufen. Bitte als nicht erschienen markieren."))
        ticket.call_count += 1
        ticket.called_at = timezone.now()
        ticket.save(update_fields=["call_count", "called_at"])
        audit_log(actor=actor, action="queue.recalled", subject=ticket, data={"calls": ticket.call_count})
    return ticket


def ticket_mark_served(*, ticket: Ticket, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED:
            raise ValidationError(_("Nur aufgerufene Nummern können abgeschlossen werden."))
        ticket.status = TicketStatus.SERVED
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.SERVED)
        audit_log(actor=actor, action="queue.served", subject=ticket)
    return ticket


def ticket_mark_missed(*, ticket: Ticket, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status != TicketStatus.CALLED or ticket.call_count < MAX_CALLS:
            raise ValidationError(_("Als nicht erschienen gilt eine Nummer erst nach dreimaligem Aufruf."))
        ticket.status = TicketStatus.MISSED
        ticket.finished_at = timezone.now()
        ticket.save(update_fields=["status", "finished_at"])
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.NO_SHOW)
        audit_log(actor=actor, action="queue.missed", subject=ticket)
    return ticket


def mark_no_shows(*, now=None) -> int:
    """Confirmed appointments that ended without check-in are no-shows (run nightly)."""
    now = now or timezone.now()
    with transaction.atomic():
        count = Booking.objects.filter(status=BookingStatus.CONFIRMED, ends_at__lt=now - timedelta(hours=1)).update(
            status=BookingStatus.NO_SHOW)
        if count:
            audit_log(actor=None, system="appointments", action="booking.no_shows_marked", data={"count": count})
    return count


# --- waiting estimates ---------------------------------------------------------------


def average_service_minutes(location: Location) -> float:
    """Average minutes from call to finish over the last 14 days (default 10)."""
    since = timezone.now() - timedelta(days=14)
    duration = ExpressionWrapper(F("finished_at") - F("called_at"), output_field=DurationField())
    avg = (Ticket.objects.filter(location=location, status=TicketStatus.SERVED, finished_at__gte=since,
                                 called_at__isnull=False).aggregate(avg=Avg(duration))["avg"])
    if not avg:
        return DEFAULT_SERVICE_MINUTES
    return max(1.0, avg.total_seconds() / 60)


def queue_position(ticket: Ticket) -> int:
    """How many waiting tickets will be called before this one (0 = next)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    waiting = _waiting(ticket.location)
    now = timezone.now()
    if ticket.booking_id and ticket.due_at <= now + DUE_EARLY:
        return waiting.filter(booking__isnull=False, due_at__lte=now + DUE_EARLY).filter(
            Q(due_at__lt=ticket.due_at) | Q(due_at=ticket.due_at, id__lt=ticket.id)).count()
    due_appointments = waiting.filter(booking__isnull=False, due_at__lte=now + DUE_EARLY).count()
    if not ticket.booking_id:
        return due_appointments + waiting.filter(booking__isnull=True).filter(
            Q(created_at__lt=ticket.created_at) | Q(created_at=ticket.created_at, id__lt=ticket.id)).count()
    return due_appointments + waiting.filter(booking__isnull=True).count() + waiting.filter(
        booking__isnull=False, due_at__gt=now + DUE_EARLY).filter(
        Q(due_at__lt=ticket.due_at) | Q(due_at=ticket.due_at, id__lt=ticket.id)).count()


def estimated_wait_minutes(ticket: Ticket) -> int:
    position = queue_position(ticket)
    counters = max(1, ticket.location.counters.filter(is_active=True).count())
    return max(1, round((position + 1) * average_service_minutes(ticket.location) / counters))
