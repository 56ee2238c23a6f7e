from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "digitalstadt.payments"
    label = "payments"
    verbose_name = _("Zahlungen")

    def ready(self) -> None:
        from . import hooks
        from .providers import load_builtin

        load_builtin()
        hooks.register()
