"""Handyparken pages for drivers (/parken/strasse/): start with plate confirmation,
the running session with its live price, extend, stop, saved plates and the monthly
statement (page and CSV). Thin: parse, call one service, render."""

from __future__ import annotations

import datetime as dt
import io
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.money import format_eur
from digitalstadt.core.ratelimit import hit
from digitalstadt.core.spreadsheet import csv_writer

from . import street_services as services
from .models import SessionStatus
from .street_forms import ConfirmForm, ExtendForm, StartForm, VehicleForm
from .street_selectors import (
    REMINDER_MINUTES,
    session_for_user,
    sessions_of_user,
    statement_of_month,
    street_quote,
    street_zones,
    tariff_specs,
    zone_by_code,
    zone_tariff_now,
)

START_LIMIT = (30, 3600)


def _vehicles(user):
    return list(user.vehicles.all())


def _tariff_text(zone, now):
    tariff = zone_tariff_now(tariff_specs(zone=zone), now)
    if tariff is None or not tariff.periods:
        return _("zur Zeit gebührenfrei")
    period = tariff.periods[0]
    text = _("%(price)s je %(unit)d Minuten") % {"price": format_eur(period.price_cents), "unit": period.unit_minutes}
    if tariff.max_stay_minutes:
        text += ", " + _("höchstens %(n)d Minuten") % {"n": tariff.max_stay_minutes}
    if tariff.free_minutes:
        text += ", " + _("die ersten %(n)d Minuten frei") % {"n": tariff.free_minutes}
    return text


def home(request):
    """Public: zones and prices before anyone signs in; a driver's running sessions once
    signed in (starting asks to sign in)."""
    now = timezone.now()
    sessions = (list(sessions_of_user(user=request.user).filter(status=SessionStatus.ACTIVE, ends_at__gt=now))
                if request.user.is_authenticated else [])
    zones = [(z, _tariff_text(z, now)) for z in street_zones()]
    return render(request, "parking/street/home.html", {"sessions": sessions, "zones": zones})


@login_required
def start(request):
    zones = list(street_zones())
    vehicles = _vehicles(request.user)
    initial = {}
    sign_code = request.GET.get("zone", "")
    if sign_code:
        zone = zone_by_code(sign_code)
        if zone is not None:
            initial["zone"] = zone.code
        else:
            messages.error(request, _("Die Zone „%(code)s“ gibt es nicht. Bitte wählen Sie die Zone aus der Liste.")
                           % {"code": sign_code[:16]})
    form = StartForm(request.POST or None, zones=zones, vehicles=vehicles, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = zone_by_code(data["zone"])
        now = timezone.now()
        end = now + dt.timedelta(minutes=data["minutes"])
        voucher_minutes = 0
        if data["voucher"]:
            # the price with the voucher, and a used-up or useless voucher refused here,
            # before the binding click
            try:
                voucher_minutes = services.voucher_cover(code=data["voucher"], zone=zone, starts_at=now,
                                                         ends_at=end).minutes
            except ValidationError as exc:
                form.add_error("voucher", " ".join(exc.messages))
        if not form.errors:
            return _confirm_page(request, data=data, zone=zone, end=end,
                                 offer=street_quote(zone=zone, start=now, end=end, voucher_minutes=voucher_minutes))
    return render(request, "parking/street/start.html", {"form": form},
                  status=400 if form.errors else 200)


def _confirm_page(request, *, data, zone, end, offer):
    confirm = ConfirmForm(initial={"zone": zone.code, "plate": data["plate"], "minutes": data["minutes"],
                                   "voucher": data["voucher"], "save_plate": data["save_plate"],
                                   "token": secrets.token_urlsafe(24)})
    return render(request, "parking/street/confirm.html", {
        "form": confirm, "zone": zone, "plate": data["plate"], "minutes": data["minutes"], "end": end,
        "quote": offer, "voucher": data["voucher"]})


@login_required
@require_POST
def confirm(request):
    form = ConfirmForm(request.POST)
    zone = zone_by_code(request.POST.get("zone", ""))
    if not form.is_valid() or zone is None:
        messages.error(request, _("Bitte wählen Sie Zone, Kennzeichen und Dauer noch einmal."))
        return redirect("street-parking:start")
    if not hit(scope="street-start", key=str(request.user.pk), limit=START_LIMIT[0], period=START_LIMIT[1]):
        return render(request, "429.html", status=429)
    data = form.cleaned_data
    try:
        session = services.street_session_start(user=request.user, zone_id=zone.pk, plate=data["plate"],
                                                minutes=data["minutes"], start_token=data["token"],
                                                voucher_code=data["voucher"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("street-parking:start")
    if data["save_plate"]:
        # after the start: a full list of plates must not keep anyone from parking
        try:
            services.vehicle_add(owner=request.user, plate=data["plate"])
        except ValidationError as exc:
            messages.info(request, _("Sie parken. Das Kennzeichen wurde nicht gespeichert: %(reason)s")
                          % {"reason": " ".join(exc.messages)})
    return redirect("street-parking:session", session_id=session.pk)


def _session_context(request, session):
    now = timezone.now()
    running = session.status == SessionStatus.ACTIVE and session.ends_at > now
    so_far = street_quote(zone=session.zone, start=session.started_at, end=min(now, session.ends_at),
                          voucher_minutes=session.voucher_minutes or 0) if running else None
    reminder = running and (session.reminder_sent_at is not None
                            or session.ends_at - now <= dt.timedelta(minutes=REMINDER_MINUTES))
    return {"session": session, "running": running, "so_far": so_far, "reminder": reminder,
            "extend_form": ExtendForm(), "now": now}


def _own(request, session_id):
    session = session_for_user(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
    return session


@login_required
def session_page(request, session_id):
    context = _session_context(request, _own(request, session_id))
    if request.htmx:
        return render(request, "parking/street/session_status.html", context)
    return render(request, "parking/street/session.html", context)


@login_required
def session_status(request, session_id):
    return render(request, "parking/street/session_status.html", _session_context(request, _own(request, session_id)))


@login_required
@require_POST
def extend(request, session_id):
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie, um wie viel Sie verlängern."))
        return redirect("street-parking:session", session_id=session_id)
    try:
        session = services.street_session_extend(user=request.user, session_id=session_id,
                                                 minutes=form.cleaned_data["minutes"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Verlängert bis %(at)s Uhr.") % {"at": timezone.localtime(session.ends_at)
                                                                       .strftime("%H:%M")})
    return redirect("street-parking:session", session_id=session_id)


@login_required
@require_POST
def stop(request, session_id):
    try:
        session = services.street_session_stop(user=request.user, session_id=session_id)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Parkvorgang beendet: %(amount)s.") % {"amount": format_eur(session.amount_cents)})
    return redirect("street-parking:session", session_id=session_id)


@login_required
def vehicles(request):
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vehicle_add(owner=request.user, plate=form.cleaned_data["plate"],
                                 label=form.cleaned_data["label"])
        except ValidationError as exc:
            form.add_error("plate", exc)
        else:
            messages.success(request, _("Kennzeichen gespeichert."))
            return redirect("street-parking:vehicles")
    return render(request, "parking/street/vehicles.html", {"form": form, "vehicles": _vehicles(request.user)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def vehicle_remove(request, vehicle_id):
    try:
        services.vehicle_remove(owner=request.user, vehicle_id=vehicle_id)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Kennzeichen entfernt."))
    return redirect("street-parking:vehicles")


def _month(year, month):
    if year is None:
        today = timezone.localdate()
        return today.year, today.month
    if not (2020 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return year, month


@login_required
def statement(request, year=None, month=None):
    year, month = _month(year, month)
    data = statement_of_month(user=request.user, year=year, month=month)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(request, "parking/street/statement.html", {
        "statement": data, "first": first, "previous": previous,
        "following": following if following <= timezone.localdate() else None})


@login_required
def statement_csv(request, year, month):
    year, month = _month(year, month)
    data = statement_of_month(user=request.user, year=year, month=month)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([_("Beginn"), _("Ende"), _("Zone"), _("Kennzeichen"), _("Betrag (EUR)"), _("Gutschein"),
                     _("Zahlung")])
    for s in data.sessions:
        writer.writerow([timezone.localtime(s.started_at).strftime("%d.%m.%Y %H:%M"),
                         timezone.localtime(s.ends_at).strftime("%d.%m.%Y %H:%M"), s.zone.code, s.plate,
                         f"{(s.amount_cents or 0) / 100:.2f}".replace(".", ","), s.voucher_code or "",
                         s.payment_reference])
    writer.writerow([_("Summe"), "", "", "", f"{data.total_cents / 100:.2f}".replace(".", ","), "", ""])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="handyparken-{year}-{month:02d}.csv"'
    return response
