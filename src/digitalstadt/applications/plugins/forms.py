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


def register_prefill(user) -> dict:
    """Street, number and postal code from the register record linked by eID."""
    from digitalstadt.register.selectors import resident_for_user

    resident = resident_for_user(user=user)
    if resident is None:
        return {}
    return {"street": resident.street.name, "house_number": resident.house_number,
            "postal_code": resident.street.postal_code}


def street_of(data: dict, step: str):
    from digitalstadt.register.selectors import street_find

    values = data.get(step) or {}
    return street_find(name=values.get("street", ""), postal_code=values.get("postal_code", ""))
