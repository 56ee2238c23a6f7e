"""Counter staff and office admins: day plan, check-in, walk-in tickets, calling,
statistics. Every view checks that the staff member may work at the location."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.audit import audit_log
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.params import query_date, query_int, query_text
from digitalstadt.core.permissions import staff_required

from . import queue
from .models import Booking, BookingStatus, Counter, Location, Ticket, TicketStatus
from .permissions import COUNTER_ROLES, can_work_at, locations_for_staff
from .schedule import local_tz
from .stats import day_stats, days_until_next_free


def _location(request, slug) -> Location:
    location = Location.objects.filter(slug=slug).first()
    if location is None or not can_work_at(user=request.user, location=location):
        raise Http404
    return location


def _day(data, name: str, default: date | None = None) -> date:
    """A day of the counter pages (`?datum=`, `?von=`, `?bis=`): today when absent; a
    malformed or far-away date is a 400 with the reason (core.params)."""
    return query_date(data, name, default=default or timezone.localdate())


@staff_required
def index(request):
    from .permissions import ADMIN_ROLES

    locations = locations_for_staff(user=request.user, roles=COUNTER_ROLES)
    admin_ids = set(locations_for_staff(user=request.user, roles=ADMIN_ROLES).values_list("pk", flat=True))
    return render(request, "appointments/staff/index.html", {"locations": locations, "admin_ids": admin_ids})


@staff_required
def day_plan(request, slug):
    location = _location(request, slug)
    day = _day(request.GET, "datum")
    query = query_text(request.GET, "suche")
    counter_id = query_int(request.GET, "schalter")
    tz = local_tz()
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    bookings = (Booking.objects.filter(location=location, starts_at__gte=start, starts_at__lt=start + timedelta(days=1),
                                       status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN,
                                                   BookingStatus.SERVED, BookingStatus.NO_SHOW])
                .prefetch_related("booked_services__service").select_related("ticket").order_by("starts_at"))
    if query:
        bookings = bookings.filter(Q(name__icontains=query) | Q(code__iexact=query.upper()))
    # Reading the day plan shows names of citizens: a staff read of personal data.
    audit_log(actor=request.user, action="appointments.day_plan_viewed", subject=location,
              data={"day": day.isoformat(), "bookings": len(bookings)})
    counters = location.counters.filter(is_active=True)
    counter = counters.filter(pk=counter_id).first() if counter_id is not None else None
    current = None
    if counter is not None:
        current = Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED, day=timezone.localdate()).first()
    is_today = day == timezone.localdate()
    return render(request, "appointments/staff/day_plan.html", {
        "location": location, "day": day, "bookings": bookings, "counters": counters, "counter": counter,
        "current": current, "is_today": is_today,
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "waiting": Ticket.objects.filter(location=location, day=day, status=TicketStatus.WAITING)
        .select_related("booking", "service").order_by("due_at"),
        "called": Ticket.objects.filter(location=location, day=day, status=TicketStatus.CALLED)
        .select_related("counter"),
        "services": [o.service for o in location.offered_services.select_related("service")],
    })


def _counter_id(request) -> int | None:
    """The counter the staff member works at (`schalter`), read before anything changes."""
    return query_int(request.POST, "schalter")


def _back(location, counter_id: int | None):
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    return redirect(f"{url}?schalter={counter_id}" if counter_id else url)


@staff_required
@require_POST
def check_in(request, slug, code):
    location = _location(request, slug)
    counter_id = _counter_id(request)
    booking = get_object_or_404(Booking, location=location, code=code)
    try:
        ticket = queue.ticket_check_in(booking=booking, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Eingecheckt: Wartenummer %(n)s.") % {"n": ticket.number})
    return _back(location, counter_id)


@staff_required
@require_POST
def walk_in(request, slug):
    location = _location(request, slug)
    service_id = query_int(request.POST, "service")
    service = location.offered_services.filter(service_id=service_id).first() if service_id else None
    ticket = queue.ticket_walk_in(location=location, service=service.service if service else None, actor=request.user)
    messages.success(request, _("Neue Wartenummer: %(n)s.") % {"n": ticket.number})
    return redirect(reverse("appointments-public:ticket", kwargs={"uuid": ticket.uuid}) + "?druck=1")


@staff_required
@require_POST
def call_next(request, slug):
    location = _location(request, slug)
    counter_id = _counter_id(request)
    counter = get_object_or_404(Counter, location=location, pk=counter_id or 0, is_active=True)
    try:
        ticket = queue.ticket_call_next(location=location, counter=counter, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    if ticket is None:
        messages.info(request, _("Niemand wartet."))
    else:
        messages.success(request, _("Aufgerufen: %(n)s an %(c)s.") % {"n": ticket.number, "c": counter.name})
    return _back(location, counter_id)


@staff_required
@require_POST
def ticket_action(request, slug, uuid, action):
    location = _location(request, slug)
    counter_id = _counter_id(request)
    ticket = get_object_or_404(Ticket, location=location, uuid=uuid)
    handlers = {"erneut": queue.ticket_recall, "erledigt": queue.ticket_mark_served,
                "nicht-erschienen": queue.ticket_mark_missed}
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    try:
        handler(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    return _back(location, counter_id)


@staff_required
def statistics(request, slug):
    location = _location(request, slug)
    until = _day(request.GET, "bis")
    since = _day(request.GET, "von", default=until - timedelta(days=6))
    if since > until or (until - since).days > 92:
        messages.error(request, _("Bitte wählen Sie einen Zeitraum von höchstens 93 Tagen."))
        since = until - timedelta(days=6)
    days = [day_stats(location, since + timedelta(days=i)) for i in range((until - since).days + 1)]
    return render(request, "appointments/staff/statistics.html", {
        "location": location, "days": days, "since": since, "until": until,
        "next_free_days": days_until_next_free(location),
    })
