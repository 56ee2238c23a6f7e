from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OrganisationKind, OrgRole

# A partner organisation registers itself too: it can do nothing until the business
# development office approves one of its roles (business app).
CITIZEN_ORG_KINDS = [(k.value, k.label) for k in (OrganisationKind.COMPANY, OrganisationKind.SHOP, OrganisationKind.COURIER,
                                                  OrganisationKind.PARTNER)]


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nachname"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Sprache für E-Mails und Benachrichtigungen"),
                                 choices=[("de", "Deutsch"), ("en", "English")])


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name der Organisation"), max_length=200,
                           error_messages={"required": _("Bitte geben Sie den Namen der Organisation an.")})
    kind = forms.ChoiceField(label=_("Art"), choices=CITIZEN_ORG_KINDS, widget=forms.RadioSelect,
                             error_messages={"required": _("Bitte wählen Sie die Art der Organisation.")})
    email = forms.EmailField(label=_("E-Mail-Adresse der Organisation"), required=False)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postal_code = forms.RegexField(label=_("Postleitzahl"), regex=r"^\d{5}$", required=False,
                                   error_messages={"invalid": _("Bitte geben Sie eine fünfstellige Postleitzahl an.")})
    city = forms.CharField(label=_("Ort"), max_length=100, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"),
                             error_messages={"required": _("Bitte geben Sie eine E-Mail-Adresse an."),
                                             "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")})
    role = forms.ChoiceField(label=_("Rolle"), choices=OrgRole.choices, initial=OrgRole.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=OrgRole.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Bezeichnung (z. B. Kassensystem Filiale Mitte)"), max_length=100,
                           error_messages={"required": _("Bitte geben Sie eine Bezeichnung an.")})
    scopes = forms.MultipleChoiceField(label=_("Was darf der Schlüssel?"), widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("Bitte wählen Sie mindestens eine Berechtigung.")})
    valid_days = forms.TypedChoiceField(label=_("Gültig für"), widget=forms.RadioSelect, coerce=int, initial=90,
                                        choices=[(30, _("30 Tage")), (90, _("90 Tage")), (365, _("ein Jahr"))])

    def __init__(self, *args, organisation=None, **kwargs):
        from .services import organisation_scopes

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope.id, f"{scope.label} ({scope.id})")
                                         for scope in organisation_scopes(organisation=organisation)]


class EidSimulatorForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Vertrauensniveau"), widget=forms.RadioSelect,
        choices=[("eid_substantial", _("substanziell (z. B. ELSTER-Zertifikat)")),
                 ("eid_high", _("hoch (Online-Ausweis)"))],
        initial="eid_high",
    )
    subject = forms.CharField(label=_("Pseudonym der Person beim eID-Dienst (simuliert)"), max_length=64)
