"""The landlord's online confirmation of a move-in (Wohnungsgeberbestätigung, § 19 BMG)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.forms import day_field

# How far from today a move-in may lie (the law asks for the confirmation within two weeks).
MOVE_IN_DAYS_BACK = 90
MOVE_IN_DAYS_AHEAD = 90


class LandlordConfirmationForm(forms.Form):
    hide_optional = False

    landlord_name = forms.CharField(label=_("Ihr Name oder Firmenname (Wohnungsgeber)"), max_length=200,
                                    error_messages={"required": _("Bitte geben Sie Ihren Namen an.")})
    landlord_address = forms.CharField(label=_("Ihre Anschrift"), max_length=300,
                                       help_text=_("Straße, Hausnummer, Postleitzahl und Ort"),
                                       error_messages={"required": _("Bitte geben Sie Ihre Anschrift an.")})
    is_owner = forms.TypedChoiceField(
        label=_("Sind Sie Eigentümerin oder Eigentümer der Wohnung?"), widget=forms.RadioSelect,
        choices=[("yes", _("Ja")), ("no", _("Nein, ich vermiete im Auftrag (z. B. Hausverwaltung)"))],
        coerce=lambda v: v == "yes", error_messages={"required": _("Bitte wählen Sie eine Antwort.")})
    owner_name = forms.CharField(label=_("Name und Anschrift der Eigentümerin oder des Eigentümers"),
                                 max_length=200, required=False)
    street = forms.CharField(label=_("Straße der Wohnung"), max_length=120,
                             error_messages={"required": _("Bitte geben Sie die Straße der Wohnung an.")})
    house_number = forms.CharField(label=_("Hausnummer"), max_length=10,
                                   error_messages={"required": _("Bitte geben Sie die Hausnummer an.")})
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=5,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                  error_messages={"required": _("Bitte geben Sie die Postleitzahl an.")})
    address_extra = forms.CharField(label=_("Lage der Wohnung"), max_length=60, required=False,
                                    help_text=_("Zum Beispiel „2. OG links“"))
    moved_in = day_field(label=_("Tag des Einzugs"), help_text=_("Tag.Monat.Jahr, zum Beispiel 14.12.2026"),
                         required_message=_("Bitte geben Sie den Tag des Einzugs an."),
                         invalid=_("Bitte geben Sie ein Datum ein, zum Beispiel 14.12.2026."))
    tenants = forms.CharField(label=_("Wer zieht ein?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Vor- und Familienname jeder Person, eine Person pro Zeile"),
                              error_messages={"required": _("Bitte nennen Sie mindestens eine Person, die einzieht.")})
    confirm = forms.BooleanField(
        label=_("Ich bestätige den Einzug. Mir ist bekannt, dass eine falsche Bestätigung eine "
                "Ordnungswidrigkeit ist (§ 54 BMG)."),
        error_messages={"required": _("Bitte bestätigen Sie den Einzug.")})

    def clean_house_number(self):
        value = self.cleaned_data["house_number"].strip()
        if not re.fullmatch(r"\d{1,4}\s?[a-zA-Z]?", value):
            raise forms.ValidationError(_("Bitte geben Sie eine Hausnummer wie 12 oder 12a an."))
        return value

    def clean_moved_in(self):
        day = self.cleaned_data["moved_in"]
        today = timezone.localdate()
        earliest, latest = today - dt.timedelta(days=MOVE_IN_DAYS_BACK), today + dt.timedelta(days=MOVE_IN_DAYS_AHEAD)
        if not earliest <= day <= latest:
            raise forms.ValidationError(_("Der Einzug muss zwischen dem %(earliest)s und dem %(latest)s liegen.") % {
                "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                "latest": formats.date_format(latest, "SHORT_DATE_FORMAT")})
        return day

    def clean_tenants(self):
        names = [line.strip() for line in self.cleaned_data["tenants"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError(_("Bitte nennen Sie mindestens eine Person, die einzieht."))
        if len(names) > 12:
            raise forms.ValidationError(_("Bitte nennen Sie höchstens zwölf Personen je Bestätigung."))
        return names

    def clean(self):
        from .selectors import street_find

        cleaned = super().clean()
        if cleaned.get("is_owner") is False and not cleaned.get("owner_name", "").strip():
            self.add_error("owner_name", _("Bitte nennen Sie die Eigentümerin oder den Eigentümer."))
        if {"street", "postal_code"} <= set(cleaned):
            street = street_find(name=cleaned["street"], postal_code=cleaned["postal_code"].strip())
            if street is None:
                self.add_error("street", _("Diese Straße finden wir in %(city)s unter dieser Postleitzahl nicht. "
                                           "Bitte prüfen Sie Straße und Postleitzahl.") % {"city": settings.CITY_TOWN})
            else:
                cleaned["street_obj"] = street
        return cleaned
