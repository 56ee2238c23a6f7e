"""Form pieces several service plugins share (addresses checked against the register)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class AddressForm(forms.Form):
    """An address in this city: the street must be in the register (street index)."""

    street = forms.CharField(label=_("Straße"), max_length=120,
                             widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
                             error_messages={"required": _("Bitte geben Sie die Straße an.")})
    house_number = forms.CharField(label=_("Hausnummer"), max_length=10,
                                   error_messages={"required": _("Bitte geben Sie die Hausnummer an.")})
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=5,
                                  widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
                                  error_messages={"required": _("Bitte geben Sie die Postleitzahl an.")})

    def clean_house_number(self):
        value = self.cleaned_data["house_number"].strip()
        if not re.fullmatch(r"\d{1,4}\s?[a-zA-Z]?(\s?-\s?\d{1,4}\s?[a-zA-Z]?)?", value):
            raise forms.ValidationError(_("Bitte geben Sie eine Hausnummer wie 12 oder 12a an."))
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", value):
            raise forms.ValidationError(_("Die Postleitzahl hat fünf Ziffern."))
        return value

    def clean(self):
        from django.conf import settings

        from digitalstadt.register.selectors import street_find

        cleaned = super().clean()
        if self.errors:
            return cleaned
        street = street_find(name=cleaned["street"], postal_code=cleaned["postal_code"])
        if street is None:
            raise forms.ValidationError(
                _("Diese Adresse liegt nicht in %(city)s oder die Straße passt nicht zur Postleitzahl. "
                  "Bitte prüfen Sie Straße und Postleitzahl.") % {"city": settings.CITY_TOWN})
        cleaned["street"] = street.name
        self.street = street
        return cleaned


# The steps whose address is where the applicant lives (not a business address).
HOME_ADDRESS_STEPS = {"adresse", "halter"}


def register_prefill(user) -> dict:
    """Street, number and postal code: from the register record linked by eID, else the
    address this person gave in their latest submitted application here (once only: a
    citizen without eID does not type it again), if the street is still in the index."""
    from digitalstadt.register.selectors import resident_for_user, street_find

    resident = resident_for_user(user=user)
    if resident is not None:
        return {"street": resident.street.name, "house_number": resident.house_number,
                "postal_code": resident.street.postal_code}
    if not getattr(user, "is_authenticated", False):
        return {}
    from ..models import Application

    latest = (Application.objects.filter(applicant=user, status=Application.Status.SUBMITTED)
              .order_by("-updated_at").values_list("data", flat=True)[:5])
    for data in latest:
        for key, values in (data or {}).items():
            if key not in HOME_ADDRESS_STEPS or not isinstance(values, dict):
                continue
            if values.get("street") and values.get("house_number") and values.get("postal_code"):
                street = street_find(name=str(values["street"]), postal_code=str(values["postal_code"]))
                if street is not None:
                    return {"street": street.name, "house_number": str(values["house_number"]),
                            "postal_code": street.postal_code}
    return {}


def street_of(data: dict, step: str):
    from digitalstadt.register.selectors import street_find

    values = data.get(step) or {}
    return street_find(name=values.get("street", ""), postal_code=values.get("postal_code", ""))
