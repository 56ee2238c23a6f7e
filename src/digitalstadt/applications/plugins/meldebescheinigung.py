"""Meldebescheinigung: issued automatically from the register record after payment,
for accounts with eID assurance only (the record is found through the eID subject)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from digitalstadt.accounts.types import AssuranceLevel

from .base import FeeQuote, ServicePlugin, Step, register


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_l("Art der Bescheinigung"), widget=forms.RadioSelect,
        choices=[("simple", _l("Einfache Meldebescheinigung (Name, Anschrift, Einzugsdatum)")),
                 ("extended", _l("Erweiterte Meldebescheinigung (zusätzlich Geburtsdatum, Geburtsort, "
                                 "Staatsangehörigkeit)"))],
        initial="simple")
    purpose = forms.CharField(label=_l("Zweck der Bescheinigung"), required=False, max_length=120,
                              help_text=_l("Zum Beispiel „Vorlage beim Arbeitgeber“. Erscheint auf der Bescheinigung."))


@register
class Meldebescheinigung(ServicePlugin):
    slug = "meldebescheinigung"
    assurance_level = AssuranceLevel.EID_SUBSTANTIAL
    waits_for_payment = True
    automatic_decision = True
    asks_for_evidence = False
    decision_template = "applications/pdf/meldebescheinigung.html"
    decision_document_type = "Meldebescheinigung"
    decision_title = "Meldebescheinigung"
    decision_subject = "Meldebescheinigung"

    def steps(self):
        return [Step("bescheinigung", _l("Bescheinigung"), CertificateForm,
                     _l("Die Angaben stammen aus dem Melderegister. Sie müssen nichts abtippen."))]

    def context(self, *, step, data, user):
        from digitalstadt.register.selectors import resident_for_user

        return {"resident": resident_for_user(user=user), "register_notice": True}

    def check(self, *, data, user, day):
        from digitalstadt.register.selectors import resident_for_user

        if resident_for_user(user=user) is None:
            raise ValidationError(_("Zu Ihrer eID gibt es keinen Eintrag mit Hauptwohnung im Melderegister. "
                                    "Bitte buchen Sie einen Termin im Bürgerbüro."))

    def applicant_name(self, *, data, user):
        from digitalstadt.register.selectors import resident_for_user

        resident = resident_for_user(user=user)
        if resident is None:
            return super().applicant_name(data=data, user=user)
        return f"{resident.given_names} {resident.family_name}"

    def fee(self, *, service, data, day):
        quote = FeeQuote()
        self.fee_line(service=service, code="standard", day=day, quote=quote)
        return quote

    def can_decide_automatically(self, *, case):
        from digitalstadt.register.selectors import resident_for_user

        if not case.applicant.has_assurance(self.assurance_level):
            return False, "Vertrauensniveau des Kontos nicht mehr ausreichend"
        if resident_for_user(user=case.applicant) is None:
            return False, "kein Meldedatensatz zur eID"
        return True, ""

    def on_approved(self, *, case, actor):
        """Freeze the register data the certificate shows, as of the decision."""
        from digitalstadt.register.selectors import resident_for_user

        resident = resident_for_user(user=case.applicant)
        if resident is None:
            raise ValidationError(_("Zu dieser Person gibt es keinen Meldedatensatz mit Hauptwohnung; eine "
                                    "Meldebescheinigung kann nicht ausgestellt werden. Bitte lehnen Sie den Antrag "
                                    "mit Begründung ab."))
        case.result = {**case.result, "record": {
            "family_name": resident.family_name, "birth_name": resident.birth_name,
            "given_names": resident.given_names, "doctoral_degree": resident.doctoral_degree,
            "birth_date": resident.birth_date.isoformat(), "birth_place": resident.birth_place,
            "nationality": resident.nationality, "address_line": resident.address_line,
            "city_line": resident.city_line, "kind": resident.get_kind_display(),
            "moved_in": resident.moved_in.isoformat(),
        }}

    def decision_context(self, *, case):
        import datetime as dt

        record = dict(case.result.get("record", {}))
        for key in ("birth_date", "moved_in"):
            if record.get(key):
                record[key] = dt.date.fromisoformat(record[key])
        step = case.data.get("bescheinigung", {})
        return {"record": record, "extended": step.get("kind") == "extended", "purpose": step.get("purpose", "")}
