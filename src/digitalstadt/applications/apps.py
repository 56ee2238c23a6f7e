from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "digitalstadt.applications"
    verbose_name = _("Online-Anträge und Vorgänge")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
