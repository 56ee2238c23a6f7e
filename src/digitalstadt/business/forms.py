"""Forms of the partner area and of the office's decisions. Checks that depend on the
series (venue for in person, room for webinars, no dates in the past) are the services'
(`event_services.check_date`), so the form shows the same messages the services raise."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from .event_services import check_date
from .rooms import room_providers
from .types import EventFormat, PartnerRoleKind, Topic

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def parse_price_cents(value: str) -> int:
    """"" / "0" -> 0 (free); "12,90" / "12.90" / "1.200,00 €" -> cents."""
    text = (value or "").strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return 0
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_l("Bitte geben Sie den Preis in Euro an, zum Beispiel 49,00 oder 0 für kostenlos."),
                              code="invalid") from None
    if not amount.is_finite() or amount < 0 or amount > 10000 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_l("Bitte geben Sie einen Preis zwischen 0 und 10.000 € an (höchstens zwei "
                                 "Nachkommastellen)."), code="range")
    return int(amount * 100)


class PartnerRoleRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_l("Rolle"), choices=PartnerRoleKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _l("Bitte wählen Sie eine Rolle."),
                                             "invalid_choice": _l("Diese Rolle gibt es nicht.")})
    reason = forms.CharField(label=_l("Begründung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_l("Was bieten Sie kleinen Unternehmen an, und welche Erfahrung haben Sie?"),
                             error_messages={"required": _l("Bitte begründen Sie den Antrag.")})


class DecisionForm(forms.Form):
    note = forms.CharField(label=_l("Hinweis an die Partnerorganisation"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_l("Bei Ablehnung und Entzug bitte den Grund nennen."))


class SeriesForm(forms.Form):
    title = forms.CharField(label=_l("Titel"), max_length=200,
                            error_messages={"required": _l("Bitte geben Sie einen Titel an.")})
    summary = forms.CharField(label=_l("Kurzbeschreibung"), max_length=300,
                              error_messages={"required": _l("Bitte geben Sie eine Kurzbeschreibung an.")})
    description = forms.CharField(label=_l("Beschreibung"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    topic = forms.ChoiceField(label=_l("Thema"), choices=[("", _l("– bitte wählen –"))] + Topic.choices,
                              error_messages={"required": _l("Bitte wählen Sie ein Thema."),
                                              "invalid_choice": _l("Dieses Thema gibt es nicht.")})
    format = forms.ChoiceField(label=_l("Format"), choices=EventFormat.choices, widget=forms.RadioSelect,
                               error_messages={"required": _l("Bitte wählen Sie ein Format."),
                                               "invalid_choice": _l("Dieses Format gibt es nicht.")})
    language = forms.ChoiceField(label=_l("Sprache"), choices=[("de", _l("Deutsch")), ("en", _l("Englisch"))],
                                 initial="de")
    target_group = forms.CharField(label=_l("Zielgruppe"), max_length=200, required=False,
                                   help_text=_l("Zum Beispiel: Geschäftsführungen kleiner Unternehmen"))
    price = forms.CharField(label=_l("Preis (€)"), max_length=20, required=False,
                            help_text=_l("Leer oder 0 für kostenlos, sonst zum Beispiel 49,00"))
    is_published = forms.BooleanField(label=_l("veröffentlicht (im Veranstaltungskalender sichtbar)"),
                                      required=False)

    def clean_price(self):
        return parse_price_cents(self.cleaned_data.get("price", ""))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = data.pop("price")
        return data

    @classmethod
    def initial_for(cls, series) -> dict:
        from digitalstadt.core.money import cents_to_decimal

        initial = {k: getattr(series, k) for k in ("title", "summary", "description", "topic", "format",
                                                   "language", "target_group", "is_published")}
        initial["price"] = str(cents_to_decimal(series.price_cents)).replace(".", ",") if series.price_cents else ""
        return initial


class VenueForm(forms.Form):
    name = forms.CharField(label=_l("Name des Ortes"), max_length=160,
                           error_messages={"required": _l("Bitte geben Sie den Namen des Ortes an.")})
    street = forms.CharField(label=_l("Straße und Hausnummer"), max_length=200,
                             error_messages={"required": _l("Bitte geben Sie Straße und Hausnummer an.")})
    postal_code = forms.RegexField(label=_l("Postleitzahl"), regex=r"^\d{5}$",
                                   error_messages={"required": _l("Bitte geben Sie die Postleitzahl an."),
                                                   "invalid": _l("Bitte geben Sie eine fünfstellige Postleitzahl "
                                                                 "an.")})
    city = forms.CharField(label=_l("Ort"), max_length=100, initial="Darmstadt",
                           error_messages={"required": _l("Bitte geben Sie den Ort an.")})
    room = forms.CharField(label=_l("Raum"), max_length=120, required=False)
    step_free = forms.BooleanField(label=_l("stufenlos erreichbar"), required=False)
    accessible_toilet = forms.BooleanField(label=_l("barrierefreies WC"), required=False)
    hearing_loop = forms.BooleanField(label=_l("Induktionsschleife"), required=False)
    accessibility_note = forms.CharField(label=_l("Hinweise zur Barrierefreiheit"), max_length=2000,
                                         required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                         help_text=_l("Zum Beispiel: Aufzug, Parkplätze, Eingang"))

    @classmethod
    def initial_for(cls, venue) -> dict:
        return {name: getattr(venue, name) for name in cls.base_fields}


def _dt_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, input_formats=DATETIME_FORMATS, help_text=help_text,
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"),
                               error_messages={"required": _l("Bitte geben Sie Datum und Uhrzeit an."),
                                               "invalid": _l("Bitte geben Sie Datum und Uhrzeit an, zum Beispiel "
                                                             "2026-12-01T10:00.")})


class EventDateForm(forms.Form):
    starts_at = _dt_field(_l("Beginn"))
    ends_at = _dt_field(_l("Ende"))
    venue = forms.TypedChoiceField(label=_l("Veranstaltungsort"), required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": _l("Diesen Veranstaltungsort gibt es "
                                                                        "nicht.")})
    room_provider = forms.ChoiceField(label=_l("Online-Raum"), required=False,
                                      error_messages={"invalid_choice": _l("Diesen Online-Raum gibt es nicht.")})
    seats = forms.IntegerField(label=_l("Plätze"), min_value=1, max_value=10000,
                               error_messages={"required": _l("Bitte geben Sie die Zahl der Plätze an."),
                                               "invalid": _l("Bitte geben Sie eine ganze Zahl an."),
                                               "min_value": _l("Mindestens ein Platz."),
                                               "max_value": _l("Höchstens 10.000 Plätze.")})
    per_company_quota = forms.IntegerField(label=_l("Plätze je Unternehmen"), min_value=1, max_value=10000,
                                           required=False, help_text=_l("leer: keine Begrenzung je Unternehmen"),
                                           error_messages={"invalid": _l("Bitte geben Sie eine ganze Zahl an."),
                                                           "min_value": _l("Mindestens ein Platz.")})
    registration_closes_at = _dt_field(_l("Anmeldeschluss"), required=False,
                                       help_text=_l("leer: Anmeldung bis zum Beginn"))

    def __init__(self, *args, series, venues, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.series, self.now = series, now
        self._venues = {v.pk: v for v in venues}
        needs_venue = series.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
        needs_room = series.format in (EventFormat.WEBINAR, EventFormat.HYBRID)
        self.fields["venue"].choices = [("", _l("– kein Ort –"))] + [(v.pk, f"{v.name}, {v.street}")
                                                                    for v in venues]
        providers = room_providers.choices()
        self.fields["room_provider"].choices = [("", _l("– kein Online-Raum –"))] + providers
        if not needs_venue:
            del self.fields["venue"]
        if not needs_room:
            del self.fields["room_provider"]
        elif not providers:
            self.fields["room_provider"].help_text = _l(
                "Zurzeit ist kein Online-Raum eingerichtet. Bitte wenden Sie sich an die Wirtschaftsförderung.")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        venue_pk = cleaned.get("venue")
        venue = self._venues.get(venue_pk) if venue_pk else None
        cleaned["venue"] = venue
        cleaned["room_provider"] = cleaned.get("room_provider") or ""
        errors = check_date(series=self.series, starts_at=cleaned["starts_at"], ends_at=cleaned["ends_at"],
                            venue=venue, room_provider=cleaned["room_provider"], seats=cleaned["seats"],
                            per_company_quota=cleaned.get("per_company_quota"),
                            registration_closes_at=cleaned.get("registration_closes_at"),
                            now=self.now or timezone.now())
        for field, message in errors.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    @classmethod
    def initial_for(cls, event_date) -> dict:
        tz = timezone.get_current_timezone()
        return {"starts_at": event_date.starts_at.astimezone(tz), "ends_at": event_date.ends_at.astimezone(tz),
                "venue": event_date.venue_id or "", "room_provider": event_date.room_provider,
                "seats": event_date.seats, "per_company_quota": event_date.per_company_quota,
                "registration_closes_at": event_date.registration_closes_at.astimezone(tz)
                if event_date.registration_closes_at else None}


class CalendarFilterForm(forms.Form):
    """The calendar's filters, for display only (parsing is core.params, which answers
    hostile values with a message)."""

    hide_optional = True

    thema = forms.ChoiceField(label=_l("Thema"), required=False, choices=[("", _l("alle Themen"))] + Topic.choices)
    format = forms.ChoiceField(label=_l("Format"), required=False,
                               choices=[("", _l("alle Formate"))] + EventFormat.choices)
    von = forms.DateField(label=_l("ab"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    bis = forms.DateField(label=_l("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
