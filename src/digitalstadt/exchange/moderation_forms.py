"""Forms of the notice, the decision, the appeal and the appointment of moderators."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _l

from .flag_types import AppealOutcome, DecisionOutcome, NoticeReason, TermsRule


class NoticeForm(forms.Form):
    reason = forms.ChoiceField(label=_l("Warum melden Sie diesen Beitrag?"), choices=NoticeReason.choices,
                               widget=forms.RadioSelect)
    concerns_thread = forms.BooleanField(label=_l("Die Meldung betrifft das ganze Thema, nicht nur diesen Beitrag"),
                                         required=False)
    explanation = forms.CharField(
        label=_l("Begründung"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_l("Bei rechtswidrigen Inhalten: Erklären Sie bitte, warum der Inhalt rechtswidrig ist, möglichst "
                     "mit der Vorschrift (z. B. § 185 StGB)."))
    is_csam = forms.BooleanField(label=_l("Der Inhalt zeigt sexuellen Kindesmissbrauch (dann sind Name und E-Mail "
                                          "freiwillig)"), required=False)
    name = forms.CharField(label=_l("Ihr Name"), required=False, max_length=200)
    email = forms.EmailField(label=_l("Ihre E-Mail-Adresse"), required=False,
                             help_text=_l("Für die Eingangsbestätigung und das Ergebnis."))
    good_faith = forms.BooleanField(label=_l("Ich bin in gutem Glauben überzeugt, dass meine Angaben richtig und "
                                             "vollständig sind."), required=False)

    def __init__(self, *args, signed_in: bool, is_first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["name"], self.fields["email"]
        else:
            self.fields["reason"].choices = [(NoticeReason.ILLEGAL, NoticeReason.ILLEGAL.label)]
            self.fields["reason"].initial = NoticeReason.ILLEGAL
        if not is_first:
            del self.fields["concerns_thread"]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Entscheidung"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    facts = forms.CharField(label=_l("Tatsachen und Umstände"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_l("Was steht im Beitrag, was wurde gemeldet, was haben Sie geprüft? Diese "
                                         "Begründung erhält die verfassende Person."))
    terms_rule = forms.ChoiceField(label=_l("Regel der Forumsbedingungen"), required=False,
                                   choices=[("", "–"), *TermsRule.choices])
    legal_ground = forms.CharField(label=_l("Rechtsgrundlage (bei rechtswidrigen Inhalten)"), required=False,
                                   max_length=300, help_text=_l("z. B. § 185 StGB (Beleidigung)"))


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_l("Warum halten Sie die Entscheidung für falsch?"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_l("Ergebnis"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_l("Begründung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class AppointForm(forms.Form):
    email = forms.EmailField(label=_l("E-Mail-Adresse der Person"))
    organisation = forms.ModelChoiceField(label=_l("Partnerorganisation"), queryset=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
