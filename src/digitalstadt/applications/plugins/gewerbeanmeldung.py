"""Gewerbeanmeldung with the fields of the official form (GewA 1, Anlage 1 GewAnzV),
a fee, and a structured export for the chambers and authorities (see
applications/exports/gewerbe.py and docs/exports/gewerbeanmeldung.md)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm

LEGAL_FORMS = [
    ("einzelunternehmen", _l("Einzelunternehmen")),
    ("gbr", _l("Gesellschaft bürgerlichen Rechts (GbR)")),
    ("ohg", _l("Offene Handelsgesellschaft (OHG)")),
    ("kg", _l("Kommanditgesellschaft (KG)")),
    ("gmbh", _l("Gesellschaft mit beschränkter Haftung (GmbH)")),
    ("ug", _l("Unternehmergesellschaft (haftungsbeschränkt)")),
    ("ag", _l("Aktiengesellschaft (AG)")),
    ("ev", _l("eingetragener Verein (e. V.)")),
    ("sonstige", _l("sonstige Rechtsform")),
]
PERMIT_EVIDENCE = "Erlaubnis bei erlaubnispflichtigen Gewerben"


class PersonForm(forms.Form):
    """Fields 3–9 of GewA 1: the person making the notification."""

    family_name = forms.CharField(label=_l("Familienname"), max_length=150)
    given_names = forms.CharField(label=_l("Vornamen"), max_length=150)
    birth_name = forms.CharField(label=_l("Geburtsname (falls abweichend)"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_l("Geschlecht"), widget=forms.RadioSelect, choices=[
        ("f", _l("weiblich")), ("m", _l("männlich")), ("d", _l("divers")), ("x", _l("keine Angabe"))])
    birth_date = forms.DateField(label=_l("Geburtsdatum"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an.")})
    birth_place = forms.CharField(label=_l("Geburtsort und -land"), max_length=120)
    nationality = forms.CharField(label=_l("Staatsangehörigkeit(en)"), max_length=120, initial="deutsch")
    residence = forms.CharField(label=_l("Anschrift der Wohnung (Straße, Hausnummer, PLZ, Ort)"), max_length=250)
    phone = forms.CharField(label=_l("Telefon"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today.replace(year=today.year - 16):
            raise forms.ValidationError(_l("Bitte prüfen Sie das Geburtsdatum. Minderjährige brauchen für ein "
                                           "Gewerbe die Genehmigung des Familiengerichts; bitte wenden Sie sich an "
                                           "das Gewerbeamt."))
        return value


class BusinessForm(AddressForm):
    """Fields 1, 2 and 10–17 of GewA 1: the business and its establishment in the city."""

    legal_form = forms.ChoiceField(label=_l("Rechtsform"), choices=LEGAL_FORMS, initial="einzelunternehmen")
    company_name = forms.CharField(label=_l("Name des Betriebs / im Handelsregister eingetragener Name"),
                                   max_length=200, required=False)
    register_court = forms.CharField(label=_l("Registergericht (falls eingetragen)"), max_length=100,
                                     required=False)
    register_number = forms.CharField(label=_l("Registernummer (z. B. HRB 12345)"), max_length=30, required=False)
    activity = forms.CharField(label=_l("Angemeldete Tätigkeit (genaue Beschreibung)"), max_length=1000,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_l("Zum Beispiel „Einzelhandel mit Kaffee und Röstmaschinen“, nicht nur "
                                            "„Handel“."))
    start_date = forms.DateField(label=_l("Beginn der Tätigkeit"), widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an.")})
    business_type = forms.MultipleChoiceField(
        label=_l("Art des Betriebs"), widget=forms.CheckboxSelectMultiple,
        choices=[("industrie", _l("Industrie")), ("handwerk", _l("Handwerk")), ("handel", _l("Handel")),
                 ("sonstiges", _l("Sonstiges"))],
        error_messages={"required": _l("Bitte wählen Sie mindestens eine Art des Betriebs.")})
    establishment = forms.ChoiceField(label=_l("Die Betriebsstätte ist"), widget=forms.RadioSelect, choices=[
        ("hauptniederlassung", _l("Hauptniederlassung")), ("zweigniederlassung", _l("Zweigniederlassung")),
        ("unselbststaendig", _l("unselbstständige Zweigstelle"))], initial="hauptniederlassung")
    reason = forms.ChoiceField(label=_l("Grund der Anmeldung"), widget=forms.RadioSelect, choices=[
        ("neuerrichtung", _l("Neuerrichtung / Neugründung")), ("uebernahme", _l("Übernahme (Kauf, Pacht, Erbfolge)")),
        ("umwandlung", _l("Änderung der Rechtsform / Gesellschaftereintritt")),
        ("zuzug", _l("Verlegung aus einem anderen Meldebezirk"))], initial="neuerrichtung")
    side_business = forms.BooleanField(label=_l("Die Tätigkeit wird (vorerst) im Nebenerwerb betrieben"),
                                       required=False)
    employees_full_time = forms.IntegerField(label=_l("Beschäftigte in Vollzeit (ohne Inhaber/in)"), min_value=0,
                                             max_value=100000, initial=0)
    employees_part_time = forms.IntegerField(label=_l("Beschäftigte in Teilzeit"), min_value=0, max_value=100000,
                                             initial=0)
    permit_required = forms.BooleanField(
        label=_l("Für die Tätigkeit ist eine Erlaubnis nötig oder ich bin in die Handwerksrolle eingetragen"),
        required=False, help_text=_l("Dann laden Sie die Erlaubnis oder Handwerkskarte im nächsten Schritt hoch."))

    field_order = ["legal_form", "company_name", "register_court", "register_number", "street", "house_number",
                   "postal_code", "activity", "start_date", "business_type", "establishment", "reason",
                   "side_business", "employees_full_time", "employees_part_time", "permit_required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].label = _l("Betriebsstätte: Straße")
        self.fields["house_number"].label = _l("Betriebsstätte: Hausnummer")
        self.fields["postal_code"].label = _l("Betriebsstätte: Postleitzahl")

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        today = timezone.localdate()
        if value < today - dt.timedelta(days=365):
            raise forms.ValidationError(_l("Der Beginn liegt über ein Jahr zurück. Bitte wenden Sie sich an das "
                                           "Gewerbeamt."))
        if value > today + dt.timedelta(days=365):
            raise forms.ValidationError(_l("Sie können ein Gewerbe höchstens ein Jahr im Voraus anmelden."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("legal_form") not in (None, "einzelunternehmen", "gbr") and not cleaned.get("company_name"):
            self.add_error("company_name", _l("Bei dieser Rechtsform geben Sie bitte den Namen laut Register an."))
        if cleaned.get("register_number") and not cleaned.get("register_court"):
            self.add_error("register_court", _l("Bitte geben Sie auch das Registergericht an."))
        return cleaned


@register
class Gewerbeanmeldung(ServicePlugin):
    slug = "gewerbeanmeldung"
    waits_for_payment = True
    automatic_decision = False
    decision_template = "applications/pdf/gewerbeanmeldung.html"
    decision_document_type = "Empfangsbescheinigung Gewerbeanmeldung"
    decision_title = "Empfangsbescheinigung über die Gewerbeanmeldung"
    decision_subject = "Empfangsbescheinigung über die Gewerbeanmeldung (§ 15 Abs. 1 GewO)"

    def steps(self):
        return [Step("person", _l("Angaben zur Person"), PersonForm),
                Step("betrieb", _l("Angaben zum Betrieb"), BusinessForm,
                     _l("Die Betriebsstätte muss in Darmstadt liegen."))]

    def prefill(self, *, user):
        from digitalstadt.register.selectors import resident_for_user

        person = {"family_name": user.last_name, "given_names": user.first_name}
        resident = resident_for_user(user=user)
        if resident is not None:
            person.update(family_name=resident.family_name, given_names=resident.given_names,
                          birth_name=resident.birth_name, birth_date=resident.birth_date,
                          birth_place=resident.birth_place, nationality=resident.nationality,
                          residence=f"{resident.address_line}, {resident.city_line}")
        return {"person": person, "betrieb": {"employees_full_time": 0, "employees_part_time": 0}}

    def required_evidence_names(self, *, data):
        return [PERMIT_EVIDENCE] if data.get("betrieb", {}).get("permit_required") else []

    def applicant_name(self, *, data, user):
        person = data.get("person", {})
        return f"{person.get('given_names', '')} {person.get('family_name', '')}".strip() or user.email

    def address(self, *, data, user):
        residence = data.get("person", {}).get("residence", "")
        if "," in residence:
            line, city_line = residence.rsplit(",", 1)
            return {"line": line.strip(), "city_line": city_line.strip()}
        return super().address(data=data, user=user)

    def fee(self, *, service, data, day):
        quote = FeeQuote()
        self.fee_line(service=service, code="standard", day=day, quote=quote)
        return quote

    def on_approved(self, *, case, actor):
        from ..exports.gewerbe import business_registration_export

        case.result = {**case.result, "export": business_registration_export(case=case)}

    def decision_context(self, *, case):
        return {"person": case.data["person"], "business": case.data["betrieb"]}
