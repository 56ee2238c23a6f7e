"""Public queue pages: the waiting-room call display and the ticket on the phone.
They show ticket numbers and counters only, never names."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Location, Ticket, TicketStatus
from .queue import estimated_wait_minutes, queue_position


RECENT_CALLS = 5


def _recent_calls(location):
    """The last five calls of the day (the newest first), also those already served, so
    that someone who looked away still finds their number."""
    return (Ticket.objects.filter(location=location, day=timezone.localdate(), called_at__isnull=False,
                                  counter__isnull=False)
            .select_related("counter").order_by("-called_at", "-id")[:RECENT_CALLS])


def call_display(request, slug):
    location = get_object_or_404(Location, slug=slug, is_active=True)
    context = {"location": location, "calls": _recent_calls(location),
               "waiting": Ticket.objects.filter(location=location, day=timezone.localdate(),
                                                status=TicketStatus.WAITING).count(),
               "now": timezone.localtime()}
    template = "appointments/display/calls.html" if request.htmx else "appointments/display/board.html"
    return render(request, template, context)


def ticket(request, uuid):
    ticket = get_object_or_404(Ticket.objects.select_related("location", "counter"), uuid=uuid)
    context = {"ticket": ticket, "position": queue_position(ticket),
               "ticket_url": request.build_absolute_uri(request.path),
               "estimate": estimated_wait_minutes(ticket) if ticket.status == TicketStatus.WAITING else None,
               "print": request.GET.get("druck") == "1"}
    template = "appointments/display/ticket_status.html" if request.htmx else "appointments/display/ticket.html"
    return render(request, template, context)
