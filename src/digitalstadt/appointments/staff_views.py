"""Counter staff and office admins: day plan, check-in, walk-in tickets, calling,
statistics. Every view checks that the staff member may work at the location."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
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


DAY_PLAN_PAGE_SIZE = 20


def _session_key(location: Location) -> str:
    return f"appointments.counter.{location.pk}"


def _chosen_counter(request, location: Location) -> Counter | None:
    """The counter the staff member works at: chosen with `?schalter=` (or a POSTed
    `schalter`) and kept in the session, so every way back to the day plan keeps it."""
    counters = location.counters.filter(is_active=True)
    counter_id = query_int(request.POST if request.method == "POST" else request.GET, "schalter")
    key = _session_key(location)
    if counter_id is not None:
        counter = counters.filter(pk=counter_id).first()
        if counter is not None:
            request.session[key] = counter.pk
            return counter
    stored = request.session.get(key)
    return counters.filter(pk=stored).first() if stored else None


def _queue_context(location: Location, day: date) -> dict:
    return {
        "waiting": Ticket.objects.filter(location=location, day=day, status=TicketStatus.WAITING)
        .select_related("booking", "service").order_by("due_at"),
        "called": Ticket.objects.filter(location=location, day=day, status=TicketStatus.CALLED)
        .select_related("counter"),
    }


@staff_required
def day_plan(request, slug):
    location = _location(request, slug)
    day = _day(request.GET, "datum")
    query = query_text(request.GET, "suche")
    counter = _chosen_counter(request, location)
    is_today = day == timezone.localdate()
    if request.htmx and request.GET.get("teil") == "warteschlange":
        return render(request, "appointments/staff/_queue.html", {"location": location, "is_today": is_today,
                                                                   **_queue_context(location, day)})
    tz = local_tz()
    start = datetime.combine(day, time.min).replace(tzinfo=tz)
    day_bookings = Booking.objects.filter(location=location, starts_at__gte=start, starts_at__lt=start + timedelta(days=1),
                                          status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN,
                                                      BookingStatus.SERVED, BookingStatus.NO_SHOW])
    summary = day_bookings.aggregate(
        booked=Count("id"), checked_in=Count("id", filter=Q(status=BookingStatus.CHECKED_IN)),
        served=Count("id", filter=Q(status=BookingStatus.SERVED)),
        missed=Count("id", filter=Q(status=BookingStatus.NO_SHOW)))
    bookings = day_bookings.prefetch_related("booked_services__service").select_related("ticket").order_by("starts_at", "id")
    if query:
        bookings = bookings.filter(Q(name__icontains=query) | Q(code__iexact=query.upper()))
    page = Paginator(bookings, DAY_PLAN_PAGE_SIZE).get_page(request.GET.get("seite"))
    # Reading the day plan shows names of citizens: a staff read of personal data.
    audit_log(actor=request.user, action="appointments.day_plan_viewed", subject=location,
              data={"day": day.isoformat(), "bookings": len(page.object_list), "page": page.number})
    counters = location.counters.filter(is_active=True)
    current = None
    if counter is not None:
        current = Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED, day=timezone.localdate()).first()
    return render(request, "appointments/staff/day_plan.html", {
        "location": location, "day": day, "page": page, "bookings": page.object_list, "summary": summary,
        "query": query, "counters": counters, "counter": counter, "current": current, "is_today": is_today,
        "walk_in_open": queue.walk_in_hours_open(location),
        "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "services": [o.service for o in location.offered_services.select_related("service")],
        **_queue_context(location, day),
    })


def _back(location, day: date | None = None):
    url = reverse("appointments-staff:day-plan", kwargs={"slug": location.slug})
    return redirect(f"{url}?datum={day.isoformat()}" if day and day != timezone.localdate() else url)


@staff_required
@require_POST
def check_in(request, slug, code):
    location = _location(request, slug)
    _chosen_counter(request, location)
    booking = get_object_or_404(Booking, location=location, code=code)
    try:
        ticket = queue.ticket_check_in(booking=booking, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
        return _back(location, timezone.localdate(booking.starts_at))
    messages.success(request, _("Eingecheckt: Wartenummer %(n)s.") % {"n": ticket.number})
    return _back(location)


@staff_required
@require_POST
def check_in_by_code(request, slug):
    location = _location(request, slug)
    _chosen_counter(request, location)
    try:
        ticket = queue.ticket_check_in_by_code(location=location, code=query_text(request.POST, "code"),
                                               actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Eingecheckt: Wartenummer %(n)s.") % {"n": ticket.number})
    return _back(location)


@staff_required
@require_POST
def walk_in(request, slug):
    location = _location(request, slug)
    service_id = query_int(request.POST, "service")
    service = location.offered_services.filter(service_id=service_id).first() if service_id else None
    try:
        ticket = queue.ticket_walk_in_at_counter(location=location, service=service.service if service else None,
                                                 actor=request.user, override=request.POST.get("trotzdem") == "1")
    except ValidationError as exc:
        add_error_messages(request, exc)
        return _back(location)
    messages.success(request, _("Neue Wartenummer: %(n)s.") % {"n": ticket.number})
    return redirect(reverse("appointments-public:ticket", kwargs={"uuid": ticket.uuid}) + "?druck=1")


@staff_required
@require_POST
def call_next(request, slug):
    location = _location(request, slug)
    counter = _chosen_counter(request, location)
    if counter is None:
        raise Http404
    try:
        ticket = queue.ticket_call_next(location=location, counter=counter, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    if ticket is None:
        messages.info(request, _("Niemand wartet."))
    else:
        messages.success(request, _("Aufgerufen: %(n)s an %(c)s.") % {"n": ticket.number, "c": counter.name})
    return _back(location)


@staff_required
@require_POST
def ticket_action(request, slug, uuid, action):
    location = _location(request, slug)
    ticket = get_object_or_404(Ticket, location=location, uuid=uuid)
    _chosen_counter(request, location)
    handlers = {"erneut": queue.ticket_recall, "erledigt": queue.ticket_mark_served,
                "nicht-erschienen": queue.ticket_mark_missed}
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    try:
        handler(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        add_error_messages(request, exc)
    return _back(location)


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
