"""Ummeldung: a move to a new main residence within the city, online with eID.

The citizen gives the new address and the moving day, says who of the household moves
along, and proves the move-in with the landlord's confirmation (§ 19 BMG): the code
(Zuordnungsmerkmal) the landlord received when confirming online, or an uploaded
Wohnungsgeberbestätigung. With a matching code the move is registered automatically
through the register in use (register.registry) and the Meldebestätigung arrives in
the Postfach; an upload goes to a case worker. Free of charge (§ 17 BMG).
Moving into the city from elsewhere (Anmeldung) needs the register of the old
municipality and stays at the counter (by appointment).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from digitalstadt.accounts.types import AssuranceLevel
from digitalstadt.core.forms import day_field

from .base import FeeQuote, ServicePlugin, Step, register
from .forms import AddressForm

LANDLORD_EVIDENCE = "Wohnungsgeberbestätigung (vom Vermieter)"
DAYS_BACK = 365  # a late registration is still a registration (§ 17 BMG asks for two weeks)


class NewAddressForm(AddressForm):
    address_extra = forms.CharField(label=_l("Lage der Wohnung"), max_length=60, required=False,
                                    help_text=_l("Zum Beispiel „2. OG links“, wenn es mehrere Wohnungen gibt"))
    moved_in = day_field(label=_l("Tag des Einzugs"), help_text=_l("Tag.Monat.Jahr, zum Beispiel 01.12.2026"),
                         required_message=_l("Bitte geben Sie den Tag des Einzugs an."),
                         invalid=_l("Bitte geben Sie ein Datum ein, zum Beispiel 01.12.2026."))

    def __init__(self, *args, current=None, **kwargs):
        self.current = current
        super().__init__(*args, **kwargs)

    def clean_moved_in(self):
        day = self.cleaned_data["moved_in"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("Sie können sich frühestens am Tag des Einzugs ummelden. Bitte kommen Sie "
                                          "am %(day)s wieder.") % {"day": formats.date_format(day, "SHORT_DATE_FORMAT")})
        if day < today - dt.timedelta(days=DAYS_BACK):
            raise forms.ValidationError(_("Ein Einzug vor mehr als einem Jahr kann nicht online gemeldet werden. "
                                          "Bitte buchen Sie einen Termin im Bürgerbüro."))
        return day

    def clean(self):
        cleaned = super().clean()
        street = getattr(self, "street", None)
        current = self.current
        if street is not None and current is not None and street.pk == current.street_id and (
                cleaned.get("house_number", "").lower() == current.house_number.lower()
                and cleaned.get("address_extra", "").strip().lower() == current.address_extra.lower()):
            raise forms.ValidationError(_("Unter dieser Anschrift sind Sie schon gemeldet. Bitte geben Sie Ihre "
                                          "neue Anschrift an."))
        return cleaned


class PersonsForm(forms.Form):
    persons = forms.MultipleChoiceField(label=_l("Welche Ihrer Kinder ziehen mit Ihnen um?"), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_l("Minderjährige, die mit Ihnen in der bisherigen Wohnung gemeldet "
                                                     "sind. Wer nicht mitzieht, bleibt dort gemeldet; Erwachsene "
                                                     "melden sich selbst um."))

    def __init__(self, *args, household=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = [
            (str(r.pk), f"{r.given_names} {r.family_name} ({formats.date_format(r.birth_date, 'SHORT_DATE_FORMAT')})")
            for r in household]


class LandlordForm(forms.Form):
    way = forms.ChoiceField(
        label=_l("Wohnungsgeberbestätigung"), widget=forms.RadioSelect,
        choices=[("code", _l("Mein Wohnungsgeber hat online bestätigt: Ich habe einen Code")),
                 ("upload", _l("Ich habe die Bestätigung auf Papier oder als PDF und lade sie hoch"))],
        error_messages={"required": _l("Bitte wählen Sie, wie Sie den Einzug nachweisen.")})
    code = forms.CharField(label=_l("Code des Wohnungsgebers"), max_length=20, required=False,
                           help_text=_l("Zehn Zeichen, zum Beispiel ABCDE-23456"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))

    def __init__(self, *args, new_address=None, **kwargs):
        self.new_address = new_address  # (street, house_number, moved_in) from the first step
        super().__init__(*args, **kwargs)

    def clean(self):
        from digitalstadt.register.services import landlord_confirmation_find, normalise_code

        cleaned = super().clean()
        if cleaned.get("way") != "code":
            cleaned["code"] = ""
            return cleaned
        code = normalise_code(cleaned.get("code", ""))
        if not code:
            self.add_error("code", _("Bitte geben Sie den Code Ihres Wohnungsgebers ein."))
            return cleaned
        if self.new_address is None:
            self.add_error("code", _("Bitte geben Sie zuerst Ihre neue Anschrift an."))
            return cleaned
        street, house_number, moved_in = self.new_address
        try:
            landlord_confirmation_find(code=code, street=street, house_number=house_number, moved_in=moved_in)
        except ValidationError as exc:
            self.add_error("code", exc)
        cleaned["code"] = code
        return cleaned


def _resident(user):
    from digitalstadt.register.selectors import resident_for_user

    return resident_for_user(user=user)


def _new_address(data):
    from .forms import street_of

    values = data.get("neue-anschrift") or {}
    street = street_of(data, "neue-anschrift")
    if street is None or not values.get("moved_in"):
        return None
    return street, values.get("house_number", ""), dt.date.fromisoformat(values["moved_in"])


@register
class Ummeldung(ServicePlugin):
    slug = "ummeldung"
    assurance_level = AssuranceLevel.EID_HIGH
    waits_for_payment = False
    automatic_decision = True
    asks_for_evidence = True
    decision_template = "applications/pdf/meldebestaetigung.html"
    decision_document_type = "Meldebestätigung"
    decision_title = "Meldebestätigung"
    decision_subject = "Meldebestätigung über Ihre Ummeldung"

    def steps(self):
        return [
            Step("neue-anschrift", _l("Neue Anschrift"), NewAddressForm,
                 _l("Ihre bisherige Anschrift kennen wir aus dem Melderegister.")),
            Step("personen", _l("Wer zieht um"), PersonsForm),
            Step("wohnungsgeber", _l("Wohnungsgeber"), LandlordForm,
                 _l("Ihr Vermieter (oder wer Ihnen die Wohnung überlässt) bestätigt den Einzug. Hat er das online "
                    "getan, hat er einen Code bekommen.")),
        ]

    def form_kwargs(self, *, step, data, user):
        resident = _resident(user)
        if step.key == "neue-anschrift":
            return {"current": resident}
        if step.key == "personen":
            from digitalstadt.register.selectors import household_of

            return {"household": household_of(resident=resident) if resident else []}
        if step.key == "wohnungsgeber":
            return {"new_address": _new_address(data)}
        return {}

    def context(self, *, step, data, user):
        return {"resident": _resident(user), "register_notice": step.key == "neue-anschrift"}

    def required_evidence_names(self, *, data):
        return [LANDLORD_EVIDENCE] if (data.get("wohnungsgeber") or {}).get("way") == "upload" else []

    def shows_evidence_step(self, *, data):
        """With the landlord's code there is nothing to upload: no upload step."""
        return bool(self.required_evidence_names(data=data))

    def offered_evidence_names(self, *, data):
        return set(self.required_evidence_names(data=data))

    def check(self, *, data, user, day):
        from digitalstadt.register.services import landlord_confirmation_find

        if _resident(user) is None:
            raise ValidationError(_("Zu Ihrer eID gibt es keinen Eintrag mit Hauptwohnung in %(city)s. Ziehen Sie "
                                    "von außerhalb zu, buchen Sie bitte einen Termin im Bürgerbüro.") % {
                "city": _city()})
        landlord = data.get("wohnungsgeber") or {}
        if landlord.get("way") == "code":
            new = _new_address(data)
            if new is None:
                raise ValidationError(_("Bitte geben Sie Ihre neue Anschrift an."))
            # The address or day may have been changed after the code was checked.
            landlord_confirmation_find(code=landlord.get("code", ""), street=new[0], house_number=new[1],
                                       moved_in=new[2])

    def applicant_name(self, *, data, user):
        resident = _resident(user)
        return f"{resident.given_names} {resident.family_name}" if resident else super().applicant_name(
            data=data, user=user)

    def fee(self, *, service, data, day):
        return FeeQuote()  # free of charge

    def on_submit(self, *, case):
        from digitalstadt.register.services import landlord_confirmation_use

        landlord = case.data.get("wohnungsgeber") or {}
        if landlord.get("way") == "code":
            landlord_confirmation_use(code=landlord.get("code", ""), case_reference=case.reference)

    def can_decide_automatically(self, *, case):
        if not case.applicant.has_assurance(self.assurance_level):
            return False, "Vertrauensniveau des Kontos nicht ausreichend"
        if _resident(case.applicant) is None:
            return False, "kein Meldedatensatz zur eID"
        landlord = case.data.get("wohnungsgeber") or {}
        if landlord.get("way") != "code":
            return False, "Wohnungsgeberbestätigung als Datei: Prüfung durch die Meldebehörde"
        from digitalstadt.register.services import landlord_confirmation_covers, landlord_confirmation_landlord_id

        if landlord_confirmation_landlord_id(code=landlord.get("code", "")) == case.applicant_id:
            return False, "Wohnungsgeberbestätigung vom Antragsteller selbst: Prüfung durch die Meldebehörde"
        names = [(r.family_name, r.given_names.split()[0]) for r in _moving(case)]
        reason = landlord_confirmation_covers(code=landlord.get("code", ""), names=names,
                                              address_extra=(case.data.get("neue-anschrift") or {}).get(
                                                  "address_extra", ""))
        if reason:
            return False, reason
        return True, ""

    def on_rejected(self, *, case, actor):
        from digitalstadt.register.services import landlord_confirmation_release

        landlord = case.data.get("wohnungsgeber") or {}
        if landlord.get("way") == "code":
            landlord_confirmation_release(code=landlord.get("code", ""), case_reference=case.reference)

    def on_approved(self, *, case, actor):
        from digitalstadt.register.services import residents_move

        resident = _resident(case.applicant)
        if resident is None:
            raise ValidationError(_("Zu dieser Person gibt es keinen Meldedatensatz mit Hauptwohnung."))
        new = _new_address(case.data)
        if new is None:
            raise ValidationError(_("Die neue Anschrift ist nicht mehr im Straßenverzeichnis. Bitte lehnen Sie den "
                                    "Antrag mit Begründung ab oder korrigieren Sie das Straßenverzeichnis."))
        values = case.data.get("neue-anschrift") or {}
        summary = residents_move(resident_ids=[r.pk for r in _moving(case)],
                                 street=new[0], house_number=new[1], address_extra=values.get("address_extra", ""),
                                 moved_in=new[2], case_reference=case.reference, actor=actor)
        ended = _end_old_permits(case=case, new_zone=summary.new.zone_code, moved_in=summary.moved_in, actor=actor)
        case.result = {**case.result, "permits_ended": ended, "move": {
            "old": summary.old.line, "old_city": f"{summary.old.postal_code} {_city()}",
            "new": summary.new.line, "new_city": f"{summary.new.postal_code} {_city()}",
            "district": summary.new.district, "moved_in": summary.moved_in.isoformat(),
            "persons": list(summary.persons)}}

    def case_facts(self, *, case):
        values = case.data.get("neue-anschrift") or {}
        if not values.get("street"):
            return []
        extra = f" ({values['address_extra']})" if values.get("address_extra") else ""
        day = formats.date_format(dt.date.fromisoformat(values["moved_in"]), "SHORT_DATE_FORMAT")
        return [(_("Neue Anschrift"), f"{values['street']} {values.get('house_number', '')}{extra}, "
                                      f"{values.get('postal_code', '')}"), (_("Tag des Einzugs"), day)]

    def decision_message(self, *, case):
        from django.utils.translation import gettext_noop

        from digitalstadt.core.urls_helpers import absolute_url

        return (gettext_noop("Was Ihr Umzug noch betrifft (Bewohnerparken, Ausweis, Sperrmüll), finden Sie hier, mit "
                             "Ihrer neuen Anschrift schon ausgefüllt: %(url)s"),
                {"url": absolute_url("applications:after-move", kwargs={"reference": case.reference})})

    def decision_context(self, *, case):
        move = dict(case.result.get("move", {}))
        if move.get("moved_in"):
            move["moved_in"] = dt.date.fromisoformat(move["moved_in"])
        ended = [{**p, "until": dt.date.fromisoformat(p["until"])} for p in case.result.get("permits_ended", [])]
        return {"move": move, "permits_ended": ended}


def _end_old_permits(*, case, new_zone: str, moved_in, actor) -> list[dict]:
    """Resident parking permits of the applicant for a zone they no longer live in end
    on the moving day; the unused days are refunded pro rata on the permit's payment."""
    from digitalstadt.parking.services import resident_permit_end_on_move
    from digitalstadt.payments.services import refund_request

    from ..models import Case, CaseStatus

    ended = []
    permits = Case.objects.filter(applicant=case.applicant, plugin="bewohnerparkausweis",
                                  status=CaseStatus.APPROVED).select_related("payment")
    for permit_case in permits:
        permit_id, zone = permit_case.result.get("permit_id"), (permit_case.result.get("zone") or {}).get("code", "")
        if not permit_id or zone == new_zone:
            continue
        outcome = resident_permit_end_on_move(permit_id=permit_id, last_day=moved_in, actor=actor,
                                              reason=f"Umzug ({case.reference})")
        if outcome is None:
            continue
        permit, unused, total = outcome
        refund_cents = 0
        if permit_case.payment_id and permit_case.payment.amount_received_cents:
            share = round(permit_case.payment.amount_received_cents * unused / total)
            refund = refund_request(payment_id=permit_case.payment_id, amount_cents=share, actor=actor,
                                    system="applications", regarding=case.reference,
                                    reason=f"Bewohnerparkausweis {permit.number}: {unused} von {total} Tagen nicht "
                                           f"genutzt (Umzug, {case.reference})")
            refund_cents = refund.amount_cents if refund else 0
        ended.append({"number": permit.number, "zone": zone, "plate": permit.plate,
                      "until": permit.valid_until.isoformat(), "unused_days": unused,
                      "refund_cents": refund_cents})
    return ended


def _moving(case) -> list:
    """The applicant and the household members chosen who still may move along."""
    from digitalstadt.register.selectors import household_of

    resident = _resident(case.applicant)
    if resident is None:
        return []
    chosen = {int(pk) for pk in (case.data.get("personen") or {}).get("persons", []) if str(pk).isdigit()}
    return [resident, *[r for r in household_of(resident=resident) if r.pk in chosen]]


def _city() -> str:
    from django.conf import settings

    return settings.CITY_TOWN
