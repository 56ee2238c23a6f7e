"""Parking enforcement: check a number plate against the resident permits valid today."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from digitalstadt.core.audit import audit_log
from digitalstadt.core.permissions import staff_required
from digitalstadt.core.ratelimit import client_ip

from .selectors import PlateError, parse_plate, permits_for_plate, revoked_permits_for_plate


class PlateForm(forms.Form):
    plate = forms.CharField(label=_l("Kennzeichen"), max_length=15, help_text=_l("Zum Beispiel DA-AB 123"),
                            error_messages={"required": _l("Bitte geben Sie ein Kennzeichen ein.")})

    def clean_plate(self):
        try:
            return parse_plate(self.cleaned_data["plate"]).display
        except PlateError as exc:
            raise forms.ValidationError(str(exc)) from None


def enforcement_required(view):
    @wraps(view)
    @staff_required
    def wrapper(request, *args, **kwargs):
        from digitalstadt.accounts.selectors import user_has_staff_role

        if not user_has_staff_role(user=request.user, role="parking_enforcement"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@enforcement_required
def permit_check(request):
    form = PlateForm(request.GET or None)
    permits = None
    revoked = []
    today = timezone.localdate()
    if form.is_bound and form.is_valid():
        permits = list(permits_for_plate(plate=form.cleaned_data["plate"], day=today))
        revoked = [] if permits else list(revoked_permits_for_plate(plate=form.cleaned_data["plate"], day=today))
        # Looking up a plate reads personal data: logged with what was found.
        audit_log(actor=request.user, action="parking.plate_checked", ip_address=client_ip(request),
                  data={"found": [p.pk for p in permits], "revoked": [p.pk for p in revoked]})
    return render(request, "parking/permit_check.html", {"form": form, "permits": permits, "revoked": revoked,
                                                          "today": today},
                  status=400 if form.errors else 200)


class EnforcementForm(forms.Form):
    plate = forms.CharField(label=_l("Kennzeichen"), max_length=20, help_text=_l("Zum Beispiel DA-AB 123"),
                            error_messages={"required": _l("Bitte geben Sie ein Kennzeichen ein.")})
    zone = forms.ChoiceField(label=_l("Parkzone"), required=False,
                             error_messages={"invalid_choice": _l("Diese Parkzone gibt es nicht.")})

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _l("alle Zonen"))] + [(z.code, f"{z.code} – {z.name}") for z in zones]

    def clean_plate(self):
        try:
            return parse_plate(self.cleaned_data["plate"]).display
        except PlateError as exc:
            raise forms.ValidationError(str(exc)) from None


@enforcement_required
def enforcement(request):
    """Plate and zone in, the answer out: Handyparken (until when), park & shop voucher,
    resident permit, revoked permit, or nothing. Every check is audit-logged."""
    from django.core.exceptions import ValidationError

    from .street_selectors import street_zones
    from .street_services import enforcement_check_audited

    form = EnforcementForm(request.GET or None, zones=list(street_zones()))
    answer = None
    if form.is_bound and form.is_valid():
        try:
            answer = enforcement_check_audited(plate=form.cleaned_data["plate"], zone_code=form.cleaned_data["zone"],
                                               actor=request.user, via="page", ip_address=client_ip(request))
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "parking/enforcement.html", {"form": form, "answer": answer, "now": timezone.now()},
                  status=400 if form.errors else 200)
