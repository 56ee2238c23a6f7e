"""Bewohnerparkausweis: zone from the address (register data), the vehicle, the vehicle
registration as evidence, an annual or half-year fee. The approval creates the permit
(parking.ResidentPermit) and the decision is the permit itself, sealed, with the QR
code that parking enforcement scans."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm, register_prefill, street_of

USE_EVIDENCE = "Nachweis der Nutzung bei Firmen- oder Leihwagen"


class PermitAddressForm(AddressForm):
    def clean(self):
        from digitalstadt.register.selectors import zone_for

        cleaned = super().clean()
        if self.errors:
            return cleaned
        zone = zone_for(street=self.street, house_number=cleaned["house_number"])
        if zone is None:
            raise forms.ValidationError(_l("Für diese Adresse gibt es keine Bewohnerparkzone. Einen "
                                           "Bewohnerparkausweis erhalten nur Bewohnerinnen und Bewohner einer Zone."))
        return cleaned


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_l("Kennzeichen"), max_length=15,
                            help_text=_l("Zum Beispiel DA-AB 123"),
                            error_messages={"required": _l("Bitte geben Sie das Kennzeichen an.")})
    vehicle = forms.CharField(label=_l("Hersteller und Modell"), max_length=80, required=False)
    use = forms.ChoiceField(label=_l("Das Fahrzeug ist"), widget=forms.RadioSelect, initial="own", choices=[
        ("own", _l("auf mich zugelassen")),
        ("company", _l("ein Firmenwagen, den ich auch privat nutze")),
        ("borrowed", _l("ein Leihwagen oder auf eine andere Person zugelassen")),
    ])
    duration = forms.ChoiceField(label=_l("Gültigkeit"), widget=forms.RadioSelect, initial="year", choices=[
        ("year", _l("ein Jahr")), ("half_year", _l("ein halbes Jahr"))])
    valid_from = forms.DateField(label=_l("gültig ab"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": _l("Bitte wählen Sie, ab wann der Ausweis gilt."),
                                                 "invalid": _l("Bitte geben Sie ein gültiges Datum an.")})

    def clean_plate(self):
        # One reading of plates for the whole platform: the district code is kept
        # apart from the letters (B-AB 123 is not BA-B 123).
        from digitalstadt.parking.selectors import PlateError, parse_plate

        try:
            return parse_plate(self.cleaned_data["plate"]).display
        except PlateError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_valid_from(self):
        value = self.cleaned_data["valid_from"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_l("Der Ausweis kann nicht rückwirkend gelten."))
        if value > today + dt.timedelta(days=90):
            raise forms.ValidationError(_l("Sie können den Ausweis höchstens 90 Tage im Voraus beantragen."))
        return value


def validity(data: dict) -> tuple[dt.date, dt.date]:
    vehicle = data.get("fahrzeug", {})
    start = dt.date.fromisoformat(vehicle["valid_from"])
    months = 12 if vehicle.get("duration") == "year" else 6
    year, month = divmod(start.month - 1 + months, 12)
    try:
        end_start = start.replace(year=start.year + year, month=month + 1)
    except ValueError:  # 31st -> first of the following month
        end_start = dt.date(start.year + year, month + 1, 1) + dt.timedelta(days=31)
        end_start = end_start.replace(day=1)
    return start, end_start - dt.timedelta(days=1)


@register
class Bewohnerparkausweis(ServicePlugin):
    slug = "bewohnerparkausweis"
    waits_for_payment = True
    automatic_decision = False
    decision_template = "applications/pdf/bewohnerparkausweis.html"
    decision_document_type = "Bewohnerparkausweis"
    decision_title = "Bewohnerparkausweis"
    decision_subject = "Erteilung eines Bewohnerparkausweises"

    def steps(self):
        return [
            Step("adresse", _l("Wohnadresse"), PermitAddressForm,
                 _l("Ihre Zone ergibt sich aus Ihrer Adresse. Sie müssen mit Hauptwohnung gemeldet sein.")),
            Step("fahrzeug", _l("Fahrzeug"), VehicleForm),
        ]

    def prefill(self, *, user):
        today = timezone.localdate()
        return {"adresse": register_prefill(user), "fahrzeug": {"valid_from": today.isoformat()}}

    def required_evidence_names(self, *, data):
        return [USE_EVIDENCE] if data.get("fahrzeug", {}).get("use") in ("company", "borrowed") else []

    def zone(self, data: dict):
        from digitalstadt.register.selectors import zone_for

        street = street_of(data, "adresse")
        return zone_for(street=street, house_number=data["adresse"]["house_number"]) if street else None

    def extra_summary(self, *, step, data):
        if step.key == "adresse" and "adresse" in data:
            zone = self.zone(data)
            return [(_("Bewohnerparkzone"), f"{zone.name} ({zone.code})" if zone else "–")]
        if step.key == "fahrzeug" and data.get("fahrzeug", {}).get("valid_from"):
            start, end = validity(data)
            return [(_("gültig bis"), formats.date_format(end, "SHORT_DATE_FORMAT"))]
        return []

    def check(self, *, data, user, day):
        from digitalstadt.parking.selectors import overlapping_permit

        zone = self.zone(data)
        if zone is None:
            raise ValidationError(_("Für diese Adresse gibt es keine Bewohnerparkzone."))
        start, end = validity(data)
        existing = overlapping_permit(plate=data["fahrzeug"]["plate"], zone_id=zone.pk, start=start, end=end)
        if existing is not None:
            raise ValidationError(_("Für dieses Kennzeichen gibt es in dieser Zone bereits einen Ausweis bis "
                                    "%(date)s.") % {"date": formats.date_format(existing.valid_until,
                                                                              "SHORT_DATE_FORMAT")})
        from ..models import OPEN_STATUSES, Case

        if Case.objects.filter(plugin=self.slug, status__in=OPEN_STATUSES,
                               data__fahrzeug__plate=data["fahrzeug"]["plate"]).exists():
            raise ValidationError(_("Für dieses Kennzeichen läuft bereits ein Antrag. Bitte warten Sie dessen "
                                    "Entscheidung ab."))

    def fee(self, *, service, data, day):
        quote = FeeQuote()
        self.fee_line(service=service, code=data["fahrzeug"]["duration"], day=day, quote=quote)
        return quote

    def result_on_submit(self, *, case):
        zone = self.zone(case.data)
        start, end = validity(case.data)
        return {"zone": {"code": zone.code, "name": zone.name_de, "id": zone.pk},
                "valid_from": start.isoformat(), "valid_until": end.isoformat()}

    def on_approved(self, *, case, actor):
        from digitalstadt.parking.services import resident_permit_issue

        start, end = validity(case.data)
        permit = resident_permit_issue(
            holder=case.applicant, zone_id=case.result["zone"]["id"], plate=case.data["fahrzeug"]["plate"],
            valid_from=start, valid_until=end, number=f"BPA-{case.reference}", case_reference=case.reference,
            actor=actor)
        case.result = {**case.result, "permit_id": permit.pk, "permit_number": permit.number}

    def on_decision_issued(self, *, case, document, approved, actor):
        from digitalstadt.parking.services import resident_permit_attach_document

        if approved:
            resident_permit_attach_document(permit_id=case.result["permit_id"], document=document, actor=actor)

    def decision_context(self, *, case):
        return {"plate": case.data["fahrzeug"]["plate"], "zone": case.result["zone"],
                "valid_from": dt.date.fromisoformat(case.result["valid_from"]),
                "valid_until": dt.date.fromisoformat(case.result["valid_until"]),
                "permit_number": case.result.get("permit_number", "")}

    def approval_checks(self, *, case):
        """The permit is for where the applicant is registered: a different address in
        the application stops the approval until someone has looked (register API)."""
        from digitalstadt.register.selectors import normalise_street, resident_for_user

        resident = resident_for_user(user=case.applicant)
        applied = case.data.get("adresse") or {}
        if resident is None or not applied.get("street"):
            return []
        same = (normalise_street(resident.street.name) == normalise_street(applied["street"])
                and resident.house_number.strip().lower() == str(applied.get("house_number", "")).strip().lower())
        if same:
            return []
        registered = f"{resident.street.name} {resident.house_number}"
        return [(f"address:{normalise_street(registered)}",
                 _("Die Adresse im Antrag (%(applied)s) weicht vom Melderegister ab (%(registered)s). Ein "
                   "Bewohnerparkausweis setzt die Hauptwohnung in der Zone voraus: Bitte klären Sie das vor "
                   "der Bewilligung.") % {"applied": f"{applied['street']} {applied.get('house_number', '')}",
                                          "registered": registered})]

    def revocable(self, *, case):
        from digitalstadt.parking.selectors import permit_is_revoked

        return (case.status in ("approved", "closed") and bool(case.result.get("permit_id"))
                and not permit_is_revoked(permit_id=case.result["permit_id"]))

    def revoke(self, *, case, reason, actor):
        from digitalstadt.parking.services import resident_permit_revoke_by_id

        resident_permit_revoke_by_id(permit_id=case.result["permit_id"], reason=reason, actor=actor)
