"""The staff form to publish a new version of a toolkit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _l

from .knowledge_text import MAX_BODY


class ToolkitVersionForm(forms.Form):
    body = forms.CharField(
        label=_l("Inhalt"), max_length=MAX_BODY, strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=_l("Überschriften mit „## “, Checklistenpunkte mit „- [ ] “, Aufzählungen mit „- “, "
                     "nummerierte Schritte mit „1. “, Platzhalter als {{Name des Unternehmens}}. "
                     "HTML wird nicht übernommen, sondern als Text angezeigt."),
        error_messages={"required": _l("Bitte geben Sie einen Inhalt ein."),
                        "max_length": _l("Der Inhalt ist zu lang.")})
    change_note = forms.CharField(
        label=_l("Was hat sich geändert?"), max_length=300,
        help_text=_l("Erscheint in der Versionsgeschichte, zum Beispiel „Abschnitt Arbeitszeit ergänzt“."),
        error_messages={"required": _l("Bitte beschreiben Sie kurz, was sich geändert hat."),
                        "max_length": _l("Der Änderungshinweis ist zu lang (höchstens 300 Zeichen).")})
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=1_000_000)
