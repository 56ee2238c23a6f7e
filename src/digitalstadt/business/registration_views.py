"""Registration pages: register for a date (oneself or colleagues), my registrations
(cancel, claim or decline an offer, calendar file), a company's registrations, and the
organiser's cancellation of a date. Thin: parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.ratelimit import hit

from . import registration_selectors as selectors
from . import registration_services as services
from . import waitlist
from .ics import registration_calendar
from .models import RegistrationStatus

# Public writes per person: registrations, cancellations and offers (count, seconds).
WRITE_LIMIT = (30, 3600)


def _limited(request) -> bool:
    if hit(scope="business-registration", key=str(request.user.pk), limit=WRITE_LIMIT[0], period=WRITE_LIMIT[1]):
        return False
    messages.error(request, _("Zu viele Versuche. Bitte warten Sie etwas."))
    return True


def _date_or_404(date_id: int):
    event_date = selectors.event_date_by_id(date_id=date_id)
    if event_date is None or not event_date.series.is_published:
        raise Http404
    return event_date


def _outcome_message(request, registrations) -> None:
    for r in registrations:
        name = r.name
        if r.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("%(name)s ist angemeldet.") % {"name": name})
        elif r.status == RegistrationStatus.PENDING_PAYMENT:
            until = timezone.localtime(r.offer_expires_at).strftime("%d.%m.%Y %H:%M")
            messages.success(request, _("Der Platz für %(name)s ist reserviert. Bitte bezahlen Sie bis "
                                        "%(until)s.") % {"name": name, "until": until})
        else:
            messages.info(request, _("Der Termin ist ausgebucht: %(name)s steht auf der Warteliste.") % {"name": name})


@login_required
def register(request, date_id: int):
    """The date with the registration box (the events part's date page includes the same
    box) and, for company owners and admins, the form to register colleagues."""
    event_date = _date_or_404(date_id)
    if request.method == "POST":
        if _limited(request):
            return redirect("business:register", date_id=date_id)
        slug = request.POST.get("unternehmen", "")
        try:
            if slug:
                company = selectors.managed_company_by_slug(user=request.user, slug=slug[:80])
                if company is None:
                    raise PermissionDenied(_("Sie können für dieses Unternehmen niemanden anmelden."))
                members = {str(u.pk): u for u in _members(company)}
                chosen = request.POST.getlist("teilnehmende")[:200]
                if any(v not in members for v in chosen):
                    raise ValidationError(_("Es können nur Mitglieder des Unternehmens angemeldet werden."))
                made = services.registration_create_for_colleagues(
                    event_date=event_date, company=company, participants=[members[v] for v in chosen],
                    actor=request.user)
            else:
                made = [services.registration_create(event_date=event_date, actor=request.user)]
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return redirect("business:register", date_id=date_id)
        _outcome_message(request, made)
        if slug:
            return redirect("business:company-registrations", slug=slug)
        return redirect("business:my-registrations")
    panel = selectors.registration_panel(event_date=event_date, user=request.user)
    companies = [{"company": c, "members": _members(c)} for c in panel.companies]
    return render(request, "business/registration_register.html",
                  {"event_date": event_date, "panel": panel, "companies": companies})


def _members(company):
    from digitalstadt.accounts.selectors import organisation_members

    return list(organisation_members(organisation=company))


@login_required
def my_registrations(request):
    return render(request, "business/registration_mine.html",
                  {"registrations": selectors.registrations_of_person(user=request.user)})


def _registration_or_404(request, registration_id: int):
    registration = selectors.registration_for(user=request.user, registration_id=registration_id)
    if registration is None:
        raise Http404
    return registration


@login_required
@require_POST
def cancel(request, registration_id: int):
    registration = _registration_or_404(request, registration_id)
    if _limited(request):
        return redirect("business:my-registrations")
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        add_error_messages(request, exc)
    else:
        messages.success(request, _("Die Anmeldung von %(name)s ist storniert.") % {"name": registration.name})
    if request.POST.get("zurueck") == "unternehmen" and registration.company:
        return redirect("business:company-registrations", slug=registration.company.slug)
    return redirect("business:my-registrations")


@login_required
def offer(request, registration_id: int):
    registration = _registration_or_404(request, registration_id)
    if registration.participant_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        if _limited(request):
            return redirect("business:registration-offer", registration_id=registration_id)
        action = request.POST.get("aktion", "")
        try:
            if action == "annehmen":
                current = waitlist.registration_claim_offer(registration=registration, actor=request.user)
                _outcome_message(request, [current])
            elif action == "ablehnen":
                waitlist.registration_decline_offer(registration=registration, actor=request.user)
                messages.info(request, _("Sie haben den Platz abgelehnt. Er wird der nächsten Person angeboten."))
            else:
                messages.error(request, _("Bitte wählen Sie: Platz annehmen oder ablehnen."))
                return redirect("business:registration-offer", registration_id=registration_id)
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
        return redirect("business:my-registrations")
    return render(request, "business/registration_offer.html", {"registration": registration})


@login_required
def calendar_file(request, registration_id: int):
    registration = _registration_or_404(request, registration_id)
    response = HttpResponse(registration_calendar(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{registration.event_date_id}.ics"'
    return response


@login_required
def company_registrations(request, slug: str):
    company = selectors.managed_company_by_slug(user=request.user, slug=slug)
    if company is None:
        raise Http404
    return render(request, "business/registration_company.html",
                  {"company": company, "dates": selectors.registrations_of_company(company=company)})


@login_required
def date_cancel(request, date_id: int):
    event_date = selectors.event_date_by_id(date_id=date_id)
    if event_date is None or not services.is_date_manager(user=request.user, event_date=event_date):
        raise Http404
    if request.method == "POST":
        if _limited(request):
            return redirect("business:date-cancel", date_id=date_id)
        try:
            services.event_date_cancel(event_date=event_date, by=request.user,
                                       reason=request.POST.get("grund", "")[:2000])
        except (ValidationError, PermissionDenied) as exc:
            add_error_messages(request, exc)
            return redirect("business:date-cancel", date_id=date_id)
        messages.success(request, _("Der Termin ist abgesagt. Alle Angemeldeten wurden benachrichtigt."))
        return redirect("business:date-cancel", date_id=date_id)
    return render(request, "business/registration_date_cancel.html",
                  {"event_date": event_date, "live": selectors.seats_left(event_date=event_date),
                   "registered": event_date.seats - selectors.seats_left(event_date=event_date),
                   "waiting": selectors.waiting_count(event_date=event_date)})
