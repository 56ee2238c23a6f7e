from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "digitalstadt.delivery"
    verbose_name = _("Lieferung")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
