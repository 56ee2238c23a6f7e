from django import forms
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedbackForm(forms.Form):
    page_url = forms.CharField(label=_("Welche Seite betrifft es? (optional)"), required=False, max_length=500)
    message = forms.CharField(
        label=_("Ihre Rückmeldung"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    email = forms.EmailField(label=_("E-Mail-Adresse für Rückfragen (optional)"), required=False)
