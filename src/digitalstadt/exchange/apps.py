from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "digitalstadt.exchange"
    verbose_name = _("Austausch: Forum und Wissen")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
