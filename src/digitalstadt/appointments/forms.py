"""Forms of the citizen's booking journey. The selection of services travels in GET
parameters (`leistung=<slug>`, repeated, and `personen_<slug>=<n>`), so every step can
be bookmarked, shared and used without JavaScript."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitalstadt.core.forms import day_field
from digitalstadt.core.params import BadParameter, check_date, query_datetime

SERVICE_PARAM = "leistung"
PERSONS_PREFIX = "personen_"
LATER_PARAM = "ab"
LATER_FORMAT = "%Y-%m-%dT%H:%M"


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label=_("Leistung suchen"), required=False, max_length=100,
                        help_text=_("Zum Beispiel „Personalausweis“, „Perso“ oder „Führungszeugnis“."))


class SelectionForm(forms.Form):
    """One or more services with a number of persons each."""

    def __init__(self, *args, services, max_persons: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {s.slug: s for s in services}
        self.fields[SERVICE_PARAM] = forms.MultipleChoiceField(
            label=_("Anliegen"), choices=[(s.slug, s.name) for s in services],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Bitte wählen Sie mindestens eine Leistung."),
                            "invalid_choice": _("Diese Leistung kann nicht online gebucht werden.")})
        for service in services:
            top = max(1, max_persons.get(service.pk, 1))
            self.fields[PERSONS_PREFIX + service.slug] = forms.TypedChoiceField(
                label=_("Personen für %(service)s") % {"service": service.name}, required=False,
                choices=[(n, str(n)) for n in range(1, top + 1)], coerce=int, empty_value=1,
                error_messages={"invalid_choice": _("So viele Personen sind für diese Leistung nicht möglich.")})

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get(SERVICE_PARAM) or []
        cleaned["selection"] = [(self.services[slug], cleaned.get(PERSONS_PREFIX + slug) or 1) for slug in chosen]
        return cleaned

    def rows(self):
        """(service, checkbox, persons field) for the template, in catalogue order."""
        boxes = {box.data["value"]: box for box in self[SERVICE_PARAM]}
        return [(service, boxes[slug], self[PERSONS_PREFIX + slug]) for slug, service in self.services.items()]


def selection_query(selection) -> list[tuple[str, str]]:
    """The GET parameters that carry a selection to the next step."""
    params = []
    for service, persons in selection:
        params.append((SERVICE_PARAM, service.slug))
        params.append((PERSONS_PREFIX + service.slug, str(persons)))
    return params


# Paging through free starts: far enough back for an old bookmark, far enough ahead for
# any booking window.
LATER_RANGE_YEARS = 10


def parse_later(data) -> datetime | None:
    """`ab=2026-11-27T10:21` (local time) in `data` -> aware datetime, None if absent;
    core.params.BadParameter (a 400 with the reason) if it is no time or out of range."""
    today = timezone.localdate()
    span = timedelta(days=366 * LATER_RANGE_YEARS)
    return query_datetime(data, LATER_PARAM, earliest=today - span, latest=today + span)


DATE_PARAM = "datum"


class SlotDateForm(forms.Form):
    """"Freie Zeiten ab" on the slot page: jump to a day instead of paging."""

    hide_optional = True

    datum = day_field(label=_("Freie Zeiten ab"), required=False,
                      help_text=_("Tag.Monat.Jahr, zum Beispiel 14.12.2026"),
                      invalid=_("Bitte geben Sie ein Datum ein, zum Beispiel 14.12.2026."), **{"class": "slot-date-input"})

    def __init__(self, *args, earliest, latest, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest

    def clean_datum(self):
        day = self.cleaned_data["datum"]
        if day is not None and not (self.earliest <= day <= self.latest):
            from django.utils.formats import date_format

            raise forms.ValidationError(
                _("Termine gibt es hier vom %(earliest)s bis zum %(latest)s. Bitte wählen Sie einen Tag in "
                  "diesem Zeitraum.") % {"earliest": date_format(self.earliest, "SHORT_DATE_FORMAT"),
                                         "latest": date_format(self.latest, "SHORT_DATE_FORMAT")})
        return day


class SlotChoiceForm(forms.Form):
    """A chosen start and the solved proof-of-work (the ALTCHA widget fills `altcha`)."""

    beginn = forms.CharField(error_messages={"required": _("Bitte wählen Sie eine Uhrzeit.")})
    altcha = forms.CharField(required=False, max_length=4000)

    def clean_beginn(self):
        try:
            value = datetime.fromisoformat(self.cleaned_data["beginn"])
        except ValueError:
            raise forms.ValidationError(_("Bitte wählen Sie eine Uhrzeit aus der Liste.")) from None
        if value.tzinfo is None:
            raise forms.ValidationError(_("Bitte wählen Sie eine Uhrzeit aus der Liste."))
        try:
            check_date(value.date(), name="beginn")
        except BadParameter as exc:
            raise forms.ValidationError(exc.message) from None
        return value


phone_validator = RegexValidator(r"^\+?[0-9 ()/-]{4,30}$",
                                 _("Bitte geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen, +, /, - ein."))


class DetailsForm(forms.Form):
    name = forms.CharField(label=_("Vor- und Nachname"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           error_messages={"required": _("Bitte geben Sie Ihren Namen ein.")})
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254,
                             help_text=_("Sie erhalten einen Link, mit dem Sie den Termin bestätigen."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"required": _("Bitte geben Sie Ihre E-Mail-Adresse ein."),
                                             "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, "
                                                          "zum Beispiel name@beispiel.de.")})
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False, validators=[phone_validator],
                            help_text=_("Für Rückfragen, falls der Termin ausfallen muss."),
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
