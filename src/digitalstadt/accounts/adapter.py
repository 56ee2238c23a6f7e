"""allauth adapters: every allauth e-mail goes through our outbox, rendered in the
recipient's language."""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from digitalstadt.core.audit import audit_log


# Django's list of common passwords is English; these are the German (and local) words
# people build their passwords from. Checked with digits and punctuation stripped off
# both ends, so "passwort123" and "!Darmstadt2026" are refused too.
GERMAN_COMMON_PASSWORD_WORDS = frozenset({
    "passwort", "kennwort", "geheim", "geheimnis", "hallo", "hallohallo", "schatz", "schatzi",
    "liebe", "ichliebedich", "fussball", "fußball", "sommer", "winter", "frühling", "herbst",
    "sonnenschein", "blume", "hase", "maus", "mausi", "engel", "prinzessin", "schalke",
    "borussia", "bayern", "eintracht", "lilien", "darmstadt", "hessen", "frankfurt",
    "deutschland", "berlin", "qwertz", "qwertzu", "qwertzuiop", "asdfgh", "asdfghjkl",
    "abcdefg", "abc", "test", "willkommen", "anmelden", "zugang", "benutzer", "computer",
    "digitalstadt", "buergeramt", "bürgeramt", "passwort123", "master", "admin",
})
_EDGE_NOISE = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_A_LETTER = re.compile(r"[\W\d_]+")


@cache
def _django_common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


def password_is_guessable(password: str) -> bool:
    lowered = password.strip().lower()
    word = _EDGE_NOISE.sub("", lowered)
    if not word:
        return True  # digits and punctuation only
    letters = _NOT_A_LETTER.sub("", lowered)  # "Hallo-Hallo-1" -> "hallohallo"
    common = _django_common_passwords()
    return any(w in GERMAN_COMMON_PASSWORD_WORDS or w in common for w in (word, letters))


class AccountAdapter(DefaultAccountAdapter):
    def clean_password(self, password: str, user=None) -> str:
        # Django's validators first (length, similarity, its common list), then ours.
        password = super().clean_password(password, user=user)
        if password_is_guessable(password):
            raise ValidationError(
                _("Dieses Passwort ist zu leicht zu erraten: Es besteht aus einem häufigen Wort mit "
                  "Ziffern oder Zeichen davor oder dahinter. Bitte wählen Sie ein anderes Passwort."),
                code="password_too_common",
            )
        return password

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from digitalstadt.mailbox.services import outbox_enqueue

        user = get_user_model().objects.filter(email__iexact=email).first()
        language = user.language if user is not None else translation.get_language() or "de"
        # allauth's own send_mail adds `current_site`; its templates greet with its name.
        site = SimpleNamespace(name=settings.PLATFORM_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {"current_site": site, **context, "platform_name": settings.PLATFORM_NAME, "email": email}
        with translation.override(language):
            subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
            subject = self.format_email_subject(subject)
            body_text = render_to_string(f"{template_prefix}_message.txt", context)
        outbox_enqueue(to=email, subject=subject, body_text=body_text, purpose=f"allauth:{template_prefix}")

    def get_login_redirect_url(self, request):
        """Staff start in the staff area; everybody else on their account page. An
        explicit ?next= still wins (allauth checks it before asking here)."""
        from django.urls import reverse

        from .selectors import user_is_staff

        if user_is_staff(user=request.user):
            return reverse("staff:home")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = translation.get_language() or "de"
        if commit:
            user.save()
            audit_log(actor=user, action="account.signup", subject=user, data_subject=user)
        return user

    def confirm_email(self, request, email_address):
        from .services import user_raise_assurance

        confirmed = super().confirm_email(request, email_address)
        if email_address.primary or email_address.user.email == email_address.email:
            user_raise_assurance(user=email_address.user, level="email", source="email-confirmation")
        return confirmed


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Mitarbeitende der Stadtverwaltung können ihre Zwei-Faktor-Anmeldung nicht selbst abschalten: "
            "Ohne sie sind die Seiten der Verwaltung gesperrt. Haben Sie ein neues Telefon oder die App "
            "verloren, bitten Sie die Plattform-Administration, die Zwei-Faktor-Anmeldung zurückzusetzen; "
            "bei der nächsten Anmeldung richten Sie sie dann neu ein."),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        from .staff_services import second_factor_removable

        return second_factor_removable(user=authenticator.user, authenticator=authenticator)

    def get_totp_label(self, user) -> str:
        return user.email
