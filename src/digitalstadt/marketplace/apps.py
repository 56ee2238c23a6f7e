from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "digitalstadt.marketplace"
    verbose_name = _("Marktplatz")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
