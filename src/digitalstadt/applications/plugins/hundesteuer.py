"""Hundesteuer-Anmeldung: the annual tax from the statute's rates (catalog fees with
codes first/second/further/dangerous and validity periods), the tax for the rest of the
current year from the month after the dog came, a tax assessment as the decision."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm, register_prefill

INSURANCE_EVIDENCE = "Nachweis der Haftpflichtversicherung für gefährliche Hunde"
# The proof each reduction needs (catalogue evidence, by its German name).
REDUCTION_EVIDENCE = {
    "begleithund": "Zeugnis der bestandenen Begleithundeprüfung und Nachweis der Haftpflichtversicherung",
    "wachhund": "Nachweis über die Lage des Gehöfts (mehr als 400 m vom Ort entfernt), zum Beispiel ein Lageplan",
}
NO_REDUCTION = "none"


# code: (short name, the choice as the citizen reads it)
REDUCTION_LABELS = {
    "begleithund": (_l("Begleithund"), _l("Begleithund: Der Hund hat die Begleithundeprüfung bestanden und ist "
                                           "haftpflichtversichert")),
    "wachhund": (_l("Wachhund"), _l("Wachhund: Der Hund bewacht ein Gehöft, das mehr als 400 m vom Ort entfernt "
                                     "liegt")),
}


def reductions() -> dict[str, dict]:
    """The statute's reductions offered here (settings.DOG_TAX_REDUCTIONS), with labels."""
    return {code: {**rule, "name": REDUCTION_LABELS[code][0], "label": REDUCTION_LABELS[code][1]}
            for code, rule in settings.DOG_TAX_REDUCTIONS.items() if code in REDUCTION_LABELS}


def age_limit_passed(*, born: dt.date, years: int, on: dt.date) -> bool:
    """Whether a dog born on `born` is older than `years` years on `on`."""
    try:
        birthday = born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        birthday = dt.date(born.year + years, 3, 1)
    return on > birthday


class KeeperForm(AddressForm):
    other_dogs = forms.IntegerField(
        label=_l("Wie viele Hunde halten Sie in Ihrem Haushalt schon (bereits angemeldet)?"), min_value=0,
        max_value=20, initial=0,
        error_messages={"required": _l("Bitte geben Sie die Zahl an (0, wenn dies Ihr erster Hund ist)."),
                        "min_value": _l("Die Zahl kann nicht negativ sein.")})


class DogForm(forms.Form):
    name = forms.CharField(label=_l("Name des Hundes"), max_length=60,
                           error_messages={"required": _l("Bitte geben Sie den Namen des Hundes an.")})
    breed = forms.CharField(label=_l("Rasse oder Mischling"), max_length=80,
                            error_messages={"required": _l("Bitte geben Sie die Rasse an (oder „Mischling“).")})
    sex = forms.ChoiceField(label=_l("Geschlecht"), widget=forms.RadioSelect,
                            choices=[("female", _l("Hündin")), ("male", _l("Rüde"))])
    since = forms.DateField(label=_l("Der Hund lebt bei mir seit"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _l("Bitte geben Sie an, seit wann der Hund bei Ihnen lebt."),
                                            "invalid": _l("Bitte geben Sie ein gültiges Datum an.")})
    chip = forms.CharField(label=_l("Chipnummer"), max_length=15, required=False,
                           help_text=_l("15 Ziffern"))
    born = forms.DateField(label=_l("Geburtsdatum des Hundes"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_l("Wenn bekannt. Für die Ermäßigung als Begleithund nötig."),
                           error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an.")})
    dangerous = forms.BooleanField(
        label=_l("Der Hund gilt als gefährlich nach der Hessischen Hundeverordnung"), required=False,
        help_text=_l("Dann gilt der erhöhte Steuersatz und eine Haftpflichtversicherung ist nachzuweisen."))
    reduction = forms.ChoiceField(
        label=_l("Steht Ihnen eine Steuerermäßigung zu?"), widget=forms.RadioSelect,
        error_messages={"required": _l("Bitte wählen Sie, ob eine Steuerermäßigung zutrifft."),
                        "invalid_choice": _l("Bitte wählen Sie eine der angebotenen Möglichkeiten.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = reductions()
        self.fields["reduction"].choices = [(NO_REDUCTION, _l("Nein, keine Ermäßigung"))] + [
            (code, rule["label"]) for code, rule in offered.items()]
        percents = sorted({rule["percent"] for rule in offered.values()})
        if percents:
            self.fields["reduction"].help_text = _l(
                "Die Steuer wird dann um %(percent)s %% ermäßigt. Sie laden im nächsten Schritt einen Nachweis "
                "hoch; das Amt prüft ihn.") % {"percent": "/".join(map(str, percents))}

    def clean_born(self):
        value = self.cleaned_data["born"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_l("Das Geburtsdatum kann nicht in der Zukunft liegen."))
        return value

    def clean(self):
        cleaned = super().clean()
        born, since, code = cleaned.get("born"), cleaned.get("since"), cleaned.get("reduction")
        if born and since and born > since:
            self.add_error("born", _l("Der Hund kann nicht vor seiner Geburt zu Ihnen gekommen sein. "
                                      "Bitte prüfen Sie die beiden Daten."))
        rule = reductions().get(code or "")
        if rule and rule.get("max_age_years") and "born" not in self.errors:
            years = rule["max_age_years"]
            if not born:
                self.add_error("born", _l("Bitte geben Sie das Geburtsdatum des Hundes an: Die Ermäßigung als "
                                          "Begleithund gibt es nur für Hunde bis %(years)d Jahre.") % {"years": years})
            elif age_limit_passed(born=born, years=years, on=timezone.localdate()):
                self.add_error("reduction", _l("Für Hunde, die älter als %(years)d Jahre sind, gibt es keine "
                                               "Ermäßigung als Begleithund. Bitte wählen Sie eine andere "
                                               "Möglichkeit.") % {"years": years})
        return cleaned

    def clean_since(self):
        value = self.cleaned_data["since"]
        today = timezone.localdate()
        if value > today + dt.timedelta(days=31):
            raise forms.ValidationError(_l("Bitte melden Sie den Hund erst an, wenn er bei Ihnen lebt "
                                           "(höchstens einen Monat im Voraus)."))
        if value < today - dt.timedelta(days=3 * 365 + 1):
            raise forms.ValidationError(_l("Für Hunde, die seit mehr als drei Jahren bei Ihnen leben, wenden Sie "
                                           "sich bitte direkt an die Steuerverwaltung."))
        return value

    def clean_chip(self):
        value = self.cleaned_data["chip"].replace(" ", "")
        if value and (not value.isdigit() or len(value) != 15):
            raise forms.ValidationError(_l("Die Chipnummer hat 15 Ziffern."))
        return value


def rate_code(*, other_dogs: int, dangerous: bool) -> str:
    """The statute's rate for this dog: dangerous dogs always at the special rate,
    otherwise by its position in the household."""
    if dangerous:
        return "dangerous"
    return {0: "first", 1: "second"}.get(other_dogs, "further")


def liable_from(*, since: dt.date) -> dt.date:
    """Tax liability starts on the first of the month after the dog came."""
    return dt.date(since.year + 1, 1, 1) if since.month == 12 else dt.date(since.year, since.month + 1, 1)


def annual_due_date(year: int) -> dt.date:
    """The statute's due date of a year's tax (1 July in Darmstadt; a setting)."""
    month, day = settings.DOG_TAX_DUE_DAY
    return dt.date(year, month, day)


def months_liable(*, since: dt.date, year: int) -> int:
    """Tax liability starts on the first of the month after the dog came."""
    start_month = since.month + 1 if since.year == year else (1 if since.year < year else 13)
    return max(0, 13 - start_month)


@register
class Hundesteuer(ServicePlugin):
    slug = "hundesteuer"
    waits_for_payment = False
    automatic_decision = False
    decision_template = "applications/pdf/hundesteuer.html"
    decision_document_type = "Hundesteuerbescheid"
    decision_title = "Hundesteuerbescheid"
    decision_subject = "Festsetzung der Hundesteuer"

    def steps(self):
        return [Step("halter", _l("Halterin oder Halter"), KeeperForm),
                Step("hund", _l("Hund"), DogForm)]

    def prefill(self, *, user):
        return {"halter": {**register_prefill(user), "other_dogs": 0}}

    def required_evidence_names(self, *, data):
        dog = data.get("hund", {})
        names = [INSURANCE_EVIDENCE] if dog.get("dangerous") else []
        if dog.get("reduction") in reductions() and dog.get("reduction") in REDUCTION_EVIDENCE:
            names.append(REDUCTION_EVIDENCE[dog["reduction"]])
        return names

    def shows_evidence_step(self, *, data):
        """Only a dangerous dog or a reduction needs a proof: no upload step otherwise."""
        return bool(self.required_evidence_names(data=data))

    def offered_evidence_names(self, *, data):
        return set(self.required_evidence_names(data=data))

    charges_tax = True

    def fee(self, *, service, data, day):
        return FeeQuote()  # registering is free; the tax is assessed in the decision

    def charge_note(self, *, service, data, day):
        from digitalstadt.core.money import format_eur

        try:
            tax = self.tax(service=service, data=data, day=day)
        except Exception:  # noqa: BLE001 - a missing rate is reported at submission
            return _("Die Anmeldung kostet nichts. Die Hundesteuer setzt das Amt mit dem Steuerbescheid fest.")
        return _("Die Anmeldung kostet nichts. Die Hundesteuer setzt das Amt mit dem Steuerbescheid fest: "
                 "voraussichtlich %(amount)s im Jahr.") % {"amount": format_eur(tax["annual_cents"])}

    def tax(self, *, service, data, day) -> dict:
        """The statute's rate for this dog and what is due now: every year from the
        month after the dog came up to the year of `day` (a dog registered late is
        taxed for the earlier years too), each year at the rate valid in that year.

        A dog whose liability only begins in a later year (one that came in December,
        or is registered ahead of its arrival) owes nothing now: `first_year` then says
        what the first liable year costs and when it falls due (the statute's annual
        due date, DOG_TAX_DUE_DAY)."""
        from digitalstadt.catalog.selectors import fee_for

        code = rate_code(other_dogs=int(data["halter"]["other_dogs"]), dangerous=bool(data["hund"].get("dangerous")))
        quote = FeeQuote()
        line = self.fee_line(service=service, code=code, day=day, quote=quote)
        since = dt.date.fromisoformat(data["hund"]["since"])
        reduction = reductions().get(data["hund"].get("reduction") or "")
        percent = reduction["percent"] if reduction else 0

        def reduced(cents: int) -> int:
            return cents * (100 - percent) // 100

        def year_tax(year: int) -> dict | None:
            months = months_liable(since=since, year=year)
            if not months:
                return None
            fee = fee_for(service=service, code=code, day=max(min(day, dt.date(year, 12, 31)), dt.date(year, 1, 1)))
            annual = reduced(fee.amount_cents if fee is not None else line.amount_cents)
            return {"year": year, "months": months, "annual_cents": annual, "cents": annual * months // 12}

        years = [y for y in map(year_tax, range(since.year, day.year + 1)) if y]
        first_year = None
        if not years:
            first = liable_from(since=since)
            first_year = {**year_tax(first.year), "due_date": annual_due_date(first.year).isoformat()}
        result = {"rate_code": code, "rate_label": line.label, "annual_cents": reduced(line.amount_cents),
                  "year": day.year, "years": years, "due_cents": sum(y["cents"] for y in years),
                  "first_year": first_year, "is_demo": quote.is_demo}
        if reduction:
            with translation.override("de"):  # printed in the assessment
                name = str(reduction["name"])
            result["reduction"] = {"code": data["hund"]["reduction"], "percent": percent, "name_de": name,
                                   "full_annual_cents": line.amount_cents}
        return result

    def extra_summary(self, *, step, data):
        if step.key == "hund" and "hund" in data and "halter" in data:
            from digitalstadt.catalog.selectors import service_by_slug
            from digitalstadt.core.money import format_eur

            service = service_by_slug(slug=self.slug, active_only=False)
            try:
                tax = self.tax(service=service, data=data, day=timezone.localdate())
            except Exception:  # noqa: BLE001 - a missing rate is reported at submission
                return []
            rows = [(_("Steuersatz"), tax["rate_label"])]
            if tax.get("reduction"):
                reduction = tax["reduction"]
                rows += [(_("Steuer ohne Ermäßigung"), format_eur(reduction["full_annual_cents"])),
                         (_("Ermäßigung"), _("%(percent)d %% (%(kind)s, nach Prüfung des Nachweises)") % {
                             "percent": reduction["percent"],
                             "kind": REDUCTION_LABELS[reduction["code"]][0]})]
            rows.append((_("Jahressteuer"), format_eur(tax["annual_cents"])))
            rows += [(ngettext("Steuer für %(year)s (%(months)d Monat)", "Steuer für %(year)s (%(months)d Monate)",
                               y["months"]) % {"year": y["year"], "months": y["months"]}, format_eur(y["cents"]))
                     for y in tax["years"]]
            if tax["first_year"]:
                rows.append(self._first_year_row(tax["first_year"]))
            return rows
        return []

    @staticmethod
    def _first_year_row(first: dict) -> tuple[str, str]:
        from django.utils.formats import date_format

        from digitalstadt.core.money import format_eur

        label = ngettext("Steuer für %(year)s (%(months)d Monat), fällig am %(date)s",
                         "Steuer für %(year)s (%(months)d Monate), fällig am %(date)s", first["months"]) % {
            "year": first["year"], "months": first["months"],
            "date": date_format(dt.date.fromisoformat(first["due_date"]), "DATE_FORMAT")}
        return label, format_eur(first["cents"])

    def result_on_submit(self, *, case):
        return {"tax": self.tax(service=case.service, data=case.data, day=timezone.localdate(case.submitted_at))}

    def decision_options(self, *, case):
        if not (case.result.get("tax") or {}).get("reduction"):
            return []
        return [("without_reduction", _l("Ohne Ermäßigung bewilligen: der Nachweis reicht nicht aus (Begründung "
                                         "angeben, sie erscheint im Bescheid)"))]

    def apply_decision_options(self, *, case, options, reason):
        """The dog is registered, the reduction refused: the tax without it, as of the
        day the application came in."""
        if "without_reduction" in options:
            if not reason:
                raise ValidationError(_("Bitte begründen Sie, warum die Ermäßigung nicht gewährt wird."))
            data = {**case.data, "hund": {**case.data["hund"], "reduction": NO_REDUCTION}}
            tax = self.tax(service=case.service, data=data, day=timezone.localdate(case.submitted_at))
            case.result = {**case.result, "tax": tax, "reduction_refused": True}

    def on_approved(self, *, case, actor):
        """The assessment asks for the tax owed so far, due a month after it: a payment
        with its own reference (reconciled like every fee). When nothing is owed yet (a
        dog that came in December), it asks for the first liable year's tax, due on the
        statute's date in that year."""
        from digitalstadt.payments.services import payment_create

        tax = case.result["tax"]
        pay_within = timezone.localdate() + dt.timedelta(days=30)
        first = tax.get("first_year")
        if tax["due_cents"] > 0:
            amount, years, due = tax["due_cents"], [y["year"] for y in tax["years"]], pay_within
        elif first:
            # Never due before the citizen has had a month to pay (a late decision).
            amount, years = first["cents"], [first["year"]]
            due = max(dt.date.fromisoformat(first["due_date"]), pay_within)
        else:
            amount, years, due = 0, [], pay_within
        result = {**case.result, "due_date": due.isoformat()}
        if amount > 0 and not case.result.get("tax_payment"):
            purpose = f"Hundesteuer {'/'.join(map(str, years))} {case.reference}"
            payment = payment_create(amount_cents=amount, purpose=purpose, regarding=case.reference,
                                     payer=case.applicant, due_on=due, actor=actor)
            result["tax_payment"] = {"uuid": str(payment.uuid), "reference": payment.reference,
                                     "amount_cents": amount, "due_date": due.isoformat()}
        case.result = result

    def decision_context(self, *, case):
        from digitalstadt.payments.selectors import reference_for_people

        tax = case.result["tax"]
        since = dt.date.fromisoformat(case.data["hund"]["since"])
        payment = case.result.get("tax_payment", {})
        return {"tax": tax, "dog": case.data["hund"], "due_date": dt.date.fromisoformat(case.result["due_date"]),
                "payment_reference": reference_for_people(payment.get("reference", "")),
                "payment_cents": payment.get("amount_cents"),
                "since": since, "liable_from": liable_from(since=since), "annual_due": annual_due_date(since.year),
                "reduction_refused": case.result.get("reduction_refused", False), "reason": case.decision_reason}
