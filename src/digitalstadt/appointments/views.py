from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .models import BookingStatus


def _errors(request, exc):
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def manage(request, code):
    """Confirm or cancel by e-mail link. A GET (a mail scanner following the link) only
    shows the page; confirming and cancelling need a POST with the token."""
    token = request.POST.get("t") or request.GET.get("t", "")
    booking = services.booking_by_token(code=code, token=token)
    if booking is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.booking_confirm(booking=booking, actor=request.user)
                messages.success(request, _("Ihr Termin ist bestätigt. Sie erhalten eine E-Mail mit allen Angaben."))
            elif action == "cancel":
                services.booking_cancel(booking=booking, actor=request.user)
                messages.success(request, _("Ihr Termin ist abgesagt."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect(f"{request.path}?t={token}")
    booking.refresh_from_db()
    return render(request, "appointments/manage.html", {
        "booking": booking, "token": token, "statuses": BookingStatus,
        "services": booking.booked_services.select_related("service"),
    })
