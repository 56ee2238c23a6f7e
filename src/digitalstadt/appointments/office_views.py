"""Office admins edit a location in the staff area (not only the Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from digitalstadt.core.permissions import staff_required

from . import office_services
from .models import Booking, Closure, Counter, DateRule, Location, LocationService, OpeningHours
from .office_forms import ClosureForm, CounterForm, DateRuleForm, HoursForm, LocationSettingsForm, OfferForm
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
    return render(request, "appointments/staff/settings.html",
                  _settings_context(location, settings_form=settings_form, forms=forms), status=status)


def _settings_context(location, *, settings_form=None, forms=None, rule_form=None) -> dict:
    return {
        "location": location,
        "settings_form": settings_form or LocationSettingsForm(instance=location, prefix="standort"),
        "forms": forms or {kind: _form(kind, location) for kind in FORMS},
        "rule_form": rule_form or DateRuleForm(prefix="regel", location=location),
        "counters": location.counters.all(), "offers": location.offered_services.select_related("service"),
        "hours": location.opening_hours.all(), "closures": location.closures.all(),
        "rules": location.date_rules.all(),
        "affected": office_services.affected_bookings(location=location),
    }


@staff_required
def delete_item(request, slug, kind, pk):
    """GET asks for confirmation (what is removed, with its dates); POST removes."""
    location = _location(request, slug)
    if kind not in MODELS:
        raise Http404
    obj = get_object_or_404(MODELS[kind], pk=pk, location=location)
    if request.method != "POST":
        return render(request, "appointments/staff/confirm_remove.html", {
            "location": location, "what": obj, "kind": kind,
            "action": reverse("appointments-office:delete", kwargs={"slug": location.slug, "kind": kind, "pk": pk})})
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
def cancel_affected(request, slug):
    location = _location(request, slug)
    if request.method != "POST":
        # E.g. the language switch on the confirmation page: back to the settings.
        return redirect("appointments-office:settings", slug=location.slug)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Bitte geben Sie einen Grund an; er steht in der Nachricht an die Betroffenen."))
        return redirect("appointments-office:settings", slug=location.slug)
    affected = office_services.affected_bookings(location=location)
    if request.POST.get("bestaetigt") != "ja":
        # Nothing is sent before the admin has seen whom it reaches and said yes.
        return render(request, "appointments/staff/confirm_cancel_affected.html",
                      {"location": location, "affected": affected, "reason": reason})
    count = office_services.cancel_affected(location=location, bookings=affected, actor=request.user, reason=reason)
    messages.success(request, _("%(n)s Termine abgesagt; die Betroffenen wurden benachrichtigt.") % {"n": count})
    return redirect("appointments-office:settings", slug=location.slug)


def _decisions(request, preview) -> dict[int, str]:
    """The admin's choice per booking ("entscheidung-<id>"), or one for all ("alle")."""
    from django.core.exceptions import ValidationError

    bulk = request.POST.get("alle", "")
    decisions: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("entscheidung-"):
            try:
                decisions[int(key.removeprefix("entscheidung-"))] = value
            except ValueError:
                raise ValidationError(_("Diese Auswahl gehört nicht zur Vorschau. Bitte prüfen Sie die Änderung erneut."))
    if bulk in office_services.CHOICES:
        decisions.update({row["booking"].pk: bulk for row in preview})
    return decisions


@staff_required
def date_rule(request, slug):
    """Impact first: the rule is checked and its effect shown (nothing saved, nothing
    sent); the admin chooses per booking; a summary asks for confirmation; only then
    the rule is saved and the messages go out."""
    from django.core.exceptions import ValidationError

    location = _location(request, slug)
    if request.method != "POST":  # a reload or a bookmark: start again on the settings page
        return redirect("appointments-office:settings", slug=location.slug)
    form = DateRuleForm(request.POST, prefix="regel", location=location)
    step = request.POST.get("schritt", "vorschau")
    if not form.is_valid():
        return render(request, "appointments/staff/settings.html", _settings_context(location, rule_form=form),
                      status=400)
    rule = form.save(commit=False)
    rule.location = location
    preview = office_services.preview_date_rule(location=location, rule=rule)
    context = {"location": location, "form": form, "rule": rule, "preview": preview,
               "choices": [(office_services.KEEP, _("behalten")), (office_services.MOVE, _("Ersatztermin anbieten")),
                           (office_services.CANCEL, _("absagen"))]}
    if step == "vorschau":
        return render(request, "appointments/staff/date_rule_preview.html", context)
    try:
        decisions = office_services.validate_decisions(preview=preview, decisions=_decisions(request, preview))
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "appointments/staff/date_rule_preview.html", context, status=400)
    for row in preview:
        row["choice"] = decisions[row["booking"].pk]
    context["decisions"] = decisions
    if step == "zusammenfassung":
        return render(request, "appointments/staff/date_rule_confirm.html", context)
    if step != "bestaetigt":
        raise Http404
    counts = office_services.apply_date_rule(location=location, rule=rule, decisions=decisions, actor=request.user)
    messages.success(request, _("Die Regel ist gespeichert. %(keep)s Termine bleiben, %(move)s Ersatztermine "
                                "angeboten, %(cancel)s Termine abgesagt; die Betroffenen wurden benachrichtigt.")
                     % counts)
    return redirect("appointments-office:settings", slug=location.slug)


@staff_required
def remove_date_rule(request, slug, pk):
    location = _location(request, slug)
    rule = get_object_or_404(DateRule, pk=pk, location=location)
    if request.method == "POST":
        office_services.remove_date_rule(location=location, rule=rule, actor=request.user)
        messages.success(request, _("Die Regel wurde entfernt."))
        return redirect("appointments-office:settings", slug=location.slug)
    return render(request, "appointments/staff/confirm_remove.html", {
        "location": location, "what": rule, "kind": "regel",
        "action": reverse("appointments-office:remove-rule", kwargs={"slug": location.slug, "pk": rule.pk})})


DETAIL_LABELS = {"starts_on": _l("vom"), "ends_on": _l("bis"), "opens": _l("Termine von"), "closes": _l("Termine bis"),
                 "counters": _l("Schalter"), "reason": _l("Grund"), "keep": _l("behalten"),
                 "move": _l("Ersatztermin angeboten"), "cancel": _l("abgesagt"), "created": _l("neue Zeiten"),
                 "updated": _l("geänderte Zeiten"), "conflicts": _l("Konflikte")}


@staff_required
def history(request, slug):
    from digitalstadt.core.registry import audit_actions

    location = _location(request, slug)
    labels = {key: str(label) for key, label in audit_actions.choices()}
    entries = list(office_services.settings_history(location=location))
    for entry in entries:
        entry.action_label = labels.get(entry.action, entry.action)
        entry.who = entry.actor.email if entry.actor else entry.actor_ref
        entry.details = [(DETAIL_LABELS.get(k, k), v) for k, v in entry.data.items() if k != "rule"]
    return render(request, "appointments/staff/history.html", {"location": location, "entries": entries})
