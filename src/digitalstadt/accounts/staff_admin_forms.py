"""Forms of the staff administration page. They parse input; which role takes which
scope is decided by accounts.staff_services (German messages from there)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import StaffRoleKind
from .staff_selectors import offices_with_locations


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=[("", _("Bitte wählen"))] + StaffRoleKind.choices,
                             error_messages={"required": _("Bitte wählen Sie eine Rolle.")})
    office = forms.ModelChoiceField(
        label=_("Amt"), required=False, queryset=None, empty_label=_("kein Amt (stadtweit)"),
        help_text=_("Sachbearbeitung, Schalter und Amtsverwaltung gelten für ein Amt."),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Amt aus der Liste.")})
    location = forms.TypedChoiceField(
        label=_("Standort"), required=False, coerce=int, empty_value=None,
        help_text=_("Nur für den Schalter: leer lassen, dann gilt die Rolle für alle Standorte des Amts."),
        error_messages={"invalid_choice": _("Bitte wählen Sie einen Standort aus der Liste.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices_with_locations())
        self.fields["office"].queryset = offices_with_locations()
        # Grouped by office, so that the choice says which office a location belongs to.
        self.fields["location"].choices = [("", _("alle Standorte des Amts"))] + [
            (office.name, [(location.pk, location.name) for location in office.locations.all()])
            for office in offices if office.locations.all()
        ]


class StaffInviteForm(StaffRoleForm):
    first_name = forms.CharField(label=_("Vorname"), max_length=150,
                                 error_messages={"required": _("Bitte geben Sie den Vornamen an.")})
    last_name = forms.CharField(label=_("Nachname"), max_length=150,
                                error_messages={"required": _("Bitte geben Sie den Nachnamen an.")})
    email = forms.EmailField(label=_("Dienstliche E-Mail-Adresse"),
                             error_messages={"required": _("Bitte geben Sie eine E-Mail-Adresse an."),
                                             "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")})

    field_order = ["first_name", "last_name", "email", "role", "office", "location"]


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Neues Passwort"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Mindestens 10 Zeichen; kein häufiges Wort mit Ziffern davor oder dahinter."),
                                error_messages={"required": _("Bitte geben Sie ein Passwort ein.")})
    password2 = forms.CharField(label=_("Passwort wiederholen"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": _("Bitte wiederholen Sie das Passwort.")})

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        return cleaned
