from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    name = "digitalstadt.business"
    verbose_name = _("Wirtschaft: Coachings und Webinare")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
