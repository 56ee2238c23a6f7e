from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
    page_url = forms.CharField(label=_("Welche Seite betrifft es? (optional)"), required=False, max_length=500)
    message = forms.CharField(
        label=_("Ihre Rückmeldung"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    email = forms.EmailField(label=_("E-Mail-Adresse für Rückfragen (optional)"), required=False)


class VerificationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Datei (PDF)"),
        help_text=_("Die Datei wird nur geprüft und nicht gespeichert."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Bitte wählen Sie die PDF-Datei aus, die Sie prüfen möchten.")},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        from django.template.defaultfilters import filesizeformat

        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens %(size)s).") % {"size": filesizeformat(self.max_bytes)}
            )
        return upload


DAY_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]


def day_field(*, label, help_text, invalid, required: bool = True, required_message=None, **attrs) -> forms.DateField:
    """A day typed as Tag.Monat.Jahr (also ISO) in a text field: the native date input
    differs by browser and language and showed no keyboard focus in Chromium."""
    messages = {"invalid": invalid}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(label=label, required=required, help_text=help_text, input_formats=DAY_INPUT_FORMATS,
                           widget=forms.DateInput(attrs={"inputmode": "numeric", "autocomplete": "off", **attrs},
                                                  format="%d.%m.%Y"),
                           error_messages=messages)
