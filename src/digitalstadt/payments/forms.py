from django import forms
from django.utils.translation import gettext_lazy as _

from .camt import MAX_FILE_BYTES


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Kontoauszug (CAMT.053, XML)"),
                           help_text=_("Die Datei aus dem Online-Banking der Stadtkasse, höchstens 20 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Die Datei ist zu groß (höchstens 20 MB)."))
        return upload


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Klärungsvermerk"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("z. B. „Erstattung veranlasst“ oder „manuell Zahlung DA-… zugeordnet“."))


class AssignForm(forms.Form):
    reference = forms.CharField(label=_("Zahlungsreferenz"), max_length=40)
