"""Sperrmüll-Abholung: the district follows from the address, the citizen picks one of
the district's pick-up days that still has room; the place is taken under a lock when
the application is submitted, and the order confirmation is issued automatically."""

from __future__ import annotations

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm, register_prefill, street_of


class PickupForm(forms.Form):
    pickup_date = forms.ChoiceField(label=_l("Abholtag"), widget=forms.RadioSelect,
                                    error_messages={"required": _l("Bitte wählen Sie einen Abholtag."),
                                                    "invalid_choice": _l("Dieser Abholtag ist nicht mehr frei. "
                                                                         "Bitte wählen Sie einen anderen.")})
    items = forms.CharField(label=_l("Was wird abgeholt?"), max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_l("Zum Beispiel: 1 Sofa, 2 Stühle, 1 Lattenrost"),
                            error_messages={"required": _l("Bitte beschreiben Sie kurz, was abgeholt werden soll.")})
    volume = forms.ChoiceField(label=_l("Ungefähre Menge"), choices=[
        ("1", _l("bis 1 m³")), ("2", _l("bis 2 m³")), ("3", _l("bis 3 m³")), ("5", _l("bis 5 m³"))])
    phone = forms.CharField(label=_l("Telefon für Rückfragen"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, pickup_choices=(), district_name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_date"].choices = list(pickup_choices)
        self.district_name = district_name
        if not pickup_choices:
            self.fields["pickup_date"].help_text = _l("Zurzeit ist in Ihrem Stadtteil kein Abholtag frei.")


@register
class Sperrmuell(ServicePlugin):
    slug = "sperrmuell"
    waits_for_payment = False
    automatic_decision = True
    asks_for_evidence = False
    decision_template = "applications/pdf/sperrmuell.html"
    decision_document_type = "Auftragsbestätigung Sperrmüll"
    decision_title = "Auftragsbestätigung"
    decision_subject = "Auftragsbestätigung: Abholung von Sperrmüll"

    def steps(self):
        return [Step("adresse", _l("Abholadresse"), AddressForm,
                     _l("Der Abholtag richtet sich nach Ihrem Stadtteil.")),
                Step("abholung", _l("Abholtag und Gegenstände"), PickupForm)]

    def prefill(self, *, user):
        return {"adresse": register_prefill(user)}

    def form_kwargs(self, *, step, data, user):
        if step.key != "abholung":
            return {}
        from digitalstadt.register.selectors import pickup_dates_open

        street = street_of(data, "adresse")
        if street is None:
            return {"pickup_choices": []}
        days = pickup_dates_open(district=street.district, today=timezone.localdate())
        choices = [(d.date.isoformat(), f"{formats.date_format(d.date, 'l, j. F Y')} "
                    f"({_('noch %(n)d frei') % {'n': d.free}})") for d in days]
        # A chosen day that filled up is no longer offered: revalidation flags it.
        return {"pickup_choices": choices, "district_name": street.district.name}

    def context(self, *, step, data, user):
        street = street_of(data, "adresse")
        return {"district": street.district if street else None}

    def extra_summary(self, *, step, data):
        if step.key == "adresse" and "adresse" in data:
            street = street_of(data, "adresse")
            return [(_("Stadtteil"), street.district.name if street else "–")]
        return []

    def fee(self, *, service, data, day):
        quote = FeeQuote()
        line = self.fee_line(service=service, code="standard", day=day, quote=quote)
        if line.amount_cents == 0:
            quote.lines = []
        return quote

    def on_submit(self, *, case):
        """Take one place of the chosen day (register locks the row and re-checks)."""
        import datetime as dt

        from digitalstadt.register.services import pickup_place_take

        street = street_of(case.data, "adresse")
        pickup = pickup_place_take(district_id=street.district_id,
                                   day=dt.date.fromisoformat(case.data["abholung"]["pickup_date"]),
                                   actor=case.applicant, regarding=case.reference)
        case.result = {**case.result, "pickup_id": pickup.pk}

    def result_on_submit(self, *, case):
        street = street_of(case.data, "adresse")
        return {"district": street.district.name, "pickup_date": case.data["abholung"]["pickup_date"],
                "pickup_id": case.result.get("pickup_id")}

    def on_rejected(self, *, case, actor):
        """The day taken at submission is given back, once, whatever the register says now."""
        from digitalstadt.register.services import pickup_place_release

        if case.result.get("pickup_id") and not case.result.get("pickup_released"):
            pickup_place_release(pickup_id=case.result["pickup_id"], actor=actor, regarding=case.reference)
            case.result = {**case.result, "pickup_released": True}

    def decision_context(self, *, case):
        import datetime as dt

        return {"pickup_date": dt.date.fromisoformat(case.result["pickup_date"]),
                "district": case.result["district"], "items": case.data["abholung"]["items"],
                "volume": case.data["abholung"]["volume"]}
