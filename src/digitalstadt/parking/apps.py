from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingConfig(AppConfig):
    name = "digitalstadt.parking"
    verbose_name = _("Parken")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
