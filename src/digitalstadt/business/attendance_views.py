"""Attendance pages: the organiser's dates, participant list with check-in buttons, the
code entry / QR scan page, issuing certificates; the participant's tickets and ticket
page. Thin views: the services check who may do what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digitalstadt.core.audit import audit_log
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.params import query_int, query_text
from digitalstadt.core.scoping import organisation_scope

from . import attendance_services as services
from .attendance_selectors import attendance_counts, own_attended, own_registration, participant_list
from .certificate_services import certificates_issue
from .feedback_services import feedback_open_for
from .models import EventDate, RegistrationStatus


def _organiser_date(request, date_id):
    try:
        return services.organiser_date(user=request.user, date_id=date_id)
    except PermissionDenied:
        raise Http404 from None


@login_required
def organiser_dates(request, partner):
    """The partner's dates (recent and coming), each leading to its participant list."""
    from digitalstadt.accounts.selectors import organisation_by_slug

    organisation = organisation_by_slug(slug=partner)
    if organisation is None or not services.user_may_organise(user=request.user, organisation=organisation):
        raise Http404
    with organisation_scope(organisation):
        dates = list(EventDate.organised.select_related("series").order_by("-starts_at")[:60])
    return render(request, "business/attendance/dates.html", {"organisation": organisation, "dates": dates})


def _list_context(request, event_date):
    now = timezone.now()
    return {"event_date": event_date, "organisation": event_date.series.organiser,
            "participants": list(participant_list(event_date=event_date)),
            "counts": attendance_counts(event_date=event_date),
            "checkin_open": services.checkin_is_open(event_date), "ended": now >= event_date.ends_at,
            "window": services.checkin_window(event_date), "confirmed": RegistrationStatus.CONFIRMED}


@login_required
@require_http_methods(["GET", "POST"])
def participants(request, date_id):
    """The participant list; POST `anmeldung` checks one person in (works without JS)."""
    event_date = _organiser_date(request, date_id)
    if request.method == "POST":
        try:
            registration_id = query_int(request.POST, "anmeldung", required=True)
            done = services.attendance_check_in(user=request.user, date_id=event_date.pk,
                                                registration_id=registration_id)
            messages.success(request, _("%(name)s ist eingecheckt.") % {"name": done.name})
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        return redirect("business:attendance-list", date_id=event_date.pk)
    audit_log(actor=request.user, action="business.participants_viewed", subject=event_date)
    return render(request, "business/attendance/participants.html", _list_context(request, event_date))


@login_required
@require_http_methods(["GET", "POST"])
def scan(request, date_id):
    """Type the ticket's code or scan its QR code (static/js/pickup-scan.js fills it in)."""
    event_date = _organiser_date(request, date_id)
    context = {"event_date": event_date, "checkin_open": services.checkin_is_open(event_date), "code": ""}
    if request.method == "POST":
        code = query_text(request.POST, "code", max_length=60)
        try:
            done = services.attendance_check_in_by_code(user=request.user, date_id=event_date.pk, code=code)
        except services.AlreadyCheckedIn as exc:
            messages.warning(request, exc.messages[0])
            return redirect("business:attendance-scan", date_id=event_date.pk)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return render(request, "business/attendance/scan.html", {**context, "code": code}, status=400)
        messages.success(request, _("%(name)s ist eingecheckt.") % {"name": done.name})
        return redirect("business:attendance-scan", date_id=event_date.pk)
    return render(request, "business/attendance/scan.html", context)


@login_required
@require_POST
def issue_certificates(request, date_id):
    event_date = _organiser_date(request, date_id)
    try:
        result = certificates_issue(user=request.user, date_id=event_date.pk)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
    else:
        if result.issued:
            messages.success(request, _("%(count)d Teilnahmebescheinigungen ausgestellt und in die Postfächer "
                                        "gelegt.") % {"count": result.issued})
        else:
            messages.info(request, _("Alle Eingecheckten haben ihre Bescheinigung bereits."))
    return redirect("business:attendance-list", date_id=event_date.pk)


# --- the participant -------------------------------------------------------------


@login_required
def my_tickets(request):
    return render(request, "business/attendance/my_tickets.html",
                  {"registrations": list(own_attended(user=request.user)[:100]), "now": timezone.now()})


@login_required
def ticket(request, registration_id):
    """The participant's ticket: the QR code and the code to type, the certificate once
    issued, the feedback form once the date is over."""
    registration = own_registration(user=request.user, registration_id=registration_id)
    if registration is None:
        raise Http404
    code = None
    if registration.status == RegistrationStatus.CONFIRMED and registration.checked_in_at is None \
            and timezone.now() < services.checkin_window(registration.event_date)[1]:
        code = services.registration_ticket_code(registration=registration)
    return render(request, "business/attendance/ticket.html", {
        "registration": registration, "event_date": registration.event_date,
        "code": code, "code_display": services.code_display(code) if code else "",
        "qr_payload": services.qr_payload(code) if code else "",
        "feedback_open": feedback_open_for(registration),
        "has_feedback": hasattr(registration, "feedback") and registration.feedback is not None,
    })
