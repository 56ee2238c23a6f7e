from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.forms import day_field

from .models import Closure, Counter, DateRule, Location, LocationService, OpeningHours


class LocationSettingsForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name_de", "name_en", "street", "postal_code", "city", "phone", "email", "accessibility_de",
                  "accessibility_en", "directions_de", "directions_en", "booking_window_days", "min_notice_minutes",
                  "hold_minutes", "confirm_within_minutes", "holdback_minutes", "waitlist_offer_minutes",
                  "max_active_per_email"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in
                   ["accessibility_de", "accessibility_en", "directions_de", "directions_en"]}


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = ["name"]


class OfferForm(forms.ModelForm):
    class Meta:
        model = LocationService
        fields = ["service", "duration_minutes", "max_persons"]

    def __init__(self, *args, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        grid = self.location.slot_minutes
        if minutes <= 0 or minutes % grid:
            raise forms.ValidationError(_("Die Dauer muss ein Vielfaches von %(grid)s Minuten sein.") % {"grid": grid})
        return minutes

    def clean_service(self):
        service = self.cleaned_data["service"]
        qs = LocationService.objects.filter(location=self.location, service=service)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Diese Leistung wird hier bereits angeboten."))
        return service


class HoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["kind", "weekday", "opens", "closes", "counters", "valid_from", "valid_until"]
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}), "closes": forms.TimeInput(attrs={"type": "time"}),
                   "valid_from": forms.DateInput(attrs={"type": "date"}),
                   "valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and opens >= closes:
            raise forms.ValidationError(_("Die Öffnungszeit muss vor dem Ende liegen."))
        until = data.get("valid_until")
        if until and data.get("valid_from") and until < data["valid_from"]:
            raise forms.ValidationError(_("„Gültig bis“ liegt vor „gültig ab“."))
        counters = data.get("counters")
        if counters and counters > self.location.counters.filter(is_active=True).count():
            raise forms.ValidationError(_("Es gibt nicht so viele Schalter an diesem Standort."))
        return data


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason_de", "reason_en"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("Das Ende liegt vor dem Beginn."))
        return data


class DateRuleForm(forms.ModelForm):
    """Capacity on certain days that replaces the weekly hours of those days: close a
    counter (fewer counters), shorten the hours, or close (0 counters)."""

    starts_on = day_field(label=_("Gilt vom"), help_text=_("Tag.Monat.Jahr, zum Beispiel 14.12.2026"),
                          invalid=_("Bitte geben Sie den ersten Tag als Tag.Monat.Jahr ein."),
                          required_message=_("Bitte geben Sie den ersten Tag an."))
    ends_on = day_field(label=_("Bis einschließlich"), help_text=_("Tag.Monat.Jahr; für einen Tag dasselbe Datum"),
                        invalid=_("Bitte geben Sie den letzten Tag als Tag.Monat.Jahr ein."),
                        required_message=_("Bitte geben Sie den letzten Tag an."))

    class Meta:
        model = DateRule
        fields = ["starts_on", "ends_on", "counters", "opens", "closes", "reason_de", "reason_en"]
        labels = {"counters": _("Geöffnete Schalter an diesen Tagen (0 = geschlossen)"),
                  "opens": _("Termine von"), "closes": _("Termine bis")}
        help_texts = {"opens": _("Leer lassen, wenn geschlossen"),
                      "reason_de": _("Steht in der Nachricht an die Betroffenen.")}
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        error_messages = {"reason_de": {"required": _("Bitte geben Sie einen Grund an.")},
                          "counters": {"required": _("Bitte geben Sie die Zahl der geöffneten Schalter an.")}}

    def __init__(self, *args, location=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = location

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Dieser Tag liegt in der Vergangenheit."))
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Das Ende liegt vor dem Beginn."))
        counters, opens, closes = data.get("counters"), data.get("opens"), data.get("closes")
        if counters:
            if counters > self.location.counters.filter(is_active=True).count():
                self.add_error("counters", _("Es gibt nicht so viele Schalter an diesem Standort."))
            if not opens or not closes:
                self.add_error("opens", _("Bitte geben Sie an, von wann bis wann Termine möglich sind."))
            elif opens >= closes:
                self.add_error("closes", _("Die Öffnungszeit muss vor dem Ende liegen."))
        else:
            data["opens"] = data["closes"] = None
        return data
