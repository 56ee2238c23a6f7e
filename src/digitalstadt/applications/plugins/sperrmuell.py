"""Sperrmüll-Abholung: the district follows from the address, the citizen picks one of
the district's pick-up days that still has room and whose cut-off (the district's time,
some working days before) has not passed; the place is taken under a lock when the
application is submitted, and the order confirmation is issued automatically. Until the
same cut-off the citizen can cancel online, which gives the place back. What is and is
not collected is register data, shown on the form and printed in the confirmation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm, register_prefill, street_of


class PickupForm(forms.Form):
    pickup_date = forms.ChoiceField(label=_l("Abholtag"), widget=forms.RadioSelect,
                                    error_messages={"required": _l("Bitte wählen Sie einen Abholtag."),
                                                    "invalid_choice": _l("Dieser Abholtag kann nicht mehr gewählt "
                                                                         "werden: Er ist ausgebucht oder der "
                                                                         "Anmeldeschluss ist vorbei. Bitte wählen "
                                                                         "Sie einen anderen.")})
    items = forms.CharField(label=_l("Was wird abgeholt?"), max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_l("Zum Beispiel: 1 Sofa, 2 Stühle, 1 Lattenrost"),
                            error_messages={"required": _l("Bitte beschreiben Sie kurz, was abgeholt werden soll.")})
    volume = forms.ChoiceField(label=_l("Ungefähre Menge"), choices=[
        ("1", _l("bis 1 m³")), ("2", _l("bis 2 m³")), ("3", _l("bis 3 m³")), ("5", _l("bis 5 m³"))])
    phone = forms.CharField(label=_l("Telefon für Rückfragen"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, pickup_choices=(), district_name="", cutoff_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_date"].choices = list(pickup_choices)
        self.district_name = district_name
        if not pickup_choices:
            self.fields["pickup_date"].help_text = _l("Zurzeit ist in Ihrem Stadtteil kein Abholtag frei.")
        elif cutoff_hint:
            self.fields["pickup_date"].help_text = cutoff_hint


def cutoff_rule(district) -> str:
    """'Bestellen und absagen können Sie bis 12:00 Uhr, zwei Werktage vor dem Abholtag.'"""
    days = district.pickup_cutoff_days
    when = formats.time_format(district.pickup_cutoff_time, "TIME_FORMAT")
    if days == 0:
        return _("Bestellen und absagen können Sie bis %(time)s Uhr am Abholtag.") % {"time": when}
    return ngettext("Bestellen und absagen können Sie bis %(time)s Uhr, %(days)d Werktag vor dem Abholtag.",
                    "Bestellen und absagen können Sie bis %(time)s Uhr, %(days)d Werktage vor dem Abholtag.",
                    days) % {"time": when, "days": days}


def format_deadline(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(date)s, %(time)s Uhr") % {"date": formats.date_format(local, "l, j. F Y"),
                                          "time": formats.time_format(local, "TIME_FORMAT")}


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
    cancel_label = _l("Abholung absagen")

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
        days = pickup_dates_open(district=street.district, now=timezone.now())
        choices = [(d.date.isoformat(), f"{formats.date_format(d.date, 'l, j. F Y')} "
                    f"({_('noch %(n)d frei') % {'n': d.free}})") for d in days]
        # A chosen day that filled up or whose cut-off passed is no longer offered:
        # revalidation flags it (on the summary and again when submitting).
        return {"pickup_choices": choices, "district_name": street.district.name,
                "cutoff_hint": cutoff_rule(street.district)}

    def context(self, *, step, data, user):
        from digitalstadt.register.selectors import bulky_waste_items

        street = street_of(data, "adresse")
        context = {"district": street.district if street else None}
        if step.key == "abholung":
            context["bulky_waste"] = bulky_waste_items()
        return context

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

    def case_facts(self, *, case):
        day = case.result.get("pickup_date") or (case.data.get("abholung") or {}).get("pickup_date")
        if not day:
            return []
        facts = [(_("Abholtag"), formats.date_format(dt.date.fromisoformat(day), "l, j. F Y"))]
        if case.result.get("district"):
            facts.append((_("Stadtteil"), case.result["district"]))
        return facts

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

        from digitalstadt.register.selectors import bulky_waste_items

        deadline = self.cancellable_until(case=case)
        return {"pickup_date": dt.date.fromisoformat(case.result["pickup_date"]),
                "district": case.result["district"], "items": case.data["abholung"]["items"],
                "volume": case.data["abholung"]["volume"], "bulky_waste": bulky_waste_items(),
                "cancel_until": format_deadline(deadline) if deadline else ""}

    # --- cancellation -------------------------------------------------------------------

    def cancellable_until(self, *, case):
        """The pick-up's cut-off: ordering and cancelling end at the same moment."""
        from digitalstadt.register.selectors import pickup_cutoff_of

        pickup_id = case.result.get("pickup_id")
        if not pickup_id or case.result.get("pickup_released"):
            return None
        return pickup_cutoff_of(pickup_id=pickup_id)

    def cancel_description(self, *, case):
        import datetime as dt

        day = dt.date.fromisoformat(case.result["pickup_date"])
        return _("Die Abholung am %(date)s (%(district)s) wird abgesagt und der Platz wird für andere frei.") % {
            "date": formats.date_format(day, "l, j. F Y"), "district": case.result.get("district", "")}

    def cancel_refused_message(self, *, case):
        office = case.office
        phone = getattr(office, "phone", "") if office else ""
        if phone:
            return _("Der Anmeldeschluss für diesen Abholtag ist vorbei; online absagen geht nicht mehr. "
                     "Bitte rufen Sie %(office)s an: %(phone)s.") % {"office": office.name, "phone": phone}
        return _("Der Anmeldeschluss für diesen Abholtag ist vorbei; online absagen geht nicht mehr. "
                 "Bitte wenden Sie sich an %(office)s.") % {"office": office.name if office else _("das Amt")}

    def on_cancelled(self, *, case, actor):
        """The place goes back to the day, once (the same guard as a rejection)."""
        self.on_rejected(case=case, actor=actor)
