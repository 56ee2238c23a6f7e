"""Forms of the shops part (retailer onboarding and profile, manual products, staff review)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _l

from .models import Category, ShopOpeningHours, VatRate
from .shop_services import check_tax_number, check_vat_id

LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class ShopCreateForm(forms.Form):
    name = forms.CharField(label=_l("Name des Geschäfts"), max_length=200,
                           error_messages={"required": _l("Bitte geben Sie den Namen des Geschäfts an.")})
    street = forms.CharField(label=_l("Straße und Hausnummer"), max_length=200,
                             widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
                             error_messages={"required": _l("Bitte geben Sie Straße und Hausnummer an.")})
    postal_code = forms.CharField(label=_l("Postleitzahl"), max_length=5,
                                  widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
                                  error_messages={"required": _l("Bitte geben Sie die Postleitzahl an.")})
    city = forms.CharField(label=_l("Ort"), max_length=100, initial="Darmstadt")
    legal_form = forms.CharField(label=_l("Rechtsform"), max_length=60, required=False)
    owner_name = forms.CharField(label=_l("Inhaber/in oder vertretungsberechtigte Person"), max_length=200,
                                 required=False)
    business_registration = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", value):
            raise ValidationError(_l("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return value


def _sniff_logo(upload):
    from PIL import Image, UnidentifiedImageError

    if upload.size > settings.SHOP_LOGO_MAX_BYTES:
        raise ValidationError(_l("Das Logo ist zu groß (höchstens 2 MB)."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(_l("Diese Datei ist kein Bild (PNG, JPEG oder WebP).")) from None
    finally:
        upload.seek(0)
    if kind not in LOGO_FORMATS:
        raise ValidationError(_l("Bitte laden Sie das Logo als PNG, JPEG oder WebP hoch."))
    if width > 4000 or height > 4000:
        raise ValidationError(_l("Das Logo ist zu groß (höchstens 4000 × 4000 Pixel)."))
    upload.name = f"logo{LOGO_FORMATS[kind]}"
    return upload


class ShopProfileForm(forms.Form):
    name = forms.CharField(label=_l("Name des Geschäfts"), max_length=200)
    description = forms.CharField(label=_l("Beschreibung"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    street = forms.CharField(label=_l("Straße und Hausnummer"), max_length=200)
    postal_code = forms.CharField(label=_l("Postleitzahl"), max_length=5)
    city = forms.CharField(label=_l("Ort"), max_length=100)
    legal_form = forms.CharField(label=_l("Rechtsform"), max_length=60, required=False)
    owner_name = forms.CharField(label=_l("Inhaber/in oder vertretungsberechtigte Person"), max_length=200,
                                 required=False)
    phone = forms.CharField(label=_l("Telefon"), max_length=50, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_l("E-Mail"), required=False)
    website = forms.URLField(label=_l("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(label=_l("Logo"), required=False, help_text=_l("PNG, JPEG oder WebP, höchstens 2 MB."))
    remove_logo = forms.BooleanField(label=_l("Logo entfernen"), required=False)
    categories = forms.ModelMultipleChoiceField(label=_l("Kategorien"), queryset=Category.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    pickup_instructions = forms.CharField(label=_l("Hinweise zur Abholung"), required=False, max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    pickup_slot_minutes = forms.IntegerField(label=_l("Länge eines Abholfensters (Minuten)"), min_value=10,
                                             max_value=240)
    pickup_slot_capacity = forms.IntegerField(label=_l("Abholungen je Zeitfenster"), min_value=1, max_value=100)
    pickup_lead_minutes = forms.IntegerField(label=_l("Vorlauf bis zur ersten Abholung (Minuten)"), min_value=0,
                                             max_value=2880)
    pickup_days_ahead = forms.IntegerField(label=_l("Abholung buchbar für Tage im Voraus"), min_value=0,
                                           max_value=30)
    reservation_hours = forms.IntegerField(label=_l("Reservierung im Laden gilt (Stunden)"), min_value=1,
                                           max_value=336)
    imprint = forms.CharField(label=_l("Impressum"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_l("Anbieterkennzeichnung nach § 5 DDG: Name, Anschrift, Vertretung, "
                                           "Kontakt, Register und Umsatzsteuer-ID."))
    terms = forms.CharField(label=_l("Allgemeine Geschäftsbedingungen"), required=False, max_length=50000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    withdrawal_policy = forms.CharField(label=_l("Widerrufsbelehrung"), required=False, max_length=20000,
                                        widget=forms.Textarea(attrs={"rows": 5}))
    vat_id = forms.CharField(label=_l("Umsatzsteuer-Identifikationsnummer"), max_length=20, required=False,
                             help_text=_l("„DE“ und 9 Ziffern. Ohne USt-ID geben Sie die Steuernummer an."))
    tax_number = forms.CharField(label=_l("Steuernummer"), max_length=30, required=False)
    small_business = forms.BooleanField(label=_l("Kleinunternehmer nach § 19 UStG (keine Umsatzsteuer "
                                                 "auf Rechnungen)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.all()

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", value):
            raise ValidationError(_l("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return value

    def clean_vat_id(self):
        return check_vat_id(self.cleaned_data["vat_id"])

    def clean_tax_number(self):
        return check_tax_number(self.cleaned_data["tax_number"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return _sniff_logo(upload) if upload else None

    def profile_data(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("logo", "remove_logo", "categories"):
            data.pop(key, None)
        return data


WEEKDAYS = ShopOpeningHours._meta.get_field("weekday").choices


class OpeningHoursForm(forms.Form):
    """One row per weekday: opening and closing time, both empty for a closed day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, label in WEEKDAYS:
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_l("%(day)s: öffnet") % {"day": label}, required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages={"invalid": _l("Bitte geben Sie eine Uhrzeit wie 09:30 an.")})
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_l("%(day)s: schließt") % {"day": label}, required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages={"invalid": _l("Bitte geben Sie eine Uhrzeit wie 18:00 an.")})

    def rows(self):
        return [{"label": label, "opens": self[f"opens_{day}"], "closes": self[f"closes_{day}"]}
                for day, label in WEEKDAYS]

    def clean(self):
        cleaned = super().clean()
        for day, _label in WEEKDAYS:
            opens, closes = cleaned.get(f"opens_{day}"), cleaned.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{day}" if opens else f"opens_{day}",
                               _l("Bitte geben Sie beide Uhrzeiten an oder keine (geschlossen)."))
            elif opens is not None and opens >= closes:
                self.add_error(f"closes_{day}", _l("Die Schließzeit muss nach der Öffnungszeit liegen."))
        return cleaned

    def hours(self):
        return [(day, self.cleaned_data[f"opens_{day}"], self.cleaned_data[f"closes_{day}"])
                for day, _label in WEEKDAYS if self.cleaned_data.get(f"opens_{day}")]


class ClosureForm(forms.Form):
    date = forms.DateField(label=_l("Datum"), widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": _l("Bitte geben Sie ein gültiges Datum an."),
                                           "required": _l("Bitte geben Sie ein Datum an.")})
    reason = forms.CharField(label=_l("Grund"), max_length=200, required=False)


class PositionForm(forms.Form):
    latitude = forms.DecimalField(label=_l("Breitengrad"), max_digits=9, decimal_places=6, required=False,
                                  min_value=Decimal(47), max_value=Decimal(55), localize=True)
    longitude = forms.DecimalField(label=_l("Längengrad"), max_digits=9, decimal_places=6, required=False,
                                   min_value=Decimal(5), max_value=Decimal(16), localize=True)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None) and not self.errors:
            raise ValidationError(_l("Bitte geben Sie Breiten- und Längengrad an, oder keinen von beiden."))
        return cleaned


def parse_price(value: str) -> int:
    """"12,90" / "12.90" / "12" -> 1290 cents."""
    text = (value or "").strip().replace("€", "").replace("\u00a0", "").strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_l("Bitte geben Sie den Preis wie 12,90 an.")) from None
    if not amount.is_finite() or amount <= 0 or amount > 100000 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_l("Bitte geben Sie einen Preis zwischen 0,01 und 100.000 € an."))
    return int(amount * 100)


class ProductForm(forms.Form):
    title = forms.CharField(label=_l("Titel"), max_length=200)
    description = forms.CharField(label=_l("Beschreibung"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    price = forms.CharField(label=_l("Preis (brutto, €)"), max_length=20, help_text=_l("Zum Beispiel 12,90"))
    vat_rate = forms.TypedChoiceField(label=_l("Umsatzsteuersatz"), choices=VatRate.choices, coerce=int,
                                      initial=VatRate.STANDARD)
    on_hand = forms.IntegerField(label=_l("Bestand im Laden"), min_value=0, max_value=1_000_000, initial=0)
    sku = forms.CharField(label=_l("Artikelnummer (SKU)"), max_length=64)
    gtin = forms.CharField(label=_l("GTIN / EAN"), max_length=14, required=False)
    active = forms.BooleanField(label=_l("sichtbar im Marktplatz"), required=False, initial=True)

    def clean_price(self):
        return parse_price(self.cleaned_data["price"])

    def clean_gtin(self):
        from .shop_gtin import gtin_is_valid

        value = self.cleaned_data["gtin"].strip()
        if value and not gtin_is_valid(value):
            raise ValidationError(_l("Diese GTIN/EAN ist ungültig (Prüfziffer oder Länge)."))
        return value


class ReviewNoteForm(forms.Form):
    note = forms.CharField(label=_l("Hinweis an das Geschäft"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _l("Bitte schreiben Sie einen Hinweis.")})
    confirm = forms.BooleanField(label=_l("Ich habe das geprüft und möchte das wirklich tun."),
                                 error_messages={"required": _l("Bitte bestätigen Sie.")})


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_l("Ich habe Profil, Rechtstexte und Steuerangaben geprüft."),
                                 error_messages={"required": _l("Bitte bestätigen Sie.")})
