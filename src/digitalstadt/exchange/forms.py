"""Forms of the forum (the rules themselves are in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forum_services import MAX_BODY, MAX_TAGS, MAX_TITLE
from .models import ForumCategory, ForumTag, NotificationLevel

BODY_HELP = _("Nur Text, kein HTML. Erwähnen Sie andere mit @Name. Links sind ab Vertrauensstufe 1 möglich.")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Titel Ihrer Frage"), max_length=MAX_TITLE,
                            error_messages={"required": _("Bitte geben Sie einen Titel an.")})
    category = forms.ModelChoiceField(label=_("Kategorie"), queryset=ForumCategory.objects.all(), to_field_name="slug",
                                      empty_label=None,
                                      error_messages={"invalid_choice": _("Bitte wählen Sie eine Kategorie."),
                                                      "required": _("Bitte wählen Sie eine Kategorie.")})
    tags = forms.ModelMultipleChoiceField(label=_("Schlagwörter"), queryset=ForumTag.objects.all(),
                                          to_field_name="slug", required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          error_messages={"invalid_choice": _("Bitte wählen Sie vorhandene "
                                                                              "Schlagwörter."),
                                                          "invalid_pk_value": _("Bitte wählen Sie vorhandene "
                                                                                "Schlagwörter.")})
    body = forms.CharField(label=_("Ihre Frage"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_BODY,
                           help_text=BODY_HELP, error_messages={"required": _("Bitte beschreiben Sie Ihre Frage.")})

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("Bitte wählen Sie höchstens %(n)d Schlagwörter.") % {"n": MAX_TAGS})
        return tags


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Ihre Antwort"), widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_BODY,
                           help_text=BODY_HELP, error_messages={"required": _("Bitte schreiben Sie Ihre Antwort.")})


class EditForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=MAX_TITLE, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_BODY,
                           help_text=BODY_HELP, error_messages={"required": _("Bitte schreiben Sie einen Text.")})


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Benachrichtigung"), choices=NotificationLevel.choices,
                              error_messages={"invalid_choice": _("Bitte wählen Sie eine Stufe.")})


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Begründung für die Person"), max_length=500,
                             error_messages={"required": _("Bitte geben Sie eine Begründung an.")})
