"""Forms of street parking: what the driver chooses before the confirmation step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _l

from .plates import PlateError, parse_plate

DURATIONS = [(15, _l("15 Minuten")), (30, _l("30 Minuten")), (60, _l("1 Stunde")), (90, _l("1½ Stunden")),
             (120, _l("2 Stunden")), (180, _l("3 Stunden")), (240, _l("4 Stunden"))]
EXTENSIONS = [(15, _l("15 Minuten")), (30, _l("30 Minuten")), (60, _l("1 Stunde"))]
NEW_PLATE = "neu"


def _plate_or_error(value: str) -> str:
    try:
        return parse_plate(value).display
    except PlateError as exc:
        raise forms.ValidationError(str(exc)) from None


class StartForm(forms.Form):
    zone = forms.ChoiceField(label=_l("Parkzone"), help_text=_l("Die Zonennummer steht auf dem Schild am Parkscheinautomaten."),
                             error_messages={"required": _l("Bitte wählen Sie die Parkzone."),
                                             "invalid_choice": _l("Diese Parkzone gibt es nicht.")})
    vehicle = forms.ChoiceField(label=_l("Fahrzeug"), widget=forms.RadioSelect,
                                error_messages={"required": _l("Bitte wählen Sie ein Kennzeichen."),
                                                "invalid_choice": _l("Bitte wählen Sie ein Kennzeichen.")})
    plate = forms.CharField(label=_l("Neues Kennzeichen"), max_length=20, required=False,
                            help_text=_l("Zum Beispiel DA-AB 123"))
    save_plate = forms.BooleanField(label=_l("Kennzeichen im Konto speichern"), required=False, initial=True)
    minutes = forms.TypedChoiceField(label=_l("Parkdauer"), coerce=int, choices=DURATIONS, initial=60,
                                     error_messages={"required": _l("Bitte wählen Sie eine Parkdauer."),
                                                     "invalid_choice": _l("Bitte wählen Sie eine Parkdauer.")})
    voucher = forms.CharField(label=_l("Park-&-Shop-Gutschein"), max_length=40, required=False,
                              help_text=_l("Den Code finden Sie auf dem Gutschein Ihres Einkaufs."))

    def __init__(self, *args, zones, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        self.hide_optional = False
        self.fields["zone"].choices = [("", _l("Bitte wählen"))] + [
            (z.code, f"{z.code} – {z.name}") for z in zones]
        self.fields["vehicle"].choices = [(str(v.pk), v.plate) for v in vehicles] + [(NEW_PLATE, _l("anderes Kennzeichen"))]
        self.vehicles = {str(v.pk): v for v in vehicles}
        if not vehicles:
            self.fields["vehicle"].initial = NEW_PLATE
        else:
            self.fields["vehicle"].initial = str(vehicles[0].pk)

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("vehicle")
        if choice and choice != NEW_PLATE:
            cleaned["plate"] = self.vehicles[choice].plate
            cleaned["save_plate"] = False
        elif choice == NEW_PLATE:
            if not cleaned.get("plate"):
                self.add_error("plate", _l("Bitte geben Sie das Kennzeichen ein."))
            else:
                try:
                    cleaned["plate"] = _plate_or_error(cleaned["plate"])
                except forms.ValidationError as exc:
                    self.add_error("plate", exc)
        return cleaned


class ConfirmForm(forms.Form):
    """The hidden fields of the confirmation step (checked again by the service)."""

    zone = forms.CharField(max_length=16)
    plate = forms.CharField(max_length=20)
    minutes = forms.TypedChoiceField(coerce=int, choices=DURATIONS)
    voucher = forms.CharField(max_length=40, required=False)
    save_plate = forms.BooleanField(required=False)
    token = forms.CharField(max_length=64)


class ExtendForm(forms.Form):
    minutes = forms.TypedChoiceField(label=_l("Verlängern um"), coerce=int, choices=EXTENSIONS, initial=30,
                                     error_messages={"invalid_choice": _l("Bitte wählen Sie, um wie viel Sie verlängern.")})


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_l("Kennzeichen"), max_length=20, help_text=_l("Zum Beispiel DA-AB 123"),
                            error_messages={"required": _l("Bitte geben Sie das Kennzeichen ein.")})
    label = forms.CharField(label=_l("Bezeichnung"), max_length=40, required=False,
                            help_text=_l("Zum Beispiel „Familienauto“"))

    def clean_plate(self):
        return _plate_or_error(self.cleaned_data["plate"])
