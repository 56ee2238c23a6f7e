from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "digitalstadt.core"
    label = "core"
    verbose_name = _("Plattform-Kern")

    def ready(self) -> None:
        from . import geocoding, hooks, lookups  # noqa: F401 (geocoding registers its geocoders)

        hooks.register()
        lookups.register()
