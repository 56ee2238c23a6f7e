"""The citizen's booking journey: choose services -> earliest free starts across all
locations -> pick a location and a time (proof-of-work) -> enter details -> confirm by
e-mail link -> manage (calendar file, reschedule, cancel), also from the account.

Views only parse input, call one service and render. Reserving uses the same checks as
the API (`api.reserve`): per-IP rate limit, ALTCHA proof-of-work, `booking_hold`.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.catalog.selectors import search_services
from digitalstadt.core import pow
from digitalstadt.core.fragments import fragment
from digitalstadt.core.messages import add_error_messages
from digitalstadt.core.params import BadParameter, query_date, query_text, query_uuid
from digitalstadt.core.ratelimit import client_ip, hit

from . import services
from .forms import (
    DATE_PARAM,
    LATER_FORMAT,
    LATER_PARAM,
    SERVICE_PARAM,
    DetailsForm,
    SelectionForm,
    ServiceSearchForm,
    SlotChoiceForm,
    SlotDateForm,
    parse_later,
    selection_query,
)
from .ics import booking_calendar
from .models import Booking, BookingStatus, Location
from .selectors import (
    bookable_services,
    bookable_window,
    earliest_by_location,
    free_starts,
    max_persons_by_service,
    need_at,
    upcoming_bookings_for_user,
)

SLOTS_PER_PAGE = 24
SESSION_HOLDS = "appointments_holds"  # booking code -> hold token
SESSION_DETAILS = "appointments_details"  # what was typed before a hold ran out
HOLD_WARNING_SECONDS = 120  # warn this long before the hold runs out
SESSION_SENT = "appointments_sent"  # codes whose confirmation e-mail this browser asked for


def _selection_form(data=None) -> SelectionForm:
    return SelectionForm(data, services=list(bookable_services()), max_persons=max_persons_by_service())


def _query(selection, **extra) -> str:
    params = selection_query(selection) + [(k, v) for k, v in extra.items() if v]
    return urlencode(params)


def _ids(selection) -> list[tuple[int, int]]:
    return [(service.pk, persons) for service, persons in selection]


def _group_by_day(starts):
    days: OrderedDict = OrderedDict()
    for start in starts:
        local = timezone.localtime(start)
        days.setdefault(local.date(), []).append(local)
    return list(days.items())


# --- Step 1: services -------------------------------------------------------------

def start(request):
    """Choose services (search by name and synonyms) and persons. One GET form: "Suchen"
    reloads this page, "Freie Termine anzeigen" goes to the next step."""

    def context():
        search = ServiceSearchForm(request.GET or None)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        form = _selection_form(request.GET if SERVICE_PARAM in request.GET else None)
        chosen = set(request.GET.getlist(SERVICE_PARAM))
        found = {s.slug for s in search_services(query=query, services=form.services.values())}
        rows = [row for row in form.rows() if row[0].slug in chosen or row[0].slug in found]
        rows.sort(key=lambda row: row[0].slug not in chosen)  # chosen ones stay on top
        return {"search": search, "query": query, "form": form, "rows": rows, "chosen": chosen, "step": 1}

    if request.GET:
        return render(request, "appointments/start.html", context())
    # The page most visitors land on is the same for all: its form is rendered once per
    # language and catalogue version (core.fragments; bumped by hooks.py).
    form_html = fragment("catalog", ("appointments-start",),
                         lambda: render_to_string("appointments/_start_form.html", context()))
    return render(request, "appointments/start.html", {"form_html": form_html, "step": 1})


def _valid_selection(request):
    form = _selection_form(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["selection"]
    return form, None


def _start_with_errors(request, form):
    data = request.POST if request.method == "POST" else request.GET
    search = ServiceSearchForm(data)
    search.is_valid()
    chosen = set(data.getlist(SERVICE_PARAM))
    rows = sorted(form.rows(), key=lambda row: row[0].slug not in chosen)
    return render(request, "appointments/start.html", {
        "search": search, "query": "", "form": form, "rows": rows, "chosen": chosen, "step": 1,
    }, status=400)


# --- Step 2: earliest free starts across all locations --------------------------------

def locations(request):
    form, selection = _valid_selection(request)
    if selection is None:
        return _start_with_errors(request, form)
    results = earliest_by_location(locations=Location.objects.filter(is_active=True), services=_ids(selection),
                                   per_location=3)
    query = _query(selection)
    earliest = next(((loc, starts[0]) for loc, starts in results if starts), None)
    return render(request, "appointments/locations.html", {
        "selection": selection, "results": results, "earliest": earliest, "query": query, "step": 2,
        "change_url": reverse("appointments:start") + "?" + query,
    })


# --- Step 3: a time at one location, reserved with proof-of-work -------------------------

def _slot_page(request, *, location, selection=None, booking=None, token="", status=200, form_errors=()):
    """The free starts at one location grouped by day, paged with `ab=`. Serves new
    bookings (`selection`) and rescheduling (`booking`)."""
    wanted = _ids(selection) if selection is not None else [
        (bs.service_id, bs.persons) for bs in booking.booked_services.all()]
    need = need_at(location, wanted)
    if need is None:
        raise Http404
    now = timezone.now()
    window = bookable_window(location, now)
    date_form = SlotDateForm(request.GET if request.GET.get(DATE_PARAM) else None,
                             earliest=timezone.localdate(window[0]), latest=timezone.localdate(window[1]))
    chosen_day = None
    if date_form.is_bound and date_form.is_valid():
        chosen_day = date_form.cleaned_data["datum"]
    elif date_form.is_bound and status == 200:
        status = 400
    if chosen_day is not None:
        after = max(timezone.make_aware(datetime.combine(chosen_day, time.min)), now)
    else:
        after = parse_later(request.GET if request.GET.get(LATER_PARAM) else request.POST)
    starts = free_starts(need, limit=SLOTS_PER_PAGE + 1, after=after)
    more = len(starts) > SLOTS_PER_PAGE
    starts = starts[:SLOTS_PER_PAGE]
    if booking is not None:
        base = reverse("appointments:reschedule", kwargs={"code": booking.code})
        base_params = [("t", token)] if token else []
        action = base
    else:
        base = reverse("appointments:location-slots", kwargs={"slug": location.slug})
        base_params = selection_query(selection)
        action = reverse("appointments:reserve")
    later_url = earlier_url = None
    if more:
        later = timezone.localtime(starts[-1]) + timedelta(minutes=1)
        later_url = base + "?" + urlencode(base_params + [(LATER_PARAM, later.strftime(LATER_FORMAT))])
    if after is not None:
        earlier_url = base + ("?" + urlencode(base_params) if base_params else "")
    week_later = None
    if booking is not None:
        week_later = timezone.localdate(booking.starts_at) + timedelta(days=7)
        if not date_form.earliest <= week_later <= date_form.latest:
            week_later = None
    return render(request, "appointments/slots.html", {
        "location": location, "selection": selection, "booking": booking, "token": token,
        "date_form": date_form, "date_url": base, "date_params": base_params, "chosen_day": chosen_day,
        "week_later": week_later,
        "week_later_url": base + "?" + urlencode(base_params + [(DATE_PARAM, week_later.isoformat())])
        if week_later else "",
        "days": _group_by_day(starts), "later_url": later_url, "earlier_url": earlier_url,
        "after_param": timezone.localtime(after).strftime(LATER_FORMAT) if after else "",
        "action": action, "selection_params": base_params if booking is None else [],
        "minutes": need.minutes, "step": 3, "form_errors": form_errors,
        "back_url": reverse("appointments:locations") + "?" + urlencode(base_params) if booking is None else None,
    }, status=status)


def location_slots(request, slug):
    location = get_object_or_404(Location, slug=slug, is_active=True)
    form, selection = _valid_selection(request)
    if selection is None:
        return _start_with_errors(request, form)
    return _slot_page(request, location=location, selection=selection)


def _proof_and_rate_limit(request, choice: SlotChoiceForm) -> tuple[int, str] | None:
    """The same gate as the API: per-IP limit first, then a fresh proof-of-work."""
    limit, period = settings.RESERVE_RATE_LIMIT
    if not hit(scope="reserve", key=client_ip(request), limit=limit, period=period):
        return 429, _("Zu viele Reservierungen von Ihrem Anschluss. Bitte warten Sie einige Minuten.")
    if not choice.is_valid():
        return 400, " ".join(e for errors in choice.errors.values() for e in errors)
    if not pow.solution_verify_once(choice.cleaned_data["altcha"]):
        return 400, _("Die Sicherheitsprüfung (Rechenaufgabe) fehlt oder ist abgelaufen. Bitte lassen Sie Ihren "
                      "Browser die Prüfung erneut ausführen und wählen Sie den Termin noch einmal.")
    return None


@require_POST
def reserve(request):
    location = get_object_or_404(Location, slug=query_text(request.POST, "standort"), is_active=True)
    form = _selection_form(request.POST)
    if not form.is_valid():
        return _start_with_errors(request, form)
    selection = form.cleaned_data["selection"]
    choice = SlotChoiceForm(request.POST)
    problem = _proof_and_rate_limit(request, choice)
    if problem is None:
        try:
            booking, hold_token = services.booking_hold(location=location, services=_ids(selection),
                                                        starts_at=choice.cleaned_data["beginn"], user=request.user)
        except ValidationError as exc:
            problem = 409, " ".join(exc.messages)
    if problem is not None:
        status, message = problem
        return _slot_page(request, location=location, selection=selection, status=status, form_errors=[message])
    holds = request.session.get(SESSION_HOLDS, {})
    holds[booking.code] = hold_token
    request.session[SESSION_HOLDS] = holds
    return redirect("appointments:details", code=booking.code)


# --- Step 4: details while the slot is held -----------------------------------------------

def _held_booking(request, code):
    token = request.session.get(SESSION_HOLDS, {}).get(code.upper(), "")
    booking = services.booking_by_token(code=code, token=token)
    if booking is None:
        raise Http404
    return booking, token


def _forget_hold(request, code):
    holds = request.session.get(SESSION_HOLDS, {})
    holds.pop(code, None)
    request.session[SESSION_HOLDS] = holds


def _retry_url(booking) -> str:
    selection = [(bs.service, bs.persons) for bs in booking.booked_services.select_related("service")]
    return reverse("appointments:location-slots", kwargs={"slug": booking.location.slug}) + "?" + _query(selection)


DETAIL_FIELDS = ("name", "email", "phone")


def _keep_details(request) -> None:
    """What the citizen typed survives an expired hold: the next details page is
    prefilled with it (WCAG 2.2.1: no data lost to a time limit)."""
    typed = {name: query_text(request.POST, name, max_length=254) for name in DETAIL_FIELDS}
    if any(typed.values()):
        request.session[SESSION_DETAILS] = typed


def _hold_context(booking) -> dict:
    remaining = max(int((booking.expires_at - timezone.now()).total_seconds()), 0)
    return {"hold_seconds": remaining, "hold_warning_seconds": min(HOLD_WARNING_SECONDS, remaining)}


def details(request, code):
    booking, token = _held_booking(request, code)
    now = timezone.now()
    expired = booking.status != BookingStatus.HELD or booking.expires_at is None or booking.expires_at <= now
    context = {"booking": booking, "services": booking.booked_services.select_related("service"),
               "retry_url": _retry_url(booking), "step": 4}
    if expired:
        _forget_hold(request, booking.code)
        if request.method == "POST":
            _keep_details(request)
        context.update(expired=True, kept_details=bool(request.session.get(SESSION_DETAILS)))
        return render(request, "appointments/details.html", context, status=410)
    if request.method == "POST" and request.POST.get("action") == "extend":
        # Without JavaScript: the button belongs to the details form, so what was typed
        # comes along and is shown again, unvalidated.
        request.session.modified = True  # the citizen is active: the session lasts as long as the hold
        try:
            booking = services.booking_hold_extend(booking=booking, hold_token=token)
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Die Reservierung ist verlängert bis %(until)s Uhr.") % {
                "until": timezone.localtime(booking.expires_at).strftime("%H:%M")})
        context.update(booking=booking, form=DetailsForm(initial={n: request.POST.get(n, "") for n in DETAIL_FIELDS}),
                       **_hold_context(booking))
        return render(request, "appointments/details.html", context)
    if request.method == "POST" and request.POST.get("action") == "release":
        services.booking_cancel(booking=booking, actor=request.user)
        _forget_hold(request, booking.code)
        messages.success(request, _("Die Reservierung ist aufgehoben. Der Termin ist wieder frei."))
        return redirect(context["retry_url"])
    status = 200
    if request.method == "POST":
        form = DetailsForm(request.POST)
        if form.is_valid():
            try:
                booking, _token = services.booking_submit_details(booking=booking, hold_token=token,
                                                                  user=request.user, **form.cleaned_data)
            except PermissionDenied:
                raise Http404 from None
            except services.SlotUnavailable as exc:
                _forget_hold(request, booking.code)
                _keep_details(request)
                context.update(expired=True, expired_message=" ".join(exc.messages), kept_details=True)
                return render(request, "appointments/details.html", context, status=410)
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409
            else:
                _forget_hold(request, booking.code)
                request.session[SESSION_SENT] = [*request.session.get(SESSION_SENT, [])[-9:], booking.code]
                return redirect("appointments:sent", code=booking.code)
        else:
            status = 400
    else:
        user = request.user
        initial = {}
        if user.is_authenticated:
            initial = {"name": user.get_full_name(), "email": user.email}
        initial.update({k: v for k, v in request.session.pop(SESSION_DETAILS, {}).items() if v})
        form = DetailsForm(initial=initial)
    context.update(form=form, **_hold_context(booking))
    return render(request, "appointments/details.html", context, status=status)


@require_POST
def hold_extend(request, code):
    """The hold warning's button (session-warning.js): JSON with the seconds left."""
    booking, token = _held_booking(request, code)
    request.session.modified = True  # the citizen is active: the session lasts as long as the hold
    try:
        booking = services.booking_hold_extend(booking=booking, hold_token=token)
    except (ValidationError, services.SlotUnavailable) as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    local = timezone.localtime(booking.expires_at)
    return JsonResponse({"seconds": _hold_context(booking)["hold_seconds"], "until": local.strftime("%H:%M")})


def sent(request, code):
    if code.upper() not in request.session.get(SESSION_SENT, []):
        raise Http404
    booking = get_object_or_404(Booking.objects.select_related("location"), code=code.upper())
    return render(request, "appointments/sent.html", {
        "booking": booking, "services": booking.booked_services.select_related("service"), "step": 5})


# --- After the e-mail: confirm, calendar file, reschedule, cancel --------------------------

def _booking_for(request, code, token):
    """By the secret token from the e-mail, or for its owner when logged in."""
    booking = services.booking_by_token(code=code, token=token)
    if booking is not None:
        return booking, True
    if request.user.is_authenticated:
        booking = Booking.objects.select_related("location").filter(code=code.upper(), user=request.user).first()
        if booking is not None:
            return booking, False
    raise Http404


def _manage_url(booking, token) -> str:
    url = reverse("appointments:manage", kwargs={"code": booking.code})
    return f"{url}?{urlencode({'t': token})}" if token else url


def manage(request, code):
    """Confirm or cancel by e-mail link. A GET (a mail scanner following the link) only
    shows the page; confirming and cancelling need a POST with the token. The owner may
    also open it from the account (cancel, reschedule, calendar file; no confirmation)."""
    token = request.POST.get("t") or request.GET.get("t", "")
    booking, by_token = _booking_for(request, code, token)
    if not by_token:
        token = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm" and by_token:
                services.booking_confirm(booking=booking, actor=request.user, token=token or None)
                messages.success(request, _("Ihr Termin ist bestätigt. Sie erhalten eine E-Mail mit allen Angaben."))
            elif action == "cancel" and request.POST.get("bestaetigt") != "1":
                # A destructive step asks once more (works without JavaScript).
                return _render_manage(request, booking, token, by_token, confirm_cancel=True,
                                      back=request.POST.get("next", ""))
            elif action == "cancel":
                services.booking_cancel(booking=booking, actor=request.user)
                messages.success(request, _("Ihr Termin ist abgesagt."))
        except ValidationError as exc:
            add_error_messages(request, exc)
        if request.POST.get("next") == "mine" and request.user.is_authenticated:
            return redirect("appointments:mine")
        return redirect(_manage_url(booking, token))
    return _render_manage(request, booking, token, by_token)


def _render_manage(request, booking, token, by_token, *, confirm_cancel=False, back=""):
    booking_services = list(booking.booked_services.select_related("service"))
    with_token = f"?{urlencode({'t': token})}" if token else ""
    return render(request, "appointments/manage.html", {
        "booking": booking, "token": token, "statuses": BookingStatus, "services": booking_services,
        "by_token": by_token, "upcoming": booking.starts_at > timezone.now(),
        "what_to_bring": [s for s in booking_services if s.service.what_to_bring],
        "ics_url": reverse("appointments:ics", kwargs={"code": booking.code}) + with_token,
        "reschedule_url": reverse("appointments:reschedule", kwargs={"code": booking.code}) + with_token,
        "confirm_cancel": confirm_cancel, "back": back,
        "keep_url": reverse("appointments:mine") if back == "mine" else _manage_url(booking, token),
    })


def ics(request, code):
    booking, _by_token = _booking_for(request, code, request.GET.get("t", ""))
    if booking.status != BookingStatus.CONFIRMED:
        raise Http404
    body = booking_calendar(booking, services=list(booking.booked_services.select_related("service")))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{booking.code}.ics"'
    return response


def reschedule(request, code):
    token = request.POST.get("t") or request.GET.get("t", "")
    booking, by_token = _booking_for(request, code, token)
    if not by_token:
        token = ""
    if booking.status != BookingStatus.CONFIRMED or booking.starts_at <= timezone.now():
        messages.error(request, _("Nur bestätigte, noch anstehende Termine können verschoben werden."))
        return redirect(_manage_url(booking, token))
    location = booking.location
    if request.method == "POST":
        choice = SlotChoiceForm(request.POST)
        problem = _proof_and_rate_limit(request, choice)
        if problem is None:
            try:
                new, new_token = services.booking_reschedule(booking=booking, starts_at=choice.cleaned_data["beginn"],
                                                             actor=request.user)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                problem = 409, " ".join(exc.messages)
        if problem is not None:
            status, message = problem
            return _slot_page(request, location=location, booking=booking, token=token, status=status,
                              form_errors=[message])
        messages.success(request, _("Ihr Termin ist verschoben. Sie erhalten eine E-Mail mit dem neuen Termin; "
                                    "Ihr Kalender übernimmt die neue Zeit aus der .ics-Datei."))
        if by_token:
            return redirect(_manage_url(new, new_token))
        return redirect("appointments:mine")
    return _slot_page(request, location=location, booking=booking, token=token)


@login_required
def mine(request):
    """Meine Termine: the user's upcoming bookings with cancel and reschedule."""
    return render(request, "appointments/mine.html", {
        "bookings": upcoming_bookings_for_user(user=request.user), "statuses": BookingStatus,
    })


# --- waiting list -----------------------------------------------------------------------


@login_required
def waitlist(request):
    """Join the waiting list for an earlier appointment (from the slot page) and see or
    leave one's entries. Freed places are offered by e-mail, first come first served."""
    from .models import WaitlistEntry, WaitlistStatus
    from .waitlist import waitlist_join, waitlist_leave

    if request.method == "POST" and request.POST.get("action") == "verlassen":
        entry = get_object_or_404(WaitlistEntry, uuid=query_uuid(request.POST, "entry", required=True),
                                  user=request.user)
        try:
            waitlist_leave(user=request.user, entry=entry)
        except ValidationError as exc:
            add_error_messages(request, exc)
        else:
            messages.success(request, _("Sie stehen nicht mehr auf dieser Warteliste."))
        return redirect("appointments:waitlist")
    status = 200
    if request.method == "POST":
        location = get_object_or_404(Location, slug=query_text(request.POST, "standort"), is_active=True)
        form = _selection_form(request.POST)
        selection = form.cleaned_data["selection"] if form.is_valid() else None
        try:
            latest_date = query_date(request.POST, "bis")
            problem = None if selection and latest_date else _(
                "Bitte geben Sie an, bis wann Sie einen Termin brauchen.")
        except BadParameter as exc:
            problem = exc.message
        if problem:
            messages.error(request, problem)
            status = 400
        else:
            try:
                waitlist_join(user=request.user, location=location, services=_ids(selection), latest_date=latest_date)
            except ValidationError as exc:
                add_error_messages(request, exc)
                status = 400
            else:
                messages.success(request, _("Sie stehen auf der Warteliste. Wird ein passender Termin frei, "
                                            "reservieren wir ihn für Sie und schreiben Ihnen eine E-Mail."))
                return redirect("appointments:waitlist")
    entries = (WaitlistEntry.objects.filter(user=request.user)
               .exclude(status__in=[WaitlistStatus.CANCELLED]).select_related("location", "offer_booking")
               .order_by("-created_at")[:20])
    services = {s.pk: s for s in bookable_services()}
    rows = [(e, [(services.get(sid), persons) for sid, persons in e.services]) for e in entries]
    return render(request, "appointments/waitlist.html", {"rows": rows, "statuses": WaitlistStatus}, status=status)


def alternative(request, uuid):
    """The office moved an appointment: the citizen accepts the held alternative with
    one click (a GET only shows it, so a mail scanner accepts nothing)."""
    from . import office_services
    from .models import AlternativeOffer

    offer = AlternativeOffer.objects.select_related("original__location", "held").filter(uuid=uuid).first()
    if offer is None or (request.user.is_authenticated and offer.original.user_id not in (None, request.user.pk)):
        raise Http404
    if request.method == "POST":
        try:
            office_services.alternative_accept(offer=offer, user=request.user)
            messages.success(request, _("Ihr neuer Termin ist bestätigt. Sie erhalten eine Bestätigung mit allen Angaben."))
        except ValidationError as exc:
            add_error_messages(request, exc)
        return redirect("appointments:alternative", uuid=offer.uuid)
    offer.refresh_from_db()
    return render(request, "appointments/alternative.html", {"offer": offer, "booking": offer.original,
                                                             "new": offer.held, "location": offer.original.location})
