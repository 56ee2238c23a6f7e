from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "digitalstadt.catalog"
    label = "catalog"
    verbose_name = _("Leistungskatalog")

    def ready(self) -> None:
        from . import hooks

        hooks.register()
