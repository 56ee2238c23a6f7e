from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "digitalstadt.core"
    label = "core"
    verbose_name = _("Plattform-Kern")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from digitalstadt.accounts.middleware import record_totp_activation

        # Staff MFA: a session that just activated TOTP counts as MFA-verified.
        authenticator_added.connect(record_totp_activation, dispatch_uid="ds-record-totp-activation")
