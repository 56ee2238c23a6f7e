"""allauth adapters: every allauth e-mail goes through our outbox, rendered in the
recipient's language."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from digitalstadt.core.audit import audit_log


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from digitalstadt.mailbox.services import outbox_enqueue

        user = get_user_model().objects.filter(email__iexact=email).first()
        language = user.language if user is not None else translation.get_language() or "de"
        context = {**context, "platform_name": settings.PLATFORM_NAME, "email": email}
        with translation.override(language):
            subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
            subject = self.format_email_subject(subject)
            body_text = render_to_string(f"{template_prefix}_message.txt", context)
        outbox_enqueue(to=email, subject=subject, body_text=body_text, purpose=f"allauth:{template_prefix}")

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
    def get_totp_label(self, user) -> str:
        return user.email
