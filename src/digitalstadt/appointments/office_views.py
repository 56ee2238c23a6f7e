"""Office admins edit a location in the staff area (not only the Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digitalstadt.core.permissions import staff_required

from . import office_services
from .office_forms import ClosureForm, CounterForm, HoursForm, LocationSettingsForm, OfferForm
from .models import Booking, Closure, Counter, Location, LocationService, OpeningHours
from .permissions import ADMIN_ROLES, can_work_at

FORMS = {"schalter": CounterForm, "leistung": OfferForm, "oeffnungszeit": HoursForm, "schliesstag": ClosureForm}
MODELS = {"schalter": Counter, "leistung": LocationService, "oeffnungszeit": OpeningHours, "schliesstag": Closure}


def _location(request, slug) -> Location:
    location = Location.objects.filter(slug=slug).first()
    if location is None or not can_work_at(user=request.user, location=location, roles=ADMIN_ROLES):
        raise Http404
    return location


def _form(kind, location, data=None):
    cls = FORMS[kind]
    kwargs = {"location": location} if cls in (OfferForm, HoursForm) else {}
    return cls(data, prefix=kind, **kwargs)


def _after_change(request, location, what):
    office_services.location_changed(location=location, actor=request.user, what=what)
    affected = office_services.affected_bookings(location=location)
    if affected:
        messages.warning(request, _("%(n)s gebuchte Termine passen nicht mehr zu den Öffnungszeiten. "
                                    "Bitte prüfen Sie die Liste unten.") % {"n": len(affected)})


@staff_required
def settings_page(request, slug):
    location = _location(request, slug)
    settings_form = LocationSettingsForm(request.POST or None, instance=location, prefix="standort") \
        if request.POST.get("form") == "standort" else LocationSettingsForm(instance=location, prefix="standort")
    forms = {kind: _form(kind, location) for kind in FORMS}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("form")
        if kind == "standort":
            if settings_form.is_valid():
                settings_form.save()
                _after_change(request, location, "location_changed")
                messages.success(request, _("Die Angaben zum Standort wurden gespeichert."))
                return redirect("appointments-office:settings", slug=location.slug)
            status = 400
        elif kind in FORMS:
            form = _form(kind, location, request.POST)
            if form.is_valid():
                obj = form.save(commit=False)
                obj.location = location
                obj.save()
                _after_change(request, location, f"{kind}_added")
                messages.success(request, _("Gespeichert."))
                return redirect("appointments-office:settings", slug=location.slug)
            forms[kind] = form
            status = 400
    return render(request, "appointments/staff/settings.html", {
        "location": location, "settings_form": settings_form, "forms": forms,
        "counters": location.counters.all(), "offers": location.offered_services.select_related("service"),
        "hours": location.opening_hours.all(), "closures": location.closures.all(),
        "affected": office_services.affected_bookings(location=location),
    }, status=status)


@staff_required
@require_POST
def delete_item(request, slug, kind, pk):
    location = _location(request, slug)
    if kind not in MODELS:
        raise Http404
    obj = get_object_or_404(MODELS[kind], pk=pk, location=location)
    if kind == "schalter":
        obj.is_active = not obj.is_active  # counters are switched off, not deleted (history)
        obj.save(update_fields=["is_active"])
    elif kind == "leistung" and Booking.objects.filter(location=location, booked_services__service=obj.service,
                                                       status__in=["pending", "confirmed"]).exists():
        messages.error(request, _("Für diese Leistung gibt es noch gebuchte Termine. Bitte sagen Sie diese zuerst ab."))
        return redirect("appointments-office:settings", slug=location.slug)
    else:
        obj.delete()
    _after_change(request, location, f"{kind}_removed")
    messages.success(request, _("Geändert."))
    return redirect("appointments-office:settings", slug=location.slug)


@staff_required
@require_POST
def cancel_affected(request, slug):
    location = _location(request, slug)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Bitte geben Sie einen Grund an; er steht in der Nachricht an die Betroffenen."))
        return redirect("appointments-office:settings", slug=location.slug)
    affected = office_services.affected_bookings(location=location)
    count = office_services.cancel_affected(location=location, bookings=affected, actor=request.user, reason=reason)
    messages.success(request, _("%(n)s Termine abgesagt; die Betroffenen wurden benachrichtigt.") % {"n": count})
    return redirect("appointments-office:settings", slug=location.slug)
