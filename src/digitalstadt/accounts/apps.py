from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "digitalstadt.accounts"
    label = "accounts"
    verbose_name = _("Konten und Organisationen")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import auth_audit, eid, hooks  # noqa: F401  (eid registers its plugins)
        from .middleware import record_totp_activation

        hooks.register()
        # Staff MFA: a session that just activated TOTP counts as MFA-verified.
        authenticator_added.connect(record_totp_activation, dispatch_uid="ds-record-totp-activation")

        user_logged_in.connect(auth_audit.logged_in, dispatch_uid="ds_audit_login")
        user_login_failed.connect(auth_audit.login_failed, dispatch_uid="ds_audit_login_failed")
